package io.jrunc.cgroup;

import io.jrunc.JruncException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The host's cgroup layout from the texts of /proc/self/mountinfo and /proc/self/cgroup. A filesystem
 * prefix is put in front of every mount point, so tests can describe any host and run the drivers on a
 * fixture tree.
 */
final class Host {
    /** The v1 hierarchies runc's cgroupfs driver uses (fs.go subsystems); others are left alone. */
    static final Set<String> V1_CONTROLLERS = Set.of("cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio",
            "hugetlb", "net_cls", "net_prio", "perf_event", "freezer", "rdma", "name=systemd");

    /** One mounted hierarchy: mount point (prefixed), the mount's root in the hierarchy, controllers as mounted. */
    record Mount(String mountPoint, String root, List<String> controllers, boolean v2) {
        String joined() { return String.join(",", controllers); }
    }

    final String prefix;
    /** v1 hierarchies, first mount of each. */
    final List<Mount> v1 = new ArrayList<>();
    /** The cgroup2 mount, or null. */
    final Mount unified;
    /** sorted controller set of a v1 hierarchy ("" for cgroup2) -> our cgroup in it. */
    private final Map<String, String> own = new LinkedHashMap<>();

    Host(String mountinfo, String procSelfCgroup, String prefix) {
        this.prefix = prefix == null ? "" : prefix;
        Mount uni = null, uniAtDefault = null;
        Set<String> seen = new TreeSet<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.trim().split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 6 || dash + 3 > f.length) continue;
            String fstype = f[dash + 1];
            String mp = this.prefix + unescape(f[4]);
            String root = unescape(f[3]);
            if (fstype.equals("cgroup2")) {
                Mount m = new Mount(mp, root, List.of(), true);
                if (uni == null) uni = m;
                if (f[4].equals("/sys/fs/cgroup") && uniAtDefault == null) uniAtDefault = m;
            } else if (fstype.equals("cgroup") && dash + 3 < f.length) {
                List<String> ctrls = new ArrayList<>();
                for (String o : f[dash + 3].split(",")) if (V1_CONTROLLERS.contains(o) || o.startsWith("name=")) ctrls.add(o);
                if (ctrls.isEmpty() || !seen.add(key(ctrls))) continue;
                boolean known = false;
                for (String c : ctrls) known |= V1_CONTROLLERS.contains(c);
                if (!known) continue; // other named hierarchies
                v1.add(new Mount(mp, root, List.copyOf(ctrls), false));
            }
        }
        // As runc: cgroup2 at /sys/fs/cgroup is pure v2 whatever else is mounted; v1 hierarchies next to a
        // cgroup2 mount elsewhere are hybrid.
        if (uniAtDefault != null) v1.clear();
        unified = uniAtDefault != null ? uniAtDefault : uni;
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length != 3) continue;
            own.put(f[1].isEmpty() ? "" : key(Arrays.asList(f[1].split(","))), f[2]);
        }
    }

    private static String key(List<String> ctrls) { return String.join(",", new TreeSet<>(ctrls)); }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static Host current() { return current(0); }

    /** The layout as this process sees it, with the cgroups of caller (0: this process) as "ours". */
    static Host current(int caller) {
        try {
            String who = caller > 0 ? Integer.toString(caller) : "self";
            return new Host(Files.readString(Path.of("/proc/self/mountinfo")), Files.readString(Path.of("/proc/" + who + "/cgroup")), "");
        } catch (IOException e) {
            throw new JruncException("cannot read the host's cgroup layout: " + e.getMessage(), e);
        }
    }

    boolean pureV2() { return unified != null && v1.isEmpty(); }

    boolean hybrid() { return unified != null && !v1.isEmpty(); }

    /** The container's cgroup on this host (nothing is created yet). */
    Cgroup forContainer(String id, String cgroupsPath) { return forContainer(id, cgroupsPath, Cgroup.Env.stderr()); }

    Cgroup forContainer(String id, String cgroupsPath, Cgroup.Env env) {
        String inner = cleanPath(cgroupsPath == null ? "" : cgroupsPath);
        if (inner.isEmpty()) inner = cleanPath(id);
        if (inner.isEmpty() || inner.equals("/"))
            throw JruncException.config("/linux/cgroupsPath", "the container's cgroup cannot be a hierarchy's root");
        // Pure v2 (runc's fs2 defaultDirPath): a relative path goes under the *parent* of our own cgroup.
        // Ours is a service or a session scope with processes in it, and a cgroup with processes cannot
        // hand domain controllers to a child ("no internal processes"); its parent has none.
        if (pureV2()) return new V2Cgroup(dir(unified, parent(own.get("")), inner), unified.mountPoint(), env);
        // No cgroup mounts, or no devices hierarchy: create() refuses (so rootless callers can fall back).
        Map<String, String> paths = new LinkedHashMap<>();
        List<Cgroup.Hierarchy> hs = new ArrayList<>();
        for (Mount m : v1) {
            String d = dir(m, own.get(key(m.controllers())), inner);
            for (String c : m.controllers()) paths.put(c, d);
            hs.add(new Cgroup.Hierarchy(m.mountPoint(), m.joined(), d));
        }
        if (unified != null) paths.put("", dir(unified, own.get(""), inner));
        return new V1Cgroup(paths, hs, unified == null ? null : unified.mountPoint(), env);
    }

    /** Go's filepath.Dir of a cgroup path: "/a/b" -> "/a", "/a" and "/" -> "/"; null stays null. */
    static String parent(String p) {
        if (p == null) return null;
        String c = cleanPath(p);
        int i = c.lastIndexOf('/');
        return i <= 0 ? "/" : c.substring(0, i);
    }

    /**
     * runc's libcontainer/utils.CleanPath: lexically cleaned; a relative path cannot climb above its start
     * ("../../x" is "x"), an absolute one not above "/".
     */
    static String cleanPath(String p) {
        if (p.isEmpty()) return "";
        boolean abs = p.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String s : p.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) { if (!parts.isEmpty()) parts.remove(parts.size() - 1); continue; }
            parts.add(s);
        }
        String joined = String.join("/", parts);
        return abs ? "/" + joined : joined;
    }

    /** Absolute directory: absolute paths are taken in the hierarchy; relative ones go under our own cgroup. */
    private static String dir(Mount m, String mine, String inner) {
        String rel;
        if (inner.startsWith("/")) {
            rel = inner; // runc: mount point + path, whatever the mount's root
        } else {
            String base = mine == null ? "/" : mine;
            // The mount shows the hierarchy from its root (e.g. a container's own cgroup mount).
            if (!m.root().equals("/") && (base.equals(m.root()) || base.startsWith(m.root() + "/")))
                base = base.substring(m.root().length());
            rel = base + "/" + inner;
        }
        String d = cleanPath(rel);
        return d.equals("/") ? m.mountPoint() : m.mountPoint() + d;
    }
}
