package io.jrunc.bundle;

import io.jrunc.JruncException;
import io.jrunc.state.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * config.json (and process.json, LinuxResources) into {@link Spec} records. jackson-core streams the
 * document into a small tree ({@link Json}); this class maps it with type checks that name the JSON
 * pointer of the offending field. Unknown fields are ignored, as runc does.
 */
public final class ConfigReader {
    private ConfigReader() {}

    public static Spec read(Path configJson) {
        try {
            return parse(Files.readAllBytes(configJson));
        } catch (NoSuchFileException e) {
            throw new JruncException("JSON specification file " + configJson.getFileName() + " not found");
        } catch (IOException e) {
            throw new JruncException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
    }

    public static Spec parse(byte[] json) {
        return spec(new Node(tree(json, "config.json"), ""));
    }

    public static Spec.Process parseProcess(byte[] json) {
        return process(new Node(tree(json, "process.json"), ""));
    }

    public static Spec.Resources parseResources(byte[] json) {
        return resources(new Node(tree(json, "resources"), ""));
    }

    private static Object tree(byte[] json, String what) {
        try {
            return Json.parse(json);
        } catch (JruncException e) {
            throw new JruncException(what + ": " + e.getMessage(), e);
        }
    }

    /** A value with its JSON pointer, and typed accessors that fail naming that pointer. */
    private record Node(Object v, String ptr) {
        Node get(String key) {
            return new Node(map().get(key), ptr + "/" + key.replace("~", "~0").replace("/", "~1"));
        }

        boolean absent() { return v == null; }

        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            if (v instanceof Map) return (Map<String, Object>) v;
            throw type("an object");
        }

        @SuppressWarnings("unchecked")
        List<Object> list() {
            if (v instanceof List) return (List<Object>) v;
            throw type("an array");
        }

        JruncException type(String expected) {
            return JruncException.config(ptr, "expected " + expected + ", got " + kind(v));
        }

        String str(String key) {
            Node n = get(key);
            if (n.v == null) return null;
            if (n.v instanceof String s) return s;
            throw n.type("a string");
        }

        Long num(String key) {
            Node n = get(key);
            if (n.v == null) return null;
            if (n.v instanceof Long l) return l;
            if (n.v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                // Values above Long.MAX_VALUE (e.g. seccomp masks up to 2^64-1) keep their bits.
                return d >= 0x1p63 ? (long) (d - 0x1p64) : d.longValue();
            }
            throw n.type("an integer");
        }

        long num(String key, long dflt) {
            Long l = num(key);
            return l == null ? dflt : l;
        }

        Integer int32(String key) {
            Long l = num(key);
            if (l == null) return null;
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE)
                throw JruncException.config(ptr + "/" + key, "value " + l + " out of range");
            return l.intValue();
        }

        boolean bool(String key) {
            Boolean b = boolObj(key);
            return b != null && b;
        }

        Boolean boolObj(String key) {
            Node n = get(key);
            if (n.v == null) return null;
            if (n.v instanceof Boolean b) return b;
            throw n.type("a boolean");
        }

        List<String> strings(String key) {
            Node n = get(key);
            if (n.v == null) return null;
            List<Object> l = n.list();
            List<String> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof String s)) throw new Node(l.get(i), n.ptr + "/" + i).type("a string");
                out.add(s);
            }
            return List.copyOf(out);
        }

        Map<String, String> stringMap(String key) {
            Node n = get(key);
            if (n.v == null) return null;
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : n.map().entrySet()) {
                if (!(e.getValue() instanceof String s)) throw n.get(e.getKey()).type("a string");
                out.put(e.getKey(), s);
            }
            return Collections.unmodifiableMap(out);
        }

        <T> List<T> objects(String key, BiFunction<Node, Integer, T> f) {
            Node n = get(key);
            if (n.v == null) return null;
            List<Object> l = n.list();
            List<T> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                Node e = new Node(l.get(i), n.ptr + "/" + i);
                e.map();
                out.add(f.apply(e, i));
            }
            return Collections.unmodifiableList(out);
        }
    }

    private static String kind(Object v) {
        if (v == null) return "null";
        if (v instanceof String) return "a string";
        if (v instanceof Long || v instanceof Double) return "a number";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof List) return "an array";
        return "an object";
    }

    private static Spec spec(Node n) {
        n.map();
        Node p = n.get("process"), r = n.get("root"), h = n.get("hooks"), l = n.get("linux");
        return new Spec(n.str("ociVersion"), p.absent() ? null : process(p),
                r.absent() ? null : new Spec.Root(rootPath(r), r.bool("readonly")),
                n.str("hostname"), n.str("domainname"),
                n.objects("mounts", (m, i) -> new Spec.Mount(m.str("destination"), m.str("source"), m.str("type"),
                        m.strings("options"), idMaps(m, "uidMappings"), idMaps(m, "gidMappings"))),
                h.absent() ? null : hooks(h), n.stringMap("annotations"), l.absent() ? null : linux(l));
    }

    private static String rootPath(Node r) {
        r.map();
        return r.str("path");
    }

    private static Spec.Process process(Node p) {
        p.map();
        Node u = p.get("user"), c = p.get("capabilities"), cs = p.get("consoleSize"), s = p.get("scheduler"),
                io = p.get("ioPriority"), aff = p.get("execCPUAffinity");
        return new Spec.Process(p.bool("terminal"),
                cs.absent() ? null : new Spec.ConsoleSize(cs.num("height", 0), cs.num("width", 0)),
                u.absent() ? null : new Spec.User(u.num("uid", 0), u.num("gid", 0), u.num("umask"),
                        longs(u, "additionalGids"), u.str("username")),
                p.strings("args"), p.str("commandLine"), p.strings("env"), p.str("cwd"),
                c.absent() ? null : new Spec.Capabilities(c.strings("bounding"), c.strings("effective"),
                        c.strings("inheritable"), c.strings("permitted"), c.strings("ambient")),
                p.objects("rlimits", (x, i) -> new Spec.Rlimit(x.str("type"), x.num("hard", 0), x.num("soft", 0))),
                p.bool("noNewPrivileges"), p.str("apparmorProfile"), p.int32("oomScoreAdj"), p.str("selinuxLabel"),
                s.absent() ? null : new Spec.Scheduler(s.str("policy"), s.int32("nice"), s.int32("priority"),
                        s.strings("flags"), s.num("runtime"), s.num("deadline"), s.num("period")),
                io.absent() ? null : new Spec.IoPriority(io.str("class"), (int) io.num("priority", 0)),
                aff.absent() ? null : new Spec.ExecCpuAffinity(aff.str("initial"), aff.str("final")));
    }

    private static List<Long> longs(Node n, String key) {
        Node l = n.get(key);
        if (l.absent()) return null;
        List<Object> raw = l.list();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof Long v)) throw new Node(raw.get(i), l.ptr() + "/" + i).type("an integer");
            out.add(v);
        }
        return List.copyOf(out);
    }

    private static List<Spec.IdMapping> idMaps(Node n, String key) {
        return n.objects(key, (m, i) -> new Spec.IdMapping(m.num("containerID", 0), m.num("hostID", 0), m.num("size", 0)));
    }

    private static List<Spec.Hook> hookList(Node h, String key) {
        return h.objects(key, (x, i) -> new Spec.Hook(x.str("path"), x.strings("args"), x.strings("env"), x.int32("timeout")));
    }

    private static Spec.Hooks hooks(Node h) {
        h.map();
        return new Spec.Hooks(hookList(h, "prestart"), hookList(h, "createRuntime"), hookList(h, "createContainer"),
                hookList(h, "startContainer"), hookList(h, "poststart"), hookList(h, "poststop"));
    }

    private static Spec.Linux linux(Node l) {
        l.map();
        Node to = l.get("timeOffsets"), res = l.get("resources"), sc = l.get("seccomp"), pers = l.get("personality");
        Map<String, Spec.TimeOffset> offsets = null;
        if (!to.absent()) {
            offsets = new LinkedHashMap<>();
            for (String k : to.map().keySet()) {
                Node o = to.get(k);
                o.map();
                offsets.put(k, new Spec.TimeOffset(o.num("secs", 0), o.num("nanosec", 0)));
            }
            offsets = Collections.unmodifiableMap(offsets);
        }
        return new Spec.Linux(
                l.objects("namespaces", (x, i) -> new Spec.Namespace(x.str("type"), x.str("path"))),
                idMaps(l, "uidMappings"), idMaps(l, "gidMappings"), offsets,
                l.objects("devices", (x, i) -> new Spec.Device(x.str("type"), x.str("path"), x.num("major", 0),
                        x.num("minor", 0), x.int32("fileMode"), x.num("uid"), x.num("gid"))),
                l.str("cgroupsPath"), res.absent() ? null : resources(res), l.str("rootfsPropagation"),
                sc.absent() ? null : seccomp(sc), l.stringMap("sysctl"), l.strings("maskedPaths"),
                l.strings("readonlyPaths"), l.str("mountLabel"),
                pers.absent() ? null : new Spec.Personality(pers.str("domain"), pers.strings("flags")));
    }

    private static Spec.Seccomp seccomp(Node s) {
        s.map();
        return new Spec.Seccomp(s.str("defaultAction"), s.num("defaultErrnoRet"), s.strings("architectures"),
                s.strings("flags"), s.str("listenerPath"), s.str("listenerMetadata"),
                s.objects("syscalls", (x, i) -> new Spec.Syscall(x.strings("names"), x.str("action"), x.num("errnoRet"),
                        x.objects("args", (a, j) -> new Spec.SeccompArg(a.num("index", 0), a.num("value", 0),
                                a.num("valueTwo", 0), a.str("op"))))));
    }

    private static List<Spec.ThrottleDevice> throttle(Node b, String key) {
        return b.objects(key, (x, i) -> new Spec.ThrottleDevice(x.num("major", 0), x.num("minor", 0), x.num("rate", 0)));
    }

    static Spec.Resources resources(Node r) {
        r.map();
        Node m = r.get("memory"), c = r.get("cpu"), p = r.get("pids"), b = r.get("blockIO"), n = r.get("network"),
                rd = r.get("rdma");
        Map<String, Spec.Rdma> rdma = null;
        if (!rd.absent()) {
            rdma = new LinkedHashMap<>();
            for (String k : rd.map().keySet()) {
                Node x = rd.get(k);
                x.map();
                rdma.put(k, new Spec.Rdma(x.num("hcaHandles"), x.num("hcaObjects")));
            }
            rdma = Collections.unmodifiableMap(rdma);
        }
        return new Spec.Resources(
                r.objects("devices", (x, i) -> new Spec.DeviceRule(x.bool("allow"), x.str("type"), x.num("major"),
                        x.num("minor"), x.str("access"))),
                m.absent() ? null : new Spec.Memory(m.num("limit"), m.num("reservation"), m.num("swap"), m.num("kernel"),
                        m.num("kernelTCP"), m.num("swappiness"), m.boolObj("disableOOMKiller"), m.boolObj("useHierarchy"),
                        m.boolObj("checkBeforeUpdate")),
                c.absent() ? null : new Spec.Cpu(c.num("shares"), c.num("quota"), c.num("burst"), c.num("period"),
                        c.num("realtimeRuntime"), c.num("realtimePeriod"), c.str("cpus"), c.str("mems"), c.num("idle")),
                p.absent() ? null : new Spec.Pids(p.num("limit")),
                b.absent() ? null : new Spec.BlockIo(b.int32("weight"), b.int32("leafWeight"),
                        b.objects("weightDevice", (x, i) -> new Spec.WeightDevice(x.num("major", 0), x.num("minor", 0),
                                x.int32("weight"), x.int32("leafWeight"))),
                        throttle(b, "throttleReadBpsDevice"), throttle(b, "throttleWriteBpsDevice"),
                        throttle(b, "throttleReadIOPSDevice"), throttle(b, "throttleWriteIOPSDevice")),
                r.objects("hugepageLimits", (x, i) -> new Spec.HugepageLimit(x.str("pageSize"), x.num("limit", 0))),
                n.absent() ? null : new Spec.Network(n.num("classID"),
                        n.objects("priorities", (x, i) -> new Spec.NetPriority(x.str("name"), x.num("priority", 0)))),
                rdma, r.stringMap("unified"));
    }
}
