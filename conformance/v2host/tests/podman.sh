#!/bin/bash
# podman with its cgroupfs manager driving jrunc (and runc for the record) on the v2 systemd host, as
# root and rootless (a user with lingering: rootless podman runs the runtime as uid 0 in its user
# namespace, with the user's XDG_RUNTIME_DIR). run (exit code, memory limit inside and on the host),
# exec, stop, rm, OOM as 137, nothing left behind.
. "$REPO/conformance/v2host/lib.sh"

R_USER=v2podman
id -u $R_USER >/dev/null 2>&1 || useradd -m -s /bin/bash $R_USER
grep -q "^$R_USER:" /etc/subuid || usermod --add-subuids 200000-265535 --add-subgids 200000-265535 $R_USER
loginctl enable-linger $R_USER
UID_=$(id -u $R_USER)
for i in $(seq 1 100); do [ -d /run/user/$UID_ ] && break; sleep 0.1; done
tar -C "$(rootfs)" -cf $T/bb.tar .
chmod 644 $T/bb.tar

# as: run a command as root or as the rootless user (login environment, the user's runtime dir)
as() {
  local who=$1; shift
  if [ "$who" = root ]; then "$@"; else
    su -l $R_USER -c "export XDG_RUNTIME_DIR=/run/user/$UID_; cd /tmp; $(printf '%q ' "$@")"
  fi
}
pm() { local who=$1 r=$2; shift 2; as $who podman --cgroup-manager=cgroupfs --events-backend=file --runtime "$(rtbin $r)" "$@"; }
rtbin() { if [ "$1" = jrunc ]; then echo "$JRUNC"; else command -v runc; fi; }

for who in root rootless; do
  rc "podman $who: import the busybox image" 0 as $who podman import $T/bb.tar localhost/v2bb:latest
  for R in jrunc runc; do
    n=v2pm-$R-$U
    # exit code and output; as root also the limits inside (rootless cgroupfs has no delegated cgroup)
    if [ $who = root ]; then
      eq "$R podman $who: run --rm --memory 64m --pids-limit 50: limits inside, output, exit code" "67108864 50 rc=7" \
        "$(pm $who $R run --rm --name $n --memory 64m --pids-limit 50 localhost/v2bb:latest sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max | tr "\n" " "; exit 7' 2>&1; echo "rc=$?")"
    else
      eq "$R podman $who: run --rm: output, exit code" "hi-podman rc=7" \
        "$(pm $who $R run --rm --name $n localhost/v2bb:latest sh -c 'printf "hi-podman "; exit 7' 2>&1; echo "rc=$?")"
    fi
    [ $R = runc ] && continue   # runc: the basic case for the record; the rest is jrunc's
    rc "$R podman $who: run -d" 0 pm $who $R run -d --name $n localhost/v2bb:latest sleep 300
    eq "$R podman $who: exec" "in-exec" "$(pm $who $R exec $n echo in-exec 2>&1)"
    rc "$R podman $who: stop" 0 pm $who $R stop -t 1 $n
    rc "$R podman $who: rm" 0 pm $who $R rm $n
    [ $who = root ] && rc "$R podman $who: OOM exits 137" 137 \
      pm $who $R run --rm --name $n --memory 16m --memory-swap 16m localhost/v2bb:latest dd if=/dev/zero of=/dev/null bs=64M count=1
  done
  eq "podman $who: nothing left (podman ps -a)" "" "$(as $who podman ps -aq 2>&1)"
  as $who podman rm -af >/dev/null 2>&1; as $who podman rmi -af >/dev/null 2>&1
done
loginctl disable-linger $R_USER
finish
