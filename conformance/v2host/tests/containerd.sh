#!/bin/bash
# containerd 1.6 with its default cgroupfs driver (runc v2 shim, ctr --runc-binary) driving jrunc, and
# runc for the record: exit code, a memory limit on the host (containerd's cgroupsPath is
# /<namespace>/<id>), exec, pause/resume, kill, delete, nothing left.
. "$REPO/conformance/v2host/lib.sh"

NS=v2t$U
systemctl start containerd || { notok "containerd starts" "$(systemctl status containerd 2>&1 | tail -5)"; finish; exit 1; }
c() { ctr -n $NS "$@"; }
img=localhost/v2bb:latest
tar -C "$(rootfs)" -cf $T/bb.tar .
podman import -q $T/bb.tar $img >/dev/null && podman save -q --format oci-archive -o $T/bb-oci.tar $img \
  && rc "ctr: import the busybox image" 0 c images import --base-name localhost/v2bb $T/bb-oci.tar
podman rmi -f $img >/dev/null 2>&1

for R in jrunc runc; do
  bin=$(if [ $R = jrunc ]; then echo "$JRUNC"; else command -v runc; fi)
  n=v2ctr-$R-$U
  # ctr's spec mounts no cgroup filesystem: the limit is read on the host (run -d below)
  eq "$R ctr: run --rm: output, exit code" "hi-ctr rc=6" \
    "$(c run --rm --runc-binary "$bin" --memory-limit 67108864 $img $n-a sh -c 'printf hi-ctr; exit 6' 2>&1; echo " rc=$?")"
  [ -e /sys/fs/cgroup/$NS/$n-a ] && notok "$R ctr: cgroup of the --rm run removed" "left: /sys/fs/cgroup/$NS/$n-a" || ok "$R ctr: cgroup of the --rm run removed"
  [ $R = runc ] && continue   # runc: the basic case for the record
  rc "$R ctr: run -d" 0 c run -d --runc-binary "$bin" --memory-limit 33554432 $img $n sleep 300
  eq "$R ctr: the limit on the host, in /<namespace>/<id>" 33554432 "$(cat /sys/fs/cgroup/$NS/$n/memory.max 2>&1)"
  eq "$R ctr: task exec" in-exec "$(c task exec --exec-id e1 $n echo in-exec 2>&1)"
  rc "$R ctr: pause" 0 c task pause $n
  eq "$R ctr: paused (ctr task ls, cgroup.freeze)" "PAUSED 1" "$(c task ls | awk -v n=$n '$1==n{print $3}') $(cat /sys/fs/cgroup/$NS/$n/cgroup.freeze 2>&1)"
  rc "$R ctr: resume" 0 c task resume $n
  rc "$R ctr: kill" 0 c task kill -s SIGKILL $n
  for i in $(seq 1 50); do [ "$(c task ls | awk -v n=$n '$1==n{print $3}')" = STOPPED ] && break; sleep 0.2; done
  rc "$R ctr: task delete" 0 c task delete $n
  rc "$R ctr: container delete" 0 c containers delete $n
  [ -e /sys/fs/cgroup/$NS/$n ] && notok "$R ctr: nothing left (cgroup)" "left: /sys/fs/cgroup/$NS/$n" || ok "$R ctr: nothing left (cgroup)"
done
c images rm $img >/dev/null 2>&1
c namespaces rm $NS >/dev/null 2>&1
rmdir /sys/fs/cgroup/$NS 2>/dev/null
systemctl stop containerd
finish
