package io.jrunc.bundle;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rule has failing rows (exact JSON pointer, part of the message) and passing rows. A case is three
 * JSON fragments appended to a valid base config: top-level members, process members, linux members.
 * ConfigReader lets the last of duplicate keys win (as Go does), so a fragment overrides the base.
 */
class ValidatorTest {
    @TempDir Path bundle;

    @BeforeEach
    void rootfs() throws IOException {
        Files.createDirectory(bundle.resolve("rootfs"));
    }

    private static final String BASE_NAMESPACES =
            "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"uts\"},{\"type\":\"ipc\"},{\"type\":\"network\"}]";

    static Spec config(String top, String process, String linux) {
        String json = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"env\":[\"PATH=/bin\"]" + more(process) + "},"
                + "\"linux\":{" + BASE_NAMESPACES + more(linux) + "}" + more(top) + "}";
        return ConfigReader.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String more(String fragment) {
        return fragment == null || fragment.isBlank() ? "" : "," + fragment;
    }

    private List<String> validate(Spec s) {
        return Validator.validate(s, bundle);
    }

    @ParameterizedTest(name = "[{index}] {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", textBlock = """
        # top | process | linux | pointer | message part
        "ociVersion":null                  | - | - | /ociVersion | must be set
        "ociVersion":""                    | - | - | /ociVersion | must be set
        "root":null                        | - | - | /root/path  | must be set
        "root":{"readonly":true}           | - | - | /root/path  | must be set
        "root":{"path":"missing"}          | - | - | /root/path  | does not exist
        "root":{"path":"/nonexistent/jrunc-rootfs"} | - | - | /root/path | does not exist
        "root":{"path":"afile"}            | - | - | /root/path  | is not a directory
        "process":null                     | - | - | /process    | must be set
        - | "args":[]                       | - | /process/args | must not be empty
        - | "args":null                     | - | /process/args | must not be empty
        - | "cwd":"tmp"                     | - | /process/cwd  | must be an absolute path, got "tmp"
        - | "cwd":null                      | - | /process/cwd  | must be set
        - | "env":["A=1","FOO"]             | - | /process/env/1 | invalid environment variable "FOO": missing '='
        - | "env":["=x"]                    | - | /process/env/0 | the name is empty
        - | "env":["A=b\\u0000c"]           | - | /process/env/0 | NUL byte
        - | "rlimits":[{"type":"RLIMIT_FOO","hard":1,"soft":1}] | - | /process/rlimits/0/type | unknown rlimit "RLIMIT_FOO"
        - | "rlimits":[{"hard":1,"soft":1}] | - | /process/rlimits/0/type | must be set
        - | "rlimits":[{"type":"RLIMIT_NOFILE","hard":9,"soft":9},{"type":"RLIMIT_NOFILE","hard":1,"soft":1}] | - | /process/rlimits/1/type | duplicate rlimit "RLIMIT_NOFILE"
        - | "rlimits":[{"type":"RLIMIT_NOFILE","hard":5,"soft":10}] | - | /process/rlimits/0/soft | soft limit 10 is above the hard limit 5
        - | "rlimits":[{"type":"RLIMIT_CORE","hard":5,"soft":18446744073709551615}] | - | /process/rlimits/0/soft | soft limit 18446744073709551615 is above
        - | "oomScoreAdj":1001              | - | /process/oomScoreAdj | between -1000 and 1000
        - | "oomScoreAdj":-1001             | - | /process/oomScoreAdj | between -1000 and 1000
        - | "scheduler":{"nice":1}          | - | /process/scheduler/policy | must be set
        - | "scheduler":{"policy":"SCHED_FAST"} | - | /process/scheduler/policy | unknown scheduler policy
        - | "scheduler":{"policy":"SCHED_OTHER","nice":20} | - | /process/scheduler/nice | between -20 and 19
        - | "scheduler":{"policy":"SCHED_OTHER","nice":-21} | - | /process/scheduler/nice | between -20 and 19
        - | "scheduler":{"policy":"SCHED_OTHER","priority":1} | - | /process/scheduler/priority | SCHED_FIFO or SCHED_RR
        - | "scheduler":{"policy":"SCHED_FIFO","runtime":1} | - | /process/scheduler/runtime | SCHED_DEADLINE
        - | "scheduler":{"policy":"SCHED_RR","deadline":1} | - | /process/scheduler/deadline | SCHED_DEADLINE
        - | "scheduler":{"policy":"SCHED_BATCH","period":1} | - | /process/scheduler/period | SCHED_DEADLINE
        - | "scheduler":{"policy":"SCHED_OTHER","flags":["SCHED_FLAG_RECLAIM","SCHED_FLAG_X"]} | - | /process/scheduler/flags/1 | unknown scheduler flag
        - | "ioPriority":{"priority":1}     | - | /process/ioPriority/class | must be set
        - | "ioPriority":{"class":"IOPRIO_CLASS_NONE"} | - | /process/ioPriority/class | unknown I/O priority class
        - | "ioPriority":{"class":"IOPRIO_CLASS_BE","priority":8} | - | /process/ioPriority/priority | between 0 and 7
        - | "ioPriority":{"class":"IOPRIO_CLASS_BE","priority":-1} | - | /process/ioPriority/priority | between 0 and 7
        - | "execCPUAffinity":{"initial":"a"} | - | /process/execCPUAffinity/initial | invalid CPU list "a"
        - | "execCPUAffinity":{"final":"3-1"}  | - | /process/execCPUAffinity/final | invalid CPU list
        - | "execCPUAffinity":{"final":"1,"}   | - | /process/execCPUAffinity/final | invalid CPU list
        - | "execCPUAffinity":{"final":",1"}   | - | /process/execCPUAffinity/final | invalid CPU list
        - | "execCPUAffinity":{"final":"1--2"} | - | /process/execCPUAffinity/final | invalid CPU list
        - | "execCPUAffinity":{"final":"0-"}   | - | /process/execCPUAffinity/final | invalid CPU list
        "mounts":[{"source":"/x","type":"bind"}]          | - | - | /mounts/0/destination | must be set
        "mounts":[{"destination":"/a","source":"a\\u0000b"}] | - | - | /mounts/0/source | NUL byte
        "mounts":[{"destination":"/a\\u0000b"}]          | - | - | /mounts/0/destination | NUL byte
        "hooks":{"poststop":[{"path":"/bin/true"},{"path":"true"}]} | - | - | /hooks/poststop/1/path | must be an absolute path
        "hooks":{"createRuntime":[{"args":["x"]}]}     | - | - | /hooks/createRuntime/0/path | must be set
        "hooks":{"prestart":[{"path":"/bin/true","timeout":0}]} | - | - | /hooks/prestart/0/timeout | greater than zero
        "hooks":{"startContainer":[{"path":"/bin/true","timeout":-5}]} | - | - | /hooks/startContainer/0/timeout | greater than zero
        "hooks":{"createContainer":[{"path":"rel"}]}   | - | - | /hooks/createContainer/0/path | absolute
        "hooks":{"poststart":[{"path":""}]}            | - | - | /hooks/poststart/0/path | must be set
        - | - | "namespaces":[{"type":"mount"},{"type":"bogus"}] | /linux/namespaces/1/type | unknown namespace type "bogus"
        - | - | "namespaces":[{"path":"/proc/1/ns/pid"}]        | /linux/namespaces/0/type | must be set
        - | - | "namespaces":[{"type":"mount"},{"type":"network","path":"proc/1/ns/net"}] | /linux/namespaces/1/path | must be an absolute path
        "hostname":"h"   | - | "namespaces":[{"type":"mount"}] | /hostname   | unable to set hostname without a private UTS namespace
        "domainname":"d" | - | "namespaces":[{"type":"mount"}] | /domainname | unable to set domainname without a private UTS namespace
        - | - | "namespaces":[{"type":"mount"},{"type":"user"}] | /linux/uidMappings | user namespaces enabled, but no uid mappings found
        - | - | "namespaces":[{"type":"mount"},{"type":"user"}],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}] | /linux/gidMappings | no gid mappings found
        - | - | "namespaces":[{"type":"mount"},{"type":"user"}],"uidMappings":[],"gidMappings":[{"containerID":0,"hostID":1000,"size":1}] | /linux/uidMappings | no uid mappings found
        - | - | "uidMappings":[{"containerID":0,"hostID":1000,"size":1}] | /linux/uidMappings | but there is no user namespace
        - | - | "gidMappings":[{"containerID":0,"hostID":1000,"size":1}] | /linux/gidMappings | but there is no user namespace
        - | - | "timeOffsets":{"monotonic":{"secs":1}}     | /linux/timeOffsets | but there is no time namespace
        - | - | "timeOffsets":{}                           | /linux/timeOffsets | but there is no time namespace
        - | - | "namespaces":[{"type":"mount"},{"type":"time","path":"/proc/1/ns/time"}],"timeOffsets":{"boottime":{"secs":1}} | /linux/timeOffsets | both namespace path and time offsets
        - | - | "namespaces":[{"type":"mount"},{"type":"time"}],"timeOffsets":{"realtime":{"secs":1}} | /linux/timeOffsets/realtime | unknown clock "realtime"
        - | - | "namespaces":[{"type":"mount"},{"type":"time"}],"timeOffsets":{"monotonic":{"secs":1,"nanosec":1000000000}} | /linux/timeOffsets/monotonic/nanosec | below 1000000000
        - | - | "rootfsPropagation":"sideways"   | /linux/rootfsPropagation | unsupported rootfsPropagation "sideways"
        - | - | "rootfsPropagation":"RSHARED"    | /linux/rootfsPropagation | unsupported rootfsPropagation
        - | - | "maskedPaths":["/proc/kcore","proc/keys"] | /linux/maskedPaths/1 | must be an absolute path, got "proc/keys"
        - | - | "readonlyPaths":[""]            | /linux/readonlyPaths/0 | must be set
        - | - | "namespaces":[{"type":"pid"}],"maskedPaths":["/proc/kcore"] | /linux/maskedPaths | unable to restrict sys entries without a private MNT namespace
        - | - | "namespaces":[{"type":"pid"}],"maskedPaths":[],"readonlyPaths":["/proc/sys"] | /linux/readonlyPaths | without a private MNT namespace
        - | - | "devices":[{"type":"c","path":"/dev/null","major":1,"minor":3},{"type":"x","path":"/dev/a"}] | /linux/devices/1/type | invalid device type "x"
        - | - | "devices":[{"path":"/dev/a","major":1,"minor":3}]        | /linux/devices/0/type | must be set
        - | - | "devices":[{"type":"c","path":"dev/null","major":1,"minor":3}] | /linux/devices/0/path | must be an absolute path
        - | - | "devices":[{"type":"b","major":8,"minor":0}]                | /linux/devices/0/path | must be set
        - | - | "resources":{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"x","access":"r"}]} | /linux/resources/devices/1/type | invalid cgroup device type "x"
        - | - | "resources":{"devices":[{"allow":false}]}               | /linux/resources/devices/0/access | must not be empty
        - | - | "resources":{"devices":[{"allow":false,"access":"rx"}]} | /linux/resources/devices/0/access | invalid device access "rx"
        - | - | "seccomp":{"defaultAction":"SCMP_ACT_SOMETIMES"} | /linux/seccomp/defaultAction | unknown seccomp action "SCMP_ACT_SOMETIMES"
        - | - | "seccomp":{"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]} | /linux/seccomp/defaultAction | must be set
        - | - | "seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ERRNO"},{"names":["b"],"action":"SCMP_ACT_DENY"}]} | /linux/seccomp/syscalls/1/action | unknown seccomp action
        - | - | "seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"]}]} | /linux/seccomp/syscalls/0/action | must be set
        - | - | "seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"op":"SCMP_CMP_LIKE"}]}]} | /linux/seccomp/syscalls/0/args/1/op | unknown seccomp operator "SCMP_CMP_LIKE"
        - | - | "seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1}]}]} | /linux/seccomp/syscalls/0/args/0/op | must be set
        - | - | "personality":{"domain":"LINUX64"} | /linux/personality/domain | invalid personality domain "LINUX64"
        - | - | "personality":{"flags":[]}         | /linux/personality/domain | invalid personality domain ""
        - | - | "namespaces":[{"type":"mount"}],"sysctl":{"net.ipv4.ip_forward":"1"} | /linux/sysctl/net.ipv4.ip_forward | sysctl "net.ipv4.ip_forward" not allowed in host network namespace
        - | - | "namespaces":[{"type":"mount"},{"type":"network","path":"/proc/self/ns/net"}],"sysctl":{"net.core.somaxconn":"1"} | /linux/sysctl/net.core.somaxconn | not allowed in host network namespace
        - | - | "namespaces":[{"type":"mount"},{"type":"network","path":"/nonexistent/netns"}],"sysctl":{"net.core.somaxconn":"1"} | /linux/namespaces/1/path | invalid netns path
        - | - | "namespaces":[{"type":"mount"}],"sysctl":{"net/ipv4/conf/eth0.100/rp_filter":"1"} | /linux/sysctl/net~1ipv4~1conf~1eth0.100~1rp_filter | sysctl "net.ipv4.conf.eth0/100.rp_filter"
        - | - | "namespaces":[{"type":"mount"}],"sysctl":{"kernel.shmmax":"1"}       | /linux/sysctl/kernel.shmmax | is not allowed in the hosts ipc namespace
        - | - | "namespaces":[{"type":"mount"}],"sysctl":{"fs.mqueue.msg_max":"1"}   | /linux/sysctl/fs.mqueue.msg_max | is not allowed in the hosts ipc namespace
        - | - | "namespaces":[{"type":"mount"}],"sysctl":{"kernel/sem":"1"}          | /linux/sysctl/kernel~1sem | sysctl "kernel.sem" is not allowed in the hosts ipc namespace
        - | - | "sysctl":{"kernel.hostname":"x"}   | /linux/sysctl/kernel.hostname | conflicts with the OCI "hostname" field
        - | - | "namespaces":[{"type":"mount"}],"sysctl":{"kernel.domainname":"x"} | /linux/sysctl/kernel.domainname | is not in a separate kernel namespace
        - | - | "sysctl":{"net.ipv4.ip_forward":"1","vm.swappiness":"1"} | /linux/sysctl/vm.swappiness | sysctl "vm.swappiness" is not in a separate kernel namespace
        - | - | "sysctl":{"kernel.pid_max":"1"}    | /linux/sysctl/kernel.pid_max | is not in a separate kernel namespace
        """)
    void rejects(String top, String process, String linux, String pointer, String message) throws IOException {
        Files.writeString(bundle.resolve("afile"), "");
        // the reader itself refuses some (a NUL byte), the validator the rest: both name the pointer
        JruncException e = assertThrows(JruncException.class, () -> validate(config(top, process, linux)));
        assertEquals(pointer, e.pointer(), e.userMessage());
        assertTrue(e.getMessage().contains(message), () -> "message: " + e.getMessage());
        assertTrue(e.userMessage().startsWith("config.json " + pointer + ": "), e.userMessage());
    }

    @ParameterizedTest(name = "[{index}] {0}{1}{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", textBlock = """
        # top | process | linux
        -                                   | -                                        | -
        "root":{"path":"ABS"}               | -                                        | -
        "root":{"path":"rootfs/"}           | -                                        | -
        -                                   | "cwd":"/work/../tmp"                     | -
        -                                   | "env":["A=","B==c"]                      | -
        -                                   | "env":null                               | -
        -                                   | "rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024},{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":5}] | -
        -                                   | "rlimits":[{"type":"RLIMIT_AS","hard":0,"soft":0}] | -
        -                                   | "capabilities":{"bounding":["CAP_SYS_ADMIN","CAP_CHECKPOINT_RESTORE"],"inheritable":[]} | -
        -                                   | "oomScoreAdj":-1000                      | -
        -                                   | "oomScoreAdj":1000                       | -
        -                                   | "scheduler":{"policy":"SCHED_DEADLINE","runtime":1,"deadline":2,"period":3,"flags":["SCHED_FLAG_DL_OVERRUN"]} | -
        -                                   | "scheduler":{"policy":"SCHED_FIFO","priority":50,"nice":-20} | -
        -                                   | "scheduler":{"policy":"SCHED_OTHER","nice":19,"priority":0,"runtime":0} | -
        -                                   | "ioPriority":{"class":"IOPRIO_CLASS_RT","priority":7} | -
        -                                   | "ioPriority":{"class":"IOPRIO_CLASS_IDLE"} | -
        -                                   | "execCPUAffinity":{"initial":"0","final":"0-3,7,9-9"} | -
        -                                   | "execCPUAffinity":{"initial":"","final":null} | -
        "mounts":[{"destination":"/proc","type":"proc","source":"proc","options":["nosuid","totally-unknown-option","x-data=1"]}] | - | -
        "mounts":[{"destination":"/a","type":"bind","source":"relative/src","options":["rbind"]}] | - | -
        "hooks":{"prestart":[{"path":"/bin/true","timeout":1}],"poststop":[]} | - | -
        "hooks":{}                          | -                                        | -
        -                                   | -                                        | "namespaces":[{"type":"mount"},{"type":"pid","path":"/proc/1/ns/pid"},{"type":"network","path":""}]
        -                                   | -                                        | "namespaces":[]
        "hostname":"h","domainname":"d"     | -                                        | "namespaces":[{"type":"mount"},{"type":"uts","path":"/proc/1/ns/uts"}]
        "hostname":""                       | -                                        | "namespaces":[{"type":"mount"}]
        -                                   | -                                        | "namespaces":[{"type":"mount"},{"type":"user"}],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":1000,"size":1}]
        -                                   | -                                        | "namespaces":[{"type":"mount"},{"type":"user","path":"/proc/1/ns/user"}]
        -                                   | -                                        | "uidMappings":[],"gidMappings":null
        -                                   | -                                        | "namespaces":[{"type":"mount"},{"type":"time"}],"timeOffsets":{"monotonic":{"secs":-5,"nanosec":999999999},"boottime":{"secs":5}}
        -                                   | -                                        | "namespaces":[{"type":"mount"},{"type":"time"}]
        -                                   | -                                        | "namespaces":[{"type":"mount"},{"type":"time","path":"/proc/1/ns/time"}]
        -                                   | -                                        | "rootfsPropagation":""
        -                                   | -                                        | "rootfsPropagation":"rshared"
        -                                   | -                                        | "rootfsPropagation":"unbindable"
        -                                   | -                                        | "maskedPaths":["/proc/kcore"],"readonlyPaths":["/proc/sys"]
        -                                   | -                                        | "namespaces":[{"type":"pid"}],"maskedPaths":[],"readonlyPaths":null
        -                                   | -                                        | "namespaces":[{"type":"mount","path":"/proc/1/ns/mnt"}],"maskedPaths":["/proc/kcore"]
        -                                   | -                                        | "devices":[{"type":"c","path":"/dev/fuse","major":10,"minor":229},{"type":"u","path":"/dev/u","major":1,"minor":1},{"type":"b","path":"/dev/sda","major":8,"minor":0},{"type":"p","path":"/dev/fifo"},{"type":"p","path":"/dev/fifo2","major":1,"minor":2}]
        -                                   | -                                        | "devices":[{"type":"c","path":"/opt/null","major":1,"minor":3}]
        -                                   | -                                        | "resources":{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"a","access":"m"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"},{"allow":true,"type":"","access":"r"}]}
        -                                   | -                                        | "seccomp":{}
        -                                   | -                                        | "seccomp":{"defaultAction":"","syscalls":[]}
        -                                   | -                                        | "seccomp":{"defaultAction":"SCMP_ACT_KILL_PROCESS","syscalls":[{"names":["a"],"action":"SCMP_ACT_NOTIFY"},{"names":["b"],"action":"SCMP_ACT_LOG","args":[{"index":0,"value":1,"op":"SCMP_CMP_NE"},{"index":0,"value":1,"op":"SCMP_CMP_LT"},{"index":0,"value":1,"op":"SCMP_CMP_LE"},{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":0,"value":1,"op":"SCMP_CMP_GE"},{"index":0,"value":1,"op":"SCMP_CMP_GT"},{"index":0,"value":1,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]}]}
        -                                   | -                                        | "personality":{"domain":"LINUX"}
        -                                   | -                                        | "personality":{"domain":"LINUX32","flags":["ADDR_NO_RANDOMIZE"]}
        -                                   | -                                        | "sysctl":{"net.ipv4.ip_forward":"1","net/ipv4/conf/eth0.100/rp_filter":"0","kernel.shmmax":"1","kernel.msgmax":"1","fs.mqueue.msg_max":"1","kernel.domainname":"d"}
        -                                   | -                                        | "namespaces":[{"type":"mount"},{"type":"ipc","path":"/proc/1/ns/ipc"}],"sysctl":{"kernel.shm_rmid_forced":"1"}
        -                                   | -                                        | "sysctl":{}
        -                                   | -                                        | "cgroupsPath":"system.slice:jrunc:abc"
        -                                   | -                                        | "cgroupsPath":"relative/path"
        """)
    void accepts(String top, String process, String linux) {
        if (top != null) top = top.replace("ABS", bundle.resolve("rootfs").toString());
        assertEquals(List.of(), validate(config(top, process, linux)));
    }

    @Test
    void netSysctlInAJoinedNetworkNamespaceThatIsNotTheHostsIsAllowed() throws IOException {
        // Any file other than /proc/self/ns/net stands in for another network namespace.
        Path other = Files.writeString(bundle.resolve("netns"), "");
        Spec s = config(null, null, "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\",\"path\":\"" + other
                + "\"}],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}");
        assertEquals(List.of(), validate(s));
    }

    @Test
    void duplicateNamespaceMessageAsDocumented() {
        Spec s = config(null, null,
                "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"uts\"},{\"type\":\"pid\"}]");
        JruncException e = assertThrows(JruncException.class, () -> validate(s));
        assertEquals("config.json /linux/namespaces/3/type: duplicate namespace \"pid\"", e.userMessage());
    }

    @Test
    void emptyArgsMessageAsDocumented() {
        JruncException e = assertThrows(JruncException.class, () -> validate(config(null, "\"args\":[]", null)));
        assertEquals("config.json /process/args: must not be empty", e.userMessage());
    }

    @Test
    void relativeRootIsResolvedAgainstTheBundleAndHinted() throws IOException {
        JruncException e = assertThrows(JruncException.class, () -> validate(config("\"root\":{\"path\":\"nope\"}", null, null)));
        assertTrue(e.getMessage().contains(bundle.resolve("nope").toString()), e.getMessage());
        assertEquals("a relative root.path is resolved against the bundle directory", e.hint());
        Files.createDirectories(bundle.resolve("deep/rootfs"));
        validate(config("\"root\":{\"path\":\"deep/rootfs\"}", null, null));
    }

    @Test
    void unknownCapabilityNamesAreErrorsNamingTheEntry() {
        for (String bad : List.of("CAP_TEST", "KILL", "cap_kill", "")) {
            JruncException e = assertThrows(JruncException.class, () -> validate(config(null,
                    "\"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"ambient\":[\"CAP_CHOWN\",\"" + bad + "\"]}", null)), bad);
            assertEquals("/process/capabilities/ambient/1", e.pointer());
            assertTrue(e.getMessage().contains("unknown capability \"" + bad + "\""), e.getMessage());
        }
        assertEquals(List.of(), validate(config(null,
                "\"capabilities\":{\"bounding\":[\"CAP_CHECKPOINT_RESTORE\",\"CAP_BPF\",\"CAP_PERFMON\"]}", null)));
    }

    @Test
    void relativeMountDestinationIsAWarning() {
        // runtime-spec 1.2: relative to "/"; runc 1.1 takes it and warns
        List<String> w = validate(config("\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},{\"destination\":\"tmp\",\"type\":\"tmpfs\"}]", null, null));
        assertEquals(List.of("config.json /mounts/1/destination: mount destination tmp is not absolute, taken as \"/tmp\""), w);
    }

    @Test
    void joinedUserNamespaceWithMappingsIsAWarning() {
        // containerd and CRI-O pass both; runc accepts it when they match the namespace's own mappings.
        List<String> w = validate(config(null, null, "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}],"
                + "\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}]"));
        assertEquals(1, w.size());
        assertTrue(w.get(0).startsWith("config.json /linux/uidMappings: "), w.get(0));
    }

    @Test
    void linuxSectionMayBeAbsent() {
        Spec s = ConfigReader.parse("{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), validate(s));
        Spec h = ConfigReader.parse("{\"ociVersion\":\"1.3.0\",\"hostname\":\"x\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("/hostname", assertThrows(JruncException.class, () -> validate(h)).pointer());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bundle/runc-spec.json", "/bundle/runc-spec-rootless.json", "/bundle/full-1.3.json"})
    void fixturesAreValid(String resource) throws IOException {
        assertEquals(List.of(), validate(ConfigReader.parse(withoutUnsupported(resource(resource)))));
    }

    /** full-1.3.json uses the three linux fields jrunc refuses (intelRdt, netDevices, memoryPolicy): null them. */
    static byte[] withoutUnsupported(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        for (String f : List.of("\"intelRdt\"", "\"netDevices\"", "\"memoryPolicy\""))
            s = s.replace(f + ":", "\"x-" + f.substring(1) + ":");
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Fields jrunc does not implement are refused naming them, never ignored; closID is checked as a name first. */
    @Test
    void unsupportedLinuxFieldsAreRefusedNamingThePointer() throws IOException {
        String full = new String(resource("/bundle/full-1.3.json"), StandardCharsets.UTF_8);
        assertEquals("/linux/netDevices", refusal(full).pointer()); // the first of the three in the file
        String base = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},\"linux\":";
        JruncException e = refusal(base + "{\"intelRdt\":{\"closID\":\"../../../../tmp/x\"}}}");
        assertEquals("/linux/intelRdt/closID", e.pointer());
        assertTrue(e.getMessage().contains("invalid closID"), e.getMessage());
        assertEquals("/linux/intelRdt", refusal(base + "{\"intelRdt\":{\"closID\":\"ok\"}}}").pointer());
        assertEquals("/linux/intelRdt/closID", refusal(base + "{\"intelRdt\":{\"closID\":\"..\"}}}").pointer());
        assertEquals("/linux/intelRdt/enableMonitoring", refusal(base + "{\"intelRdt\":{\"enableMonitoring\":\"yes\"}}}").pointer());
        assertEquals("/linux/netDevices", refusal(base + "{\"netDevices\":{\"eth0\":{}}}}").pointer());
        assertEquals("/linux/memoryPolicy", refusal(base + "{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"}}}").pointer());
        ConfigReader.parse((base + "{\"netDevices\":{},\"memoryPolicy\":null}}").getBytes(StandardCharsets.UTF_8));
    }

    private static JruncException refusal(String json) {
        return assertThrows(JruncException.class, () -> ConfigReader.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** A NUL byte anywhere but in annotations is refused at its pointer (it would end up cut in a C string). */
    @Test
    void nulBytesAreRefusedNamingThePointer() {
        String base = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\",%s],\"cwd\":%s},"
                + "\"hostname\":%s,\"linux\":{\"maskedPaths\":[%s],\"sysctl\":{%s:\"1\"}},\"annotations\":{\"a\":\"x\\u0000y\"}}";
        String nul = "\"a\\u0000b\"", ok = "\"/ok\"";
        assertEquals("/process/args/1", refusal(String.format(base, nul, ok, ok, ok, ok)).pointer());
        assertEquals("/process/cwd", refusal(String.format(base, ok, nul, ok, ok, ok)).pointer());
        assertEquals("/hostname", refusal(String.format(base, ok, ok, nul, ok, ok)).pointer());
        assertEquals("/linux/maskedPaths/0", refusal(String.format(base, ok, ok, ok, nul, ok)).pointer());
        assertTrue(refusal(String.format(base, ok, ok, ok, ok, nul)).pointer().startsWith("/linux/sysctl/"));
        // annotations only travel as JSON: kept as they are, as runc does
        assertEquals("x\0y", ConfigReader.parse(String.format(base, ok, ok, ok, ok, ok).getBytes(StandardCharsets.UTF_8))
                .annotations().get("a"));
    }

    /** jrunc's own `spec` templates (main resources) pass its validator. */
    @ParameterizedTest
    @ValueSource(strings = {"/io/jrunc/cli/spec.json", "/io/jrunc/cli/spec-rootless.json"})
    void jruncSpecTemplatesAreValid(String resource) throws IOException {
        assertEquals(List.of(), validate(ConfigReader.parse(resource(resource))));
    }

    @Test
    void cpuListSyntax() {
        for (String ok : List.of("0", "12", "0-1", "0,1", "0-3,5,7-9", "3-3"))
            Validator.cpuList("/p", ok);
        for (String bad : List.of("-1", "1-", "a", "1,,2", " 1", "1 ", "2-1", "1-2-3", ","))
            assertThrows(JruncException.class, () -> Validator.cpuList("/p", bad), bad);
    }

    @Test
    void sysctlSlashFormIsConvertedLikeRunc() {
        assertEquals("net.ipv4.conf.eno2/100.rp_filter", Validator.dotted("net/ipv4/conf/eno2.100/rp_filter"));
        assertEquals("net.ipv4.conf.eno2/100.rp_filter", Validator.dotted("net.ipv4.conf.eno2/100.rp_filter"));
        assertEquals("kernel.sem", Validator.dotted("kernel/sem"));
        assertEquals("vm", Validator.dotted("vm"));
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ValidatorTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }
}
