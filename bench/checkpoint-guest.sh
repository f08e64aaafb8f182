#!/bin/bash
# checkpoint and restore times, jrunc against runc, on the v2host guest (criu does not run on the dev VM).
# Interleaved rounds on the same busybox container counting in a loop (stdio pipes), each runtime with its
# own warm --root; prints each round and the medians in ms. Run inside the guest, as root:
#   V2HOST=... ../shared/v2host/guest-run.sh "export REPO=$PWD; bash $PWD/bench/checkpoint-guest.sh [ROUNDS]"
# (boot the guest with this checkout shared in, as conformance/v2host/run does, shares remounted cache=loose).
. "$REPO/conformance/v2host/lib.sh"
N=${1:-5}
LOOP='i=0; while true; do i=$((i+1)); echo $i > /dev/shm/count; sleep 0.2; done'
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for R in jrunc runc; do mkbundle $T/b-$R "$LOOP"; done
# one untimed round each: the JVM's page cache, jrunc's remembered criu version
for R in jrunc runc; do
  : | rt $R run -d --bundle $T/b-$R w-$R-$U > >(cat >/dev/null 2>&1) 2>&1
  rt $R checkpoint --image-path $T/w-$R w-$R-$U
done
for i in $(seq 1 $N); do
  for R in jrunc runc; do
    id=bench-$R-$i-$U
    : | rt $R run -d --bundle $T/b-$R $id > >(cat >/dev/null 2>&1) 2>&1
    sleep 0.5
    t0=$(date +%s%N); rt $R checkpoint --image-path $T/img-$R-$i $id || echo "# $R checkpoint failed"; ck=$(ms $t0)
    t0=$(date +%s%N); rt $R restore -d --image-path $T/img-$R-$i --bundle $T/b-$R $id </dev/null > >(cat >/dev/null 2>&1) 2>&1 || echo "# $R restore failed"; rs=$(ms $t0)
    echo "$R round $i: checkpoint $ck ms, restore $rs ms"
    echo "$R $ck $rs" >> $T/times
    rt $R kill $id KILL; wait_status $R $id stopped; rt $R delete $id
  done
done
for R in jrunc runc; do
  echo "$R median of $N: checkpoint $(grep "^$R " $T/times | cut -d' ' -f2 | median) ms, restore $(grep "^$R " $T/times | cut -d' ' -f3 | median) ms"
done
finish >/dev/null
