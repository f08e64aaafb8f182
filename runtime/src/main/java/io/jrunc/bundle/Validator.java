package io.jrunc.bundle;

import io.jrunc.JruncException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a Spec cannot express by type: required fields, absolute paths, namespace combinations, sysctl
 * placement (runc's libcontainer/configs/validate rules). The first problem found is thrown, naming its
 * JSON pointer; nothing has been created yet when this runs.
 */
public final class Validator {
    private Validator() {}

    static final Set<String> NAMESPACES = Set.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time");
    static final Set<String> PROPAGATIONS = Set.of("shared", "slave", "private", "unbindable", "rshared", "rslave",
            "rprivate", "runbindable");
    static final List<String> RLIMITS = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
            "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    public static void validate(Spec s, Path bundle) {
        if (s.ociVersion() == null || s.ociVersion().isEmpty()) throw JruncException.config("/ociVersion", "ociVersion is required");
        if (s.root() == null || s.root().path() == null || s.root().path().isEmpty())
            throw JruncException.config("/root/path", "root.path is required");
        Path rootfs = bundle.resolve(s.root().path());
        if (!Files.isDirectory(rootfs))
            throw JruncException.config("/root/path", "rootfs " + rootfs + " does not exist or is not a directory");
        if (s.process() != null) process(s.process());
        if (s.mounts() != null) {
            for (int i = 0; i < s.mounts().size(); i++) {
                Spec.Mount m = s.mounts().get(i);
                if (m.destination() == null || m.destination().isEmpty())
                    throw JruncException.config("/mounts/" + i + "/destination", "mount destination is required");
                if (!m.destination().startsWith("/"))
                    throw JruncException.config("/mounts/" + i + "/destination", "mount destination " + m.destination()
                            + " is not absolute", "relative destinations are resolved against \"/\" by some runtimes; write it as an absolute path");
            }
        }
        if (s.hooks() != null) {
            hooks("prestart", s.hooks().prestart());
            hooks("createRuntime", s.hooks().createRuntime());
            hooks("createContainer", s.hooks().createContainer());
            hooks("startContainer", s.hooks().startContainer());
            hooks("poststart", s.hooks().poststart());
            hooks("poststop", s.hooks().poststop());
        }
        linux(s);
    }

    private static void process(Spec.Process p) {
        if (p.args() == null || p.args().isEmpty()) throw JruncException.config("/process/args", "args must not be empty");
        if (p.cwd() == null || !p.cwd().startsWith("/"))
            throw JruncException.config("/process/cwd", "cwd \"" + (p.cwd() == null ? "" : p.cwd()) + "\" is not an absolute path");
        if (p.rlimits() != null) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < p.rlimits().size(); i++) {
                Spec.Rlimit r = p.rlimits().get(i);
                String ptr = "/process/rlimits/" + i;
                if (!RLIMITS.contains(r.type())) throw JruncException.config(ptr + "/type", "unknown rlimit type \"" + r.type() + "\"");
                if (!seen.add(r.type())) throw JruncException.config(ptr + "/type", "duplicate rlimit \"" + r.type() + "\"");
                if (Long.compareUnsigned(r.soft(), r.hard()) > 0)
                    throw JruncException.config(ptr, "soft limit " + r.soft() + " is above the hard limit " + r.hard());
            }
        }
        if (p.capabilities() != null) {
            Spec.Capabilities c = p.capabilities();
            caps("bounding", c.bounding());
            caps("effective", c.effective());
            caps("inheritable", c.inheritable());
            caps("permitted", c.permitted());
            caps("ambient", c.ambient());
        }
    }

    private static void caps(String set, List<String> names) {
        if (names == null) return;
        for (int i = 0; i < names.size(); i++) {
            if (!names.get(i).startsWith("CAP_"))
                throw JruncException.config("/process/capabilities/" + set + "/" + i, "\"" + names.get(i) + "\" is not a capability name");
        }
    }

    private static void hooks(String kind, List<Spec.Hook> hooks) {
        if (hooks == null) return;
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook h = hooks.get(i);
            String ptr = "/hooks/" + kind + "/" + i;
            if (h.path() == null || !h.path().startsWith("/"))
                throw JruncException.config(ptr + "/path", "hook path must be absolute");
            if (h.timeout() != null && h.timeout() <= 0)
                throw JruncException.config(ptr + "/timeout", "timeout must be greater than zero");
        }
    }

    private static void linux(Spec s) {
        Spec.Linux l = s.linux();
        Set<String> created = new HashSet<>(), any = new HashSet<>();
        if (l != null && l.namespaces() != null) {
            for (int i = 0; i < l.namespaces().size(); i++) {
                Spec.Namespace ns = l.namespaces().get(i);
                String ptr = "/linux/namespaces/" + i;
                if (!NAMESPACES.contains(ns.type())) throw JruncException.config(ptr + "/type", "unknown namespace type \"" + ns.type() + "\"");
                if (!any.add(ns.type())) throw JruncException.config(ptr + "/type", "duplicate namespace \"" + ns.type() + "\"");
                if (ns.path() == null || ns.path().isEmpty()) created.add(ns.type());
                else if (!ns.path().startsWith("/")) throw JruncException.config(ptr + "/path", "namespace path must be absolute");
            }
        }
        if (!any.contains("mount")) throw JruncException.config("/linux/namespaces", "a mount namespace is required",
                "add {\"type\": \"mount\"}");
        if (s.hostname() != null && !s.hostname().isEmpty() && !any.contains("uts"))
            throw JruncException.config("/hostname", "unable to set hostname without a private UTS namespace");
        if (s.domainname() != null && !s.domainname().isEmpty() && !any.contains("uts"))
            throw JruncException.config("/domainname", "unable to set domainname without a private UTS namespace");
        if (l == null) return;
        boolean userns = any.contains("user");
        if (created.contains("user") && (l.uidMappings() == null || l.uidMappings().isEmpty()))
            throw JruncException.config("/linux/uidMappings", "user namespaces enabled, but no uid mappings found");
        if (created.contains("user") && (l.gidMappings() == null || l.gidMappings().isEmpty()))
            throw JruncException.config("/linux/gidMappings", "user namespaces enabled, but no gid mappings found");
        if (!userns && l.uidMappings() != null && !l.uidMappings().isEmpty())
            throw JruncException.config("/linux/uidMappings", "uid mappings given without a user namespace");
        if (!userns && l.gidMappings() != null && !l.gidMappings().isEmpty())
            throw JruncException.config("/linux/gidMappings", "gid mappings given without a user namespace");
        if (l.timeOffsets() != null && !l.timeOffsets().isEmpty()) {
            if (!created.contains("time"))
                throw JruncException.config("/linux/timeOffsets", "timeOffsets need a new time namespace");
            for (String clock : l.timeOffsets().keySet())
                if (!clock.equals("monotonic") && !clock.equals("boottime"))
                    throw JruncException.config("/linux/timeOffsets/" + clock, "unknown clock \"" + clock + "\" (monotonic or boottime)");
        }
        if (l.rootfsPropagation() != null && !l.rootfsPropagation().isEmpty() && !PROPAGATIONS.contains(l.rootfsPropagation()))
            throw JruncException.config("/linux/rootfsPropagation", "invalid rootfsPropagation \"" + l.rootfsPropagation() + "\"");
        paths("/linux/maskedPaths", l.maskedPaths());
        paths("/linux/readonlyPaths", l.readonlyPaths());
        if (l.devices() != null) {
            for (int i = 0; i < l.devices().size(); i++) {
                Spec.Device d = l.devices().get(i);
                String ptr = "/linux/devices/" + i;
                if (d.type() == null || !List.of("c", "b", "u", "p").contains(d.type()))
                    throw JruncException.config(ptr + "/type", "device type must be one of c, b, u, p");
                if (d.path() == null || !d.path().startsWith("/dev/"))
                    throw JruncException.config(ptr + "/path", "device path must be absolute and under /dev");
                if (d.type().equals("p") && (d.major() != 0 || d.minor() != 0))
                    throw JruncException.config(ptr, "a fifo device must not have major/minor numbers");
            }
        }
        if (l.sysctl() != null) {
            // A namespace joined by path counts as the container's own unless it is the host's (runc).
            Set<String> owned = new HashSet<>(created);
            for (Spec.Namespace ns : l.namespaces() == null ? List.<Spec.Namespace>of() : l.namespaces())
                if (ns.path() != null && !ns.path().isEmpty() && !isHostNamespace(ns)) owned.add(ns.type());
            for (Map.Entry<String, String> e : l.sysctl().entrySet()) sysctl(e.getKey(), owned);
        }
    }

    private static boolean isHostNamespace(Spec.Namespace ns) {
        String f = switch (ns.type()) {
            case "network" -> "net";
            case "mount" -> "mnt";
            default -> ns.type();
        };
        try {
            return Files.isSameFile(Path.of(ns.path()), Path.of("/proc/self/ns/" + f));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void paths(String ptr, List<String> paths) {
        if (paths == null) return;
        for (int i = 0; i < paths.size(); i++)
            if (!paths.get(i).startsWith("/")) throw JruncException.config(ptr + "/" + i, "path must be absolute");
    }

    /** runc's rule: a sysctl is only allowed when it is namespaced by a namespace the container owns. */
    static void sysctl(String key, Set<String> created) {
        String ptr = "/linux/sysctl/" + key.replace("~", "~0").replace("/", "~1");
        String k = key.replace('/', '.');
        boolean ipc = k.startsWith("fs.mqueue.") || Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced").contains(k);
        if (ipc) {
            if (!created.contains("ipc")) throw JruncException.config(ptr, "sysctl \"" + key + "\" is not allowed in the hosts ipc namespace");
            return;
        }
        if (k.startsWith("net.")) {
            if (!created.contains("network")) throw JruncException.config(ptr, "sysctl \"" + key + "\" is not allowed in the hosts network namespace");
            return;
        }
        if (k.equals("kernel.hostname") || k.equals("kernel.domainname")) {
            if (!created.contains("uts")) throw JruncException.config(ptr, "sysctl \"" + key + "\" is not allowed in the hosts uts namespace");
            return;
        }
        throw JruncException.config(ptr, "sysctl \"" + key + "\" is not in a separate kernel namespace");
    }
}
