#!/bin/bash
# bench/run in the guest (Debian 12, systemd, pure cgroup v2): jrunc with the resident planner and without
# it (JRUNC_PLANNER=0) against the guest's runc (and crun when installed), interleaved, with few rounds:
# QEMU's TCG makes every process start slow, a JVM start most of all. Prints bench/run's table ("# "
# lines are the harness's details); one case: the bench completed. BENCH_ARGS overrides the rounds.
# Opt-in (it takes ~10 min under TCG, too much for .ci/run's budget): without BENCH_PLANNER=1 it skips.
#   V2HOST_TEST_ENV="BENCH_PLANNER=1" TEST_TIMEOUT=1800 conformance/v2host/run --filter bench-planner
. "$REPO/conformance/v2host/lib.sh"
if [ "${BENCH_PLANNER:-0}" != 1 ]; then
  ok "bench-planner: skipped (opt-in: V2HOST_TEST_ENV=BENCH_PLANNER=1)"
  echo "1..1"
  finish; exit
fi
ARGS=${BENCH_ARGS:--n 5 -w 1 -c 3 -p 1 --jit 10 --runs 40 --execs 20}
echo "# guest: $(uname -r), $(nproc) CPUs, cgroup $(stat -fc %T /sys/fs/cgroup), runc $(runc --version 2>/dev/null | head -1 | awk '{print $3}'), crun: $(command -v crun || echo none), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# bench/run $ARGS"
out=$(python3 "$REPO/bench/run" $ARGS 2>&1); code=$?
printf '%s\n' "$out"
if [ $code = 0 ] && printf '%s\n' "$out" | grep -q '^| run of /bin/true (foreground) |'; then
  ok "bench/run: planner on and off against runc, table printed"
else
  notok "bench/run exited $code" "$(printf '%s\n' "$out" | tail -n 20)"
fi
echo "1..1"
finish
