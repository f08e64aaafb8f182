package io.jrunc.state;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What jrunc keeps about a container in {@code <root>/<id>/state.json}. The file is flat and written
 * atomically (temp + rename) so that a small C reader can answer `state`/`kill` without a JVM later;
 * docs/state-format.md documents it. Status is never stored as truth: it is derived from the init's
 * pid + start time, the exec fifo and the freezer each time (see {@link StateStore#status}).
 */
public record ContainerState(String id, int pid, long initStartTime, String bundle, String rootfs,
                             String created, String owner, Map<String, String> annotations,
                             Map<String, String> cgroupPaths, boolean createdCgroup, Map<String, String> systemd,
                             boolean noNewKeyring) {

    /** A container whose cgroup is not a systemd unit (cgroupfs driver), in its own session keyring. */
    public ContainerState(String id, int pid, long initStartTime, String bundle, String rootfs, String created,
                          String owner, Map<String, String> annotations, Map<String, String> cgroupPaths,
                          boolean createdCgroup) {
        this(id, pid, initStartTime, bundle, rootfs, created, owner, annotations, cgroupPaths, createdCgroup, null, false);
    }

    public static final String OCI_VERSION = "1.3.0";

    /** runc's `state` output object (list.go:containerState), for a given status. */
    public Map<String, Object> toOci(String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", OCI_VERSION);
        m.put("id", id);
        m.put("pid", "stopped".equals(status) ? 0 : pid);
        m.put("status", status);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        if (annotations != null && !annotations.isEmpty()) m.put("annotations", annotations);
        m.put("owner", owner);
        return m;
    }

    /** One element of `list --format json`: the state object with owner = the state directory's owner. */
    public Map<String, Object> toList(String status, String dirOwner) {
        Map<String, Object> m = toOci(status);
        m.put("owner", dirOwner);
        return m;
    }

    /** The state document hooks get on stdin (runtime-spec state: no owner/created/rootfs). */
    public Map<String, Object> toHookState(String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", OCI_VERSION);
        m.put("id", id);
        m.put("status", status);
        m.put("pid", "stopped".equals(status) ? 0 : pid);
        m.put("bundle", bundle);
        if (annotations != null && !annotations.isEmpty()) m.put("annotations", annotations);
        return m;
    }

    Map<String, Object> toFile() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("pid", pid);
        m.put("initStartTime", initStartTime);
        m.put("bundle", bundle);
        m.put("rootfs", rootfs);
        m.put("created", created);
        m.put("owner", owner);
        m.put("annotations", annotations == null ? Map.of() : annotations);
        m.put("cgroupPaths", cgroupPaths == null ? Map.of() : cgroupPaths);
        m.put("createdCgroup", createdCgroup);
        // the systemd driver's unit ({unit, bus}): update, delete and kill --all need it in later calls
        if (systemd != null) m.put("systemd", systemd);
        // exec joins the container's session keyring unless create kept the caller's (runc's NoNewKeyring)
        if (noNewKeyring) m.put("noNewKeyring", true);
        return m;
    }

    @SuppressWarnings("unchecked")
    static ContainerState fromFile(Map<String, Object> m) {
        return new ContainerState((String) m.get("id"), ((Number) m.getOrDefault("pid", 0L)).intValue(),
                ((Number) m.getOrDefault("initStartTime", -1L)).longValue(), (String) m.get("bundle"),
                (String) m.get("rootfs"), (String) m.get("created"), (String) m.getOrDefault("owner", ""),
                (Map<String, String>) m.get("annotations"), (Map<String, String>) m.get("cgroupPaths"),
                Boolean.TRUE.equals(m.get("createdCgroup")), (Map<String, String>) m.get("systemd"),
                Boolean.TRUE.equals(m.get("noNewKeyring")));
    }
}
