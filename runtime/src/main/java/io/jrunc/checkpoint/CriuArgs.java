package io.jrunc.checkpoint;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.mount.MountOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The criu command lines of checkpoint and restore: every decision, no I/O (what has to be looked up on the
 * live system, such as a namespace's inode or which masked paths are files, comes in as arguments). The
 * options follow what runc 1.1 sends criu over RPC (libcontainer/criu_linux.go), in criu's CLI spelling;
 * docs/checkpoint.md lists them.
 */
public final class CriuArgs {
    private CriuArgs() {}

    /** criu's log files, in the work directory (the image directory when there is none), as runc names them. */
    public static final String DUMP_LOG = "dump.log", RESTORE_LOG = "restore.log";

    /** The image directory's list of the init's stdio (runc's descriptors.json: fd 0, 1, 2 link targets). */
    public static final String DESCRIPTORS = "descriptors.json";

    /** The devices runc puts in every container's config (specconv's AllowedDevices with a path). */
    static final List<String> DEFAULT_DEVICES = List.of("/dev/null", "/dev/random", "/dev/full", "/dev/tty",
            "/dev/zero", "/dev/urandom");

    /**
     * What a checkpoint (dump or pre-dump) needs besides the options.
     *
     * @param externalNs  "net[INODE]:extRootNetNS" style entries for namespaces the container joined by path
     * @param maskedFiles maskedPaths entries that are files in the container (bind mounts of /dev/null)
     * @param freezeCgroup the container's freezer (v1) or cgroup2 directory, or null
     * @param configFile  a criu configuration file to add (runc's /etc/criu/runc.conf or the org.criu.config
     *                    annotation's), or null
     */
    public record DumpFacts(int pid, String rootfs, String imageDir, String workDir, String freezeCgroup,
                            List<String> externalNs, List<String> maskedFiles, String configFile) {}

    public static List<String> dump(CriuOptions o, Spec spec, DumpFacts f) {
        List<String> a = new ArrayList<>();
        a.add(o.preDump() ? "pre-dump" : "dump");
        a.addAll(List.of("--tree", Integer.toString(f.pid()), "--images-dir", f.imageDir()));
        if (f.workDir() != null) a.addAll(List.of("--work-dir", f.workDir()));
        a.addAll(List.of("--log-file", DUMP_LOG, "-v4", "--root", f.rootfs(), "--manage-cgroups=" + o.manageCgroupsMode()));
        if (f.configFile() != null) a.addAll(List.of("--config", f.configFile()));
        if (o.leaveRunning() && !o.preDump()) a.add("--leave-running");
        if (o.tcpEstablished()) a.add("--tcp-established");
        if (o.tcpSkipInFlight()) a.add("--skip-in-flight");
        if (o.linkRemap()) a.add("--link-remap");
        if (o.extUnixSk()) a.add("--ext-unix-sk");
        if (o.shellJob()) a.add("--shell-job");
        if (o.fileLocks()) a.add("--file-locks");
        if (o.emptyNsNet()) a.addAll(List.of("--empty-ns", "net"));
        if (o.autoDedup()) a.add("--auto-dedup");
        if (o.lazyPages()) {
            a.add("--lazy-pages");
            if (o.statusFd() >= 0) a.addAll(List.of("--status-fd", Integer.toString(o.statusFd())));
        }
        for (String e : f.externalNs()) a.addAll(List.of("--external", e));
        if (f.freezeCgroup() != null) a.addAll(List.of("--freeze-cgroup", f.freezeCgroup()));
        if (o.pageServer() != null) {
            String[] hp = CriuOptions.pageServerHost(o.pageServer());
            a.addAll(List.of("--page-server", "--address", hp[0], "--port", hp[1]));
        }
        // pre-dump tracks memory changes so that the next dump writes only what changed since
        if (o.parentPath() != null && !o.parentPath().isEmpty()) a.addAll(List.of("--prev-images-dir", o.parentPath()));
        if (o.preDump() || o.parentPath() != null && !o.parentPath().isEmpty()) a.add("--track-mem");
        if (!o.preDump()) {
            // the mounts criu cannot dump because their source is outside the container: named by
            // destination, bound again at restore (runc's addCriuDumpMount)
            for (String[] m : externalMounts(spec, f.maskedFiles(), null, false)) a.addAll(List.of("--ext-mount-map", m[0] + ":" + m[1]));
        }
        return a;
    }

    /**
     * What a restore needs besides the options.
     *
     * @param criuRoot    the rootfs bind-mounted on a directory of its own (criu wants a mount point)
     * @param bundle      to make relative bind sources absolute, as create does
     * @param cgroupRoots criu's --cgroup-root values: "[controller:]/path" of the new container's cgroup
     * @param descriptors the checkpoint's descriptors.json
     * @param nsFds       namespace type ("network", "pid") -> fd of the namespace to restore into, open in criu
     * @param pidFile     where criu writes the restored init's pid
     */
    public record RestoreFacts(String imageDir, String workDir, String criuRoot, Path bundle, List<String> cgroupRoots,
                               List<String> descriptors, Map<String, Integer> nsFds, String pidFile, String configFile) {}

    public static List<String> restore(CriuOptions o, Spec spec, RestoreFacts f) {
        List<String> a = new ArrayList<>();
        a.addAll(List.of("restore", "--images-dir", f.imageDir()));
        if (f.workDir() != null) a.addAll(List.of("--work-dir", f.workDir()));
        // detached, the restored init a sibling of criu (our child, as runc's RstSibling), devices by path
        a.addAll(List.of("--log-file", RESTORE_LOG, "-v4", "--root", f.criuRoot(), "--restore-detached",
                "--restore-sibling", "--pidfile", f.pidFile(), "--evasive-devices",
                "--manage-cgroups=" + o.manageCgroupsMode()));
        if (f.configFile() != null) a.addAll(List.of("--config", f.configFile()));
        for (String r : f.cgroupRoots()) a.addAll(List.of("--cgroup-root", r));
        if (o.tcpEstablished()) a.add("--tcp-established");
        if (o.tcpClose()) a.add("--tcp-close");
        if (o.extUnixSk()) a.add("--ext-unix-sk");
        if (o.shellJob()) a.add("--shell-job");
        if (o.fileLocks()) a.add("--file-locks");
        if (o.emptyNsNet()) a.addAll(List.of("--empty-ns", "net"));
        if (o.autoDedup()) a.add("--auto-dedup");
        if (o.lazyPages()) a.add("--lazy-pages");
        if (o.lsmProfile() != null) a.addAll(List.of("--lsm-profile", o.lsmProfile()));
        if (o.lsmMountContext() != null) a.addAll(List.of("--lsm-mount-context", o.lsmMountContext()));
        for (String[] m : externalMounts(spec, List.of(), f.bundle(), true)) a.addAll(List.of("--ext-mount-map", m[0] + ":" + m[1]));
        for (Map.Entry<String, Integer> e : f.nsFds().entrySet())
            a.addAll(List.of("--inherit-fd", "fd[" + e.getValue() + "]:" + nsKey(e.getKey())));
        for (String[] j : joinNamespaces(spec)) a.addAll(List.of("--join-ns", j[0] + ":" + j[1]));
        // the init's stdio pipes at checkpoint time become ours (runc: only pipes; files and ttys are restored by path)
        List<String> d = f.descriptors();
        for (int i = 0; i < d.size(); i++)
            if (d.get(i) != null && d.get(i).contains("pipe:")) a.addAll(List.of("--inherit-fd", "fd[" + i + "]:" + d.get(i)));
        return a;
    }

    /** criu's key for a namespace the container was given by path (runc's criuNsToKey). */
    public static String nsKey(String ociType) {
        return switch (ociType) {
            case "network" -> "extRootNetNS";
            case "pid" -> "extRootPidNS";
            default -> throw new IllegalArgumentException(ociType);
        };
    }

    /** The namespaces checkpointed as external (by inode) and restored from an inherited fd: network and pid given by path. */
    public static List<Spec.Namespace> externalNamespaces(Spec spec) {
        List<Spec.Namespace> l = new ArrayList<>();
        if (spec.linux() == null || spec.linux().namespaces() == null) return l;
        for (Spec.Namespace n : spec.linux().namespaces())
            if ((n.type().equals("network") || n.type().equals("pid")) && n.path() != null && !n.path().isEmpty()) l.add(n);
        return l;
    }

    /** --external value for a namespace of the given type and inode: "net[4026532000]:extRootNetNS". */
    public static String externalNs(String ociType, long inode) {
        return (ociType.equals("network") ? "net" : "pid") + "[" + inode + "]:" + nsKey(ociType);
    }

    /** The other namespaces given by path: joined by criu (--join-ns); a cgroup namespace cannot be. */
    static List<String[]> joinNamespaces(Spec spec) {
        List<String[]> l = new ArrayList<>();
        if (spec.linux() == null || spec.linux().namespaces() == null) return l;
        for (Spec.Namespace n : spec.linux().namespaces()) {
            if (n.path() == null || n.path().isEmpty() || n.type().equals("network") || n.type().equals("pid")) continue;
            String t = switch (n.type()) {
                case "mount" -> "mnt";
                case "uts", "ipc", "user", "time" -> n.type();
                case "cgroup" -> throw JruncException.config("/linux/namespaces", "cannot restore into a cgroup namespace given by path: criu cannot join one");
                default -> throw JruncException.config("/linux/namespaces", "cannot restore into a " + n.type() + " namespace given by path");
            };
            l.add(new String[]{t, n.path()});
        }
        return l;
    }

    /**
     * External mounts as criu's --ext-mount-map KEY:VALUE pairs: bind mounts (at dump the key is the
     * destination and so is the value; at restore the value is the host source), masked files (their
     * /dev/null), and device nodes by path. cgroup mounts on v2 are real mounts criu handles itself.
     */
    static List<String[]> externalMounts(Spec spec, List<String> maskedFiles, Path bundle, boolean restore) {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> l = new ArrayList<>();
        if (spec.mounts() != null) {
            for (Spec.Mount m : spec.mounts()) {
                String type = m.type() == null ? "" : m.type();
                boolean bind = type.equals("bind") || MountOptions.parse(m.options()).isBind();
                if (!bind || type.equals("cgroup") || type.equals("cgroup2")) continue;
                String dest = clean(m.destination());
                String src = m.source() == null ? "" : m.source();
                if (restore && bundle != null && !src.startsWith("/")) src = bundle.resolve(src).normalize().toString();
                if (seen.add(dest)) l.add(new String[]{dest, restore ? src : dest});
            }
        }
        if (restore) {
            List<String> masked = spec.linux() == null ? null : spec.linux().maskedPaths();
            if (masked != null && !masked.isEmpty() && seen.add("/dev/null")) l.add(new String[]{"/dev/null", "/dev/null"});
        } else {
            for (String p : maskedFiles) if (seen.add(clean(p))) l.add(new String[]{clean(p), "/dev/null"});
        }
        List<String> devices = new ArrayList<>(DEFAULT_DEVICES);
        if (spec.linux() != null && spec.linux().devices() != null)
            for (Spec.Device d : spec.linux().devices()) devices.add(d.path());
        for (String d : devices) if (seen.add(clean(d))) l.add(new String[]{clean(d), clean(d)});
        return l;
    }

    /** A destination as criu names mounts: absolute, no "." or "..", no trailing slash. */
    static String clean(String p) {
        String s = Path.of("/").resolve(p == null ? "" : p).normalize().toString();
        return s.isEmpty() ? "/" : s;
    }

    /** "Version: 3.17.1" (criu --version's first line) -> 31701; -1 if it is not there. */
    public static int parseVersion(String out) {
        for (String line : out.split("\n")) {
            line = line.trim();
            if (!line.startsWith("Version:")) continue;
            String[] v = line.substring(8).trim().split("\\.");
            try {
                int major = Integer.parseInt(v[0]);
                int minor = v.length > 1 ? leadingNumber(v[1]) : 0;
                int sub = v.length > 2 ? leadingNumber(v[2]) : 0;
                return major * 10000 + minor * 100 + sub;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** "0-rc1" -> 0, "17" -> 17. */
    private static int leadingNumber(String s) {
        String d = s.replaceAll("[^0-9].*", "");
        return d.isEmpty() ? 0 : Integer.parseInt(d);
    }

    /** 31400 -> "3.14". */
    public static String versionName(int v) {
        return (v / 10000) + "." + (v / 100 % 100) + (v % 100 == 0 ? "" : "." + v % 100);
    }
}
