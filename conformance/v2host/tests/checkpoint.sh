#!/bin/bash
# Checkpoint and restore with criu (issue 17): a container counting in a loop is checkpointed (then gone),
# restored (same cgroup path, the caller's new stdio pipes) and counts on from where it was; exec, kill
# and delete work on it; --leave-running; pre-dump then dump; bad input leaves nothing behind; podman
# container checkpoint/restore with --runtime jrunc; the times against runc's on the same kind of container.
. "$REPO/conformance/v2host/lib.sh"

command -v criu >/dev/null || { notok "criu is installed in the guest" "no criu in PATH"; finish; exit 1; }
LOOP='i=0; while true; do i=$((i+1)); echo $i > /dev/shm/count; echo $i; sleep 0.2; done'
cnt() { cat /proc/$1/root/dev/shm/count 2>/dev/null; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# start RT ID BUNDLE: run -d with pipes as stdio (criu dumps pipes; a host file as stdio is not in the
# container's mount namespace and criu refuses it, for runc too), stdout into $T/ID.out
start() { : | rt $1 run -d --bundle $3 $2 > >(cat > $T/$2.out 2>/dev/null) 2>&1; }
# grows PID: the count goes on (two reads 0.5 s apart)
grows() { local a b; a=$(cnt $1); sleep 0.5; b=$(cnt $1); [ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]; }

for R in jrunc runc; do
  id=ck-$R-$U; b=$T/b-$id; cgp=/v2ck-$U.slice/$id; cg=/sys/fs/cgroup$cgp
  mkbundle $b "$LOOP" '"pids": {"limit": 50}' "$cgp"
  rc "$R: run -d a counting container" 0 start $R $id $b
  pid=$(pidof_ $R $id)
  for i in $(seq 1 50); do [ -n "$(cnt $pid)" ] && [ "$(cnt $pid)" -ge 3 ] && break; sleep 0.1; done
  t0=$(date +%s%N)
  o=$(rt $R checkpoint --image-path $T/img-$R $id 2>&1); c=$?
  tck=$(ms $t0)
  last=$(tail -n1 $T/$id.out)
  if [ $c = 0 ]; then ok "$R: checkpoint"; else notok "$R: checkpoint" "$o" "$(grep -B2 Error $T/img-$R/dump.log | tail -n 12)"; fi
  echo "# timing: $R checkpoint: $tck ms"
  [ -d /proc/$pid ] && notok "$R: the container's process is gone after checkpoint" || ok "$R: the container's process is gone after checkpoint"
  if [ $R = jrunc ]; then
    eq "$R: no container after checkpoint (state fails, no state dir, no cgroup)" "1 no no" \
      "$(rt $R state $id >/dev/null 2>&1; echo $?) $([ -e $(rtroot $R)/$id ] && echo yes || echo no) $([ -e $cg ] && echo yes || echo no)"
    eq "$R: descriptors.json lists the stdio pipes" "3" "$(grep -o 'pipe:' $T/img-$R/descriptors.json | wc -l)"
  fi
  t0=$(date +%s%N)
  o=$(rt $R restore -d --image-path $T/img-$R --bundle $b $id </dev/null 2>$T/$id.err > >(cat > $T/$id.out2 2>/dev/null)); c=$?
  trs=$(ms $t0)
  if [ $c = 0 ]; then ok "$R: restore -d"; else notok "$R: restore -d" "$o" "$(cat $T/$id.err)" "$(grep -B2 Error $T/img-$R/restore.log | tail -n 12)"; fi
  echo "# timing: $R restore: $trs ms"
  npid=$(pidof_ $R $id)
  eq "$R: restored: running, in the same cgroup path, with the bundle's limit" "running 0::$cgp 50" \
    "$(status_ $R $id) $(cat /proc/${npid:-0}/cgroup 2>&1) $(cat $cg/pids.max 2>&1)"
  first=$(cnt ${npid:-0})
  if [ -n "$first" ] && [ -n "$last" ] && [ "$first" -ge "$last" ] && grows ${npid:-0}; then
    ok "$R: the count goes on from where it was ($last at checkpoint, $first after restore)"
  else notok "$R: the count goes on from where it was" "at checkpoint: $last, after restore: $first, now $(cnt ${npid:-0})"; fi
  sleep 0.3
  n2=$(head -n1 $T/$id.out2)
  if [ -n "$n2" ] && [ "$n2" -ge "$last" ]; then ok "$R: the restored process writes to restore's stdout"; else notok "$R: the restored process writes to restore's stdout" "first line: '$n2'"; fi
  if [ $R = jrunc ]; then
    before=$(cnt $npid); got=$(rt $R exec $id cat /dev/shm/count 2>&1)
    if [ -n "$before" ] && [ "$got" -ge "$before" ] 2>/dev/null; then ok "$R: exec in the restored container ($got)"
    else notok "$R: exec in the restored container" "count before exec: $before, exec printed: $got"; fi
    rc "$R: restore into an existing id fails" 1 rt $R restore -d --image-path $T/img-$R --bundle $b $id
    eq "$R: ... and leaves that container running with the same pid" "running $npid" "$(status_ $R $id) $(pidof_ $R $id)"
  fi
  rmc $R $id
  gone "$R: nothing left after kill + delete of the restored container" $R $id $cg
done

# --- jrunc: --leave-running, pre-dump then dump, foreground restore, a failing restore
id=ck2-$U; b=$T/b-$id; cgp=/v2ck-$U.slice/$id; cg=/sys/fs/cgroup$cgp
mkbundle $b "$LOOP" "" "$cgp"
rc "jrunc: run -d (second container)" 0 start jrunc $id $b
pid=$(pidof_ jrunc $id)
rc "jrunc: checkpoint --leave-running" 0 rt jrunc checkpoint --leave-running --image-path $T/lr $id
if [ "$(status_ jrunc $id)" = running ] && grows $pid && [ -s $T/lr/inventory.img ]; then ok "jrunc: --leave-running: images written, the container runs on"
else notok "jrunc: --leave-running: images written, the container runs on" "status $(status_ jrunc $id); $(ls $T/lr | head)"; fi
rc "jrunc: checkpoint --pre-dump" 0 rt jrunc checkpoint --pre-dump --image-path $T/pre $id
eq "jrunc: pre-dump leaves the container running, no descriptors.json" "running no" "$(status_ jrunc $id) $([ -e $T/pre/descriptors.json ] && echo yes || echo no)"
sleep 0.3
o=$(rt jrunc checkpoint --parent-path ../pre --image-path $T/final $id 2>&1); c=$?
last=$(tail -n1 $T/$id.out)
if [ $c = 0 ]; then ok "jrunc: checkpoint --parent-path after the pre-dump"; else notok "jrunc: checkpoint --parent-path after the pre-dump" "$o" "$(grep -B2 Error $T/final/dump.log | tail -n 12)"; fi
eq "jrunc: the dump references the pre-dump (parent link)" "../pre" "$(readlink $T/final/parent)"
# restore in the foreground: it waits for the restored process (its child) and deletes the container after
rt jrunc restore --image-path $T/final --bundle $b $id </dev/null > >(cat > $T/fg.out 2>/dev/null) 2>&1 &
fg=$!
if wait_status jrunc $id running 150; then ok "jrunc: restore (foreground) from pre-dump + dump"; else notok "jrunc: restore (foreground) from pre-dump + dump" "$(cat $T/fg.out)"; fi
npid=$(pidof_ jrunc $id); first=$(cnt ${npid:-0})
if [ -n "$first" ] && [ -n "$last" ] && [ "$first" -ge "$last" ] && grows ${npid:-0}; then ok "jrunc: restored from pre-dump + dump, the count goes on ($last -> $first)"
else notok "jrunc: restored from pre-dump + dump, the count goes on" "at checkpoint: $last, after restore: $first"; fi

# bad input (criu missing or too old, unwritable image path, container not running: the host's CheckpointTest)
err() { rt jrunc "$@" 2>&1 >/dev/null | sed -n 's/.*msg="\(.*\)".*/\1/p' | head -n1; }
# a restore that criu fails (an image directory without images): no state, no cgroup, no mount left
mkdir $T/bogus; echo '["pipe:[1]","pipe:[2]","pipe:[3]"]' > $T/bogus/descriptors.json
b3=$T/b-ck3-$U; mkbundle $b3 "$LOOP" "" "/v2ck-$U.slice/ck3-$U"
rc "jrunc: restore from a directory without images fails" 1 rt jrunc restore -d --image-path $T/bogus --bundle $b3 ck3-$U
gone "jrunc: ... and leaves no state dir, no cgroup" jrunc ck3-$U /sys/fs/cgroup/v2ck-$U.slice/ck3-$U
eq "jrunc: ... and no criu-root mount" "0" "$(grep -c criu-root /proc/self/mountinfo)"
# the bundle of the running container (same cgroupsPath) under another id: refused, that container untouched
eq "jrunc: restore into a cgroup that holds another container's processes" \
  "cannot restore ck6-$U into cgroup $cg: it holds N process(es) already (another container's cgroupsPath?)" \
  "$(err restore -d --image-path $T/final --bundle $b ck6-$U | sed 's/holds [0-9]* /holds N /')"
eq "jrunc: ... and the container in that cgroup runs on" "running $npid" "$(status_ jrunc $id) $(pidof_ jrunc $id)"
rt jrunc kill $id KILL
wait $fg; eq "jrunc: foreground restore exits 137 when the restored process is killed" "137" "$?"
gone "jrunc: ... and the container is deleted" jrunc $id $cg

# --- podman (its default here: the systemd cgroup manager) checkpoint / restore through jrunc
tar -C "$(rootfs)" -cf $T/bb.tar .
podman import $T/bb.tar localhost/v2ck:latest >/dev/null 2>&1
pm() { podman --events-backend=file --runtime "$JRUNC" "$@"; }
n=v2ck-pm-$U
rc "podman: run -d a counting container with --runtime jrunc" 0 pm run -d --name $n --pids-limit 60 localhost/v2ck:latest sh -c "$LOOP"
ppid=$(podman inspect -f '{{.State.Pid}}' $n)
sleep 0.5
t0=$(date +%s%N); o=$(pm container checkpoint $n 2>&1); c=$?; tp=$(ms $t0)
last=$(pm logs $n 2>/dev/null | tail -n1)
if [ $c = 0 ]; then ok "podman: container checkpoint"; else notok "podman: container checkpoint" "$o"; fi
echo "# timing: podman container checkpoint (jrunc): $tp ms"
eq "podman: checkpointed container is exited" "exited" "$(podman inspect -f '{{.State.Status}}' $n 2>&1)"
t0=$(date +%s%N); o=$(pm container restore $n 2>&1); c=$?; tp=$(ms $t0)
if [ $c = 0 ]; then ok "podman: container restore"; else notok "podman: container restore" "$o"; fi
echo "# timing: podman container restore (jrunc): $tp ms"
npid=$(podman inspect -f '{{.State.Pid}}' $n 2>/dev/null)
first=$(cnt ${npid:-0})
if [ "$(podman inspect -f '{{.State.Status}}' $n 2>&1)" = running ] && [ "$npid" != "$ppid" ] && [ -n "$first" ] && [ -n "$last" ] \
   && [ "$first" -ge "$last" ] && grows $npid; then
  ok "podman: restored container runs (new pid) and counts on ($last at checkpoint, $first after restore)"
else notok "podman: restored container runs (new pid) and counts on" "status $(podman inspect -f '{{.State.Status}}' $n 2>&1), pid $ppid -> $npid, count $last -> $first"; fi
unit=libpod-$(podman inspect -f '{{.Id}}' $n).scope
eq "podman: the restored container's scope is an active systemd unit with the limit" "active 60" \
  "$(systemctl is-active $unit 2>&1) $(cat /sys/fs/cgroup/machine.slice/$unit/pids.max 2>&1)"
eq "podman: exec in the restored container" "ok" "$(pm exec $n echo ok 2>&1)"
rc "podman: rm -f" 0 pm rm -f -t 0 $n
podman rmi -f localhost/v2ck:latest >/dev/null 2>&1
finish
