package io.jrunc.cgroup;

import io.jrunc.JruncException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's cgroup layout, from /proc/self/mountinfo and /proc/self/cgroup (texts passed in, so tests
 * can describe any host).
 */
final class Host {
    /** One mounted hierarchy: mount point, its controllers ("" for cgroup2), the mount's root. */
    record Mount(String mountPoint, List<String> controllers, String root, boolean v2) {}

    final List<Mount> mounts;
    /** hierarchy key (controllers joined by ",", or "" for v2) -> our cgroup path in it. */
    final Map<String, String> own;

    Host(String mountinfo, String procSelfCgroup) {
        mounts = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            if (dash < 0 || dash + 3 >= f.length) continue;
            String fstype = f[dash + 1];
            if (fstype.equals("cgroup2")) {
                mounts.add(new Mount(unescape(f[4]), List.of(), unescape(f[3]), true));
            } else if (fstype.equals("cgroup")) {
                List<String> ctrls = new ArrayList<>();
                for (String o : f[dash + 3].split(",")) {
                    if (o.equals("rw") || o.equals("ro") || o.startsWith("release_agent") || o.equals("clone_children")
                            || o.equals("xattr") || o.equals("noprefix") || o.equals("cpuset_v2_mode")) continue;
                    ctrls.add(o);
                }
                mounts.add(new Mount(unescape(f[4]), ctrls, unescape(f[3]), false));
            }
        }
        own = new LinkedHashMap<>();
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length == 3) own.put(f[1], f[2]);
        }
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    static Host current() {
        try {
            return new Host(Files.readString(Path.of("/proc/self/mountinfo")), Files.readString(Path.of("/proc/self/cgroup")));
        } catch (IOException e) {
            throw new JruncException("cannot read the host's cgroup layout: " + e.getMessage(), e);
        }
    }

    /** Pure v2: the only cgroup mount is cgroup2. Hybrid hosts are driven through their v1 hierarchies. */
    boolean pureV2() {
        return !mounts.isEmpty() && mounts.stream().allMatch(Mount::v2);
    }

    Cgroup forContainer(String id, String cgroupsPath) {
        String p = cgroupsPath == null ? "" : cgroupsPath;
        if (p.contains(":") && !p.startsWith("/"))
            throw JruncException.config("/linux/cgroupsPath", "\"" + p + "\" looks like a systemd slice:prefix:name path",
                    "the systemd cgroup driver is not implemented; use a path");
        for (String part : p.split("/"))
            if (part.equals("..")) throw JruncException.config("/linux/cgroupsPath", "\"..\" is not allowed in cgroupsPath");
        if (pureV2()) {
            Mount m = mounts.stream().filter(Mount::v2).findFirst().orElseThrow();
            return new V2Cgroup(dir(m, own.getOrDefault("", "/"), p, id));
        }
        Map<String, String> paths = new LinkedHashMap<>();
        for (Mount m : mounts) {
            if (m.v2()) continue;
            String key = String.join(",", m.controllers());
            String mine = own.getOrDefault(key, "/");
            String d = dir(m, mine, p, id);
            for (String c : m.controllers()) paths.put(c, d);
        }
        return new V1Cgroup(paths);
    }

    /** Absolute directory: an absolute path is taken in the hierarchy; relative goes under our own cgroup. */
    private static String dir(Mount m, String mine, String p, String id) {
        String inHierarchy;
        if (p.startsWith("/")) inHierarchy = p;
        else inHierarchy = (mine.endsWith("/") ? mine : mine + "/") + (p.isEmpty() ? id : p);
        // The mount shows the hierarchy from its root (a container's own cgroup mount, for example).
        String rel = inHierarchy;
        if (!m.root().equals("/") && rel.startsWith(m.root())) rel = rel.substring(m.root().length());
        return Path.of(m.mountPoint(), rel).normalize().toString();
    }
}
