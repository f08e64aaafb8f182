package io.jrunc.plan;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.lsm.Lsm;
import io.jrunc.mount.MountOptions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.jrunc.mount.MountOptions.*;

/**
 * Turns a validated Spec into the plan jrunc-init executes (docs/plan-format.md). Every default that
 * runc applies is resolved here: default devices and /dev symlinks, the cgroup mount expansion, umask,
 * HOME, the root propagation. C gets only concrete steps.
 */
public final class Planner {
    private Planner() {}

    public static final long CLONE_NEWTIME = 0x80, CLONE_NEWNS = 0x20000, CLONE_NEWCGROUP = 0x02000000,
            CLONE_NEWUTS = 0x04000000, CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000,
            CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000L;

    /** Namespace types in the order they are joined: user first (it grants the rights for the rest), mount last (joining it changes how later /proc paths resolve). */
    static final List<String> JOIN_ORDER = List.of("user", "ipc", "uts", "network", "pid", "cgroup", "time", "mount");

    public static long cloneFlag(String type) {
        return switch (type) {
            case "pid" -> CLONE_NEWPID;
            case "network" -> CLONE_NEWNET;
            case "mount" -> CLONE_NEWNS;
            case "ipc" -> CLONE_NEWIPC;
            case "uts" -> CLONE_NEWUTS;
            case "user" -> CLONE_NEWUSER;
            case "cgroup" -> CLONE_NEWCGROUP;
            case "time" -> CLONE_NEWTIME;
            default -> throw JruncException.config("/linux/namespaces", "unknown namespace type \"" + type + "\"");
        };
    }

    /** A cgroup hierarchy the container's `cgroup` mount exposes: name under the mount point, host dir. */
    public record CgroupBind(String name, String hostDir, boolean v2) {}

    /**
     * What the engine decided or made before planning. sessionKeyring: the new session keyring the init
     * joins (runc: "_ses.<id>"), null for none. seccomp: the container's filter already compiled by
     * libseccomp (SeccompCompiler), null for none: the planner calls nothing native.
     */
    public record Options(Path rootfs, Path bundle, Path fifo, boolean noPivot, String consoleSocket,
                          int preserveFds, List<CgroupBind> cgroups, boolean cgroupV2, String sessionKeyring,
                          io.jrunc.seccomp.SeccompCompiler.Compiled seccomp) {
        /** The options of an exec: no rootfs, fifo or cgroup mount. */
        public static Options exec(String consoleSocket, int preserveFds, String sessionKeyring,
                                   io.jrunc.seccomp.SeccompCompiler.Compiled seccomp) {
            return new Options(null, null, null, false, consoleSocket, preserveFds, List.of(), false, sessionKeyring, seccomp);
        }
    }

    private record Dev(String path, char type, long major, long minor, int mode) {}

    private static final List<Dev> DEFAULT_DEVICES = List.of(
            new Dev("/dev/null", 'c', 1, 3, 0666), new Dev("/dev/zero", 'c', 1, 5, 0666),
            new Dev("/dev/full", 'c', 1, 7, 0666), new Dev("/dev/random", 'c', 1, 8, 0666),
            new Dev("/dev/urandom", 'c', 1, 9, 0666), new Dev("/dev/tty", 'c', 5, 0, 0666));

    public static final List<String> RLIMITS = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
            "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    /**
     * The plan of `create`. A pure function of its inputs: the spec, what the engine decided (o) and the
     * host's facts (host); it reads no file and makes no syscall. Notes for the user go to warnings.
     */
    public static byte[] plan(Spec spec, Options o, HostFacts host, List<String> warnings) {
        String sessionKeyring = o.sessionKeyring();
        boolean unprivileged = host.unprivileged();
        Lsm lsm = host.lsm();
        PlanWriter w = PlanWriter.plan();
        if (sessionKeyring != null) w.str(Tag.SESSION_KEYRING, sessionKeyring);
        Spec.Linux linux = spec.linux() != null ? spec.linux()
                : new Spec.Linux(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        Spec.Process p = spec.process();

        // Namespaces: new ones become clone flags, ones with a path are joined (in JOIN_ORDER).
        long clone = 0;
        boolean userns = false, mountns = false, newTime = false;
        List<Spec.Namespace> nss = linux.namespaces() == null ? List.of() : linux.namespaces();
        for (Spec.Namespace ns : nss) {
            long f = cloneFlag(ns.type());
            if (f == CLONE_NEWUSER) userns = true;
            if (f == CLONE_NEWNS) mountns = true;
            if (ns.path() == null || ns.path().isEmpty()) {
                if (f == CLONE_NEWTIME) newTime = true; else clone |= f;
            }
        }
        if (!mountns) {
            // The container shares the runtime's mount namespace (config-linux.md: a namespace not listed is
            // inherited): the config's mounts are made there, under the rootfs, and unmounted at delete; the
            // root change is a chroot. What needs a namespace of its own is refused, as runc does.
            if (linux.maskedPaths() != null && !linux.maskedPaths().isEmpty())
                throw JruncException.config("/linux/maskedPaths", "masked paths need a mount namespace of the container's own",
                        "add {\"type\": \"mount\"} to /linux/namespaces");
            if (linux.readonlyPaths() != null && !linux.readonlyPaths().isEmpty())
                throw JruncException.config("/linux/readonlyPaths", "read-only paths need a mount namespace of the container's own",
                        "add {\"type\": \"mount\"} to /linux/namespaces");
            if (o.rootfs() != null && o.rootfs().getParent() == null)
                throw JruncException.config("/root/path", "the host's \"/\" as the rootfs needs a mount namespace of the container's own",
                        "add {\"type\": \"mount\"} to /linux/namespaces");
            if (spec.root() != null && spec.root().readonly())
                throw JruncException.config("/root/readonly", "a read-only root needs a mount namespace of the container's own",
                        "add {\"type\": \"mount\"} to /linux/namespaces");
        }
        w.u64(Tag.CLONE_FLAGS, clone);
        for (String type : JOIN_ORDER) {
            for (Spec.Namespace ns : nss) {
                if (ns.type().equals(type) && ns.path() != null && !ns.path().isEmpty()) {
                    long f = cloneFlag(type);
                    w.begin(Tag.NS_JOIN).u32(Tag.NS_TYPE, f).str(Tag.NS_PATH, ns.path()).end();
                }
            }
        }
        if ((clone & CLONE_NEWUSER) != 0) {
            w.str(Tag.UID_MAP, idMap(linux.uidMappings()));
            // As root setgroups stays allowed (runc too); without privilege the kernel demands "deny".
            w.str(Tag.SETGROUPS, unprivileged ? "deny" : "allow");
            w.str(Tag.GID_MAP, idMap(linux.gidMappings()));
        }
        if (newTime) {
            StringBuilder sb = new StringBuilder();
            if (linux.timeOffsets() != null) {
                for (Map.Entry<String, Spec.TimeOffset> e : linux.timeOffsets().entrySet())
                    sb.append(e.getKey()).append(' ').append(e.getValue().secs()).append(' ').append(e.getValue().nanosec()).append('\n');
            }
            w.str(Tag.TIME_OFFSETS, sb.toString());
        }

        // Root filesystem.
        w.str(Tag.ROOTFS, o.rootfs().toString());
        w.u64(Tag.ROOTFS_PROPAGATION, rootPropagation(linux.rootfsPropagation()));
        if (spec.root() != null && spec.root().readonly()) w.flag(Tag.ROOT_READONLY);
        if (o.noPivot()) w.flag(Tag.NO_PIVOT);

        UserNs containerUserNs = null;
        for (Spec.Namespace ns : nss) {
            if (!ns.type().equals("user")) continue;
            containerUserNs = ns.path() != null && !ns.path().isEmpty() ? new UserNs(null, null, ns.path())
                    : new UserNs(linux.uidMappings(), linux.gidMappings(), null);
        }
        boolean devMounted = false, ptsMounted = false;
        List<Spec.Mount> mounts = spec.mounts() == null ? List.of() : spec.mounts();
        String mountLabel = mountLabel(linux, lsm, warnings);
        for (int i = 0; i < mounts.size(); i++) {
            Spec.Mount m = mounts.get(i);
            String dest = clean(m.destination());
            if (dest.equals("/dev")) devMounted = true;
            if (dest.equals("/dev/pts")) ptsMounted = true;
            mount(w, m, dest, o, "/mounts/" + i, (clone & CLONE_NEWCGROUP) != 0, containerUserNs, unprivileged, mountLabel);
        }
        if (mountLabel != null && linux.maskedPaths() != null && !linux.maskedPaths().isEmpty())
            w.str(Tag.MASK_DATA, Lsm.withMountLabel("", mountLabel));

        // Devices: the defaults runc always creates, then the config's (a config entry for the same
        // path wins). In a user namespace mknod is not allowed: bind the host's node instead.
        List<Spec.Device> devs = linux.devices() == null ? List.of() : linux.devices();
        for (Dev d : DEFAULT_DEVICES) {
            boolean configured = false;
            for (Spec.Device x : devs) if (clean(x.path()).equals(d.path())) { configured = true; break; }
            if (configured) continue;
            device(w, d.path(), d.type(), d.major(), d.minor(), d.mode(), 0, 0, userns);
        }
        for (Spec.Device d : devs) {
            char t = d.type().charAt(0);
            if (t == 'u') t = 'c';
            boolean fifo = t == 'p'; // its numbers mean nothing (the Validator lets them through)
            device(w, clean(d.path()), t, fifo ? 0 : d.major(), fifo ? 0 : d.minor(),
                    d.fileMode() == null ? 0666 : d.fileMode() & 07777,
                    d.uid() == null ? 0 : d.uid(), d.gid() == null ? 0 : d.gid(), userns);
        }
        symlink(w, "/proc/self/fd", "/dev/fd");
        symlink(w, "/proc/self/fd/0", "/dev/stdin");
        symlink(w, "/proc/self/fd/1", "/dev/stdout");
        symlink(w, "/proc/self/fd/2", "/dev/stderr");
        if (host.kcore()) symlink(w, "/proc/kcore", "/dev/core");
        if (ptsMounted) symlink(w, "pts/ptmx", "/dev/ptmx");
        if (!devMounted) warnings.add("no /dev mount in config.json: devices are created in the rootfs' own /dev");

        if (spec.hooks() != null) {
            hooks(w, Tag.HOOK_CREATE_CONTAINER, spec.hooks().createContainer());
        }

        if (linux.maskedPaths() != null) for (String s : linux.maskedPaths()) w.str(Tag.MASK, s);
        if (linux.readonlyPaths() != null) for (String s : linux.readonlyPaths()) w.str(Tag.READONLY_PATH, s);

        if (linux.sysctl() != null) {
            for (Map.Entry<String, String> e : linux.sysctl().entrySet()) {
                String key = e.getKey().replace('.', '/');
                w.begin(Tag.SYSCTL).str(Tag.S_KEY, key).str(Tag.S_VALUE, e.getValue()).end();
            }
        }
        if (spec.hostname() != null && !spec.hostname().isEmpty()) w.str(Tag.HOSTNAME, spec.hostname());
        if (spec.domainname() != null && !spec.domainname().isEmpty()) w.str(Tag.DOMAINNAME, spec.domainname());
        if (linux.personality() != null) w.u32(Tag.PERSONALITY, personality(linux.personality()));

        process(w, p, o, warnings);
        boolean labelled = labels(w, lsm, p.apparmorProfile(), p.selinuxLabel(), "/process/apparmorProfile", "/process/selinuxLabel");
        // An exec attr is inherited by fork: with startContainer hooks (forked by the init after the fifo)
        // the labels wait until they have run; without, they are written before `ready`, so that a profile
        // the kernel refuses fails `create`, as in runc.
        if (labelled && spec.hooks() != null && spec.hooks().startContainer() != null && !spec.hooks().startContainer().isEmpty())
            w.flag(Tag.LSM_AFTER_HOOKS);
        seccomp(w, o.seccomp());

        if (spec.hooks() != null) hooks(w, Tag.HOOK_START_CONTAINER, spec.hooks().startContainer());
        w.str(Tag.FIFO_PATH, o.fifo().toString());
        return w.toBytes();
    }

    /** Namespace file names under /proc/<pid>/ns for each spec type. */
    public static String nsFile(String type) {
        return switch (type) {
            case "network" -> "net";
            case "mount" -> "mnt";
            default -> type;
        };
    }

    /** The container's seccomp filter as the engine compiled it (null: none; runc has none without defaultAction and syscalls). */
    static void seccomp(PlanWriter w, io.jrunc.seccomp.SeccompCompiler.Compiled c) {
        if (c == null) return;
        w.begin(Tag.SECCOMP).bytes(Tag.SC_BPF, c.bpf()).u32(Tag.SC_FLAGS, c.flags()).end();
    }

    /**
     * The plan of `exec`: join every namespace the container has (by the init's /proc/<pid>/ns files,
     * user first, mount last), no rootfs work and no start barrier, then the process steps.
     */
    /**
     * o.sessionKeyring(): the container's keyring the process joins (runc's setns init: "_ses.<id>", so an
     * exec'd process never holds the caller's session keyring), null when the container was created with
     * --no-new-keyring. o.seccomp(): the container's filter (exec gets it too, as in runc).
     */
    public static byte[] planExec(Spec.Process p, List<String> nsTypes, int initPid, Options o, HostFacts host,
                                  List<String> warnings) {
        String sessionKeyring = o.sessionKeyring();
        Lsm lsm = host.lsm();
        PlanWriter w = PlanWriter.plan();
        w.u64(Tag.CLONE_FLAGS, 0);
        if (sessionKeyring != null) w.str(Tag.SESSION_KEYRING, sessionKeyring);
        for (String type : JOIN_ORDER) {
            if (!nsTypes.contains(type)) continue;
            long f = cloneFlag(type);
            String path = "/proc/" + initPid + "/ns/" + nsFile(type);
            w.begin(Tag.NS_JOIN).u32(Tag.NS_TYPE, f).str(Tag.NS_PATH, path).end();
        }
        process(w, p, o, warnings);
        labels(w, lsm, p.apparmorProfile(), p.selinuxLabel(), null, null);
        seccomp(w, o.seccomp());
        return w.toBytes();
    }

    /** The process part, shared by create and exec. */
    static void process(PlanWriter w, Spec.Process p, Options o, List<String> warnings) {
        if (p.rlimits() != null) {
            for (Spec.Rlimit r : p.rlimits()) {
                int res = RLIMITS.indexOf(r.type());
                if (res < 0) throw JruncException.config("/process/rlimits", "unknown rlimit type \"" + r.type() + "\"");
                w.begin(Tag.RLIMIT).u32(Tag.R_RESOURCE, res).u64(Tag.R_SOFT, r.soft()).u64(Tag.R_HARD, r.hard()).end();
            }
        }
        if (p.oomScoreAdj() != null) w.str(Tag.OOM_SCORE_ADJ, Integer.toString(p.oomScoreAdj()));

        if (p.terminal()) {
            w.flag(Tag.TERMINAL);
            if (o.consoleSocket() == null)
                throw new JruncException("cannot allocate tty if runc will detach without setting console socket");
            w.str(Tag.CONSOLE_SOCKET, o.consoleSocket());
            if (p.consoleSize() != null)
                w.begin(Tag.CONSOLE_SIZE).u32(Tag.CS_ROWS, p.consoleSize().height()).u32(Tag.CS_COLS, p.consoleSize().width()).end();
        } else if (o.consoleSocket() != null) {
            throw new JruncException("cannot use console socket if runc will not detach or allocate tty");
        }

        w.str(Tag.CWD, p.cwd() == null || p.cwd().isEmpty() ? "/" : p.cwd());
        Spec.User u = p.user();
        w.u32(Tag.UID, u == null ? 0 : u.uid());
        w.u32(Tag.GID, u == null ? 0 : u.gid());
        if (u != null && u.additionalGids() != null) {
            long[] g = new long[u.additionalGids().size()];
            for (int i = 0; i < g.length; i++) g[i] = u.additionalGids().get(i);
            w.u32s(Tag.ADDITIONAL_GIDS, g);
        }
        w.u32(Tag.UMASK, u != null && u.umask() != null ? u.umask() : 022);

        if (p.capabilities() != null) {
            Spec.Capabilities c = p.capabilities();
            long permitted = capMask(c.permitted(), "permitted", warnings);
            long inheritable = capMask(c.inheritable(), "inheritable", warnings);
            long ambient = capMask(c.ambient(), "ambient", warnings);
            // The kernel only lets a capability be ambient if it is permitted and inheritable. runc's
            // own default spec asks for ambient caps without inheritable ones and runc silently skips
            // them, so the same config must work here, silently too.
            long amb = ambient & permitted & inheritable;
            w.begin(Tag.CAPS).u64(Tag.C_BOUNDING, capMask(c.bounding(), "bounding", warnings))
                    .u64(Tag.C_EFFECTIVE, capMask(c.effective(), "effective", warnings))
                    .u64(Tag.C_PERMITTED, permitted)
                    .u64(Tag.C_INHERITABLE, inheritable)
                    .u64(Tag.C_AMBIENT, amb).end();
        }
        if (p.noNewPrivileges()) w.flag(Tag.NO_NEW_PRIVS);

        for (String a : p.args()) w.str(Tag.ARG, a);
        boolean home = false;
        if (p.env() != null) {
            for (String e : p.env()) {
                if (e.startsWith("HOME=")) home = true;
                w.str(Tag.ENV, e);
            }
        }
        // runc sets HOME when the config does not; without reading the rootfs' /etc/passwd from the
        // host (a hostile rootfs controls it), "/" is the safe answer.
        if (!home) w.str(Tag.ENV, "HOME=/");
        if (o.preserveFds() > 0) w.u32(Tag.PRESERVE_FDS, o.preserveFds());
    }

    /** How every unknown-capability warning of the planner starts: `exec --cap` and process.json (create's Validator refuses the name). */
    static final String UNKNOWN_CAP_WARNING = "ignoring unknown or unavailable capabilities: [";

    static long capMask(List<String> names, String set, List<String> warnings) {
        long mask = 0;
        if (names == null) return 0;
        for (String n : names) {
            int b = Caps.number(n);
            if (b < 0) {
                warnings.add(UNKNOWN_CAP_WARNING + n + "] in " + set);
                continue;
            }
            mask |= 1L << b;
        }
        return mask;
    }

    private static String idMap(List<Spec.IdMapping> maps) {
        StringBuilder sb = new StringBuilder();
        if (maps != null) for (Spec.IdMapping m : maps)
            sb.append(m.containerID()).append(' ').append(m.hostID()).append(' ').append(m.size()).append('\n');
        return sb.toString();
    }

    static long rootPropagation(String s) {
        if (s == null || s.isEmpty()) return MS_SLAVE | MS_REC;
        return switch (s) {
            case "shared" -> MS_SHARED; case "rshared" -> MS_SHARED | MS_REC;
            case "slave" -> MS_SLAVE; case "rslave" -> MS_SLAVE | MS_REC;
            case "private" -> MS_PRIVATE; case "rprivate" -> MS_PRIVATE | MS_REC;
            case "unbindable" -> MS_UNBINDABLE; case "runbindable" -> MS_UNBINDABLE | MS_REC;
            default -> throw JruncException.config("/linux/rootfsPropagation", "invalid propagation \"" + s + "\"");
        };
    }

    private static long personality(Spec.Personality p) {
        long v = switch (p.domain() == null ? "LINUX" : p.domain()) {
            case "LINUX" -> 0;
            case "LINUX32" -> 0x0008;
            default -> throw JruncException.config("/linux/personality/domain", "unknown personality domain \"" + p.domain() + "\"");
        };
        if (p.flags() != null && !p.flags().isEmpty())
            throw JruncException.config("/linux/personality/flags", "personality flags are not supported");
        return v;
    }

    /**
     * process.apparmorProfile and process.selinuxLabel (exec: --apparmor, --process-label or the
     * --process file; pointers null). With the LSM enabled, the exact bytes for /proc/self/attr go into
     * the plan (the init writes them once nothing but the container's execve follows). Without it, an error naming the field: runc
     * 1.1.5 fails such a container too, at init with "apparmor failed to apply profile: write
     * /proc/self/attr/exec: invalid argument", or up front with "selinux label is specified in config,
     * but selinux is disabled or not supported".
     */
    static boolean labels(PlanWriter w, Lsm lsm, String profile, String label, String profilePtr, String labelPtr) {
        boolean any = false;
        if (profile != null && !profile.isEmpty()) {
            if (!lsm.apparmorEnabled()) {
                String msg = "apparmor profile \"" + profile + "\" is specified, but AppArmor is not enabled on this host";
                String hint = "runc fails too: apparmor failed to apply profile: write /proc/self/attr/exec: invalid argument";
                throw profilePtr != null ? JruncException.config(profilePtr, msg, hint)
                        : new JruncException(null, "exec --apparmor (or apparmorProfile of --process): " + msg, hint, null);
            }
            String attr = lsm.apparmorExecAttr();
            w.begin(Tag.APPARMOR_EXEC).str(Tag.AA_ATTR, attr).str(Tag.AA_VALUE, "exec " + profile).end();
            any = true;
        }
        if (label != null && !label.isEmpty()) {
            if (!lsm.selinuxEnabled()) {
                String msg = "selinux label is specified in config, but selinux is disabled or not supported";
                throw labelPtr != null ? JruncException.config(labelPtr, msg)
                        : new JruncException(null, "exec --process-label (or selinuxLabel of --process): " + msg, null, null);
            }
            w.str(Tag.SELINUX_EXEC, label);
            any = true;
        }
        return any;
    }

    /**
     * linux.mountLabel: the label to add as `context="..."` to the data of the mounts runc labels, or
     * null. Without SELinux, runc 1.1.5 adds it all the same and the kernel refuses the first such
     * mount (invalid argument): that is an error here, naming the field and the mount. Where no mount
     * would carry it, the masked-path tmpfs still gets it, as in runc: it fails (in the init) only if a
     * masked path is a directory, else the container runs with the label ignored.
     */
    /**
     * The label for the mounts runc labels, or null. Without SELinux the label is ignored with a warning,
     * as crun does: the kernel would refuse context= on every labelled mount (runc 1.1.5 fails with
     * "invalid argument"), and a label no LSM enforces protects nothing (docs/conformance.md, decisions).
     */
    static String mountLabel(Spec.Linux linux, Lsm lsm, List<String> warnings) {
        String label = linux.mountLabel();
        if (label == null || label.isEmpty()) return null;
        if (lsm.selinuxEnabled()) return label;
        warnings.add("ignoring /linux/mountLabel: SELinux is not enabled on this host");
        return null;
    }

    /** The container's user namespace: its mappings when it is new, its path when it is joined. */
    record UserNs(List<Spec.IdMapping> uid, List<Spec.IdMapping> gid, String path) {}

    /**
     * An id-mapped mount (runtime-spec 1.2 `idmap`/`ridmap`, per-mount uidMappings/gidMappings), with
     * runc 1.2's rules: mappings without either option mean `idmap`; a mount without mappings of its own
     * takes the container's user namespace; only bind mounts; not rootless; both maps or neither. The
     * plan gets the exact map contents (or the user namespace file): the helper builds a user namespace
     * with them and idmaps a detached clone of the source before the init is cloned.
     */
    static void idmap(PlanWriter g, Spec.Mount m, MountOptions.Parsed opts, boolean bind, String ptr, UserNs userns,
                      boolean unprivileged) {
        List<Spec.IdMapping> uid = m.uidMappings() == null || m.uidMappings().isEmpty() ? null : m.uidMappings();
        List<Spec.IdMapping> gid = m.gidMappings() == null || m.gidMappings().isEmpty() ? null : m.gidMappings();
        boolean hasMaps = m.uidMappings() != null || m.gidMappings() != null;
        if (opts.idmap() == IDMAP_NONE && !hasMaps) return;
        String where = opts.idmap() != IDMAP_NONE ? ptr + "/options" : ptr + (m.uidMappings() != null ? "/uidMappings" : "/gidMappings");
        if (!bind) throw JruncException.config(where, "id-mapped mounts are only supported for bind mounts",
                "add \"bind\" or \"rbind\" to the options, or drop idmap/ridmap and the mappings");
        if (unprivileged) throw JruncException.config(where, "id-mapped mounts are not supported for rootless containers",
                "MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the initial user namespace");
        if (uid == null && gid == null) {
            if (userns == null) throw JruncException.config(ptr + "/uidMappings",
                    "an id-mapped mount without mappings of its own needs the container's user namespace, and there is none",
                    "add uidMappings and gidMappings to the mount, or {\"type\": \"user\"} to /linux/namespaces");
            if (userns.path() != null) {
                g.str(Tag.M_IDMAP_USERNS, userns.path());
                if (opts.idmap() == IDMAP_RECURSIVE) g.flag(Tag.M_IDMAP_RECURSIVE);
                return;
            }
            uid = userns.uid();
            gid = userns.gid();
            if (uid == null || uid.isEmpty() || gid == null || gid.isEmpty())
                throw JruncException.config("/linux/uidMappings", "an id-mapped mount takes the user namespace's mappings, but they are incomplete",
                        "set both /linux/uidMappings and /linux/gidMappings");
        } else if (uid == null || gid == null) {
            throw JruncException.config(ptr + (uid == null ? "/uidMappings" : "/gidMappings"),
                    "id-mapped mounts must have both uid and gid mappings specified");
        } else {
            checkMaps(uid, ptr + "/uidMappings");
            checkMaps(gid, ptr + "/gidMappings");
        }
        g.str(Tag.M_IDMAP_UID, idMap(uid)).str(Tag.M_IDMAP_GID, idMap(gid));
        if (opts.idmap() == IDMAP_RECURSIVE) g.flag(Tag.M_IDMAP_RECURSIVE);
    }

    /** What the kernel would refuse in an id map, named by pointer instead of a bare EINVAL from the helper. */
    private static void checkMaps(List<Spec.IdMapping> maps, String ptr) {
        if (maps.size() > 340) throw JruncException.config(ptr, maps.size() + " mappings, the kernel accepts at most 340");
        for (int i = 0; i < maps.size(); i++) {
            Spec.IdMapping x = maps.get(i);
            if (x.size() < 1) throw JruncException.config(ptr + "/" + i + "/size", "must be at least 1, got " + x.size());
            long lim = 1L << 32;
            if (x.containerID() < 0 || x.containerID() + x.size() > lim)
                throw JruncException.config(ptr + "/" + i + "/containerID", "range " + x.containerID() + "+" + x.size() + " exceeds 2^32");
            if (x.hostID() < 0 || x.hostID() + x.size() > lim)
                throw JruncException.config(ptr + "/" + i + "/hostID", "range " + x.hostID() + "+" + x.size() + " exceeds 2^32");
        }
    }

    /** A bind mount's source as the init will open it: relative ones are relative to the bundle, as in runc. */
    public record BindSource(String pointer, String path) {}

    /**
     * Every bind mount's source (pointer "/mounts/N/source"), for the engine to check they exist before
     * planning: the planner reads no file.
     */
    public static List<BindSource> bindSources(Spec spec, Path bundle) {
        List<BindSource> out = new java.util.ArrayList<>();
        if (spec.mounts() == null) return out;
        for (int i = 0; i < spec.mounts().size(); i++) {
            Spec.Mount m = spec.mounts().get(i);
            String type = m.type() == null ? "" : m.type();
            if (type.equals("cgroup") || type.equals("cgroup2")) continue;
            if (!(MountOptions.parse(m.options()).isBind() || type.equals("bind"))) continue;
            String source = m.source() == null ? "" : m.source();
            if (!source.startsWith("/")) source = bundle.resolve(source).toString();
            out.add(new BindSource("/mounts/" + i + "/source", source));
        }
        return out;
    }

    private static void mount(PlanWriter w, Spec.Mount m, String dest, Options o, String ptr, boolean cgroupns,
                              UserNs userns, boolean unprivileged, String mountLabel) {
        String type = m.type() == null ? "" : m.type();
        MountOptions.Parsed opts = MountOptions.parse(m.options());
        if ((type.equals("cgroup") || type.equals("cgroup2"))) {
            idmap(PlanWriter.group(), m, opts, false, ptr, userns, unprivileged);
            cgroupMount(w, dest, opts, o, cgroupns, mountLabel);
            return;
        }
        boolean bind = opts.isBind() || type.equals("bind");
        long flags = opts.flags();
        String source = m.source() == null ? "" : m.source();
        if (bind) {
            flags |= MS_BIND;
            type = "";
            // Relative bind sources are relative to the bundle, as in runc (its cwd is the bundle).
            if (!source.startsWith("/")) source = o.bundle().resolve(source).toString();
        }
        long f = flags;
        String src = source, t = type;
        String data = mountLabel != null && !bind && Lsm.takesMountLabel(type) ? Lsm.withMountLabel(opts.data(), mountLabel) : opts.data();
        PlanWriter g = w.begin(Tag.MOUNT);
        g.str(Tag.M_SOURCE, src).str(Tag.M_DEST, dest).str(Tag.M_FSTYPE, t).u64(Tag.M_FLAGS, f)
                .str(Tag.M_DATA, data);
        if (opts.propagation() != 0) g.u64(Tag.M_PROPAGATION, opts.propagation());
        if (opts.attrSet() != 0) g.u64(Tag.M_ATTR_SET, opts.attrSet());
        if (opts.attrClr() != 0) g.u64(Tag.M_ATTR_CLR, opts.attrClr());
        // runc copies up into tmpfs mounts only; on any other type the option means nothing
        if (opts.copyUp() && t.equals("tmpfs")) g.flag(Tag.M_COPY_UP);
        idmap(g, m, opts, bind, ptr, userns, unprivileged);
        g.end();
    }

    /**
     * A `cgroup` mount shows the container its own cgroup, as runc does: on v2 a cgroup2 mount (with a
     * cgroup namespace) or a bind of the container's directory; on v1 a tmpfs holding one bind per
     * hierarchy, made read-only at the end if the options say so.
     */
    private static void cgroupMount(PlanWriter w, String dest, MountOptions.Parsed opts, Options o, boolean cgroupns,
                                    String mountLabel) {
        String tmpfsData = mountLabel == null ? "mode=755" : Lsm.withMountLabel("mode=755", mountLabel);
        long flags = opts.flags() & ~MS_BIND & ~MS_REC;
        if (o.cgroupV2()) {
            if (cgroupns) {
                w.begin(Tag.MOUNT).str(Tag.M_SOURCE, "cgroup").str(Tag.M_DEST, dest).str(Tag.M_FSTYPE, "cgroup2")
                        .u64(Tag.M_FLAGS, flags).str(Tag.M_DATA, "").end();
            } else if (!o.cgroups().isEmpty()) {
                String dir = o.cgroups().get(0).hostDir();
                w.begin(Tag.MOUNT).str(Tag.M_SOURCE, dir).str(Tag.M_DEST, dest).str(Tag.M_FSTYPE, "")
                        .u64(Tag.M_FLAGS, flags | MS_BIND | MS_REC).str(Tag.M_DATA, "").end();
            }
            return;
        }
        long tmpfsFlags = flags & ~MS_RDONLY;
        w.begin(Tag.MOUNT).str(Tag.M_SOURCE, "tmpfs").str(Tag.M_DEST, dest).str(Tag.M_FSTYPE, "tmpfs")
                .u64(Tag.M_FLAGS, tmpfsFlags).str(Tag.M_DATA, tmpfsData).end();
        for (CgroupBind c : o.cgroups()) {
            String d = dest + "/" + c.name();
            w.begin(Tag.MOUNT).str(Tag.M_SOURCE, c.hostDir()).str(Tag.M_DEST, d).str(Tag.M_FSTYPE, "")
                    .u64(Tag.M_FLAGS, flags | MS_BIND | MS_REC).str(Tag.M_DATA, "").end();
        }
        if ((flags & MS_RDONLY) != 0) {
            w.begin(Tag.MOUNT).str(Tag.M_SOURCE, "tmpfs").str(Tag.M_DEST, dest).str(Tag.M_FSTYPE, "tmpfs")
                    .u64(Tag.M_FLAGS, tmpfsFlags | MS_REMOUNT | MS_RDONLY).str(Tag.M_DATA, tmpfsData).end();
        }
    }

    private static void device(PlanWriter w, String path, char type, long major, long minor, int mode, long uid,
                               long gid, boolean bind) {
        PlanWriter g = w.begin(Tag.DEVICE);
        g.str(Tag.D_PATH, path).u32(Tag.D_TYPE, type).u64(Tag.D_MAJOR, major).u64(Tag.D_MINOR, minor)
                .u32(Tag.D_MODE, mode).u32(Tag.D_UID, uid).u32(Tag.D_GID, gid);
        if (bind) g.flag(Tag.D_BIND);
        g.end();
    }

    private static void symlink(PlanWriter w, String target, String link) {
        w.begin(Tag.SYMLINK).str(Tag.L_TARGET, target).str(Tag.L_LINK, link).end();
    }

    private static void hooks(PlanWriter w, int kind, List<Spec.Hook> hooks) {
        if (hooks == null) return;
        for (Spec.Hook h : hooks) {
            PlanWriter g = w.begin(Tag.HOOK);
            g.u32(Tag.H_KIND, kind).str(Tag.H_PATH, h.path());
            if (h.args() != null) for (String a : h.args()) g.str(Tag.H_ARG, a);
            if (h.env() != null) for (String e : h.env()) g.str(Tag.H_ENV, e);
            g.u32(Tag.H_TIMEOUT, h.timeout() == null ? 0 : h.timeout());
            g.end();
        }
    }

    /** Lexically cleaned absolute path ("/a/./b/../c" -> "/a/c"); never touches the filesystem. */
    static String clean(String p) {
        String s = new File("/" + p).toPath().normalize().toString();
        return s.isEmpty() ? "/" : s;
    }
}
