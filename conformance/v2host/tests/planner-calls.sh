#!/bin/bash
# The resident planner (docs/planner.md) on a systemd host with pure cgroup v2: the first create goes the
# direct way and starts a planner for its root; later calls are served by it (JRUNC_FRONT_ONLY=1 makes a
# silent fallback to a JVM fail), with the cgroupfs driver (the container beside the caller's cgroup, as
# the direct CLI places it) and with --systemd-cgroup (a transient scope with its limit); the planner
# itself is in no container's cgroup and not in the caller's; it exits when its root is removed.
. "$REPO/conformance/v2host/lib.sh"

R=$T/root-planner
J() { "$JRUNC" --root "$R" "$@"; }
planner_pid() {
  local p
  for p in /proc/[0-9]*; do
    tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -q -- "--root $R __planner" && { echo "${p#/proc/}"; return; }
  done
}

b=$T/b-pl
mkbundle "$b" 'cat /proc/self/cgroup'
python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="cgroup"]; json.dump(c,open(p,"w"))' "$b/config.json"

# 1. the first call: direct, and a planner for this root
rc "first run (no planner yet: the direct JVM)" 0 J run -b "$b" "pl1-$U"
for i in $(seq 1 100); do [ -S "$R/@planner/sock" ] && break; sleep 0.2; done
pp=$(planner_pid)
if [ -n "$pp" ] && [ -S "$R/@planner/sock" ]; then ok "a planner serves $R (pid $pp)"; else notok "a planner serves $R" "$(ls -la "$R" "$R/@planner" 2>&1)"; fi

# 2. served by it: the container's cgroup is beside the caller's, as the direct CLI puts it
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
out=$(JRUNC_FRONT_ONLY=1 J run -b "$b" "pl2-$U" 2>&1); code=$?
eq "run through the planner exits 0" 0 "$code"
eq "its cgroup is beside the caller's (not under the planner's)" "0::${own%/*}/pl2-$U" "$(printf '%s\n' "$out" | grep '^0::')"

# 3. create/start/exec/kill/delete through it
mkbundle "$b-sleep" 'sleep 1000'
# the container keeps the create's stdio: a file, not a pipe someone waits on for EOF
if JRUNC_FRONT_ONLY=1 "$JRUNC" --root "$R" create -b "$b-sleep" "pl3-$U" </dev/null >"$T/pl3.out" 2>&1; then
  ok "create through the planner"
else
  notok "create through the planner" "$(cat "$T/pl3.out")"
fi
t "start" J start "pl3-$U"
eq "exec through the planner" "inside" "$(JRUNC_FRONT_ONLY=1 J exec "pl3-$U" echo inside 2>&1)"
rc "exec's exit code through the planner" 7 env JRUNC_FRONT_ONLY=1 "$JRUNC" --root "$R" exec "pl3-$U" sh -c 'exit 7'
t "delete --force of a running container through the planner" env JRUNC_FRONT_ONLY=1 "$JRUNC" --root "$R" delete --force "pl3-$U"
eq "no state left" "" "$(ls -A "$R" | grep -v '^@' | tr '\n' ' ')"

# 4. --systemd-cgroup through the planner: a transient scope with the bundle's memory limit
mkbundle "$b-sd" 'cat /proc/self/cgroup; cat /sys/fs/cgroup/memory.max' '"memory": {"limit": 67108864}' "system.slice:jrunc:pl4-$U"
python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["linux"]["namespaces"]=[n for n in c["linux"]["namespaces"] if n["type"]!="cgroup"]; json.dump(c,open(p,"w"))' "$b-sd/config.json"
out=$(JRUNC_FRONT_ONLY=1 "$JRUNC" --systemd-cgroup --root "$R" run -b "$b-sd" "pl4-$U" 2>&1); code=$?
eq "--systemd-cgroup run through the planner exits 0" 0 "$code"
eq "in the transient scope" "0::/system.slice/jrunc-pl4-$U.scope" "$(printf '%s\n' "$out" | grep '^0::')"
eq "with its memory limit" "67108864" "$(printf '%s\n' "$out" | tail -1)"
eq "the scope is gone after run" 0 "$(systemctl list-units --all --no-legend "jrunc-pl4-$U.scope" 2>/dev/null | grep -c .)"

# 5. where the planner lives: neither in a container's cgroup nor in the caller's
if [ -n "$pp" ]; then
  pcg=$(sed -n 's/^0:://p' "/proc/$pp/cgroup")
  case "$pcg" in
    "$own"|*/pl[0-9]-*) notok "the planner is outside the caller's and the containers' cgroups" "$pcg" ;;
    *) ok "the planner is outside the caller's and the containers' cgroups ($pcg)" ;;
  esac
  # 6. it exits once its root is gone
  rm -rf "$R"
  for i in $(seq 1 50); do [ -d "/proc/$pp" ] || break; sleep 0.2; done
  if [ -d "/proc/$pp" ]; then notok "the planner exits once its root is removed"; kill -KILL "$pp"; else ok "the planner exits once its root is removed"; fi
fi
finish
