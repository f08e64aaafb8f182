package io.jrunc.bundle;

import io.jrunc.JruncException;
import io.jrunc.json.JsonException;
import io.jrunc.json.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * config.json (and process.json for {@code exec --process}, LinuxResources for {@code update -r}) into
 * {@link Spec} records, straight from a token stream ({@link JsonParser}, jackson-core's syntax and messages): no tree, no databind, no lambdas (each
 * JVM start pays for every class it loads).
 *
 * <p>Decoding follows Go's encoding/json as runc uses it, so configs runc accepts are accepted here:
 * unknown fields are ignored; field names match case-insensitively; JSON null is the same as an absent
 * field; only the first JSON value of the file is read. Type errors name the JSON pointer of the field
 * ({@code config.json /process/args/0: expected a string, got a number}); numbers are range-checked for
 * the spec's Go type (uint32, int32, uint16), and 64-bit fields accept -2^63..2^64-1 with values above
 * Long.MAX_VALUE kept as their bits (uint64 rlimits and seccomp values: 18446744073709551615 is -1L).
 * A null element of an array or map is its zero value ("", 0, an all-defaults record), as in Go.
 */
public final class ConfigReader {
    private ConfigReader() {}

    // Element kinds for list(), map() and doc(): an int switch instead of a lambda per record type.
    private static final int SPEC = 0, PROCESS = 1, RESOURCES = 2, MOUNT = 3, IDMAP = 4, HOOK = 5, RLIMIT = 6,
            NAMESPACE = 7, DEVICE = 8, DEVICE_RULE = 9, WEIGHT_DEVICE = 10, THROTTLE = 11, HUGEPAGE = 12,
            NET_PRIORITY = 13, SYSCALL = 14, SECCOMP_ARG = 15, TIME_OFFSET = 16, RDMA = 17, STRING = 18, UINT32 = 19;

    // Integer ranges of the spec's Go types.
    private static final int I64 = 0, U32 = 1, I32 = 2, U16 = 3;

    /** Reads and parses a bundle's config.json; a missing file is runc's "JSON specification file ... not found". */
    public static Spec read(Path configJson) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(configJson);
        } catch (NoSuchFileException e) {
            throw new JruncException("JSON specification file " + configJson.getFileName() + " not found");
        } catch (IOException e) {
            throw new JruncException("cannot read " + configJson + ": " + JruncException.errno(e), e);
        }
        return parse(raw);
    }

    public static Spec parse(byte[] json) {
        return (Spec) doc(json, "config.json", SPEC);
    }

    /**
     * A process.json ({@code exec --process}). Its errors carry no pointer (the user message format says
     * "config.json"): the message reads {@code process.json /args/0: expected a string, got a number}.
     */
    public static Spec.Process parseProcess(byte[] json) {
        return (Spec.Process) doc(json, "process.json", PROCESS);
    }

    /** A LinuxResources document ({@code update -r}); errors read {@code resources /memory/limit: ...}. */
    public static Spec.Resources parseResources(byte[] json) {
        return (Spec.Resources) doc(json, "resources", RESOURCES);
    }

    private static Object doc(byte[] json, String what, int kind) {
        try {
            JsonParser p = new JsonParser(json);
            if (p.nextToken() == JsonParser.NONE) throw new JruncException(what + ": invalid JSON: the document is empty");
            if (p.currentToken() != JsonParser.START_OBJECT) throw type(p, "an object");
            return element(p, kind);
        } catch (JsonException e) {
            throw new JruncException(what + ": invalid JSON" + e.where() + ": " + e.getMessage(), e);
        } catch (JruncException e) {
            if (kind == SPEC || e.pointer() == null) throw e;
            String ptr = e.pointer().isEmpty() ? "/" : e.pointer();
            throw new JruncException(null, what + " " + ptr + ": " + e.getMessage(), e.hint(), e);
        }
    }

    private static Object element(JsonParser p, int kind) {
        return switch (kind) {
            case SPEC -> spec(p);
            case PROCESS -> process(p);
            case RESOURCES -> resources(p);
            case MOUNT -> mount(p);
            case IDMAP -> idMapping(p);
            case HOOK -> hook(p);
            case RLIMIT -> rlimit(p);
            case NAMESPACE -> namespace(p);
            case DEVICE -> device(p);
            case DEVICE_RULE -> deviceRule(p);
            case WEIGHT_DEVICE -> weightDevice(p);
            case THROTTLE -> throttle(p);
            case HUGEPAGE -> hugepage(p);
            case NET_PRIORITY -> netPriority(p);
            case SYSCALL -> syscall(p);
            case SECCOMP_ARG -> seccompArg(p);
            case TIME_OFFSET -> timeOffset(p);
            case RDMA -> rdma(p);
            case STRING -> p.currentToken() == JsonParser.VALUE_NULL ? "" : str(p);
            case UINT32 -> num0(p, U32);
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    // ---- token helpers ------------------------------------------------------------------------------

    /** The JSON pointer of the current value (escapes '~' and '/'). */
    private static String pointer(JsonParser p) {
        return p.pointer();
    }

    private static JruncException type(JsonParser p, String expected) {
        int t = p.currentToken();
        String got = t == JsonParser.VALUE_STRING ? "a string"
                : t == JsonParser.VALUE_NUMBER_INT || t == JsonParser.VALUE_NUMBER_FLOAT ? "a number"
                : t == JsonParser.VALUE_TRUE || t == JsonParser.VALUE_FALSE ? "a boolean"
                : t == JsonParser.START_ARRAY ? "an array"
                : t == JsonParser.START_OBJECT ? "an object" : "null";
        return JruncException.config(pointer(p), "expected " + expected + ", got " + got);
    }

    /** At a value: true for an object to read, false for null (absent); otherwise a type error. */
    private static boolean object(JsonParser p) {
        int t = p.currentToken();
        if (t == JsonParser.START_OBJECT) return true;
        if (t == JsonParser.VALUE_NULL) return false;
        throw type(p, "an object");
    }

    /**
     * Next member of the current object: moves to its value and returns its name in lower case (Go
     * matches struct fields case-insensitively), or null at the end of the object.
     */
    private static String field(JsonParser p) {
        if (p.nextToken() != JsonParser.FIELD_NAME) return null;
        String name = p.currentName();
        p.nextToken();
        return name.toLowerCase(Locale.ROOT);
    }

    private static String str(JsonParser p) {
        int t = p.currentToken();
        if (t == JsonParser.VALUE_STRING) {
            String s = p.getText();
            if (s.indexOf('\0') >= 0) noNul(p);
            return s;
        }
        if (t == JsonParser.VALUE_NULL) return null;
        throw type(p, "a string");
    }

    /**
     * A string (or map key) with a NUL byte: every string of the config ends up as a C string (argv, a
     * path, a mount option, a file's content), where it would be cut short. Annotations are the exception:
     * they only travel as JSON (state, hooks' stdin), and runc keeps them as they are.
     */
    private static void noNul(JsonParser p) {
        String ptr = pointer(p);
        if (!ptr.startsWith("/annotations/")) throw JruncException.config(ptr, "contains a NUL byte");
    }

    private static boolean bool(JsonParser p) {
        Boolean b = boolOrNull(p);
        return b != null && b;
    }

    private static Boolean boolOrNull(JsonParser p) {
        int t = p.currentToken();
        if (t == JsonParser.VALUE_TRUE) return Boolean.TRUE;
        if (t == JsonParser.VALUE_FALSE) return Boolean.FALSE;
        if (t == JsonParser.VALUE_NULL) return null;
        throw type(p, "a boolean");
    }

    /** An integer of the given range, null for JSON null. */
    private static Long num(JsonParser p, int range) {
        int t = p.currentToken();
        if (t == JsonParser.VALUE_NULL) return null;
        if (t == JsonParser.VALUE_NUMBER_FLOAT)
            throw JruncException.config(pointer(p), "expected an integer, got " + p.getText());
        if (t != JsonParser.VALUE_NUMBER_INT) throw type(p, "an integer");
        long v;
        int kind = p.numberKind();
        if (kind != JsonParser.LONG) {
            // above Long.MAX_VALUE up to 2^64-1: the uint64's bits; beyond -2^63..2^64-1: out of range
            if (range != I64 || kind == JsonParser.BIG) throw range(p, range);
            v = p.longValue();
        } else {
            v = p.longValue();
            boolean ok = switch (range) {
                case U32 -> v >= 0 && v <= 0xffff_ffffL;
                case I32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
                case U16 -> v >= 0 && v <= 0xffff;
                default -> true;
            };
            if (!ok) throw range(p, range);
        }
        return v;
    }

    private static JruncException range(JsonParser p, int range) {
        String type = switch (range) {
            case U32 -> "uint32";
            case I32 -> "int32";
            case U16 -> "uint16";
            default -> "a 64-bit integer";
        };
        return JruncException.config(pointer(p), "value " + p.getText() + " is out of range for " + type);
    }

    private static long num0(JsonParser p, int range) {
        Long v = num(p, range);
        return v == null ? 0 : v;
    }

    private static Integer int32(JsonParser p, int range) {
        Long v = num(p, range);
        return v == null ? null : (int) (long) v;
    }

    /** An array of the given element kind; null for JSON null. A null element is the zero value, as in Go. */
    @SuppressWarnings("unchecked")
    private static <T> List<T> list(JsonParser p, int kind) {
        int t = p.currentToken();
        if (t == JsonParser.VALUE_NULL) return null;
        if (t != JsonParser.START_ARRAY) throw type(p, "an array");
        ArrayList<Object> out = new ArrayList<>();
        while (p.nextToken() != JsonParser.END_ARRAY) out.add(element(p, kind));
        return (List<T>) List.copyOf(out);
    }

    /** An object used as a map (annotations, sysctl, timeOffsets...): insertion order kept, keys as written. */
    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> map(JsonParser p, int kind) {
        if (!object(p)) return null;
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonParser.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            if (key.indexOf('\0') >= 0) noNul(p);
            out.put(key, element(p, kind));
        }
        return (Map<String, T>) Collections.unmodifiableMap(out);
    }

    // ---- records ------------------------------------------------------------------------------------

    private static Spec spec(JsonParser p) {
        String ociVersion = null, hostname = null, domainname = null;
        Spec.Process process = null;
        Spec.Root root = null;
        List<Spec.Mount> mounts = null;
        Spec.Hooks hooks = null;
        Map<String, String> annotations = null;
        Spec.Linux linux = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "ociversion" -> ociVersion = str(p);
                case "process" -> process = process(p);
                case "root" -> root = root(p);
                case "hostname" -> hostname = str(p);
                case "domainname" -> domainname = str(p);
                case "mounts" -> mounts = list(p, MOUNT);
                case "hooks" -> hooks = hooks(p);
                case "annotations" -> annotations = map(p, STRING);
                case "linux" -> linux = linux(p);
                default -> p.skipChildren();
            }
        }
        return new Spec(ociVersion, process, root, hostname, domainname, mounts, hooks, annotations, linux);
    }

    private static Spec.Root root(JsonParser p) {
        if (!object(p)) return null;
        String path = null;
        boolean readonly = false;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "path" -> path = str(p);
                case "readonly" -> readonly = bool(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.Root(path, readonly);
    }

    private static Spec.Process process(JsonParser p) {
        if (!object(p)) return null;
        boolean terminal = false, noNewPrivileges = false;
        Spec.ConsoleSize consoleSize = null;
        Spec.User user = null;
        List<String> args = null, env = null;
        String commandLine = null, cwd = null, apparmorProfile = null, selinuxLabel = null;
        Spec.Capabilities capabilities = null;
        List<Spec.Rlimit> rlimits = null;
        Integer oomScoreAdj = null;
        Spec.Scheduler scheduler = null;
        Spec.IoPriority ioPriority = null;
        Spec.ExecCpuAffinity affinity = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "terminal" -> terminal = bool(p);
                case "consolesize" -> consoleSize = consoleSize(p);
                case "user" -> user = user(p);
                case "args" -> args = list(p, STRING);
                case "commandline" -> commandLine = str(p);
                case "env" -> env = list(p, STRING);
                case "cwd" -> cwd = str(p);
                case "capabilities" -> capabilities = capabilities(p);
                case "rlimits" -> rlimits = list(p, RLIMIT);
                case "nonewprivileges" -> noNewPrivileges = bool(p);
                case "apparmorprofile" -> apparmorProfile = str(p);
                case "oomscoreadj" -> oomScoreAdj = int32(p, I32);
                case "selinuxlabel" -> selinuxLabel = str(p);
                case "scheduler" -> scheduler = scheduler(p);
                case "iopriority" -> ioPriority = ioPriority(p);
                case "execcpuaffinity" -> affinity = execCpuAffinity(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.Process(terminal, consoleSize, user, args, commandLine, env, cwd, capabilities, rlimits,
                noNewPrivileges, apparmorProfile, oomScoreAdj, selinuxLabel, scheduler, ioPriority, affinity);
    }

    private static Spec.ConsoleSize consoleSize(JsonParser p) {
        if (!object(p)) return null;
        long height = 0, width = 0;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "height" -> height = num0(p, I64);
                case "width" -> width = num0(p, I64);
                default -> p.skipChildren();
            }
        }
        return new Spec.ConsoleSize(height, width);
    }

    private static Spec.User user(JsonParser p) {
        if (!object(p)) return null;
        long uid = 0, gid = 0;
        Long umask = null;
        List<Long> additionalGids = null;
        String username = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "uid" -> uid = num0(p, U32);
                case "gid" -> gid = num0(p, U32);
                case "umask" -> umask = num(p, U32);
                case "additionalgids" -> additionalGids = list(p, UINT32);
                case "username" -> username = str(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.User(uid, gid, umask, additionalGids, username);
    }

    private static Spec.Capabilities capabilities(JsonParser p) {
        if (!object(p)) return null;
        List<String> bounding = null, effective = null, inheritable = null, permitted = null, ambient = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "bounding" -> bounding = list(p, STRING);
                case "effective" -> effective = list(p, STRING);
                case "inheritable" -> inheritable = list(p, STRING);
                case "permitted" -> permitted = list(p, STRING);
                case "ambient" -> ambient = list(p, STRING);
                default -> p.skipChildren();
            }
        }
        return new Spec.Capabilities(bounding, effective, inheritable, permitted, ambient);
    }

    private static Spec.Rlimit rlimit(JsonParser p) {
        String type = null;
        long hard = 0, soft = 0;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "type" -> type = str(p);
                case "hard" -> hard = num0(p, I64);
                case "soft" -> soft = num0(p, I64);
                default -> p.skipChildren();
            }
        }
        return new Spec.Rlimit(type, hard, soft);
    }

    private static Spec.Scheduler scheduler(JsonParser p) {
        if (!object(p)) return null;
        String policy = null;
        Integer nice = null, priority = null;
        List<String> flags = null;
        Long runtime = null, deadline = null, period = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "policy" -> policy = str(p);
                case "nice" -> nice = int32(p, I32);
                case "priority" -> priority = int32(p, I32);
                case "flags" -> flags = list(p, STRING);
                case "runtime" -> runtime = num(p, I64);
                case "deadline" -> deadline = num(p, I64);
                case "period" -> period = num(p, I64);
                default -> p.skipChildren();
            }
        }
        return new Spec.Scheduler(policy, nice, priority, flags, runtime, deadline, period);
    }

    private static Spec.IoPriority ioPriority(JsonParser p) {
        if (!object(p)) return null;
        String clazz = null;
        int priority = 0;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "class" -> clazz = str(p);
                case "priority" -> priority = (int) num0(p, I32);
                default -> p.skipChildren();
            }
        }
        return new Spec.IoPriority(clazz, priority);
    }

    private static Spec.ExecCpuAffinity execCpuAffinity(JsonParser p) {
        if (!object(p)) return null;
        String initial = null, finalCpus = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "initial" -> initial = str(p);
                case "final" -> finalCpus = str(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.ExecCpuAffinity(initial, finalCpus);
    }

    private static Spec.Mount mount(JsonParser p) {
        String destination = null, source = null, type = null;
        List<String> options = null;
        List<Spec.IdMapping> uidMappings = null, gidMappings = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "destination" -> destination = str(p);
                case "source" -> source = str(p);
                case "type" -> type = str(p);
                case "options" -> options = list(p, STRING);
                case "uidmappings" -> uidMappings = list(p, IDMAP);
                case "gidmappings" -> gidMappings = list(p, IDMAP);
                default -> p.skipChildren();
            }
        }
        return new Spec.Mount(destination, source, type, options, uidMappings, gidMappings);
    }

    private static Spec.IdMapping idMapping(JsonParser p) {
        long containerID = 0, hostID = 0, size = 0;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "containerid" -> containerID = num0(p, U32);
                case "hostid" -> hostID = num0(p, U32);
                case "size" -> size = num0(p, U32);
                default -> p.skipChildren();
            }
        }
        return new Spec.IdMapping(containerID, hostID, size);
    }

    private static Spec.Hooks hooks(JsonParser p) {
        if (!object(p)) return null;
        List<Spec.Hook> prestart = null, createRuntime = null, createContainer = null, startContainer = null,
                poststart = null, poststop = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "prestart" -> prestart = list(p, HOOK);
                case "createruntime" -> createRuntime = list(p, HOOK);
                case "createcontainer" -> createContainer = list(p, HOOK);
                case "startcontainer" -> startContainer = list(p, HOOK);
                case "poststart" -> poststart = list(p, HOOK);
                case "poststop" -> poststop = list(p, HOOK);
                default -> p.skipChildren();
            }
        }
        return new Spec.Hooks(prestart, createRuntime, createContainer, startContainer, poststart, poststop);
    }

    private static Spec.Hook hook(JsonParser p) {
        String path = null;
        List<String> args = null, env = null;
        Integer timeout = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "path" -> path = str(p);
                case "args" -> args = list(p, STRING);
                case "env" -> env = list(p, STRING);
                case "timeout" -> timeout = int32(p, I32);
                default -> p.skipChildren();
            }
        }
        return new Spec.Hook(path, args, env, timeout);
    }

    /**
     * linux.intelRdt: read with its types, closID checked as a name as runc does (no "/", not "." or ".."),
     * then refused: jrunc does not implement resctrl groups, and ignoring the field would run the container
     * without the cache/bandwidth partition asked for (runc 1.1 silently does so where resctrl is absent).
     */
    private static void intelRdt(JsonParser p) {
        if (!object(p)) return;
        String ptr = pointer(p);
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "closid" -> {
                    String c = str(p);
                    if (c != null && (c.equals(".") || c.equals("..") || c.indexOf('/') >= 0))
                        throw JruncException.config(pointer(p), "invalid closID " + Validator.quote(c)
                                + ": a resctrl group name (no \"/\", not \".\" or \"..\")");
                }
                case "l3cacheschema", "membwschema" -> str(p);
                case "schemata" -> list(p, STRING);
                case "enablecmt", "enablembm", "enablemonitoring" -> bool(p);
                default -> p.skipChildren();
            }
        }
        boolean mounted = false;
        try {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mountinfo")))
                if (l.contains(" - resctrl ")) mounted = true;
        } catch (java.io.IOException ignored) { }
        throw JruncException.config(ptr, "Intel RDT is not supported by jrunc"
                + (mounted ? "" : " (and this host has no resctrl filesystem mounted)"), "remove linux.intelRdt");
    }

    /** A field jrunc does not implement: null or an empty object/array passes, anything else is refused. */
    private static void unsupported(JsonParser p, String message) {
        int t = p.currentToken();
        String ptr = pointer(p);
        if (t == JsonParser.VALUE_NULL) return;
        if (t == JsonParser.START_OBJECT || t == JsonParser.START_ARRAY) {
            int end = t == JsonParser.START_OBJECT ? JsonParser.END_OBJECT : JsonParser.END_ARRAY;
            if (p.nextToken() == end) return;
        }
        throw JruncException.config(ptr, message);
    }

    private static Spec.Linux linux(JsonParser p) {
        if (!object(p)) return null;
        List<Spec.Namespace> namespaces = null;
        List<Spec.IdMapping> uidMappings = null, gidMappings = null;
        Map<String, Spec.TimeOffset> timeOffsets = null;
        List<Spec.Device> devices = null;
        String cgroupsPath = null, rootfsPropagation = null, mountLabel = null;
        Spec.Resources resources = null;
        Spec.Seccomp seccomp = null;
        Map<String, String> sysctl = null;
        List<String> maskedPaths = null, readonlyPaths = null;
        Spec.Personality personality = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "namespaces" -> namespaces = list(p, NAMESPACE);
                case "uidmappings" -> uidMappings = list(p, IDMAP);
                case "gidmappings" -> gidMappings = list(p, IDMAP);
                case "timeoffsets" -> timeOffsets = map(p, TIME_OFFSET);
                case "devices" -> devices = list(p, DEVICE);
                case "cgroupspath" -> cgroupsPath = str(p);
                case "resources" -> resources = resources(p);
                case "rootfspropagation" -> rootfsPropagation = str(p);
                case "seccomp" -> seccomp = seccomp(p);
                case "sysctl" -> sysctl = map(p, STRING);
                case "maskedpaths" -> maskedPaths = list(p, STRING);
                case "readonlypaths" -> readonlyPaths = list(p, STRING);
                case "mountlabel" -> mountLabel = str(p);
                case "personality" -> personality = personality(p);
                case "intelrdt" -> intelRdt(p);
                // runtime-spec 1.3 fields jrunc does not implement: refused rather than ignored
                case "netdevices" -> unsupported(p, "moving network devices into the container (linux.netDevices) is not supported by jrunc");
                case "memorypolicy" -> unsupported(p, "linux.memoryPolicy (set_mempolicy) is not supported by jrunc");
                default -> p.skipChildren();
            }
        }
        return new Spec.Linux(namespaces, uidMappings, gidMappings, timeOffsets, devices, cgroupsPath, resources,
                rootfsPropagation, seccomp, sysctl, maskedPaths, readonlyPaths, mountLabel, personality);
    }

    private static Spec.Namespace namespace(JsonParser p) {
        String type = null, path = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "type" -> type = str(p);
                case "path" -> path = str(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.Namespace(type, path);
    }

    private static Spec.TimeOffset timeOffset(JsonParser p) {
        long secs = 0, nanosec = 0;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "secs" -> secs = num0(p, I64);
                case "nanosec" -> nanosec = num0(p, U32);
                default -> p.skipChildren();
            }
        }
        return new Spec.TimeOffset(secs, nanosec);
    }

    private static Spec.Device device(JsonParser p) {
        String type = null, path = null;
        long major = 0, minor = 0;
        Integer fileMode = null;
        Long uid = null, gid = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "type" -> type = str(p);
                case "path" -> path = str(p);
                case "major" -> major = num0(p, I64);
                case "minor" -> minor = num0(p, I64);
                case "filemode" -> fileMode = int32(p, U32); // uint32 bits
                case "uid" -> uid = num(p, U32);
                case "gid" -> gid = num(p, U32);
                default -> p.skipChildren();
            }
        }
        return new Spec.Device(type, path, major, minor, fileMode, uid, gid);
    }

    private static Spec.Resources resources(JsonParser p) {
        if (!object(p)) return null;
        List<Spec.DeviceRule> devices = null;
        Spec.Memory memory = null;
        Spec.Cpu cpu = null;
        Spec.Pids pids = null;
        Spec.BlockIo blockIO = null;
        List<Spec.HugepageLimit> hugepageLimits = null;
        Spec.Network network = null;
        Map<String, Spec.Rdma> rdma = null;
        Map<String, String> unified = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "devices" -> devices = list(p, DEVICE_RULE);
                case "memory" -> memory = memory(p);
                case "cpu" -> cpu = cpu(p);
                case "pids" -> pids = pids(p);
                case "blockio" -> blockIO = blockIo(p);
                case "hugepagelimits" -> hugepageLimits = list(p, HUGEPAGE);
                case "network" -> network = network(p);
                case "rdma" -> rdma = map(p, RDMA);
                case "unified" -> unified = map(p, STRING);
                default -> p.skipChildren();
            }
        }
        return new Spec.Resources(devices, memory, cpu, pids, blockIO, hugepageLimits, network, rdma, unified);
    }

    private static Spec.DeviceRule deviceRule(JsonParser p) {
        boolean allow = false;
        String type = null, access = null;
        Long major = null, minor = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "allow" -> allow = bool(p);
                case "type" -> type = str(p);
                case "major" -> major = num(p, I64);
                case "minor" -> minor = num(p, I64);
                case "access" -> access = str(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.DeviceRule(allow, type, major, minor, access);
    }

    private static Spec.Memory memory(JsonParser p) {
        if (!object(p)) return null;
        Long limit = null, reservation = null, swap = null, kernel = null, kernelTCP = null, swappiness = null;
        Boolean disableOOMKiller = null, useHierarchy = null, checkBeforeUpdate = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "limit" -> limit = num(p, I64);
                case "reservation" -> reservation = num(p, I64);
                case "swap" -> swap = num(p, I64);
                case "kernel" -> kernel = num(p, I64);
                case "kerneltcp" -> kernelTCP = num(p, I64);
                case "swappiness" -> swappiness = num(p, I64);
                case "disableoomkiller" -> disableOOMKiller = boolOrNull(p);
                case "usehierarchy" -> useHierarchy = boolOrNull(p);
                case "checkbeforeupdate" -> checkBeforeUpdate = boolOrNull(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.Memory(limit, reservation, swap, kernel, kernelTCP, swappiness, disableOOMKiller,
                useHierarchy, checkBeforeUpdate);
    }

    private static Spec.Cpu cpu(JsonParser p) {
        if (!object(p)) return null;
        Long shares = null, quota = null, burst = null, period = null, realtimeRuntime = null, realtimePeriod = null,
                idle = null;
        String cpus = null, mems = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "shares" -> shares = num(p, I64);
                case "quota" -> quota = num(p, I64);
                case "burst" -> burst = num(p, I64);
                case "period" -> period = num(p, I64);
                case "realtimeruntime" -> realtimeRuntime = num(p, I64);
                case "realtimeperiod" -> realtimePeriod = num(p, I64);
                case "cpus" -> cpus = str(p);
                case "mems" -> mems = str(p);
                case "idle" -> idle = num(p, I64);
                default -> p.skipChildren();
            }
        }
        return new Spec.Cpu(shares, quota, burst, period, realtimeRuntime, realtimePeriod, cpus, mems, idle);
    }

    private static Spec.Pids pids(JsonParser p) {
        if (!object(p)) return null;
        Long limit = null;
        for (String k; (k = field(p)) != null; ) {
            if (k.equals("limit")) limit = num(p, I64);
            else p.skipChildren();
        }
        return new Spec.Pids(limit);
    }

    private static Spec.BlockIo blockIo(JsonParser p) {
        if (!object(p)) return null;
        Integer weight = null, leafWeight = null;
        List<Spec.WeightDevice> weightDevice = null;
        List<Spec.ThrottleDevice> readBps = null, writeBps = null, readIops = null, writeIops = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "weight" -> weight = int32(p, U16);
                case "leafweight" -> leafWeight = int32(p, U16);
                case "weightdevice" -> weightDevice = list(p, WEIGHT_DEVICE);
                case "throttlereadbpsdevice" -> readBps = list(p, THROTTLE);
                case "throttlewritebpsdevice" -> writeBps = list(p, THROTTLE);
                case "throttlereadiopsdevice" -> readIops = list(p, THROTTLE);
                case "throttlewriteiopsdevice" -> writeIops = list(p, THROTTLE);
                default -> p.skipChildren();
            }
        }
        return new Spec.BlockIo(weight, leafWeight, weightDevice, readBps, writeBps, readIops, writeIops);
    }

    private static Spec.WeightDevice weightDevice(JsonParser p) {
        long major = 0, minor = 0;
        Integer weight = null, leafWeight = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "major" -> major = num0(p, I64);
                case "minor" -> minor = num0(p, I64);
                case "weight" -> weight = int32(p, U16);
                case "leafweight" -> leafWeight = int32(p, U16);
                default -> p.skipChildren();
            }
        }
        return new Spec.WeightDevice(major, minor, weight, leafWeight);
    }

    private static Spec.ThrottleDevice throttle(JsonParser p) {
        long major = 0, minor = 0, rate = 0;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "major" -> major = num0(p, I64);
                case "minor" -> minor = num0(p, I64);
                case "rate" -> rate = num0(p, I64);
                default -> p.skipChildren();
            }
        }
        return new Spec.ThrottleDevice(major, minor, rate);
    }

    private static Spec.HugepageLimit hugepage(JsonParser p) {
        String pageSize = null;
        long limit = 0;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "pagesize" -> pageSize = str(p);
                case "limit" -> limit = num0(p, I64);
                default -> p.skipChildren();
            }
        }
        return new Spec.HugepageLimit(pageSize, limit);
    }

    private static Spec.Network network(JsonParser p) {
        if (!object(p)) return null;
        Long classID = null;
        List<Spec.NetPriority> priorities = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "classid" -> classID = num(p, U32);
                case "priorities" -> priorities = list(p, NET_PRIORITY);
                default -> p.skipChildren();
            }
        }
        return new Spec.Network(classID, priorities);
    }

    private static Spec.NetPriority netPriority(JsonParser p) {
        String name = null;
        long priority = 0;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "name" -> name = str(p);
                case "priority" -> priority = num0(p, U32);
                default -> p.skipChildren();
            }
        }
        return new Spec.NetPriority(name, priority);
    }

    private static Spec.Rdma rdma(JsonParser p) {
        Long hcaHandles = null, hcaObjects = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "hcahandles" -> hcaHandles = num(p, U32);
                case "hcaobjects" -> hcaObjects = num(p, U32);
                default -> p.skipChildren();
            }
        }
        return new Spec.Rdma(hcaHandles, hcaObjects);
    }

    private static Spec.Seccomp seccomp(JsonParser p) {
        if (!object(p)) return null;
        String defaultAction = null, listenerPath = null, listenerMetadata = null;
        Long defaultErrnoRet = null;
        List<String> architectures = null, flags = null;
        List<Spec.Syscall> syscalls = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "defaultaction" -> defaultAction = str(p);
                case "defaulterrnoret" -> defaultErrnoRet = num(p, I64);
                case "architectures" -> architectures = list(p, STRING);
                case "flags" -> flags = list(p, STRING);
                case "listenerpath" -> listenerPath = str(p);
                case "listenermetadata" -> listenerMetadata = str(p);
                case "syscalls" -> syscalls = list(p, SYSCALL);
                default -> p.skipChildren();
            }
        }
        return new Spec.Seccomp(defaultAction, defaultErrnoRet, architectures, flags, listenerPath, listenerMetadata,
                syscalls);
    }

    private static Spec.Syscall syscall(JsonParser p) {
        List<String> names = null;
        String action = null;
        Long errnoRet = null;
        List<Spec.SeccompArg> args = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "names" -> names = list(p, STRING);
                case "action" -> action = str(p);
                case "errnoret" -> errnoRet = num(p, I64);
                case "args" -> args = list(p, SECCOMP_ARG);
                default -> p.skipChildren();
            }
        }
        return new Spec.Syscall(names, action, errnoRet, args);
    }

    private static Spec.SeccompArg seccompArg(JsonParser p) {
        long index = 0, value = 0, valueTwo = 0;
        String op = null;
        if (object(p)) for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "index" -> index = num0(p, I64);
                case "value" -> value = num0(p, I64);
                case "valuetwo" -> valueTwo = num0(p, I64);
                case "op" -> op = str(p);
                default -> p.skipChildren();
            }
        }
        return new Spec.SeccompArg(index, value, valueTwo, op);
    }

    private static Spec.Personality personality(JsonParser p) {
        if (!object(p)) return null;
        String domain = null;
        List<String> flags = null;
        for (String k; (k = field(p)) != null; ) {
            switch (k) {
                case "domain" -> domain = str(p);
                case "flags" -> flags = list(p, STRING);
                default -> p.skipChildren();
            }
        }
        return new Spec.Personality(domain, flags);
    }
}
