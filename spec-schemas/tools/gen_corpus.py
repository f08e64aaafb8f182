#!/usr/bin/env python3
# Writes the hand-made part of the schema test corpus (the valid/*.json not produced by runc, crun,
# jrunc, podman or ctr, all of invalid/*.json, and expected-pointers.tsv), so that each invalid file is
# one base config with exactly one rule broken. Run it in spec-schemas/src/test/resources/corpus; it
# leaves differences.tsv, which is written by hand, alone.
import json, copy, os
base = {
  "ociVersion": "1.0.2",
  "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": ["/bin/true"],
              "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "cwd": "/"},
  "root": {"path": "rootfs", "readonly": True},
  "hostname": "corpus",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}, {"type": "network"}]}
}
def put(name, doc, raw=None):
    with open(name, "w") as f:
        if raw is not None: f.write(raw)
        else: json.dump(doc, f, indent=2); f.write("\n")
def v(name, fn):
    d = copy.deepcopy(base); fn(d); put("valid/" + name + ".json", d)
def i(name, fn, ptr):
    d = copy.deepcopy(base); fn(d); put("invalid/" + name + ".json", d); pointers.append((name + ".json", ptr))
pointers = []

# ---- valid, 1.0-era ----
put("valid/minimal.json", {"ociVersion": "1.0.0"})
def full(d):
    d["process"].update({"user": {"uid": 1, "gid": 1, "umask": 18, "additionalGids": [5, 6]},
        "consoleSize": {"height": 25, "width": 80}, "terminal": True,
        "capabilities": {k: ["CAP_AUDIT_WRITE", "CAP_KILL"] for k in ["bounding", "permitted", "inheritable", "effective", "ambient"]},
        "rlimits": [{"type": "RLIMIT_CORE", "hard": 1024, "soft": 1024}, {"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 1024}],
        "apparmorProfile": "acme", "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
        "noNewPrivileges": True, "oomScoreAdj": -500})
    d["linux"].update({
        "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}],
        "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
        "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
        "sysctl": {"net.ipv4.ip_forward": "1"}, "cgroupsPath": "/corpus/full",
        "resources": {"network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
            "pids": {"limit": 32771}, "hugepageLimits": [{"pageSize": "2MB", "limit": 9223372036854772000}],
            "memory": {"limit": 536870912, "reservation": 536870912, "swap": 536870912, "kernel": -1, "kernelTCP": -1,
                       "swappiness": 0, "disableOOMKiller": False},
            "cpu": {"shares": 1024, "quota": 1000000, "period": 500000, "realtimeRuntime": 950000,
                    "realtimePeriod": 1000000, "cpus": "2-3", "mems": "0-7"},
            "devices": [{"allow": False, "access": "rwm"}, {"allow": True, "type": "c", "major": 10, "minor": 229, "access": "rw"}],
            "blockIO": {"weight": 10, "leafWeight": 10, "weightDevice": [{"major": 8, "minor": 0, "weight": 500, "leafWeight": 300}],
                        "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 600}]}},
        "rootfsPropagation": "slave",
        "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
                    "syscalls": [{"names": ["getcwd", "chmod"], "action": "SCMP_ACT_ERRNO"},
                                 {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                                  "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]},
        "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
        "mountLabel": "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811",
        "intelRdt": {"closID": "guaranteed", "l3CacheSchema": "L3:0=7f0;1=1f", "memBwSchema": "MB:0=20;1=70"},
        "personality": {"domain": "LINUX32"}})
    d["linux"]["namespaces"].append({"type": "user"})
    d["annotations"] = {"com.example.key1": "value1"}
v("full-1.0", full)
v("hooks-all-six", lambda d: d.update({"hooks": {h: [{"path": "/usr/bin/hook", "args": ["hook", h], "env": ["K=v"], "timeout": 5}]
    for h in ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]}}))
v("join-namespaces-by-path", lambda d: d["linux"].update({"namespaces": [{"type": "network", "path": "/var/run/netns/x"}, {"type": "pid", "path": "/proc/1/ns/pid"}, {"type": "mount"}]}))
# ---- valid, 1.1+ fields that the Debian 1.0.2+ schema already knows ----
def notify(d):
    d["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
        "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
        "listenerPath": "/run/seccomp-agent.sock", "listenerMetadata": "corpus",
        "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}, {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                     {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS"}, {"names": ["kexec_load"], "action": "SCMP_ACT_KILL_THREAD"},
                     {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}, {"names": ["uname"], "action": "SCMP_ACT_LOG"}]}
v("seccomp-notify-1.1", notify)
v("cgroup2-unified-1.1", lambda d: d["linux"].update({"resources": {"unified": {"memory.high": "1G", "io.weight": "default 50"},
    "cpu": {"burst": 10000, "idle": 1, "quota": 50000, "period": 100000}, "memory": {"limit": 1073741824, "checkBeforeUpdate": True, "useHierarchy": True},
    "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}}}}))
v("idmapped-mount-1.1", lambda d: d["mounts"].append({"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "idmap"],
    "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}))
v("domainname-intelrdt-monitoring-1.1", lambda d: (d.update({"domainname": "example.org"}), d["linux"].update({"intelRdt": {"closID": "c1", "enableCMT": True, "enableMBM": True}})))
# ---- valid, 1.1+ fields that 1.0.2 does not know (and so ignores) ----
v("scheduler-iopriority-1.1", lambda d: d["process"].update({"scheduler": {"policy": "SCHED_DEADLINE", "nice": -5, "priority": 0,
    "flags": ["SCHED_FLAG_RESET_ON_FORK"], "runtime": 100000, "deadline": 200000, "period": 300000},
    "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4}}))
v("exec-cpu-affinity-1.2", lambda d: d["process"].update({"execCPUAffinity": {"initial": "0", "final": "0-3, 7"}}))
v("relative-mount-destination-1.2", lambda d: d["mounts"].append({"destination": "data/cache", "type": "tmpfs", "source": "tmpfs"}))
v("memory-policy-netdevices-1.3", lambda d: d["linux"].update({"memoryPolicy": {"mode": "MPOL_INTERLEAVE", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES"]},
    "netDevices": {"eth1": {"name": "ctr1"}, "dummy0": {}}}))
v("intelrdt-schemata-1.3", lambda d: d["linux"].update({"intelRdt": {"schemata": ["L3:0=ff", "MB:0=50"], "enableMonitoring": True}}))
v("annotations-image-1.2", lambda d: d.update({"ociVersion": "1.3.0", "annotations": {"org.opencontainers.image.os": "linux", "org.opencontainers.image.architecture": "amd64"}}))
# ---- valid in 1.3, rejected by 1.0.2 (differences) ----
v("time-namespace-1.1", lambda d: (d["linux"]["namespaces"].append({"type": "time"}), d["linux"].update({"timeOffsets": {"monotonic": {"secs": 3600, "nanosecs": 0}, "boottime": {"secs": -60}}})))
v("seccomp-loongarch-1.2", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_RISCV64"]}}))

# ---- invalid, 1.0-era rules (both schemas reject) ----
i("missing-ociVersion", lambda d: d.pop("ociVersion"), "/ociVersion")
i("ociVersion-number", lambda d: d.update({"ociVersion": 1.0}), "/ociVersion")
i("root-missing-path", lambda d: d.update({"root": {"readonly": True}}), "/root/path")
i("process-missing-cwd", lambda d: d["process"].pop("cwd"), "/process/cwd")
i("process-args-string", lambda d: d["process"].update({"args": "/bin/true"}), "/process/args")
i("process-env-number", lambda d: d["process"].update({"env": ["A=1", 2]}), "/process/env/1")
i("user-uid-negative", lambda d: d["process"]["user"].update({"uid": -1}), "/process/user/uid")
i("user-gid-too-big", lambda d: d["process"]["user"].update({"gid": 4294967296}), "/process/user/gid")
i("terminal-string", lambda d: d["process"].update({"terminal": "yes"}), "/process/terminal")
i("console-size-missing-width", lambda d: d["process"].update({"consoleSize": {"height": 25}}), "/process/consoleSize/width")
i("capabilities-not-array", lambda d: d["process"].update({"capabilities": {"bounding": "CAP_KILL"}}), "/process/capabilities/bounding")
i("rlimit-lowercase-type", lambda d: d["process"].update({"rlimits": [{"type": "rlimit_nofile", "hard": 1, "soft": 1}]}), "/process/rlimits/0/type")
i("rlimit-missing-hard", lambda d: d["process"].update({"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1}]}), "/process/rlimits/0/hard")
i("mount-missing-destination", lambda d: d["mounts"].append({"type": "tmpfs", "source": "tmpfs"}), "/mounts/2/destination")
i("mount-options-string", lambda d: d["mounts"][1].update({"options": "nosuid"}), "/mounts/1/options")
i("hook-missing-path", lambda d: d.update({"hooks": {"createContainer": [{"args": ["x"]}]}}), "/hooks/createContainer/0/path")
i("hook-timeout-zero", lambda d: d.update({"hooks": {"poststart": [{"path": "/bin/true", "timeout": 0}]}}), "/hooks/poststart/0/timeout")
i("namespace-unknown-type", lambda d: d["linux"]["namespaces"].append({"type": "process"}), "/linux/namespaces/5/type")
i("namespace-missing-type", lambda d: d["linux"]["namespaces"].append({"path": "/proc/1/ns/net"}), "/linux/namespaces/5/type")
i("uidmapping-missing-size", lambda d: d["linux"].update({"uidMappings": [{"containerID": 0, "hostID": 1000}]}), "/linux/uidMappings/0/size")
i("device-bad-type", lambda d: d["linux"].update({"devices": [{"path": "/dev/x", "type": "x", "major": 1, "minor": 1}]}), "/linux/devices/0/type")
i("device-filemode-too-big", lambda d: d["linux"].update({"devices": [{"path": "/dev/x", "type": "c", "major": 1, "minor": 1, "fileMode": 4095}]}), "/linux/devices/0/fileMode")
i("device-missing-path", lambda d: d["linux"].update({"devices": [{"type": "c", "major": 1, "minor": 1}]}), "/linux/devices/0/path")
i("cgroup-device-missing-allow", lambda d: d["linux"].update({"resources": {"devices": [{"access": "rwm"}]}}), "/linux/resources/devices/0/allow")
i("pids-missing-limit", lambda d: d["linux"].update({"resources": {"pids": {}}}), "/linux/resources/pids/limit")
i("memory-limit-string", lambda d: d["linux"].update({"resources": {"memory": {"limit": "1G"}}}), "/linux/resources/memory/limit")
i("cpu-shares-negative", lambda d: d["linux"].update({"resources": {"cpu": {"shares": -2}}}), "/linux/resources/cpu/shares")
i("blockio-weight-too-big", lambda d: d["linux"].update({"resources": {"blockIO": {"weight": 70000}}}), "/linux/resources/blockIO/weight")
i("blockio-throttle-missing-minor", lambda d: d["linux"].update({"resources": {"blockIO": {"throttleReadBpsDevice": [{"major": 8, "rate": 1}]}}}), "/linux/resources/blockIO/throttleReadBpsDevice/0/minor")
i("hugepage-bad-pagesize", lambda d: d["linux"].update({"resources": {"hugepageLimits": [{"pageSize": "2M", "limit": 1}]}}), "/linux/resources/hugepageLimits/0/pageSize")
i("network-priority-missing-name", lambda d: d["linux"].update({"resources": {"network": {"priorities": [{"priority": 1}]}}}), "/linux/resources/network/priorities/0/name")
i("rdma-handles-string", lambda d: d["linux"].update({"resources": {"rdma": {"mlx5_1": {"hcaHandles": "3"}}}}), "/linux/resources/rdma/mlx5_1/hcaHandles")
i("unified-non-string", lambda d: d["linux"].update({"resources": {"unified": {"pids.max": 10}}}), "/linux/resources/unified/pids.max")
i("rootfs-propagation-unknown", lambda d: d["linux"].update({"rootfsPropagation": "rprivate-ish"}), "/linux/rootfsPropagation")
i("seccomp-missing-default-action", lambda d: d["linux"].update({"seccomp": {"syscalls": []}}), "/linux/seccomp/defaultAction")
i("seccomp-bad-action", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_DENY"}]}}), "/linux/seccomp/syscalls/0/action")
i("seccomp-empty-names", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}}), "/linux/seccomp/syscalls/0/names")
i("seccomp-bad-arch", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["x86_64"]}}), "/linux/seccomp/architectures/0")
i("seccomp-bad-flag", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]}}), "/linux/seccomp/flags/0")
i("seccomp-arg-bad-op", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "=="}]}]}}), "/linux/seccomp/syscalls/0/args/0/op")
i("seccomp-errnoret-negative", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": -1}]}}), "/linux/seccomp/syscalls/0/errnoRet")
i("sysctl-non-string", lambda d: d["linux"].update({"sysctl": {"net.ipv4.ip_forward": 1}}), "/linux/sysctl/net.ipv4.ip_forward")
i("masked-paths-string", lambda d: d["linux"].update({"maskedPaths": "/proc/kcore"}), "/linux/maskedPaths")
i("annotation-non-string", lambda d: d.update({"annotations": {"com.example/count": 3}}), "/annotations/com.example~1count")
i("intelrdt-membw-bad", lambda d: d["linux"].update({"intelRdt": {"memBwSchema": "L3:0=ff"}}), "/linux/intelRdt/memBwSchema")
i("personality-bad-domain", lambda d: d["linux"].update({"personality": {"domain": "LINUX64"}}), "/linux/personality/domain")
i("idmapped-mount-negative-host", lambda d: d["mounts"].append({"destination": "/data", "type": "bind", "source": "/srv", "options": ["idmap"], "uidMappings": [{"containerID": 0, "hostID": -1, "size": 1}]}), "/mounts/2/uidMappings/0/hostID")
i("cpu-burst-negative-1.1", lambda d: d["linux"].update({"resources": {"cpu": {"burst": -1}}}), "/linux/resources/cpu/burst")
put("invalid/not-json.json", None, raw='{"ociVersion": "1.0.2", "process": {"cwd": "/",}\n'); pointers.append(("not-json.json", ""))
put("invalid/not-an-object.json", None, raw='["ociVersion", "1.0.2"]\n'); pointers.append(("not-an-object.json", ""))
# ---- invalid in 1.3 only: rules on fields that 1.0.2 does not know (differences) ----
i("scheduler-bad-policy-1.1", lambda d: d["process"].update({"scheduler": {"policy": "SCHED_NORMAL"}}), "/process/scheduler/policy")
i("scheduler-missing-policy-1.1", lambda d: d["process"].update({"scheduler": {"nice": 5}}), "/process/scheduler/policy")
i("iopriority-level-8-1.1", lambda d: d["process"].update({"ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 8}}), "/process/ioPriority/priority")
i("exec-cpu-affinity-words-1.2", lambda d: d["process"].update({"execCPUAffinity": {"initial": "all"}}), "/process/execCPUAffinity/initial")
i("timeoffsets-realtime-1.1", lambda d: d["linux"].update({"timeOffsets": {"realtime": {"secs": 1}}}), "/linux/timeOffsets")
i("memory-policy-bad-mode-1.3", lambda d: d["linux"].update({"memoryPolicy": {"mode": "MPOL_SPREAD"}}), "/linux/memoryPolicy/mode")
i("netdevice-name-number-1.3", lambda d: d["linux"].update({"netDevices": {"eth0": {"name": 23}}}), "/linux/netDevices/eth0/name")
i("intelrdt-schemata-string-1.3", lambda d: d["linux"].update({"intelRdt": {"schemata": "L3:0=ff"}}), "/linux/intelRdt/schemata")
# ---- more rules, so that every enum/pattern/required/minItems/minimum/maximum/propertyNames of our schema is hit ----
i("seccomp-syscall-missing-action", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]}}), "/linux/seccomp/syscalls/0/action")
i("seccomp-arg-missing-index", lambda d: d["linux"].update({"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"value": 1, "op": "SCMP_CMP_EQ"}]}]}}), "/linux/seccomp/syscalls/0/args/0/index")
i("hugepage-missing-limit", lambda d: d["linux"].update({"resources": {"hugepageLimits": [{"pageSize": "2MB"}]}}), "/linux/resources/hugepageLimits/0/limit")
i("rlimit-soft-above-uint64", lambda d: d["process"].update({"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": 18446744073709551616}]}), "/process/rlimits/0/soft")
i("device-major-above-int64", lambda d: d["linux"].update({"devices": [{"path": "/dev/x", "type": "c", "major": 9223372036854775808, "minor": 1}]}), "/linux/devices/0/major")
i("device-minor-below-int64", lambda d: d["linux"].update({"devices": [{"path": "/dev/x", "type": "c", "major": 1, "minor": -9223372036854775809}]}), "/linux/devices/0/minor")
i("device-filemode-negative", lambda d: d["linux"].update({"devices": [{"path": "/dev/x", "type": "c", "major": 1, "minor": 1, "fileMode": -1}]}), "/linux/devices/0/fileMode")
i("blockio-leafweight-negative", lambda d: d["linux"].update({"resources": {"blockIO": {"leafWeight": -1}}}), "/linux/resources/blockIO/leafWeight")
i("scheduler-bad-flag-1.1", lambda d: d["process"].update({"scheduler": {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_FAST"]}}), "/process/scheduler/flags/0")
i("scheduler-nice-above-int32-1.1", lambda d: d["process"].update({"scheduler": {"policy": "SCHED_OTHER", "nice": 2147483648}}), "/process/scheduler/nice")
i("scheduler-priority-below-int32-1.1", lambda d: d["process"].update({"scheduler": {"policy": "SCHED_FIFO", "priority": -2147483649}}), "/process/scheduler/priority")
i("iopriority-bad-class-1.1", lambda d: d["process"].update({"ioPriority": {"class": "IOPRIO_CLASS_NONE", "priority": 0}}), "/process/ioPriority/class")
i("iopriority-missing-class-1.1", lambda d: d["process"].update({"ioPriority": {"priority": 0}}), "/process/ioPriority/class")
i("iopriority-negative-1.1", lambda d: d["process"].update({"ioPriority": {"class": "IOPRIO_CLASS_RT", "priority": -1}}), "/process/ioPriority/priority")
i("exec-cpu-affinity-final-words-1.2", lambda d: d["process"].update({"execCPUAffinity": {"final": "first"}}), "/process/execCPUAffinity/final")
i("memory-policy-missing-mode-1.3", lambda d: d["linux"].update({"memoryPolicy": {"nodes": "0"}}), "/linux/memoryPolicy/mode")
i("memory-policy-bad-flag-1.3", lambda d: d["linux"].update({"memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_LAZY"]}}), "/linux/memoryPolicy/flags/0")
i("timeoffsets-secs-string-1.1", lambda d: d["linux"].update({"timeOffsets": {"monotonic": {"secs": "60"}}}), "/linux/timeOffsets/monotonic/secs")
with open("expected-pointers.tsv", "w") as f:
    f.write("# invalid/<file>\tthe one JSON pointer every error of our schema must name (empty: the document itself)\n")
    for n, p in pointers: f.write(n + "\t" + p + "\n")
