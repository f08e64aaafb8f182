#!/bin/bash
# The warm planner under systemd (docs/planner.md, "Where it runs"): `jrunc --root R __planner` started by
# a service (as a containerd shim's or conmon's unit would start it) moves itself into a transient scope
# system.slice/jrunc-planner-<12 hex of sha256(root)>.scope, not /jrunc-planner; it survives `systemctl stop`
# of the service that started it; it exits when its root is removed and when idle; then no scope, cgroup,
# socket or process is left.
. "$REPO/conformance/v2host/lib.sh"

# start_planner UNIT ROOT IDLE_MS: the planner started detached by the transient service UNIT, from a
# subshell that exits at once (as the front's double fork: its parent is then PID 1, which reaps it;
# bin/jrunc execs the JVM in place, so $! is the planner); sets PID
start_planner() {
  local unit=$1 root=$2 idle=$3 i
  mkdir -p "$root" # a planner serves only a root that exists (the front starts one for a root its call made)
  systemd-run -q --unit "$unit" -- sh -c "($JRUNC --root $root __planner --idle-ms $idle </dev/null >/dev/null 2>$T/$unit.err & echo \$! > $T/$unit.pid); exec sleep 600"
  PID=""
  for i in $(seq 1 300); do
    [ -s "$T/$unit.pid" ] && [ -S "$root/@planner/sock" ] && break
    sleep 0.2
  done
  PID=$(cat "$T/$unit.pid" 2>/dev/null)
}
# in_scope PID SCOPE: wait (30 s) until PID's cgroup is system.slice/SCOPE
in_scope() {
  local i
  for i in $(seq 1 150); do
    [ "$(cat /proc/$1/cgroup 2>/dev/null)" = "0::/system.slice/$2" ] && return 0
    sleep 0.2
  done
  return 1
}
# exited PID SECONDS: wait until PID is gone (a zombie counts as gone)
exited() {
  local i st
  for i in $(seq 1 $(($2 * 10))); do
    st=$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -c1)
    [ -z "$st" ] || [ "$st" = Z ] && return 0
    sleep 0.1
  done
  return 1
}
# nothing_left NAME SCOPE ROOT_SHOULD_EXIST
nothing_left() {
  local left="" i
  for i in $(seq 1 50); do
    systemctl list-units --all --no-legend "$2" 2>/dev/null | grep -q . || break
    sleep 0.2
  done
  systemctl list-units --all --no-legend "$2" 2>/dev/null | grep -q . && left="$left unit $2;"
  [ -e "/sys/fs/cgroup/system.slice/$2" ] && left="$left cgroup system.slice/$2;"
  [ -e /sys/fs/cgroup/jrunc-planner ] && left="$left cgroup /jrunc-planner;"
  [ -e "$3/@planner/sock" ] && left="$left socket;"
  if [ -z "$left" ]; then ok "$1"; else notok "$1" "left:$left"; fi
}

# --- started by a service, which is then stopped; then its root is removed
R1=$T/root-p1
S1=jrunc-planner-$(printf %s "$R1" | sha256sum | cut -c1-12).scope
start_planner "v2t-planner1-$U" "$R1" 600000
if [ -n "$PID" ] && [ -S "$R1/@planner/sock" ]; then
  ok "planner started by a service"
  if in_scope "$PID" "$S1"; then ok "planner moved into system.slice/$S1"; else
    notok "planner moved into system.slice/$S1" "cgroup: $(cat /proc/$PID/cgroup 2>&1)" "$(cat $T/v2t-planner1-$U.err)"; fi
  eq "its scope is active" active "$(systemctl is-active "$S1" 2>&1)"
  eq "no error output (scope started)" "" "$(cat $T/v2t-planner1-$U.err)"
  systemctl stop "v2t-planner1-$U"
  sleep 1
  if kill -0 "$PID" 2>/dev/null && [ -S "$R1/@planner/sock" ]; then ok "planner outlives systemctl stop of the service that started it"; else
    notok "planner outlives systemctl stop of the service that started it" "$(systemctl status "$S1" 2>&1)"; fi
  t0=$(date +%s%N)
  rm -rf "$R1"
  if exited "$PID" 20; then
    ok "planner exits when its root is removed ($(( ($(date +%s%N) - t0) / 1000000 )) ms)"
  else
    notok "planner exits when its root is removed" "still running 20 s after rm -rf"
    kill -9 "$PID" 2>/dev/null
  fi
  [ -e "$R1" ] && notok "the removed root stays removed" "$(ls -la "$R1")" || ok "the removed root stays removed"
  nothing_left "nothing left after the root's removal" "$S1" "$R1"
else
  notok "planner started by a service" "$(cat $T/v2t-planner1-$U.err 2>&1)" "$(systemctl status "v2t-planner1-$U" 2>&1)"
fi
systemctl stop "v2t-planner1-$U" 2>/dev/null

# --- idle exit
R2=$T/root-p2
S2=jrunc-planner-$(printf %s "$R2" | sha256sum | cut -c1-12).scope
start_planner "v2t-planner2-$U" "$R2" 5000
if [ -n "$PID" ] && [ -S "$R2/@planner/sock" ]; then
  if in_scope "$PID" "$S2"; then ok "second planner in system.slice/$S2"; else
    notok "second planner in system.slice/$S2" "cgroup: $(cat /proc/$PID/cgroup 2>&1)" "$(cat $T/v2t-planner2-$U.err)"; fi
  t0=$(date +%s%N)
  if exited "$PID" 60; then ok "planner exits when idle ($(( ($(date +%s%N) - t0) / 1000000 )) ms after it was in its scope)"; else
    notok "planner exits when idle" "still running 60 s after an idle time of 5 s"
    kill -9 "$PID" 2>/dev/null
  fi
  eq "no error output" "" "$(cat $T/v2t-planner2-$U.err)"
  nothing_left "nothing left after the idle exit" "$S2" "$R2"
else
  notok "second planner started" "$(cat $T/v2t-planner2-$U.err 2>&1)"
fi
systemctl stop "v2t-planner2-$U" 2>/dev/null
finish
