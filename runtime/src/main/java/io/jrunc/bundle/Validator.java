package io.jrunc.bundle;

import io.jrunc.JruncException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks a {@link Spec} cannot express by type, run before anything is created: required fields,
 * absolute paths, namespace combinations, sysctl placement, known names. Semantics are runc's
 * (libcontainer/specconv and configs/validate) and the runtime-spec's MUSTs; the first problem found is
 * thrown as a {@link JruncException} naming its JSON pointer, e.g.
 * {@code config.json /linux/namespaces/3/type: duplicate namespace "pid"}.
 *
 * <p>Things runc only warns about are returned as warnings (one user-facing line each, pointer included),
 * for the caller to log: a user namespace joined by path
 * that also lists mappings (the mappings are not applied).
 *
 * <p>Deliberately not checked here (other parts own them): the mount namespace requirement (planner),
 * mount options (planner), seccomp architectures/flags/arg indexes (seccomp compiler), cgroup v1/v2
 * specifics and the systemd cgroupsPath form (cgroup drivers), SELinux availability.
 */
public final class Validator {
    private Validator() {}

    static final Set<String> NAMESPACES = Set.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");
    static final Set<String> PROPAGATIONS = Set.of("shared", "slave", "private", "unbindable", "rshared", "rslave",
            "rprivate", "runbindable");
    static final Set<String> RLIMITS = Set.of("RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE",
            "RLIMIT_LOCKS", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC",
            "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK");
    static final Set<String> SECCOMP_ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    static final Set<String> SECCOMP_OPS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    static final Set<String> SCHED_POLICIES = Set.of("SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
            "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");
    static final Set<String> SCHED_FLAGS = Set.of("SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
            "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
            "SCHED_FLAG_UTIL_CLAMP_MAX");
    static final Set<String> IOPRIO_CLASSES = Set.of("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");
    /** Sysctls namespaced by the ipc namespace besides fs.mqueue.* (runc's list). */
    static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
            "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    /**
     * Validates a parsed config.json of the bundle in {@code bundleDir} (a relative root.path is resolved
     * against it). Returns the warnings (possibly empty, unmodifiable); throws on the first error.
     */
    public static List<String> validate(Spec spec, Path bundleDir) {
        List<String> warnings = new ArrayList<>();
        if (empty(spec.ociVersion())) throw JruncException.config("/ociVersion", "must be set");
        root(spec, bundleDir);
        if (spec.process() == null) throw JruncException.config("/process", "must be set",
                "create needs the container's process");
        process(spec.process(), warnings);
        mounts(spec.mounts(), warnings);
        hooks(spec.hooks());
        linux(spec, warnings);
        return List.copyOf(warnings);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }

    /** A JSON pointer segment for a map key. */
    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static void absolute(String ptr, String path) {
        if (empty(path)) throw JruncException.config(ptr, "must be set");
        if (path.charAt(0) != '/') throw JruncException.config(ptr, "must be an absolute path, got " + quote(path));
    }

    private static void noNul(String ptr, String s) {
        if (s != null && s.indexOf('\0') >= 0) throw JruncException.config(ptr, "contains a NUL byte");
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }

    // ---- root, process, mounts, hooks ---------------------------------------------------------------

    private static void root(Spec spec, Path bundleDir) {
        if (spec.root() == null || empty(spec.root().path())) throw JruncException.config("/root/path", "must be set");
        noNul("/root/path", spec.root().path());
        Path rootfs = bundleDir.resolve(spec.root().path());
        if (!Files.isDirectory(rootfs)) {
            boolean exists = Files.exists(rootfs, LinkOption.NOFOLLOW_LINKS);
            throw JruncException.config("/root/path", "rootfs " + rootfs + (exists ? " is not a directory" : " does not exist"),
                    spec.root().path().startsWith("/") ? null : "a relative root.path is resolved against the bundle directory");
        }
    }

    private static void process(Spec.Process p, List<String> warnings) {
        if (p.args() == null || p.args().isEmpty()) throw JruncException.config("/process/args", "must not be empty");
        absolute("/process/cwd", p.cwd());
        List<String> env = orEmpty(p.env());
        for (int i = 0; i < env.size(); i++) {
            String kv = env.get(i);
            int eq = kv.indexOf('=');
            if (eq < 0) throw JruncException.config("/process/env/" + i, "invalid environment variable " + quote(kv)
                    + ": missing '='");
            if (eq == 0) throw JruncException.config("/process/env/" + i, "invalid environment variable " + quote(kv)
                    + ": the name is empty");
            noNul("/process/env/" + i, kv);
        }
        List<Spec.Rlimit> rlimits = orEmpty(p.rlimits());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rlimits.size(); i++) {
            Spec.Rlimit r = rlimits.get(i);
            String ptr = "/process/rlimits/" + i;
            if (empty(r.type())) throw JruncException.config(ptr + "/type", "must be set");
            if (!RLIMITS.contains(r.type())) throw JruncException.config(ptr + "/type", "unknown rlimit " + quote(r.type()));
            if (!seen.add(r.type())) throw JruncException.config(ptr + "/type", "duplicate rlimit " + quote(r.type()));
            if (Long.compareUnsigned(r.soft(), r.hard()) > 0)
                throw JruncException.config(ptr + "/soft", "soft limit " + Long.toUnsignedString(r.soft())
                        + " is above the hard limit " + Long.toUnsignedString(r.hard()));
        }
        Spec.Capabilities c = p.capabilities();
        if (c != null) {
            capabilities("bounding", c.bounding(), warnings);
            capabilities("effective", c.effective(), warnings);
            capabilities("inheritable", c.inheritable(), warnings);
            capabilities("permitted", c.permitted(), warnings);
            capabilities("ambient", c.ambient(), warnings);
        }
        if (p.oomScoreAdj() != null && (p.oomScoreAdj() < -1000 || p.oomScoreAdj() > 1000))
            throw JruncException.config("/process/oomScoreAdj", "must be between -1000 and 1000, got " + p.oomScoreAdj());
        if (p.scheduler() != null) scheduler(p.scheduler());
        Spec.IoPriority io = p.ioPriority();
        if (io != null) {
            if (empty(io.clazz())) throw JruncException.config("/process/ioPriority/class", "must be set");
            if (!IOPRIO_CLASSES.contains(io.clazz())) throw JruncException.config("/process/ioPriority/class",
                    "unknown I/O priority class " + quote(io.clazz()), "IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE");
            if (io.priority() < 0 || io.priority() > 7)
                throw JruncException.config("/process/ioPriority/priority", "must be between 0 and 7, got " + io.priority());
        }
        Spec.ExecCpuAffinity aff = p.execCPUAffinity();
        if (aff != null) {
            cpuList("/process/execCPUAffinity/initial", aff.initial());
            cpuList("/process/execCPUAffinity/final", aff.finalCpus());
        }
    }

    private static void capabilities(String set, List<String> names, List<String> warnings) {
        List<String> l = orEmpty(names);
        for (int i = 0; i < l.size(); i++) {
            String ptr = "/process/capabilities/" + set + "/" + i;
            String name = l.get(i);
            // Not a name of capabilities(7) at all: an invalid value, an error (config.md "Valid values";
            // runtime-tools' process_capabilities_fail). runc 1.1-1.4 ignore it with a warning. A name the
            // running kernel lacks is mapped by the init to what the kernel has (cap_last_cap), as runc does.
            if (io.jrunc.plan.Caps.number(name) < 0)
                throw JruncException.config(ptr, "unknown capability " + quote(name),
                        "a name from capabilities(7), CAP_CHOWN to CAP_CHECKPOINT_RESTORE");
        }
    }

    /** runc's rules (sched_setattr(2)). */
    private static void scheduler(Spec.Scheduler s) {
        String policy = s.policy();
        if (empty(policy)) throw JruncException.config("/process/scheduler/policy", "must be set");
        if (!SCHED_POLICIES.contains(policy))
            throw JruncException.config("/process/scheduler/policy", "unknown scheduler policy " + quote(policy));
        if (s.nice() != null && (s.nice() < -20 || s.nice() > 19))
            throw JruncException.config("/process/scheduler/nice", "must be between -20 and 19, got " + s.nice());
        if (s.priority() != null && s.priority() != 0 && !policy.equals("SCHED_FIFO") && !policy.equals("SCHED_RR"))
            throw JruncException.config("/process/scheduler/priority", "can only be set for SCHED_FIFO or SCHED_RR");
        if (!policy.equals("SCHED_DEADLINE")) {
            String field = s.runtime() != null && s.runtime() != 0 ? "runtime"
                    : s.deadline() != null && s.deadline() != 0 ? "deadline"
                    : s.period() != null && s.period() != 0 ? "period" : null;
            if (field != null)
                throw JruncException.config("/process/scheduler/" + field, "can only be set for SCHED_DEADLINE");
        }
        List<String> flags = orEmpty(s.flags());
        for (int i = 0; i < flags.size(); i++)
            if (!SCHED_FLAGS.contains(flags.get(i)))
                throw JruncException.config("/process/scheduler/flags/" + i, "unknown scheduler flag " + quote(flags.get(i)));
    }

    /** A cpuset list: "0-3,7" (empty or absent means unset). */
    static void cpuList(String ptr, String list) {
        if (empty(list)) return;
        int i = 0, n = list.length();
        while (true) {
            int start = i;
            long a = 0;
            while (i < n && Character.isDigit(list.charAt(i)) && i - start < 9) a = a * 10 + (list.charAt(i++) - '0');
            boolean ok = i > start;
            if (ok && i < n && list.charAt(i) == '-') {
                int s2 = ++i;
                long b = 0;
                while (i < n && Character.isDigit(list.charAt(i)) && i - s2 < 9) b = b * 10 + (list.charAt(i++) - '0');
                ok = i > s2 && b >= a;
            }
            if (!ok || (i < n && list.charAt(i) != ','))
                throw JruncException.config(ptr, "invalid CPU list " + quote(list), "e.g. \"0-3,7\"");
            if (i == n) return;
            i++; // ','
            if (i == n) throw JruncException.config(ptr, "invalid CPU list " + quote(list), "e.g. \"0-3,7\"");
        }
    }

    private static void mounts(List<Spec.Mount> mounts, List<String> warnings) {
        List<Spec.Mount> l = orEmpty(mounts);
        for (int i = 0; i < l.size(); i++) {
            Spec.Mount m = l.get(i);
            String ptr = "/mounts/" + i;
            String d = m.destination();
            if (empty(d)) throw JruncException.config(ptr + "/destination", "must be set");
            // runtime-spec 1.2 allows it (relative to "/"); runc takes it with a warning
            if (d.charAt(0) != '/')
                warnings.add("config.json " + ptr + "/destination: mount destination " + d + " is not absolute, taken as "
                        + quote("/" + d));
            noNul(ptr + "/destination", d);
            noNul(ptr + "/source", m.source());
            noNul(ptr + "/type", m.type());
        }
    }

    private static void hooks(Spec.Hooks h) {
        if (h == null) return;
        hooks("prestart", h.prestart());
        hooks("createRuntime", h.createRuntime());
        hooks("createContainer", h.createContainer());
        hooks("startContainer", h.startContainer());
        hooks("poststart", h.poststart());
        hooks("poststop", h.poststop());
    }

    private static void hooks(String kind, List<Spec.Hook> hooks) {
        List<Spec.Hook> l = orEmpty(hooks);
        for (int i = 0; i < l.size(); i++) {
            Spec.Hook h = l.get(i);
            String ptr = "/hooks/" + kind + "/" + i;
            absolute(ptr + "/path", h.path());
            if (h.timeout() != null && h.timeout() <= 0)
                throw JruncException.config(ptr + "/timeout", "must be greater than zero, got " + h.timeout());
        }
    }

    // ---- linux --------------------------------------------------------------------------------------

    private static void linux(Spec s, List<String> warnings) {
        Spec.Linux l = s.linux();
        List<Spec.Namespace> nss = l == null ? List.of() : orEmpty(l.namespaces());
        // type -> path ("" for a new namespace), for the types listed
        Map<String, String> ns = new HashMap<>();
        for (int i = 0; i < nss.size(); i++) {
            Spec.Namespace n = nss.get(i);
            String ptr = "/linux/namespaces/" + i;
            if (empty(n.type())) throw JruncException.config(ptr + "/type", "must be set");
            if (!NAMESPACES.contains(n.type())) throw JruncException.config(ptr + "/type",
                    "unknown namespace type " + quote(n.type()), "pid, network, mount, ipc, uts, user, cgroup or time");
            if (ns.containsKey(n.type())) throw JruncException.config(ptr + "/type", "duplicate namespace " + quote(n.type()));
            if (!empty(n.path())) absolute(ptr + "/path", n.path());
            ns.put(n.type(), n.path() == null ? "" : n.path());
        }

        if (!empty(s.hostname()) && !ns.containsKey("uts"))
            throw JruncException.config("/hostname", "unable to set hostname without a private UTS namespace",
                    "add {\"type\": \"uts\"} to /linux/namespaces");
        if (!empty(s.domainname()) && !ns.containsKey("uts"))
            throw JruncException.config("/domainname", "unable to set domainname without a private UTS namespace",
                    "add {\"type\": \"uts\"} to /linux/namespaces");
        if (l == null) return;

        // User namespace and its mappings.
        boolean uidMaps = l.uidMappings() != null && !l.uidMappings().isEmpty();
        boolean gidMaps = l.gidMappings() != null && !l.gidMappings().isEmpty();
        String userns = ns.get("user");
        if (userns == null) {
            if (uidMaps || gidMaps) throw JruncException.config(uidMaps ? "/linux/uidMappings" : "/linux/gidMappings",
                    "user namespace mappings specified, but there is no user namespace",
                    "add {\"type\": \"user\"} to /linux/namespaces");
        } else if (userns.isEmpty()) {
            if (!uidMaps) throw JruncException.config("/linux/uidMappings", "user namespaces enabled, but no uid mappings found");
            if (!gidMaps) throw JruncException.config("/linux/gidMappings", "user namespaces enabled, but no gid mappings found");
        } else if (uidMaps || gidMaps) {
            warnings.add("config.json /linux/uidMappings: the user namespace is joined by path, its uid/gid mappings are not applied");
        }

        // Time namespace and offsets.
        if (l.timeOffsets() != null) {
            String timens = ns.get("time");
            if (timens == null) throw JruncException.config("/linux/timeOffsets",
                    "time namespace offsets specified, but there is no time namespace", "add {\"type\": \"time\"} to /linux/namespaces");
            if (!timens.isEmpty()) throw JruncException.config("/linux/timeOffsets",
                    "time namespace enabled, but both namespace path and time offsets specified -- you may only provide one");
            for (Map.Entry<String, Spec.TimeOffset> e : l.timeOffsets().entrySet()) {
                String ptr = "/linux/timeOffsets/" + escape(e.getKey());
                if (!e.getKey().equals("monotonic") && !e.getKey().equals("boottime"))
                    throw JruncException.config(ptr, "unknown clock " + quote(e.getKey()), "monotonic or boottime");
                if (e.getValue().nanosec() >= 1_000_000_000L)
                    throw JruncException.config(ptr + "/nanosec", "must be below 1000000000, got " + e.getValue().nanosec());
            }
        }

        if (!empty(l.rootfsPropagation()) && !PROPAGATIONS.contains(l.rootfsPropagation()))
            throw JruncException.config("/linux/rootfsPropagation", "unsupported rootfsPropagation " + quote(l.rootfsPropagation()),
                    "shared, slave, private, unbindable or their r* variants");

        paths("/linux/maskedPaths", l.maskedPaths());
        paths("/linux/readonlyPaths", l.readonlyPaths());
        if (!ns.containsKey("mount")) {
            String ptr = l.maskedPaths() != null && !l.maskedPaths().isEmpty() ? "/linux/maskedPaths"
                    : l.readonlyPaths() != null && !l.readonlyPaths().isEmpty() ? "/linux/readonlyPaths" : null;
            if (ptr != null) throw JruncException.config(ptr, "unable to restrict sys entries without a private MNT namespace");
        }

        devices(orEmpty(l.devices()));
        if (l.resources() != null) deviceRules(orEmpty(l.resources().devices()));
        if (l.seccomp() != null) seccomp(l.seccomp());
        if (l.personality() != null) {
            String d = l.personality().domain();
            if (!"LINUX".equals(d) && !"LINUX32".equals(d))
                throw JruncException.config("/linux/personality/domain", "invalid personality domain " + quote(d == null ? "" : d),
                        "LINUX or LINUX32");
        }
        if (l.sysctl() != null) sysctls(l.sysctl(), ns, nss);
    }

    private static void paths(String ptr, List<String> paths) {
        List<String> l = orEmpty(paths);
        for (int i = 0; i < l.size(); i++) absolute(ptr + "/" + i, l.get(i));
    }

    private static void devices(List<Spec.Device> devices) {
        for (int i = 0; i < devices.size(); i++) {
            Spec.Device d = devices.get(i);
            String ptr = "/linux/devices/" + i;
            String t = d.type();
            if (empty(t)) throw JruncException.config(ptr + "/type", "must be set");
            if (!t.equals("c") && !t.equals("b") && !t.equals("u") && !t.equals("p"))
                throw JruncException.config(ptr + "/type", "invalid device type " + quote(t), "c, b, u or p");
            // The spec lets a device live anywhere in the container (not only under /dev), as runc does.
            absolute(ptr + "/path", d.path());
            noNul(ptr + "/path", d.path());
            // A fifo's major/minor are optional and, when given, ignored (config-linux.md: "REQUIRED unless
            // type is p"; runc and crun accept and ignore them; runtime-tools' linux_devices sends them).
        }
    }

    private static void deviceRules(List<Spec.DeviceRule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            Spec.DeviceRule r = rules.get(i);
            String ptr = "/linux/resources/devices/" + i;
            String t = r.type();
            if (!empty(t) && !t.equals("a") && !t.equals("b") && !t.equals("c"))
                throw JruncException.config(ptr + "/type", "invalid cgroup device type " + quote(t), "a, b or c");
            String a = r.access();
            if (empty(a)) throw JruncException.config(ptr + "/access", "must not be empty", "a combination of r, w and m");
            for (int j = 0; j < a.length(); j++)
                if ("rwm".indexOf(a.charAt(j)) < 0)
                    throw JruncException.config(ptr + "/access", "invalid device access " + quote(a), "a combination of r, w and m");
        }
    }

    private static void seccomp(Spec.Seccomp s) {
        List<Spec.Syscall> syscalls = orEmpty(s.syscalls());
        if (empty(s.defaultAction()) && syscalls.isEmpty()) return; // runc: seccomp disabled
        action("/linux/seccomp/defaultAction", s.defaultAction());
        for (int i = 0; i < syscalls.size(); i++) {
            Spec.Syscall c = syscalls.get(i);
            String ptr = "/linux/seccomp/syscalls/" + i;
            action(ptr + "/action", c.action());
            List<Spec.SeccompArg> args = orEmpty(c.args());
            for (int j = 0; j < args.size(); j++) {
                String op = args.get(j).op();
                if (empty(op)) throw JruncException.config(ptr + "/args/" + j + "/op", "must be set");
                if (!SECCOMP_OPS.contains(op)) throw JruncException.config(ptr + "/args/" + j + "/op",
                        "unknown seccomp operator " + quote(op),
                        "SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT or SCMP_CMP_MASKED_EQ");
            }
        }
    }

    private static void action(String ptr, String action) {
        if (empty(action)) throw JruncException.config(ptr, "must be set");
        if (!SECCOMP_ACTIONS.contains(action)) throw JruncException.config(ptr, "unknown seccomp action " + quote(action));
    }

    /**
     * runc's rule: a sysctl is allowed only when a namespace of the container's namespaces it: ipc ones
     * when an ipc namespace is listed (new or joined), net.* when the network namespace is new or joined
     * but not the one jrunc runs in, kernel.domainname with a uts namespace (kernel.hostname conflicts
     * with the hostname field). Keys may use '/' as separator (sysctl.d(5)).
     */
    private static void sysctls(Map<String, String> sysctl, Map<String, String> ns, List<Spec.Namespace> nss) {
        Boolean hostNet = null;
        for (String key : sysctl.keySet()) {
            String ptr = "/linux/sysctl/" + escape(key);
            String k = dotted(key);
            if (IPC_SYSCTLS.contains(k) || k.startsWith("fs.mqueue.")) {
                if (!ns.containsKey("ipc")) throw JruncException.config(ptr, "sysctl " + quote(k)
                        + " is not allowed in the hosts ipc namespace", "add {\"type\": \"ipc\"} to /linux/namespaces");
                continue;
            }
            if (k.startsWith("net.")) {
                if (hostNet == null) hostNet = hostNetwork(ns, nss);
                if (hostNet) throw JruncException.config(ptr, "sysctl " + quote(k) + " not allowed in host network namespace",
                        "add {\"type\": \"network\"} to /linux/namespaces");
                continue;
            }
            if (ns.containsKey("uts")) {
                if (k.equals("kernel.domainname")) continue;
                if (k.equals("kernel.hostname")) throw JruncException.config(ptr, "sysctl " + quote(k)
                        + " is not allowed as it conflicts with the OCI \"hostname\" field", "set /hostname instead");
            }
            throw JruncException.config(ptr, "sysctl " + quote(k) + " is not in a separate kernel namespace");
        }
    }

    /** runc's convertSysctlVariableToDotsSeparator: "net/ipv4/conf/eno2.100/rp_filter" -> "net.ipv4.conf.eno2/100.rp_filter". */
    static String dotted(String key) {
        int slash = key.indexOf('/'), dot = key.indexOf('.');
        if (slash < 0 || (dot >= 0 && dot < slash)) return key;
        char[] c = key.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] == '.') c[i] = '/';
            else if (c[i] == '/') c[i] = '.';
        }
        return new String(c);
    }

    private static boolean hostNetwork(Map<String, String> ns, List<Spec.Namespace> nss) {
        String path = ns.get("network");
        if (path == null) return true;
        if (path.isEmpty()) return false;
        try {
            return Files.isSameFile(Path.of(path), Path.of("/proc/self/ns/net"));
        } catch (IOException | RuntimeException e) {
            int i = 0;
            while (!"network".equals(nss.get(i).type())) i++;
            throw JruncException.config("/linux/namespaces/" + i + "/path", "invalid netns path: " + e.getMessage());
        }
    }
}
