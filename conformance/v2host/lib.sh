# Sourced by every conformance/v2host/tests/*.sh inside the guest (bash, as root). Prints TAP-like
# "ok - NAME" / "not ok - NAME" lines (the harness counts them) and "# ..." details; a test file exits
# non-zero when a case failed. Each file gets a private temp dir, private --root per runtime and unique
# container ids; finish() deletes what is left (after the cases have checked that nothing is).
set -u
REPO=${REPO:?REPO must name the checkout}
JRUNC=$REPO/bin/jrunc
PASS=0; FAIL=0
T=$(mktemp -d /tmp/v2t.XXXXXX)
chmod 755 "$T"   # rootless cases read the shared rootfs from here
U=$$             # part of every container id

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
notok() {
  local n=$1; shift
  FAIL=$((FAIL + 1)); echo "not ok - $n"
  [ $# -gt 0 ] && printf '%s\n' "$@" | tail -n 25 | sed 's/^/#   /'
  return 0
}
# eq NAME WANT GOT
eq() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "want: $2" "got:  $3"; fi; }
# t NAME CMD...: ok when CMD exits 0 (its output is shown when it does not)
t() {
  local n=$1 o rc; shift
  o=$("$@" 2>&1); rc=$?
  if [ $rc = 0 ]; then ok "$n"; else notok "$n" "exit $rc: $*" "$o"; fi
}
# rc NAME WANT CMD...: ok when CMD exits WANT
rc() {
  local n=$1 want=$2 o got; shift 2
  o=$("$@" 2>&1); got=$?
  if [ "$got" = "$want" ]; then ok "$n"; else notok "$n" "want exit $want, got $got: $*" "$o"; fi
}

# rtd RT ARGS...: a call that leaves a detached container: its stdio goes to a file, so that no caller
# waits for the container to close a pipe; the file is shown when the call fails
rtd() {
  local r=$1 rc; shift
  rt "$r" "$@" </dev/null >"$T/rtd.out" 2>&1; rc=$?
  [ $rc = 0 ] || cat "$T/rtd.out"
  return $rc
}
# rmc RT ID: SIGKILL, wait for stopped, delete (kill and the delete of a stopped container are the
# C front's in jrunc: no JVM, which costs seconds in the emulated guest)
rmc() {
  local o
  o=$(rt "$1" kill "$2" KILL 2>&1) || { notok "$1: kill $2" "$o"; return; }
  wait_status "$1" "$2" stopped || { notok "$1: $2 stopped after SIGKILL" "$(rt "$1" state "$2" 2>&1)"; return; }
  o=$(rt "$1" delete "$2" 2>&1) || { notok "$1: delete $2" "$o"; return; }
  ok "$1: kill KILL + delete"
}
# rtcmd RT: the command line of a runtime with this file's private root
rtcmd() { if [ "$1" = jrunc ]; then echo "$JRUNC --root $T/root-jrunc"; else echo "runc --root $T/root-runc"; fi; }
rt() { local r=$1; shift; $(rtcmd "$r") "$@"; }
rtroot() { echo "$T/root-$1"; }
# pidof_ RT ID / status_ RT ID: from the runtime's state JSON
pidof_() { rt "$1" state "$2" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }
status_() { rt "$1" state "$2" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
# wait_status RT ID STATUS [tries of 0.2 s]
wait_status() {
  local i
  for i in $(seq 1 "${4:-50}"); do [ "$(status_ "$1" "$2")" = "$3" ] && return 0; sleep 0.2; done
  return 1
}

# A busybox rootfs shared by every bundle of the file (all applets linked).
rootfs() {
  if [ ! -d "$T/rootfs" ]; then
    cp -a /root/bundle/rootfs "$T/rootfs"
    for a in $(/bin/busybox --list); do [ -e "$T/rootfs/bin/$a" ] || ln -s busybox "$T/rootfs/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$T/rootfs/etc/passwd"
    printf 'root:x:0:\n' > "$T/rootfs/etc/group"
  fi
  echo "$T/rootfs"
}

# mkbundle DIR 'SHELL COMMAND' [RESOURCES_JSON_MEMBERS] [CGROUPS_PATH] [EXTRA_MOUNT_JSON]
# runc's default spec (`runc spec`, as a user would), terminal off, args sh -c COMMAND.
mkbundle() {
  local d=$1 cmd=$2 res=${3:-} cgp=${4:-} mnt=${5:-} r esc
  r=$(rootfs)
  mkdir -p "$d"
  runc spec --bundle "$d"
  esc=$(printf '%s' "$cmd" | sed 's/[\\"]/\\&/g; s/[|&]/\\&/g')
  sed -i -e 's/"terminal": true/"terminal": false/' \
         -e "s|\"path\": \"rootfs\"|\"path\": \"$r\"|" \
         -e "s|^\([[:space:]]*\)\"sh\"\$|\1\"sh\", \"-c\", \"$esc\"|" "$d/config.json"
  [ -n "$res" ] && sed -i "s|\"resources\": {|\"resources\": {$res,|" "$d/config.json"
  [ -n "$cgp" ] && sed -i "s|\"linux\": {|\"linux\": {\"cgroupsPath\": \"$cgp\",|" "$d/config.json"
  [ -n "$mnt" ] && sed -i "s|\"mounts\": \[|\"mounts\": [$mnt,|" "$d/config.json"
  return 0
}

# gone NAME RT ID CGROUP_DIR: nothing of the container left (no cgroup, no state directory)
gone() {
  local left=""
  [ -e "$4" ] && left="$left cgroup $4;"
  [ -e "$(rtroot "$2")/$3" ] && left="$left state $(rtroot "$2")/$3;"
  if [ -z "$left" ]; then ok "$1"; else notok "$1" "left:$left"; fi
}

finish() {
  local r id
  for r in jrunc runc; do
    [ -d "$T/root-$r" ] || continue
    for id in $(ls "$T/root-$r" 2>/dev/null); do
      case $id in @*) continue ;; esac
      rt "$r" delete -f "$id" >/dev/null 2>&1
    done
  done
  rm -rf "$T"
  echo "# $(basename "$0"): $PASS passed, $FAIL failed"
  [ "$FAIL" = 0 ]
}
