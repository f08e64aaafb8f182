package io.jrunc.cgroup;

import io.jrunc.bundle.Spec;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A container's cgroup, created, limited, observed and removed by jrunc (runc's cgroupfs driver). The
 * host's mode is read from /proc/self/mountinfo at run time: pure v2 ({@link V2Cgroup}), v1 or hybrid
 * ({@link V1Cgroup}; hybrid also creates and joins the directory in the cgroup2 mount, as runc does).
 * Paths follow runc: an absolute cgroupsPath is that path in every hierarchy; a relative or empty one is
 * placed under the calling process' own cgroup of each hierarchy, named cgroupsPath or else the id.
 */
public interface Cgroup {
    /** Detects v1/v2/hybrid from this host and computes the container's directories (nothing is created). */
    static Cgroup forContainer(String id, String cgroupsPath) {
        return forContainer(id, cgroupsPath, Env.stderr());
    }

    static Cgroup forContainer(String id, String cgroupsPath, Env env) {
        return Host.current(env.caller()).forContainer(id, cgroupsPath, env);
    }

    /**
     * What a cgroup takes from its caller instead of from globals: where its warnings go ("Kernel memory
     * settings are ignored", ...) and whether it is run by the rootless manager (runc's
     * shouldUseRootlessCgroupManager), which ignores what an unprivileged caller cannot do (device filters).
     */
    /*
     * caller: the process whose cgroups a relative or empty cgroupsPath goes under (runc: its own); 0 is this
     * process. The resident planner (io.jrunc.planner) serves many callers: it gives each call's front, so a
     * container is placed beside its caller's cgroup as with the direct CLI, never under the planner's.
     */
    record Env(Consumer<String> warn, boolean rootless, int caller) {
        public Env(Consumer<String> warn, boolean rootless) { this(warn, rootless, 0); }

        /** Warnings as logrus-like text on stderr; the root manager. Tests and tools. */
        public static Env stderr() { return new Env(null, false); }

        public void warning(String msg) {
            if (warn != null) warn.accept(msg);
            else System.err.println("time=\"" + io.jrunc.state.Times.now() + "\" level=warning msg=\""
                    + msg.replace("\"", "\\\"") + "\"");
        }
    }

    /** A pure cgroup v2 host: cgroup2 mounted at /sys/fs/cgroup (runc's IsCgroup2UnifiedMode). */
    static boolean unifiedOnly() { return Host.current().pureV2(); }

    /** Re-opens what {@link #paths()} returned at create time (state.json). */
    static Cgroup load(Map<String, String> paths) { return load(paths, Env.stderr()); }

    static Cgroup load(Map<String, String> paths, Env env) {
        if (paths == null || paths.isEmpty()) return none();
        if (paths.size() == 1 && paths.containsKey("")) return new V2Cgroup(paths.get(""), null, env);
        return new V1Cgroup(paths, null, null, env);
    }

    /**
     * As {@link #load(Map)}, for a container whose cgroup is a systemd unit (state.json's "systemd":
     * {unit, bus}; null for cgroupfs containers). The systemd driver's classes load only then.
     */
    static Cgroup load(Map<String, String> paths, Map<String, String> systemd) {
        return load(paths, systemd, Env.stderr());
    }

    static Cgroup load(Map<String, String> paths, Map<String, String> systemd, Env env) {
        if (systemd == null || systemd.get("unit") == null) return load(paths, env);
        return io.jrunc.cgroup.systemd.SystemdCgroup.load(paths, systemd, env);
    }

    /** No cgroup at all: rootless without access to any cgroup (runc skips cgroups with a warning). */
    static Cgroup none() { return NoCgroup.INSTANCE; }

    /**
     * controller -> absolute directory: "" for the cgroup2 directory (pure v2, and hybrid hosts), v1
     * controllers by name ("cpu" and "cpuacct" both listed when co-mounted), "name=systemd".
     */
    Map<String, String> paths();

    /** The systemd unit that holds this cgroup, for state.json ({unit, bus}), or null (cgroupfs driver). */
    default Map<String, String> systemd() { return null; }

    /** Pure cgroup v2 (the unified hierarchy only). */
    boolean isV2();

    /** mkdir -p in every hierarchy; v1 cpuset gets cpus/mems from its parent, v2 ancestors delegate controllers. */
    void create();

    /**
     * {@link #create()} knowing the limits that will be applied: on v2 a level in a threaded subtree is
     * made threaded when they need no domain controller, and refused when they do (runc's rule).
     */
    default void create(Spec.Resources r) { create(); }

    /** The one writer of linux.resources, for create and update: null (or, as in runc, 0) fields are left untouched. */
    void apply(Spec.Resources r);

    /** Writes pid to cgroup.procs in every hierarchy. */
    void addProcess(int pid);

    /** Every pid in the container's cgroup and its descendants: cgroup.procs of {@link #procsDir()} and below. */
    List<Integer> pids();

    /** The directory {@link #pids()} walks (its cgroup.procs, then every child directory's), or null for none. */
    String procsDir();

    /** Stops every task (v1 freezer.state FROZEN, v2 cgroup.freeze) and waits until they are. */
    void freeze();

    void thaw();

    boolean isFrozen();

    /** Signals every process: v2 SIGKILL by cgroup.kill when present; else freeze, signal each, thaw. */
    void killAll(int signal);

    /** SIGKILLs what is left, then removes the container's directories (children first). Absent ones are fine. */
    void destroy();

    /** runc's `events` "data" object (types/events.go Stats): cpu, cpuset, memory, pids, blkio, hugetlb, ... */
    Map<String, Object> stats();

    /** How many times the OOM killer killed in this cgroup (v1 memory.oom_control, v2 memory.events oom_kill). */
    long oomKillCount();

    /** Old name of {@link #oomKillCount()}. */
    default long oomKills() { return oomKillCount(); }

    /**
     * For `cgroup` mounts inside the container: each v1 hierarchy's host mount point, its controllers as
     * mounted ("cpu,cpuacct", "name=systemd") and our directory in it; on pure v2 one entry with
     * controllers "". A hybrid host's cgroup2 directory is not listed (runc does not mount it).
     */
    List<Hierarchy> hierarchies();

    record Hierarchy(String mountPoint, String controllers, String dir) {}
}
