package io.jrunc.plan;

import io.jrunc.lsm.Lsm;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the planner needs to know about the host, gathered by the engine before planning so that the
 * planner itself reads nothing: where the LSMs are looked up (the host's sysfs and procfs, or a fake tree
 * in tests), whether jrunc runs unprivileged (the kernel then accepts a gid map only after setgroups is
 * denied), and whether /proc/kcore exists (runc links /dev/core to it only then).
 */
public record HostFacts(Lsm lsm, boolean unprivileged, boolean kcore) {
    /** This host, for a caller with the given effective uid. */
    public static HostFacts read(int euid) {
        return new HostFacts(Lsm.host(), euid != 0, Files.exists(Path.of("/proc/kcore")));
    }
}
