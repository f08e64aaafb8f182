#!/bin/bash
# cgroupfs driver on a pure cgroup v2 systemd host, jrunc and runc side by side: placement of runc's
# default spec from a systemd service and from a login shell, limits read inside and from the host's
# cgroup files, update, pause/resume, exec, kill --all, OOM (exit 137, memory.events, `events`),
# nothing left after delete.
. "$REPO/conformance/v2host/lib.sh"

DISK=$(cat /sys/block/vda/dev)   # major:minor of the guest's disk, for io.max and the device filter
RES='"memory": {"limit": 67108864, "swap": 100663296}, "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"}, "pids": {"limit": 20}, "blockIO": {"weight": 500, "throttleReadBpsDevice": [{"major": '${DISK%:*}', "minor": '${DISK#*:}', "rate": 1048576}]}, "hugepageLimits": [{"pageSize": "2MB", "limit": 0}], "unified": {"memory.high": "52428800"}'
DISKMNT='{"destination": "/dev/hostdisk", "type": "bind", "source": "/dev/vda", "options": ["bind"]}'
FILES='memory.max memory.swap.max memory.high memory.oom.group cpu.weight cpu.max pids.max cpuset.cpus io.weight io.max hugetlb.2MB.max'
# one line per file, "name=content" (what runc 1.2 writes for RES; cpu.weight from shares 512,
# io.weight from blkio weight 500, swap.max = swap - limit; memory.oom.group untouched)
WANT="memory.max=67108864;memory.swap.max=33554432;memory.high=52428800;memory.oom.group=0;cpu.weight=20;cpu.max=50000 100000;pids.max=20;cpuset.cpus=0;io.weight=default 4950;io.max=$DISK rbps=1048576 wbps=max riops=max wiops=max;hugetlb.2MB.max=0;"
readcg='for f in '$FILES'; do printf "%s=%s;" $f "$(cat $f)"; done'

# `spec` on a pure v2 host: runc adds a cgroup namespace there; jrunc's must list the same namespaces
mkdir -p $T/spec-j $T/spec-r
$JRUNC spec --bundle $T/spec-j; runc spec --bundle $T/spec-r
nstypes() { tr -d ' \t\n' < "$1" | grep -o '"namespaces":\[[^]]*\]' | grep -o '"type":"[a-z]*"' | sort | tr '\n' ' '; }
eq "jrunc spec: same namespaces as runc spec on a v2 host (cgroup included)" "$(nstypes $T/spec-r/config.json)" "$(nstypes $T/spec-j/config.json)"

for R in jrunc runc; do
  # --- runc's default spec, no cgroupsPath, started by a systemd service: next to the service, in its slice
  id=v2s-$R-$U; b=$T/b-$id
  mkbundle "$b" 'sleep 300'
  rc "$R: run -d of the default spec from a systemd service" 0 \
    systemd-run --wait -q -p WorkingDirectory="$b" --unit "v2t-$id" -- sh -c "$(rtcmd $R) run -d $id </dev/null >/dev/null 2>&1"
  pid=$(pidof_ $R $id)
  eq "$R: service's container is in system.slice/<id>" "0::/system.slice/$id" "$(cat /proc/${pid:-0}/cgroup 2>&1)"
  rmc $R $id
  gone "$R: nothing left after kill + delete (service)" $R $id /sys/fs/cgroup/system.slice/$id

  # --- from a login shell (pam_systemd session scope): in user-0.slice, next to the session
  id=v2l-$R-$U; b=$T/b-$id
  mkbundle "$b" 'sleep 300'
  rc "$R: run -d of the default spec from a login shell" 0 su -l root -c "cd $b && $(rtcmd $R) run -d $id </dev/null >/dev/null 2>&1"
  pid=$(pidof_ $R $id)
  eq "$R: login shell's container is in user-0.slice/<id>" "0::/user.slice/user-0.slice/$id" "$(cat /proc/${pid:-0}/cgroup 2>&1)"
  rmc $R $id
  gone "$R: nothing left after kill + delete (login shell)" $R $id /sys/fs/cgroup/user.slice/user-0.slice/$id

  # --- limits (absolute cgroupsPath), device filter, update, pause/resume, exec, kill --all
  id=v2c-$R-$U; b=$T/b-$id; cg=/sys/fs/cgroup/v2t-$U.slice/$id
  mkbundle "$b" 'sleep 300' "$RES" "/v2t-$U.slice/$id" "$DISKMNT"
  cd "$b"; t0=$(date +%s%N); rc "$R: run -d with limits" 0 rtd $R run -d $id; t1=$(date +%s%N); cd /tmp
  echo "# timing: $R run -d (create + start, limits applied): $(( (t1 - t0) / 1000000 )) ms"
  eq "$R: limits read from the host's cgroup files" "$WANT" "$(cd $cg 2>/dev/null && eval "$readcg")"
  # one exec: the limits as the container sees them, and the eBPF device filter (/dev/null allowed,
  # the host's disk bind-mounted in but not in the rules: denied)
  got=$(rt $R exec $id sh -c "cd /sys/fs/cgroup && $readcg"'; echo; echo x > /dev/null && printf "null ok; "; head -c1 /dev/hostdisk >/dev/null 2>&1 && echo disk open || echo disk denied' 2>&1)
  eq "$R: limits read inside the container (exec)" "$WANT" "$(echo "$got" | head -n1)"
  eq "$R: device filter: /dev/null allowed, the host's disk denied" "null ok; disk denied" "$(echo "$got" | tail -n1)"
  t "$R: update" rt $R update --memory 134217728 --memory-swap 201326592 --pids-limit 30 --cpu-quota 20000 --cpu-period 100000 $id
  eq "$R: update reaches the cgroup files" "134217728 67108864 30 20000 100000" \
    "$(cat $cg/memory.max $cg/memory.swap.max $cg/pids.max $cg/cpu.max 2>&1 | tr '\n' ' ' | sed 's/ $//')"
  t "$R: pause" rt $R pause $id
  eq "$R: paused: state, cgroup.freeze, cgroup.events" "paused 1 frozen 1" "$(status_ $R $id) $(cat $cg/cgroup.freeze) $(grep frozen $cg/cgroup.events)"
  t "$R: resume" rt $R resume $id
  eq "$R: resumed" "running 0" "$(status_ $R $id) $(cat $cg/cgroup.freeze)"
  t "$R: exec -d a second process" rtd $R exec -d $id sleep 200
  eq "$R: two processes in the container's cgroup" 2 "$(wc -l < $cg/cgroup.procs)"
  t "$R: kill --all KILL" rt $R kill --all $id KILL
  wait_status $R $id stopped
  eq "$R: stopped, cgroup empty" "stopped 0" "$(status_ $R $id) $(cat $cg/cgroup.procs 2>/dev/null | wc -l)"
  t "$R: delete" rt $R delete $id
  gone "$R: nothing left after delete (limits)" $R $id $cg
  rmdir /sys/fs/cgroup/v2t-$U.slice

  # --- a threaded subtree (a parent made "domain threaded" by a threaded child): memory limits refused
  # there, naming the cause, nothing left; without domain limits the level is made threaded and runs
  P=/sys/fs/cgroup/v2thr-$R-$U.slice
  mkdir -p $P/t && echo threaded > $P/t/cgroup.type
  id=v2m-$R-$U; b=$T/b-$id
  mkbundle "$b" 'sleep 300' '"memory": {"limit": 67108864}' "/v2thr-$R-$U.slice/$id"
  cd "$b"; o=$(rt $R run -d $id </dev/null 2>&1); code=$?; cd /tmp
  if [ $code != 0 ] && echo "$o" | grep -q "with domain controllers"; then ok "$R: memory limit in a threaded subtree refused"
  else notok "$R: memory limit in a threaded subtree refused" "exit $code" "$o"; fi
  gone "$R: nothing left after the refused create" $R $id $P/$id
  id=v2h-$R-$U; b=$T/b-$id
  mkbundle "$b" 'sleep 300' '"pids": {"limit": 10}' "/v2thr-$R-$U.slice/$id"
  cd "$b"; rc "$R: pids limit only in a threaded subtree runs" 0 rtd $R run -d $id; cd /tmp
  eq "$R: ... in a threaded cgroup, pids.max applied" "threaded 10" "$(cat $P/$id/cgroup.type $P/$id/pids.max 2>&1 | tr '\n' ' ' | sed 's/ $//')"
  rmc $R $id
  gone "$R: nothing left after kill + delete (threaded)" $R $id $P/$id
  rmdir $P/t $P

  # --- OOM: an exec'd process killed (exit 137), memory.events, an "oom" event; pid 1 killed: run exits 137
  id=v2o-$R-$U; b=$T/b-$id; cg=/sys/fs/cgroup/system.slice/$id
  mkbundle "$b" 'sleep 300' '"memory": {"limit": 16777216, "swap": 16777216}'
  cd "$b"; rc "$R: run -d under 16 MiB" 0 rtd $R run -d $id; cd /tmp
  rt $R events --interval 60s $id > $T/ev-$id 2>&1 &
  evpid=$!
  for i in $(seq 1 100); do [ -s $T/ev-$id ] && break; sleep 0.1; done
  rc "$R: exec of a 64 MiB dd is OOM-killed (137)" 137 rt $R exec $id dd if=/dev/zero of=/dev/null bs=64M count=1
  eq "$R: memory.events counts the OOM kill" "oom_kill 1" "$(grep oom_kill $cg/memory.events 2>&1)"
  sleep 0.5
  kill $evpid 2>/dev/null; wait $evpid 2>/dev/null
  if grep -q '"type":"oom"' $T/ev-$id; then ok "$R: events reports the OOM"; else notok "$R: events reports the OOM" "$(cat $T/ev-$id | cut -c1-200)"; fi
  rmc $R $id
  gone "$R: nothing left after kill + delete (OOM)" $R $id $cg
  id=v2p-$R-$U; b=$T/b-$id
  mkbundle "$b" 'dd if=/dev/zero of=/dev/null bs=64M count=1' '"memory": {"limit": 16777216, "swap": 16777216}'
  cd "$b"; rc "$R: run (foreground) of an OOM-killed pid 1 exits 137" 137 rt $R run $id </dev/null; cd /tmp
  gone "$R: nothing left after the foreground run" $R $id /sys/fs/cgroup/system.slice/$id
done
finish
