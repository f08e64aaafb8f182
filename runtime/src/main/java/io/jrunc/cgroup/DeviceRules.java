package io.jrunc.cgroup;

import io.jrunc.bundle.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * The device access rules a container's cgroup gets: the config's rules, then the devices every
 * container needs (runc's specconv.AllowedDevices: mknod of anything, the default /dev nodes, pts, ptmx,
 * tun; not 5:1: /dev/console is a bind-mounted pty), then an allow rule for each linux.devices entry.
 * Later rules win, as in the kernel.
 */
public final class DeviceRules {
    private DeviceRules() {}

    private static Spec.DeviceRule allow(String type, Long major, Long minor, String access) {
        return new Spec.DeviceRule(true, type, major, minor, access);
    }

    static final List<Spec.DeviceRule> DEFAULTS = List.of(
            allow("c", null, null, "m"), allow("b", null, null, "m"),
            allow("c", 1L, 3L, "rwm"), allow("c", 1L, 8L, "rwm"), allow("c", 1L, 7L, "rwm"),
            allow("c", 5L, 0L, "rwm"), allow("c", 1L, 5L, "rwm"), allow("c", 1L, 9L, "rwm"),
            allow("c", 136L, null, "rwm"), allow("c", 5L, 2L, "rwm"),
            allow("c", 10L, 200L, "rwm"));

    public static Spec.Resources effective(Spec.Resources r, List<Spec.Device> devices) {
        List<Spec.DeviceRule> rules = new ArrayList<>();
        if (r != null && r.devices() != null) rules.addAll(r.devices());
        rules.addAll(DEFAULTS);
        if (devices != null) {
            for (Spec.Device d : devices) {
                String t = d.type().equals("u") ? "c" : d.type();
                if (t.equals("p")) continue;
                rules.add(allow(t, d.major(), d.minor(), "rwm"));
            }
        }
        if (r == null) return new Spec.Resources(List.copyOf(rules), null, null, null, null, null, null, null, null);
        return new Spec.Resources(List.copyOf(rules), r.memory(), r.cpu(), r.pids(), r.blockIO(), r.hugepageLimits(),
                r.network(), r.rdma(), r.unified());
    }
}
