package io.jrunc.cgroup;

import io.jrunc.bundle.Spec;
import java.util.List;
import java.util.Map;

/**
 * A container's cgroup, created, limited, observed and removed by jrunc (cgroupfs driver). The mode
 * (v1, hybrid, v2) is read from the host at run time; paths follow runc: an absolute cgroupsPath is used
 * as is in every hierarchy; a relative or empty one is placed under the caller's own cgroup.
 */
public interface Cgroup {
    static Cgroup forContainer(String id, String cgroupsPath) {
        return Host.current().forContainer(id, cgroupsPath);
    }

    /** Re-opens what create recorded in state.json ({@link #paths()}). */
    static Cgroup load(Map<String, String> paths) {
        if (paths == null || paths.isEmpty()) return none();
        if (paths.size() == 1 && paths.containsKey("")) return new V2Cgroup(paths.get(""));
        return new V1Cgroup(paths);
    }

    /** No cgroup at all: rootless without access to any cgroup (runc skips cgroups with a warning). */
    static Cgroup none() { return NoCgroup.INSTANCE; }

    /** controller (or "name=systemd", or "" for a cgroup2 hierarchy) to absolute directory. */
    Map<String, String> paths();

    boolean isV2();

    void create();

    /** The one writer of linux.resources, for create and update; null fields are left untouched. */
    void apply(Spec.Resources r);

    void addProcess(int pid);

    List<Integer> pids();

    void freeze();

    void thaw();

    boolean isFrozen();

    void killAll(int signal);

    /** Kills what is left, then removes every directory, deepest first. Absent directories are fine. */
    void destroy();

    /** runc's events "data" object (types/events.go Stats): cpu, memory, pids, blkio, hugetlb. */
    Map<String, Object> stats();

    /** How many times the OOM killer has killed in this cgroup (v1 memory.oom_control, v2 memory.events). */
    long oomKills();

    /** For `cgroup` mounts inside the container. */
    List<Hierarchy> hierarchies();

    record Hierarchy(String mountPoint, String controllers, String dir) {}
}
