package io.jrunc.cgroup;

import java.util.Map;

/**
 * How the engine gets a container's cgroup: the host's drivers ({@link #HOST}: cgroupfs, or systemd when
 * asked) or a fake in unit tests. Nothing is created until {@link Cgroup#create}.
 */
public interface CgroupDriver {
    /**
     * A new container's cgroup on this host. systemd: a transient unit holds it (--systemd-cgroup);
     * annotations are the spec's (org.systemd.property.*).
     */
    Cgroup forContainer(String id, String cgroupsPath, Map<String, String> annotations, boolean systemd, Cgroup.Env env);

    /** Re-opens what state.json recorded (paths, and the unit for a systemd container). */
    Cgroup load(Map<String, String> paths, Map<String, String> systemd, Cgroup.Env env);

    /** No cgroup at all (rootless without a delegated one). */
    default Cgroup none() { return Cgroup.none(); }

    /** The host's drivers. The systemd driver's classes (and libsystemd) load only when a container asks for it. */
    CgroupDriver HOST = new CgroupDriver() {
        @Override
        public Cgroup forContainer(String id, String cgroupsPath, Map<String, String> annotations, boolean systemd, Cgroup.Env env) {
            return systemd ? io.jrunc.cgroup.systemd.SystemdCgroup.forContainer(id, cgroupsPath, annotations, env)
                    : Cgroup.forContainer(id, cgroupsPath, env);
        }

        @Override
        public Cgroup load(Map<String, String> paths, Map<String, String> systemd, Cgroup.Env env) {
            return Cgroup.load(paths, systemd, env);
        }
    };
}
