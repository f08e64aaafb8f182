package io.jrunc.mount;

import java.util.List;
import java.util.Map;

/**
 * config.json mount options to mount(2) flags, propagation, mount_setattr attributes and fs data, with
 * runc's vocabulary (libcontainer/specconv). Anything not recognised is filesystem data.
 */
public final class MountOptions {
    private MountOptions() {}

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024,
            MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
            MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20,
            MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25, MS_POSIXACL = 1 << 16,
            MS_I_VERSION = 1 << 23;

    public static final long ATTR_RDONLY = 0x1, ATTR_NOSUID = 0x2, ATTR_NODEV = 0x4, ATTR_NOEXEC = 0x8,
            ATTR__ATIME = 0x70, ATTR_RELATIME = 0x0, ATTR_NOATIME = 0x10, ATTR_STRICTATIME = 0x20,
            ATTR_NODIRATIME = 0x80, ATTR_NOSYMFOLLOW = 0x200000;

    /** name -> {set?, flag}: set=1 sets the flag, 0 clears it. */
    private static final Map<String, long[]> FLAGS = Map.ofEntries(
            Map.entry("defaults", new long[]{1, 0}),
            Map.entry("ro", new long[]{1, MS_RDONLY}), Map.entry("rw", new long[]{0, MS_RDONLY}),
            Map.entry("nosuid", new long[]{1, MS_NOSUID}), Map.entry("suid", new long[]{0, MS_NOSUID}),
            Map.entry("nodev", new long[]{1, MS_NODEV}), Map.entry("dev", new long[]{0, MS_NODEV}),
            Map.entry("noexec", new long[]{1, MS_NOEXEC}), Map.entry("exec", new long[]{0, MS_NOEXEC}),
            Map.entry("sync", new long[]{1, MS_SYNCHRONOUS}), Map.entry("async", new long[]{0, MS_SYNCHRONOUS}),
            Map.entry("dirsync", new long[]{1, MS_DIRSYNC}),
            Map.entry("remount", new long[]{1, MS_REMOUNT}),
            Map.entry("mand", new long[]{1, MS_MANDLOCK}), Map.entry("nomand", new long[]{0, MS_MANDLOCK}),
            Map.entry("noatime", new long[]{1, MS_NOATIME}), Map.entry("atime", new long[]{0, MS_NOATIME}),
            Map.entry("nodiratime", new long[]{1, MS_NODIRATIME}), Map.entry("diratime", new long[]{0, MS_NODIRATIME}),
            Map.entry("bind", new long[]{1, MS_BIND}), Map.entry("rbind", new long[]{1, MS_BIND | MS_REC}),
            Map.entry("relatime", new long[]{1, MS_RELATIME}), Map.entry("norelatime", new long[]{0, MS_RELATIME}),
            Map.entry("strictatime", new long[]{1, MS_STRICTATIME}), Map.entry("nostrictatime", new long[]{0, MS_STRICTATIME}),
            Map.entry("lazytime", new long[]{1, MS_LAZYTIME}), Map.entry("nolazytime", new long[]{0, MS_LAZYTIME}),
            Map.entry("silent", new long[]{1, MS_SILENT}), Map.entry("loud", new long[]{0, MS_SILENT}),
            Map.entry("nosymfollow", new long[]{1, MS_NOSYMFOLLOW}), Map.entry("symfollow", new long[]{0, MS_NOSYMFOLLOW}),
            Map.entry("acl", new long[]{1, MS_POSIXACL}), Map.entry("noacl", new long[]{0, MS_POSIXACL}),
            Map.entry("iversion", new long[]{1, MS_I_VERSION}), Map.entry("noiversion", new long[]{0, MS_I_VERSION}));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MS_PRIVATE, "rprivate", MS_PRIVATE | MS_REC,
            "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC,
            "slave", MS_SLAVE, "rslave", MS_SLAVE | MS_REC,
            "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

    /** Recursive attributes (mount_setattr with AT_RECURSIVE): name -> {set?, attr}. */
    private static final Map<String, long[]> RATTR = Map.ofEntries(
            Map.entry("rro", new long[]{1, ATTR_RDONLY}), Map.entry("rrw", new long[]{0, ATTR_RDONLY}),
            Map.entry("rnosuid", new long[]{1, ATTR_NOSUID}), Map.entry("rsuid", new long[]{0, ATTR_NOSUID}),
            Map.entry("rnodev", new long[]{1, ATTR_NODEV}), Map.entry("rdev", new long[]{0, ATTR_NODEV}),
            Map.entry("rnoexec", new long[]{1, ATTR_NOEXEC}), Map.entry("rexec", new long[]{0, ATTR_NOEXEC}),
            Map.entry("rnodiratime", new long[]{1, ATTR_NODIRATIME}), Map.entry("rdiratime", new long[]{0, ATTR_NODIRATIME}),
            Map.entry("rnosymfollow", new long[]{1, ATTR_NOSYMFOLLOW}), Map.entry("rsymfollow", new long[]{0, ATTR_NOSYMFOLLOW}),
            // atime modes are one field: setting one clears the field first (see mount_setattr(2)).
            Map.entry("rnoatime", new long[]{2, ATTR_NOATIME}), Map.entry("ratime", new long[]{2, ATTR_RELATIME}),
            Map.entry("rrelatime", new long[]{2, ATTR_RELATIME}), Map.entry("rnorelatime", new long[]{2, ATTR_RELATIME}),
            Map.entry("rstrictatime", new long[]{2, ATTR_STRICTATIME}),
            // runc: clears the whole atime field back to relatime
            Map.entry("rnostrictatime", new long[]{2, ATTR_RELATIME}));

    /** idmap: {@link #IDMAP_NONE}, {@link #IDMAP_TOP} ("idmap") or {@link #IDMAP_RECURSIVE} ("ridmap"). */
    public record Parsed(long flags, long propagation, long attrSet, long attrClr, String data, int idmap,
                         boolean copyUp) {
        public Parsed(long flags, long propagation, long attrSet, long attrClr, String data) {
            this(flags, propagation, attrSet, attrClr, data, IDMAP_NONE, false);
        }
        public boolean isBind() { return (flags & MS_BIND) != 0; }
    }

    /** The id-mapped mount options of runtime-spec 1.2: MOUNT_ATTR_IDMAP on the top mount, or on the whole tree. */
    public static final int IDMAP_NONE = 0, IDMAP_TOP = 1, IDMAP_RECURSIVE = 2;

    /** Every option name jrunc understands (for `features`). */
    public static List<String> known() {
        java.util.TreeSet<String> s = new java.util.TreeSet<>(FLAGS.keySet());
        s.addAll(PROPAGATION.keySet());
        s.addAll(RATTR.keySet());
        s.add("idmap");
        s.add("ridmap");
        s.add("tmpcopyup");
        return List.copyOf(s);
    }

    /**
     * Whether the running kernel has id-mapped bind mounts (mount_setattr with MOUNT_ATTR_IDMAP: Linux
     * 5.12). Decided from the release string (uname -r, i.e. the os.version property): no syscall.
     */
    public static boolean idmapSupported(String release) {
        return kernelAtLeast(release, 5, 12);
    }

    static boolean kernelAtLeast(String release, int major, int minor) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release == null ? "" : release);
        if (!m.find()) return false;
        int a = Integer.parseInt(m.group(1)), b = Integer.parseInt(m.group(2));
        return a > major || (a == major && b >= minor);
    }

    public static Parsed parse(List<String> options) {
        long flags = 0, prop = 0, set = 0, clr = 0;
        int idmap = IDMAP_NONE;
        boolean copyUp = false;
        StringBuilder data = new StringBuilder();
        if (options != null) {
            for (String o : options) {
                long[] f = FLAGS.get(o);
                if (f != null) {
                    if (f[0] == 1) flags |= f[1]; else flags &= ~f[1];
                    continue;
                }
                Long p = PROPAGATION.get(o);
                if (p != null) { prop |= p; continue; }
                long[] r = RATTR.get(o);
                if (r != null) {
                    if (r[0] == 1) { set |= r[1]; clr &= ~r[1]; }
                    else if (r[0] == 0) { clr |= r[1]; set &= ~r[1]; }
                    else { clr |= ATTR__ATIME; set = (set & ~ATTR__ATIME) | r[1]; }
                    continue;
                }
                // runc's extension, not kernel data: the new tmpfs starts with a copy of what it covers
                // (podman asks for it on --tmpfs mounts).
                if (o.equals("tmpcopyup")) { copyUp = true; continue; }
                // Not kernel data either: the planner turns them into an id-mapped mount (runc: the last one wins).
                if (o.equals("idmap")) { idmap = IDMAP_TOP; continue; }
                if (o.equals("ridmap")) { idmap = IDMAP_RECURSIVE; continue; }
                if (data.length() > 0) data.append(',');
                data.append(o);
            }
        }
        return new Parsed(flags, prop, set, clr, data.toString(), idmap, copyUp);
    }
}
