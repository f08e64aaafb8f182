package io.jrunc.bundle;

import java.util.List;
import java.util.Map;

/**
 * config.json of runtime-spec 1.3 (Linux), as immutable records named after the spec's fields.
 * Convention: an absent optional object or list is {@code null} (the spec often distinguishes "absent"
 * from "empty", e.g. capabilities, namespaces, devices); absent optional numbers are boxed nulls.
 * Parsing is {@link ConfigReader}; checks the schema cannot express are {@link Validator}.
 */
public record Spec(String ociVersion, Process process, Root root, String hostname, String domainname,
                   List<Mount> mounts, Hooks hooks, Map<String, String> annotations, Linux linux) {

    public record Root(String path, boolean readonly) {}

    public record Process(boolean terminal, ConsoleSize consoleSize, User user, List<String> args,
                          String commandLine, List<String> env, String cwd, Capabilities capabilities,
                          List<Rlimit> rlimits, boolean noNewPrivileges, String apparmorProfile,
                          Integer oomScoreAdj, String selinuxLabel, Scheduler scheduler,
                          IoPriority ioPriority, ExecCpuAffinity execCPUAffinity) {}

    public record ConsoleSize(long height, long width) {}

    public record User(long uid, long gid, Long umask, List<Long> additionalGids, String username) {}

    /** Each list null when the set is absent from config.json. */
    public record Capabilities(List<String> bounding, List<String> effective, List<String> inheritable,
                               List<String> permitted, List<String> ambient) {}

    public record Rlimit(String type, long hard, long soft) {}

    public record Scheduler(String policy, Integer nice, Integer priority, List<String> flags,
                            Long runtime, Long deadline, Long period) {}

    public record IoPriority(String clazz, int priority) {}

    public record ExecCpuAffinity(String initial, String finalCpus) {}

    public record Mount(String destination, String source, String type, List<String> options,
                        List<IdMapping> uidMappings, List<IdMapping> gidMappings) {}

    public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> createContainer,
                        List<Hook> startContainer, List<Hook> poststart, List<Hook> poststop) {}

    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {}

    public record Linux(List<Namespace> namespaces, List<IdMapping> uidMappings, List<IdMapping> gidMappings,
                        Map<String, TimeOffset> timeOffsets, List<Device> devices, String cgroupsPath,
                        Resources resources, String rootfsPropagation, Seccomp seccomp,
                        Map<String, String> sysctl, List<String> maskedPaths, List<String> readonlyPaths,
                        String mountLabel, Personality personality) {}

    public record Namespace(String type, String path) {}

    public record IdMapping(long containerID, long hostID, long size) {}

    public record TimeOffset(long secs, long nanosec) {}

    /** fileMode/uid/gid null when absent (the runtime then picks 0666 / 0 / 0 as runc does). */
    public record Device(String type, String path, long major, long minor, Integer fileMode, Long uid, Long gid) {}

    public record Resources(List<DeviceRule> devices, Memory memory, Cpu cpu, Pids pids, BlockIo blockIO,
                            List<HugepageLimit> hugepageLimits, Network network, Map<String, Rdma> rdma,
                            Map<String, String> unified) {}

    /** major/minor null mean "all" (-1 / '*'). */
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {}

    public record Memory(Long limit, Long reservation, Long swap, Long kernel, Long kernelTCP, Long swappiness,
                         Boolean disableOOMKiller, Boolean useHierarchy, Boolean checkBeforeUpdate) {}

    public record Cpu(Long shares, Long quota, Long burst, Long period, Long realtimeRuntime,
                      Long realtimePeriod, String cpus, String mems, Long idle) {}

    public record Pids(Long limit) {}

    public record BlockIo(Integer weight, Integer leafWeight, List<WeightDevice> weightDevice,
                          List<ThrottleDevice> throttleReadBpsDevice, List<ThrottleDevice> throttleWriteBpsDevice,
                          List<ThrottleDevice> throttleReadIOPSDevice, List<ThrottleDevice> throttleWriteIOPSDevice) {}

    public record WeightDevice(long major, long minor, Integer weight, Integer leafWeight) {}

    public record ThrottleDevice(long major, long minor, long rate) {}

    public record HugepageLimit(String pageSize, long limit) {}

    public record Network(Long classID, List<NetPriority> priorities) {}

    public record NetPriority(String name, long priority) {}

    public record Rdma(Long hcaHandles, Long hcaObjects) {}

    public record Seccomp(String defaultAction, Long defaultErrnoRet, List<String> architectures,
                          List<String> flags, String listenerPath, String listenerMetadata, List<Syscall> syscalls) {}

    public record Syscall(List<String> names, String action, Long errnoRet, List<SeccompArg> args) {}

    public record SeccompArg(long index, long value, long valueTwo, String op) {}

    public record Personality(String domain, List<String> flags) {}
}
