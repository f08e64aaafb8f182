package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Property test of create on mutated configs (issue 14): a fixed seed, a few hundred configs made from
 * runc's default spec by one or two mutations each (wrong JSON types, NUL bytes, huge numbers and strings,
 * unknown enum values, paths with ".." or through a symlink in the rootfs that points at a host decoy).
 * For each: jrunc create, then delete --force. Properties: exit 0 or 1, never an internal error or a stack
 * trace; a refusal of a mutated field names a JSON pointer ("config.json /..."); delete --force exits 0
 * and leaves no state directory; nothing appears in the host decoy; no cgroup or process is left
 * (ConformanceBase's check). jrunc only: the properties are jrunc's (runc 1.1.5 fails several, issue 14).
 * -Djrunc.fuzz.count and -Djrunc.fuzz.seed change the run.
 */
class ConfigFuzzTest extends ConformanceBase {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void mutatedConfigsNeverCrashAlwaysNameTheFieldAndLeaveNothing() throws Exception {
        assertNotNull(Rt.binaryOf("jrunc"), "bin/jrunc is not built");
        Rt r = rt("jrunc");
        long seed = Long.getLong("jrunc.fuzz.seed", 1414L);
        int count = Integer.getInteger("jrunc.fuzz.count", 200);
        Random rnd = new Random(seed);
        TestBundle b = bundle().args("true");
        Path decoy = Files.createDirectories(tmp.resolve("decoy"));
        Files.createSymbolicLink(b.dir.resolve("rootfs/evil"), decoy);
        Files.createSymbolicLink(b.dir.resolve("rootfs/up"), Path.of("../../.."));
        ObjectNode base = b.config.deepCopy();

        List<String> problems = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> runtimeSamples = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            ObjectNode c = base.deepCopy();
            StringBuilder what = new StringBuilder();
            int n = 1 + rnd.nextInt(2);
            for (int k = 0; k < n; k++) what.append(mutate(c, rnd)).append("; ");
            Files.writeString(b.dir.resolve("config.json"), TestBundle.JSON.writeValueAsString(c));
            String cid = id + "-" + i;
            Rt.Result res = r.run("create", "--bundle", b.dir.toString(), cid);
            String err = res.err();
            String tag = "#" + i + " [" + what + "] ";
            if (res.code() != 0 && res.code() != 1) problems.add(tag + "exit " + res.code() + ": " + err);
            if (err.contains("internal error") || err.contains("Exception") || err.contains("\tat "))
                problems.add(tag + "internal error: " + err);
            // (with two mutations the second may undo the first: checked for single mutations)
            if (res.code() == 1 && n == 1 && what.indexOf("pointer:") >= 0 && !err.contains("config.json /"))
                problems.add(tag + "refused without naming a JSON pointer: " + err);
            if (res.code() == 1 && !err.contains("config.json /") && runtimeSamples.size() < 12)
                runtimeSamples.add(tag + err.substring(err.lastIndexOf("msg=") + 4).trim());
            outcomes.merge(res.code() == 0 ? "created" : err.contains("config.json /") ? "refused naming a pointer"
                    : "failed at run time", 1, Integer::sum);
            Rt.Result del = r.run("delete", "--force", cid);
            if (del.code() != 0) problems.add(tag + "delete --force: " + del);
            if (Files.exists(r.root.resolve(cid))) problems.add(tag + "state directory left after delete --force");
            try (Stream<Path> s = Files.list(decoy)) {
                List<Path> in = s.toList();
                if (!in.isEmpty()) problems.add(tag + "wrote into the host decoy: " + in);
            }
        }
        System.out.printf("ConfigFuzzTest: seed %d, %d configs in %.1f s: %s%n", seed, count,
                (System.nanoTime() - t0) / 1e9, outcomes);
        for (String x : runtimeSamples) System.out.println("  failed at run time: " + x);
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));
        // the mutations are not all harmless or all refused: both outcomes occur
        assertTrue(outcomes.getOrDefault("created", 0) > 0 && outcomes.getOrDefault("refused naming a pointer", 0) > 0,
                outcomes.toString());
    }

    /** All JSON pointers of the tree (objects' members and arrays' elements, the root excluded). */
    static void pointers(JsonNode n, String at, List<String> out) {
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String p = at + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                out.add(p);
                pointers(e.getValue(), p, out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                String p = at + "/" + i;
                out.add(p);
                pointers(n.get(i), p, out);
            }
        }
    }

    static void set(ObjectNode root, String ptr, JsonNode v) {
        int slash = ptr.lastIndexOf('/');
        JsonNode parent = root.at(ptr.substring(0, slash));
        String key = ptr.substring(slash + 1).replace("~1", "/").replace("~0", "~");
        if (parent.isObject()) ((ObjectNode) parent).set(key, v);
        else ((ArrayNode) parent).set(Integer.parseInt(key), v);
    }

    static final String[] BAD_PATHS = {"/../../../tmp/fuzz-escape", "../fuzz", "/evil/fuzz", "/evil", "/up/fuzz",
            "/proc/../../evil/fuzz", "relative/fuzz", "", "/dev/../evil/fuzz"};

    /**
     * One mutation; returns its description. "pointer:" in it marks a mutation that create must refuse
     * naming a pointer when it refuses (type errors, NULs); the others may also fail at run time (a mount
     * the kernel refuses, a path that does not exist), where the error names the step instead.
     */
    static String mutate(ObjectNode c, Random rnd) {
        List<String> ptrs = new ArrayList<>();
        pointers(c, "", ptrs);
        switch (rnd.nextInt(6)) {
            case 0 -> { // wrong type
                String p = ptrs.get(rnd.nextInt(ptrs.size()));
                JsonNode old = c.at(p);
                JsonNode v = old.isTextual() ? F.numberNode(7) : old.isNumber() ? F.textNode("7")
                        : old.isBoolean() ? F.textNode("yes") : old.isArray() ? F.objectNode() : F.arrayNode();
                set(c, p, v);
                return "type " + p + (p.startsWith("/annotations") ? "" : " pointer:");
            }
            case 1 -> { // NUL byte in a string
                List<String> strs = new ArrayList<>();
                for (String p : ptrs) if (c.at(p).isTextual() && !p.startsWith("/annotations")) strs.add(p);
                String p = strs.get(rnd.nextInt(strs.size()));
                String s = c.at(p).asText();
                int at = s.isEmpty() ? 0 : rnd.nextInt(s.length());
                set(c, p, F.textNode(s.substring(0, at) + "\u0000" + s.substring(at)));
                return "NUL " + p + " pointer:";
            }
            case 2 -> { // huge values
                List<String> leaves = new ArrayList<>();
                for (String p : ptrs) if (c.at(p).isNumber() || c.at(p).isTextual()) leaves.add(p);
                String p = leaves.get(rnd.nextInt(leaves.size()));
                JsonNode v = c.at(p).isNumber()
                        ? switch (rnd.nextInt(5)) {
                            case 0 -> F.numberNode(-1);
                            case 1 -> F.numberNode(1L << 32);
                            case 2 -> F.numberNode(Long.MAX_VALUE);
                            case 3 -> F.numberNode(Long.MIN_VALUE);
                            default -> F.numberNode(new java.math.BigInteger("184467440737095516160"));
                        }
                        : F.textNode("A".repeat(100_000 + rnd.nextInt(100_000)));
                set(c, p, v);
                return "huge " + p;
            }
            case 3 -> { // unknown enum values
                ObjectNode linux = (ObjectNode) c.get("linux");
                ObjectNode proc = (ObjectNode) c.get("process");
                switch (rnd.nextInt(8)) {
                    case 0 -> ((ObjectNode) linux.get("namespaces").get(rnd.nextInt(linux.get("namespaces").size()))).put("type", "bogus");
                    case 1 -> ((ArrayNode) c.get("mounts").get(rnd.nextInt(c.get("mounts").size())).withArray("options")).add("bogus-option");
                    case 2 -> linux.put("rootfsPropagation", "bogus");
                    case 3 -> ((ObjectNode) proc.get("rlimits").get(0)).put("type", "RLIMIT_BOGUS");
                    case 4 -> ((ArrayNode) proc.get("capabilities").get("bounding")).add("CAP_BOGUS");
                    case 5 -> linux.putObject("seccomp").put("defaultAction", "SCMP_ACT_BOGUS");
                    case 6 -> linux.putArray("devices").addObject().put("path", "/dev/fuzz").put("type", "q").put("major", 1).put("minor", 3);
                    default -> ((ObjectNode) c.get("mounts").get(rnd.nextInt(c.get("mounts").size()))).put("type", "bogusfs");
                }
                return "enum";
            }
            case 4 -> { // paths with .. and through the rootfs' symlinks
                String bad = BAD_PATHS[rnd.nextInt(BAD_PATHS.length)];
                ObjectNode linux = (ObjectNode) c.get("linux");
                switch (rnd.nextInt(6)) {
                    case 0 -> ((ObjectNode) c.get("process")).put("cwd", bad);
                    case 1 -> ((ObjectNode) c.get("mounts").get(rnd.nextInt(c.get("mounts").size()))).put("destination", bad);
                    case 2 -> linux.withArray("maskedPaths").add(bad);
                    case 3 -> linux.withArray("readonlyPaths").add(bad);
                    case 4 -> linux.withArray("devices").addObject().put("path", bad.isEmpty() ? "/evil/null" : bad)
                            .put("type", "c").put("major", 1).put("minor", 3);
                    default -> ((ArrayNode) c.get("mounts")).addObject().put("destination", bad).put("type", "tmpfs")
                            .put("source", "tmpfs");
                }
                return "path " + bad;
            }
            default -> { // drop a member or an element
                String p = ptrs.get(rnd.nextInt(ptrs.size()));
                int slash = p.lastIndexOf('/');
                JsonNode parent = c.at(p.substring(0, slash));
                String key = p.substring(slash + 1).replace("~1", "/").replace("~0", "~");
                if (parent.isObject()) ((ObjectNode) parent).remove(key);
                else ((ArrayNode) parent).remove(Integer.parseInt(key));
                return "drop " + p;
            }
        }
    }
}
