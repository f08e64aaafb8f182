#!/bin/bash
# The systemd cgroup driver (--systemd-cgroup) on the v2host guest (systemd, pure cgroup v2), jrunc and
# runc side by side: our own lifecycle with limits read from the unit (systemctl show) and inside the
# container, update, pause/resume, exec, OOM, delete leaving nothing; podman with its default systemd
# cgroup manager; containerd via ctr with SystemdCgroup; bad inputs (jrunc: the field is named, nothing is
# left). Runs as root inside the guest (conformance/v2host/run, or ../shared/v2host/guest-run.sh < this).
# Prints TAP-like "ok" / "not ok" lines and exits 1 if any jrunc case failed (runc's lines are the record:
# "# runc:" lines never fail the script). RUNTIMES="jrunc runc" by default; BENCH=N create latencies
# (default 3, 0 to skip); SECTIONS="lifecycle callers rootless" (default all three).
set -u
REPO=${REPO:-$(cd "$(dirname "$(readlink -f "$0")")/../../.." && pwd)}
JRUNC=$REPO/bin/jrunc
RUNC=$(command -v runc || true)
RUNTIMES=${RUNTIMES:-jrunc runc}
BENCH=${BENCH:-3}
SECTIONS=${SECTIONS:-lifecycle callers rootless}
want() { case " $SECTIONS " in *" $1 "*) return 0;; esac; return 1; }
T=$(mktemp -d /tmp/sdtest.XXXXXX)
TAG=$$
RUSER=jrsd$TAG # the rootless section's user (lingering, so it has a systemd user manager)
FAIL=0; N=0
started_pids=()

ok() { N=$((N+1)); echo "ok $N - $1"; }
nok() { # name, detail; a runc failure is recorded, not counted
  N=$((N+1))
  # runc's misses are the record (documented differences), not failures: conformance/v2host/run counts
  # every line that starts with "not ok"
  case "$1" in runc:*) echo "# runc, for the record: not ok $N - $1: $2";; *) echo "not ok $N - $1: $2"; FAIL=1;; esac
}
check() { # name, expected, actual
  if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "expected [$2], got [$3]"; fi
}
bin() { [ "$1" = jrunc ] && echo "$JRUNC" || echo "$RUNC"; }
prefix() { [ "$1" = jrunc ] && echo jrunc || echo runc; } # the default unit prefix each uses

cleanup() {
  for p in "${started_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for rt in $RUNTIMES; do
    for id in $(ls "$T/root-$rt" 2>/dev/null); do "$(bin $rt)" --root "$T/root-$rt" --systemd-cgroup delete -f "$id" >/dev/null 2>&1; done
  done
  systemctl unmask "jrsdmask$TAG.slice" >/dev/null 2>&1
  for c in $(podman ps -aq --filter label=sdtest=$TAG 2>/dev/null); do podman rm -f "$c" >/dev/null 2>&1; done
  ctr -n sdtest$TAG tasks ls -q 2>/dev/null | while read -r t; do ctr -n sdtest$TAG tasks kill -s 9 "$t" >/dev/null 2>&1; done
  for c in $(ctr -n sdtest$TAG containers ls -q 2>/dev/null); do ctr -n sdtest$TAG tasks rm -f "$c" >/dev/null 2>&1; ctr -n sdtest$TAG containers rm "$c" >/dev/null 2>&1; done
  for i in $(ctr -n sdtest$TAG images ls -q 2>/dev/null); do ctr -n sdtest$TAG images rm "$i" >/dev/null 2>&1; done
  ctr namespaces rm sdtest$TAG >/dev/null 2>&1
  podman rmi -f localhost/sdtest$TAG >/dev/null 2>&1
  if id "$RUSER" >/dev/null 2>&1; then
    su - "$RUSER" -c 'podman rm -af; podman rmi -af' >/dev/null 2>&1
    loginctl disable-linger "$RUSER" >/dev/null 2>&1; loginctl terminate-user "$RUSER" >/dev/null 2>&1
    sleep 1; userdel -r "$RUSER" >/dev/null 2>&1; sed -i "/^$RUSER:/d" /etc/subuid /etc/subgid
  fi
  rm -rf "$T"
}
trap cleanup EXIT

for t in busybox systemctl podman ctr python3; do
  command -v $t >/dev/null || { nok "tools" "$t is missing in the guest"; exit 1; }
done
[ -n "$RUNC" ] || echo "# runc missing: only jrunc runs"
[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || { nok "host" "not a pure cgroup v2 host"; exit 1; }

# ---------------------------------------------------------------- bundle
mkdir -p "$T/rootfs"/{bin,proc,dev,sys,tmp,etc}
cp "$(command -v busybox)" "$T/rootfs/bin/"
for c in sh true cat sleep ls echo head; do ln -sf busybox "$T/rootfs/bin/$c"; done
# bundle NAME ARGS-JSON [python statements on c]: a config from `jrunc spec`, no terminal
bundle() {
  local b=$T/b-$1; mkdir -p "$b"
  (cd "$b" && rm -f config.json && "$JRUNC" spec)
  python3 - "$b/config.json" "$2" "${3:-}" "$T/rootfs" <<'P'
import json, sys
p, args, extra = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
c = json.load(open(p))
c['process']['terminal'] = False
c['process']['args'] = args
c['root'] = {'path': sys.argv[4], 'readonly': True}  # runc refuses a symlinked rootfs
# these cases read the container's cgroup path from inside: no cgroup namespace (both runtimes' spec add one on v2)
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'cgroup']
exec(extra)
json.dump(c, open(p, 'w'))
P
  echo "$b"
}
LIMITS="c['linux']['resources']={'memory':{'limit':67108864},'pids':{'limit':50},'cpu':{'quota':50000,'period':100000,'shares':1024,'cpus':'0'}}"
field() { python3 -c 'import json,sys
try: print(json.load(sys.stdin)[sys.argv[1]])
except Exception: print("")' "$1"; }
status() { field status; }
show() { systemctl show "$1" -p "$2" --value 2>/dev/null; }
gone() { # runtime unit cgroupdir id: nothing left
  local st; st=$(show "$2" LoadState)
  if [ "$st" != not-found ] && [ "$st" != "" ]; then echo "unit $2 $st/$(show "$2" ActiveState)"; return; fi
  [ -e "$3" ] && { echo "cgroup $3 left"; return; }
  [ -e "$T/root-$1/$4" ] && { echo "state dir left"; return; }
  echo none
}

# ---------------------------------------------------------------- our lifecycle, per runtime
want lifecycle && for rt in $RUNTIMES; do
  [ $rt = runc ] && [ -z "$RUNC" ] && continue
  R="$(bin $rt) --root $T/root-$rt --systemd-cgroup"
  P=$rt; [ $rt = runc ] && P="runc:"
  pfx=$(prefix $rt)

  # 1. default spec: no cgroupsPath -> <prefix>-<id>.scope in system.slice
  id=sd-$rt-def-$TAG
  b=$(bundle def '["cat","/proc/self/cgroup"]')
  out=$($R run --bundle "$b" $id 2>&1); rc=$?
  check "$P default spec: run exits 0" 0 $rc
  check "$P default spec: cgroup is system.slice/$pfx-$id.scope" "0::/system.slice/$pfx-$id.scope" "$out"
  check "$P default spec: nothing left after run" none "$(gone $rt $pfx-$id.scope /sys/fs/cgroup/system.slice/$pfx-$id.scope $id)"

  # 2. system.slice:jrsd:ID with limits
  id=sd-$rt-lim-$TAG; unit=jrsd-$id.scope; cg=/sys/fs/cgroup/system.slice/$unit
  b=$(bundle lim '["sleep","1000"]' "$LIMITS; c['linux']['cgroupsPath']='system.slice:jrsd:$id'")
  $R run -d --bundle "$b" $id </dev/null >/dev/null 2>"$T/err"; rc=$?
  check "$P limits: run -d exits 0" 0 "$rc$( [ $rc = 0 ] || head -c 300 "$T/err")"
  check "$P limits: unit active" active "$(show $unit ActiveState)"
  check "$P limits: Delegate=yes" yes "$(show $unit Delegate)"
  check "$P limits: MemoryMax" 67108864 "$(show $unit MemoryMax)"
  check "$P limits: TasksMax" 50 "$(show $unit TasksMax)"
  check "$P limits: CPUQuotaPerSecUSec" 500ms "$(show $unit CPUQuotaPerSecUSec)"
  check "$P limits: CPUWeight (shares 1024)" 39 "$(show $unit CPUWeight)"
  check "$P limits: AllowedCPUs" 0 "$(show $unit AllowedCPUs)"
  check "$P limits: DevicePolicy" strict "$(show $unit DevicePolicy)"
  check "$P limits: ControlGroup" /system.slice/$unit "$(show $unit ControlGroup)"
  check "$P limits: init in the unit's cgroup" yes "$(grep -qx "$($R state $id 2>/dev/null | field pid)" $cg/cgroup.procs 2>/dev/null && echo yes)"
  inside=$($R exec $id sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max /sys/fs/cgroup/cpuset.cpus; cat /proc/self/cgroup' 2>&1 | tr '\n' ' ')
  check "$P limits: exec reads them inside (no cgroupns in the spec)" "67108864 50 50000 100000 0 0::/system.slice/$unit " "$inside"
  check "$P limits: cpu.weight file" 39 "$(cat $cg/cpu.weight 2>/dev/null)"
  $R exec $id sh -c 'echo x > /dev/null' 2>/dev/null; check "$P limits: devices: /dev/null writable" 0 $?
  case "$(show $unit DeviceAllow)" in *"/dev/char/1:3 rwm"*) ok "$P limits: DeviceAllow has /dev/null";; *) nok "$P limits: DeviceAllow has /dev/null" "$(show $unit DeviceAllow)";; esac

  # update: through the unit and the files
  $R update --memory 134217728 --pids-limit 60 $id 2>"$T/err"; rc=$?
  check "$P update exits 0" 0 "$rc$( [ $rc = 0 ] || head -c 300 "$T/err")"
  check "$P update: MemoryMax" 134217728 "$(show $unit MemoryMax)"
  check "$P update: TasksMax" 60 "$(show $unit TasksMax)"
  check "$P update: inside" "134217728 60" "$($R exec $id cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max 2>&1 | tr '\n' ' ' | sed 's/ $//')"

  # pause / resume
  $R pause $id; check "$P pause: status" paused "$($R state $id | status)"
  check "$P pause: cgroup.freeze" 1 "$(cat $cg/cgroup.freeze 2>/dev/null)"
  $R resume $id; check "$P resume: status" running "$($R state $id | status)"
  check "$P resume: cgroup.freeze" 0 "$(cat $cg/cgroup.freeze 2>/dev/null)"

  # kill --all, then delete: no unit, no cgroup, no state
  $R kill --all $id KILL 2>/dev/null
  for i in $(seq 50); do [ "$($R state $id 2>/dev/null | status)" = stopped ] && break; sleep 0.2; done
  $R delete $id 2>"$T/err"; rc=$?
  check "$P delete exits 0" 0 "$rc$( [ $rc = 0 ] || head -c 300 "$T/err")"
  check "$P delete: nothing left" none "$(gone $rt $unit $cg $id)"

  # delete -f of a running container
  id=sd-$rt-f-$TAG; unit=jrsd-$id.scope; cg=/sys/fs/cgroup/system.slice/$unit
  b=$(bundle f '["sleep","1000"]' "c['linux']['cgroupsPath']='system.slice:jrsd:$id'")
  $R run -d --bundle "$b" $id </dev/null >/dev/null 2>&1
  check "$P delete -f: unit was active" active "$(show $unit ActiveState)"
  $R delete -f $id 2>"$T/err"; rc=$?
  check "$P delete -f exits 0" 0 "$rc$( [ $rc = 0 ] || head -c 300 "$T/err")"
  check "$P delete -f: nothing left" none "$(gone $rt $unit $cg $id)"

  # 3. OOM: exit 137, nothing left
  id=sd-$rt-oom-$TAG; unit=jrsd-$id.scope
  b=$(bundle oom '["sh","-c","x=xxxxxxxxxxxxxxxx; while :; do x=$x$x; done"]' "c['linux']['resources']={'memory':{'limit':20971520,'swap':20971520}}; c['linux']['cgroupsPath']='system.slice:jrsd:$id'")
  $R run --bundle "$b" $id </dev/null >/dev/null 2>&1; rc=$?
  check "$P OOM: exit 137" 137 $rc
  [ -d "$T/root-$rt/$id" ] && $R delete -f $id >/dev/null 2>&1
  check "$P OOM: nothing left" none "$(gone $rt $unit /sys/fs/cgroup/system.slice/$unit $id)"

  # 4. annotations: org.systemd.property.*
  id=sd-$rt-ann-$TAG; unit=jrsd-$id.scope
  b=$(bundle ann '["sleep","1000"]' "c['annotations']={'org.systemd.property.TimeoutStopUSec':'uint64 123456789','org.systemd.property.CollectMode':\"'inactive-or-failed'\"}; c['linux']['cgroupsPath']='system.slice:jrsd:$id'")
  $R run -d --bundle "$b" $id </dev/null >/dev/null 2>"$T/err"; rc=$?
  check "$P annotations: run -d exits 0" 0 "$rc$( [ $rc = 0 ] || head -c 300 "$T/err")"
  check "$P annotations: TimeoutStopUSec" "2min 3.456789s" "$(show $unit TimeoutStopUSec)"
  check "$P annotations: CollectMode" inactive-or-failed "$(show $unit CollectMode)"
  $R delete -f $id >/dev/null 2>&1
  check "$P annotations: nothing left" none "$(gone $rt $unit /sys/fs/cgroup/system.slice/$unit $id)"

  # 5. bad input: an error naming the field, exit != 0, nothing left
  bad() { # name, cgroupsPath, expected text in the error, [env]
    local id=sd-$rt-bad$1-$TAG
    local b; b=$(bundle bad$1 '["true"]' "c['linux']['cgroupsPath']='$2'")
    out=$(env ${4:-X=1} $R run --bundle "$b" $id </dev/null 2>&1); rc=$?
    if [ $rc != 0 ] && echo "$out" | grep -q -- "$3"; then ok "$P bad input $1: refused naming '$3'"
    else nok "$P bad input $1: refused naming '$3'" "rc=$rc: $(echo "$out" | tail -1 | head -c 300)"; fi
    u=jrsd-$id.scope
    check "$P bad input $1: nothing left" none "$(gone $rt $u /sys/fs/cgroup/system.slice/$u $id)"
  }
  bad path "system.slice:jrsd" /linux/cgroupsPath
  bad slice "sys-.slice:jrsd:x$TAG" /linux/cgroupsPath
  bad notslice "system:jrsd:x$TAG" /linux/cgroupsPath
  systemctl mask "jrsdmask$TAG.slice" >/dev/null 2>&1
  bad masked "jrsdmask$TAG.slice:jrsd:sd-$rt-badmasked-$TAG" /linux/cgroupsPath
  systemctl unmask "jrsdmask$TAG.slice" >/dev/null 2>&1
  bad nobus "system.slice:jrsd:sd-$rt-badnobus-$TAG" "systemd" DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus
  # a unit of that name exists (started here with systemd-run): refused, and the other unit untouched
  id=sd-$rt-dup-$TAG; unit=jrsd-$id.scope
  systemd-run --quiet --scope --unit=$unit --slice=system.slice sleep 1000 </dev/null >/dev/null 2>&1 &
  started_pids+=($!)
  for i in $(seq 50); do [ "$(show $unit ActiveState)" = active ] && break; sleep 0.2; done
  b=$(bundle dup '["true"]' "c['linux']['cgroupsPath']='system.slice:jrsd:$id'")
  out=$($R run --bundle "$b" $id </dev/null 2>&1); rc=$?
  if [ $rc != 0 ] && echo "$out" | grep -q "/linux/cgroupsPath" && echo "$out" | grep -q "already exists"; then ok "$P unit exists: refused naming /linux/cgroupsPath"
  else nok "$P unit exists: refused naming /linux/cgroupsPath" "rc=$rc: $(echo "$out" | tail -1 | head -c 300)"; fi
  check "$P unit exists: the other unit still active" active "$(show $unit ActiveState)"
  check "$P unit exists: no state dir" no "$([ -e $T/root-$rt/$id ] && echo yes || echo no)"
  systemctl stop $unit >/dev/null 2>&1
done

# ---------------------------------------------------------------- podman (systemd cgroup manager), ctr
if want callers; then
tar -C "$T/rootfs" -cf "$T/bb.tar" . && podman import -q "$T/bb.tar" localhost/sdtest$TAG >/dev/null || nok "podman import" "failed"
check "podman's cgroup manager is systemd" systemd "$(podman info --format '{{.Host.CgroupManager}}')"
systemctl start containerd
podman save -q --format oci-archive -o "$T/bb-oci.tar" localhost/sdtest$TAG >/dev/null 2>&1
ctr -n sdtest$TAG image import --base-name localhost/sdtest$TAG "$T/bb-oci.tar" >/dev/null 2>&1 || nok "ctr image import" failed
for rt in $RUNTIMES; do
  [ $rt = runc ] && [ -z "$RUNC" ] && continue
  P=$rt; [ $rt = runc ] && P="runc:"
  PM="podman --runtime $(bin $rt)"
  out=$($PM run --rm --label sdtest=$TAG localhost/sdtest$TAG cat /proc/self/cgroup 2>&1); rc=$?
  check "$P podman run: exit 0" 0 $rc
  case "$out" in "0::/"|0::/machine.slice/libpod-*) ok "$P podman run: in a libpod scope (cgroupns: $out)";; *) nok "$P podman run: in a libpod scope" "$out";; esac
  check "$P podman run --memory --pids-limit: limits inside" "67108864 50" "$($PM run --rm --label sdtest=$TAG --memory 64m --pids-limit 50 localhost/sdtest$TAG cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max 2>&1 | tr '\n' ' ' | sed 's/ $//')"
  cid=$($PM run -d --label sdtest=$TAG --memory 64m localhost/sdtest$TAG sleep 1000 2>&1); rc=$?
  check "$P podman run -d" 0 $rc
  scope=libpod-$cid.scope
  check "$P podman: scope MemoryMax" 67108864 "$(show $scope MemoryMax)"
  check "$P podman: scope Delegate" yes "$(show $scope Delegate)"
  check "$P podman exec" hi "$($PM exec $cid echo hi 2>&1)"
  $PM pause $cid >/dev/null 2>&1; check "$P podman pause" paused "$($PM inspect -f '{{.State.Status}}' $cid 2>&1)"
  $PM unpause $cid >/dev/null 2>&1; check "$P podman unpause" running "$($PM inspect -f '{{.State.Status}}' $cid 2>&1)"
  $PM stop -t 1 $cid >/dev/null 2>&1; check "$P podman stop" exited "$($PM inspect -f '{{.State.Status}}' $cid 2>&1)"
  $PM rm $cid >/dev/null 2>&1; check "$P podman rm: container gone" "" "$($PM ps -aq --no-trunc --filter id=$cid 2>&1)"
  check "$P podman rm: scope gone" none "$(st=$(show $scope LoadState); [ "$st" = not-found ] && echo none || echo "$st/$(show $scope ActiveState)")"
  $PM run --rm --label sdtest=$TAG --memory 20m --memory-swap 20m localhost/sdtest$TAG sh -c 'x=xxxxxxxxxxxxxxxx; while :; do x=$x$x; done' >/dev/null 2>&1
  check "$P podman OOM: exit 137" 137 $?

  # containerd, SystemdCgroup = true (ctr's --runc-systemd-cgroup)
  cid=ctr-$rt-$TAG; C="ctr -n sdtest$TAG"
  out=$($C run --rm --runc-binary "$(bin $rt)" --runc-systemd-cgroup --cgroup "system.slice:ctrsd:$cid" \
        localhost/sdtest$TAG:latest $cid cat /proc/self/cgroup 2>&1)
  # ctr's spec has no cgroup namespace
  check "$P ctr --runc-systemd-cgroup run: in ctrsd-$cid.scope" "0::/system.slice/ctrsd-$cid.scope" "$out"
  check "$P ctr: nothing left" none "$(st=$(show ctrsd-$cid.scope LoadState); [ "$st" = not-found ] && echo none || echo "$st")"
  $C run -d --runc-binary "$(bin $rt)" --runc-systemd-cgroup --cgroup "system.slice:ctrsd:$cid-d" --memory-limit 67108864 \
      localhost/sdtest$TAG:latest $cid-d sleep 1000 >/dev/null 2>&1
  check "$P ctr run -d: scope MemoryMax" 67108864 "$(show ctrsd-$cid-d.scope MemoryMax)"
  check "$P ctr run -d: memory.max" 67108864 "$(cat /sys/fs/cgroup/system.slice/ctrsd-$cid-d.scope/memory.max 2>&1)"
  $C tasks kill -s 9 $cid-d >/dev/null 2>&1
  for i in $(seq 50); do $C tasks ls -q 2>/dev/null | grep -qx "$cid-d" || break; $C tasks rm $cid-d >/dev/null 2>&1; sleep 0.2; done
  $C containers rm $cid-d >/dev/null 2>&1
  check "$P ctr run -d, kill, rm: nothing left" none "$(st=$(show ctrsd-$cid-d.scope LoadState); [ "$st" = not-found ] && echo none || echo "$st"; [ -e /sys/fs/cgroup/system.slice/ctrsd-$cid-d.scope ] && echo cgroup-left)"
  ctr -n sdtest$TAG run --rm --runc-binary "$(bin $rt)" --runc-systemd-cgroup --cgroup "system.slice:ctrsd:$cid-oom" --memory-limit 20971520 \
      localhost/sdtest$TAG:latest $cid-oom sh -c 'x=xxxxxxxxxxxxxxxx; while :; do x=$x$x; done' >/dev/null 2>&1
  check "$P ctr OOM: exit 137" 137 $?
done
fi

# ---------------------------------------------------------------- rootless: the user's systemd
if want rootless; then
  chmod 755 "$T"; chmod 644 "$T/bb.tar" 2>/dev/null || tar -C "$T/rootfs" -cf "$T/bb.tar" . && chmod 644 "$T/bb.tar"
  useradd -m -s /bin/bash "$RUSER" && { echo "$RUSER:400000:65536" >> /etc/subuid; echo "$RUSER:400000:65536" >> /etc/subgid; }
  loginctl enable-linger "$RUSER"
  RU=$(id -u "$RUSER")
  for i in $(seq 100); do [ -S /run/user/$RU/bus ] && break; sleep 0.3; done
  [ -S /run/user/$RU/bus ] && ok "rootless: user manager of $RUSER is up" || nok "rootless: user manager of $RUSER is up" "no /run/user/$RU/bus"
  # as the user: ENV + command; prints the command's output, returns its code
  asuser() { su - "$RUSER" -c "export XDG_RUNTIME_DIR=/run/user/$RU DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$RU/bus; cd /tmp; $1"; }
  for rt in $RUNTIMES; do
    [ $rt = runc ] && [ -z "$RUNC" ] && continue
    P=$rt; [ $rt = runc ] && P="runc:"
    # jrunc/runc directly, spec --rootless, user.slice:jrsd:ID under the user manager
    id=sd-$rt-rl-$TAG; unit=jrsd-$id.scope; ub=/home/$RUSER/b-$rt
    asuser "mkdir -p $ub && cd $ub && $(bin $rt) spec --rootless && python3 -c \"
import json; c=json.load(open('config.json')); c['process']['terminal']=False
c['process']['args']=['sh','-c','cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max']
c['root']={'path':'$T/rootfs','readonly':True}
c['linux']['resources']={'memory':{'limit':67108864},'pids':{'limit':40}}
c['linux']['cgroupsPath']='user.slice:jrsd:$id'
c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='cgroup']
json.dump(c,open('config.json','w'))\"" >/dev/null 2>&1
    out=$(asuser "cd $ub && $(bin $rt) --systemd-cgroup run $id </dev/null" 2>&1 | tr '\n' ' ' | sed 's/ $//')
    check "$P rootless run: in the user's scope with the limits" "0::/user.slice/user-$RU.slice/user@$RU.service/user.slice/$unit 67108864 40" "$out"
    check "$P rootless run: no unit left" not-found "$(asuser "systemctl --user show $unit -p LoadState --value" 2>&1)"
    check "$P rootless run: no state left" "" "$(asuser "ls \$XDG_RUNTIME_DIR/$(prefix $rt) 2>/dev/null | grep -x $id")"
    # podman rootless with its default systemd cgroup manager
    PM="podman --runtime $(bin $rt)"
    asuser "podman image exists localhost/sdtest$TAG || podman import -q $T/bb.tar localhost/sdtest$TAG" >/dev/null 2>&1
    [ $rt = jrunc ] && check "rootless podman: cgroup manager" "systemd true" "$(asuser "podman info --format '{{.Host.CgroupManager}} {{.Host.Security.Rootless}}'" 2>&1)"
    check "$P rootless podman run --memory: limit inside" 67108864 "$(asuser "$PM run --rm --memory 64m localhost/sdtest$TAG cat /sys/fs/cgroup/memory.max" 2>&1)"
    cid=$(asuser "$PM run -d localhost/sdtest$TAG sleep 1000" 2>/dev/null)
    check "$P rootless podman exec" hi "$(asuser "$PM exec $cid echo hi" 2>&1)"
    asuser "$PM pause $cid" >/dev/null 2>&1; check "$P rootless podman pause" paused "$(asuser "podman inspect -f '{{.State.Status}}' $cid" 2>&1)"
    asuser "$PM unpause $cid" >/dev/null 2>&1; check "$P rootless podman unpause" running "$(asuser "podman inspect -f '{{.State.Status}}' $cid" 2>&1)"
    asuser "$PM stop -t 1 $cid" >/dev/null 2>&1; check "$P rootless podman stop" exited "$(asuser "podman inspect -f '{{.State.Status}}' $cid" 2>&1)"
    asuser "$PM rm $cid" >/dev/null 2>&1
    check "$P rootless podman rm: no scope left" "" "$(asuser "systemctl --user list-units --all --no-legend 'libpod-$cid*'" 2>&1)"
    asuser "$PM run --rm --memory 20m --memory-swap 20m localhost/sdtest$TAG sh -c 'x=xxxxxxxxxxxxxxxx; while :; do x=\$x\$x; done'" >/dev/null 2>&1
    check "$P rootless podman OOM: exit 137" 137 $?
  done
fi

# ---------------------------------------------------------------- create latency (same run)
if [ "$BENCH" -gt 0 ]; then
  b=$(bundle bench '["true"]')
  median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
  for mode in jrunc-systemd jrunc-cgroupfs runc-systemd runc-cgroupfs; do
    rt=${mode%-*}; [ $rt = runc ] && [ -z "$RUNC" ] && continue
    flag=; [ ${mode#*-} = systemd ] && flag=--systemd-cgroup
    for i in $(seq "$BENCH"); do
      id=bench-$mode-$i-$TAG
      s=$(date +%s%N); "$(bin $rt)" --root "$T/root-$rt" $flag create --bundle "$b" $id </dev/null >/dev/null 2>&1; e=$(date +%s%N)
      echo $(( (e - s) / 1000000 ))
      "$(bin $rt)" --root "$T/root-$rt" $flag delete -f $id >/dev/null 2>&1
    done | median | sed "s/^/# create latency ms (median of $BENCH) $mode: /"
  done
fi

echo "1..$N"
exit $FAIL
