package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The in-container checker (native-helper/test/runtimetest.c) on the config variants of
 * checker-cases.json, for each configured runtime: the runtime must apply every variant so that the
 * checker prints no "not ok", except the failures the cases file records as known for that runtime
 * (which must still fail, so a fixed runtime shows up). And the mutation table: with a deliberately
 * wrong expectation in the checker's /config.json (or a deliberately different config given to the
 * runtime), the named check must print "not ok", which proves that every check can fail.
 * conformance/run runs the same cases outside Maven.
 */
class CheckerTest extends ConformanceBase {
    static final JsonNode CASES = load();
    static final Pattern TAP = Pattern.compile("^(not ok|ok) \\d+ - (.*?)( # (SKIP )?.*)?$");
    static Process netns;

    static JsonNode load() {
        try (InputStream in = CheckerTest.class.getResourceAsStream("/checker-cases.json")) {
            return TestBundle.JSON.readTree(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode variant(String name) {
        for (JsonNode v : CASES.get("variants")) if (v.get("name").asText().equals(name)) return v;
        throw new AssertionError("no variant " + name);
    }

    static Stream<Arguments> variants() {
        return runtimes().flatMap(r -> {
            List<Arguments> out = new ArrayList<>();
            for (JsonNode v : CASES.get("variants")) out.add(Arguments.of(r, v.get("name").asText()));
            return out.stream();
        });
    }

    /** The mutations run on one runtime (the first configured, jrunc by default): they test the checker. */
    static Stream<Arguments> mutations() {
        String r = runtimes().findFirst().orElseThrow();
        List<Arguments> out = new ArrayList<>();
        for (JsonNode m : CASES.get("mutations")) out.add(Arguments.of(r, m.get("variant").asText(), m.get("expect").asText()));
        return out.stream();
    }

    @AfterAll
    static void stopNetns() throws InterruptedException {
        if (netns != null) {
            netns.destroy();
            netns.waitFor();
            netns = null;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void variantIsApplied(String runtime, String name) throws Exception {
        JsonNode v = variant(name);
        Assumptions.assumeFalse(v.path("unsafe").has(runtime), () -> v.path("unsafe").path(runtime).asText());
        Rt r = rt(runtime);
        JsonNode known = v.path("known").path(runtime);
        Run run = runChecker(r, v, null);
        if (known.has("run")) {
            assertNotEquals(0, run.code, r + " was expected to refuse " + name + " (" + known.get("run").asText()
                    + "); it ran it: remove the known entry\n" + run.out);
            return;
        }
        Set<String> want = new TreeSet<>();
        known.fieldNames().forEachRemaining(want::add);
        assertEquals(want, run.failed(), r + " on variant " + name + ":\n" + run.out + "\nstderr: " + run.err);
        if (want.isEmpty()) assertEquals(0, run.code, r + ": the checker exited non-zero\n" + run.out + "\nstderr: " + run.err);
    }

    @ParameterizedTest(name = "{2} ({1}, on {0})")
    @MethodSource("mutations")
    void mutationFailsItsCheck(String runtime, String variantName, String expect) throws Exception {
        JsonNode m = null;
        for (JsonNode x : CASES.get("mutations"))
            if (x.get("variant").asText().equals(variantName) && x.get("expect").asText().equals(expect)) m = x;
        JsonNode v = variant(variantName);
        Assumptions.assumeFalse(v.path("known").path(runtime).has("run"), runtime + " refuses " + variantName + ": "
                + v.path("known").path(runtime).path("run").asText());
        Run run = runChecker(rt(runtime), v, m);
        assertTrue(run.out.lines().anyMatch(l -> l.matches("1\\.\\.\\d+")), "no TAP from the checker: " + run);
        assertTrue(run.failed().contains(expect), "the mutation did not make \"" + expect + "\" fail:\n" + run.out);
        // Its own "not ok" as well: a mutated run must never exit 0.
        assertNotEquals(0, run.code);
    }

    /**
     * Every kind of check the checker makes on any variant has a mutation that made it fail. The checks a
     * variant makes are listed by running it in a container on the first runtime (on the host, the mount
     * checks would stop at "no mount here"), skipping variants that runtime or the kernel cannot run.
     */
    @org.junit.jupiter.api.Test
    void everyCheckKindHasAMutation() throws Exception {
        String runtime = runtimes().findFirst().orElseThrow();
        Rt r = rt(runtime);
        Set<String> made = new TreeSet<>(), mutated = new TreeSet<>();
        for (JsonNode m : CASES.get("mutations")) mutated.add(kind(m.get("expect").asText()));
        int ran = 0;
        for (JsonNode v : CASES.get("variants")) {
            if (v.path("known").path(runtime).has("run")) continue;
            boolean kernel = true;
            for (JsonNode ns : v.path("requires")) kernel &= Files.exists(Path.of("/proc/self/ns", nsFile(ns.asText())));
            if (!kernel) continue;
            Run run = runChecker(r, v, null); // `run` deletes the container, so the id can be reused
            assertTrue(run.out.lines().anyMatch(l -> l.matches("1\\.\\.\\d+")), "no TAP on " + v.get("name") + ": " + run);
            for (String l : run.out.split("\n")) {
                Matcher m = TAP.matcher(l);
                if (m.matches()) made.add(kind(m.group(2)));
            }
            ran++;
        }
        assertTrue(ran >= CASES.get("variants").size() - 2, "only " + ran + " variants ran");
        Set<String> uncovered = new TreeSet<>(made);
        uncovered.removeAll(mutated);
        assertEquals(Set.of(), uncovered, "check kinds no mutation has made fail (add one to checker-cases.json)");
    }

    /** A check's description without the object it is about: "mount /dev option nosuid" -> "mount option nosuid". */
    static String kind(String desc) {
        return desc.replaceAll("^mount \\S+ propagation r?(\\w+)$", "mount propagation $1")
                .replaceAll("^mount \\S+ (option|type)", "mount $1")
                .replaceAll("^(mount|masked|readonly|default device|rlimit|sysctl|process env|namespace) \\S+$", "$1")
                .replaceAll("^device \\S+", "device");
    }

    record Run(int code, String out, String err) {
        Set<String> failed() {
            Set<String> s = new TreeSet<>();
            for (String l : out.split("\n")) {
                Matcher m = TAP.matcher(l);
                if (m.matches() && m.group(1).equals("not ok")) s.add(m.group(2));
            }
            return s;
        }

        @Override public String toString() { return "exit " + code + "\n" + out + "\nstderr: " + err; }
    }

    Run runChecker(Rt r, JsonNode variant, JsonNode mutation) throws Exception {
        for (JsonNode ns : variant.path("requires"))
            Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/ns", nsFile(ns.asText()))), "kernel without a " + ns.asText() + " namespace");
        Path home = Path.of(System.getProperty("jrunc.home", ".")).toAbsolutePath();
        Path checker = home.resolve("native-helper/target/runtimetest");
        assertTrue(Files.isExecutable(checker), checker + " is not built (make -C native-helper check)");
        // A user namespace's root is "other" on the host and must be able to reach the rootfs.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        TestBundle b = bundle();
        Files.setPosixFilePermissions(b.dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path rootfs = b.dir.resolve("rootfs");
        for (String d : List.of("mnt", "srv", "share")) Files.createDirectories(rootfs.resolve(d));
        Files.copy(checker, rootfs.resolve("runtimetest"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(b.dir.resolve("share"));
        Files.createFile(b.dir.resolve("share/file"));
        b.config.put("ociVersion", "1.0.2-dev"); // as conformance/run does, for crun 1.8.1
        b.args("/runtimetest");
        ObjectNode cfg = patch(b.config, variant.get("ops"), b.dir);
        ObjectNode checkerCfg = cfg;
        if (mutation != null) {
            ObjectNode mutated = patch(cfg, mutation.get("ops"), b.dir);
            if (mutation.path("target").asText().equals("runtime")) cfg = mutated;
            else checkerCfg = mutated;
        }
        TestBundle.JSON.writerWithDefaultPrettyPrinter().writeValue(b.dir.resolve("config.json").toFile(), cfg);
        TestBundle.JSON.writerWithDefaultPrettyPrinter().writeValue(rootfs.resolve("config.json").toFile(), checkerCfg);
        Files.writeString(rootfs.resolve("runtimetest-host"), hostFacts(cfg, checkerCfg));
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        return new Run(res.code(), res.out(), res.err());
    }

    static String nsFile(String type) {
        return switch (type) {
            case "network" -> "net";
            case "mount" -> "mnt";
            default -> type;
        };
    }

    /** What the checker cannot see from inside: the host's namespace inodes, joined namespaces' inodes, CapBnd. */
    static String hostFacts(JsonNode... cfgs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String t : List.of("pid", "network", "ipc", "uts", "mount", "user", "cgroup", "time")) {
            Path p = Path.of("/proc/self/ns", nsFile(t));
            if (Files.exists(p)) sb.append("ns.").append(t).append(' ').append(Files.getAttribute(p, "unix:ino")).append('\n');
        }
        for (JsonNode cfg : cfgs)
            for (JsonNode ns : cfg.path("linux").path("namespaces"))
                if (ns.hasNonNull("path"))
                    sb.append("nspath.").append(ns.get("type").asText()).append(' ')
                            .append(Files.getAttribute(Path.of(ns.get("path").asText()), "unix:ino")).append('\n');
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("CapBnd:")) sb.append("capbnd ").append(l.substring(7).trim()).append('\n');
        return sb.toString();
    }

    /** A spare network namespace held by a sleeping process, for the variants that join one by path. */
    static synchronized String netnsPath() throws Exception {
        if (netns == null) {
            netns = new ProcessBuilder("unshare", "--net", "sleep", "100000").redirectErrorStream(true).start();
            String self = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            for (int i = 0; i < 100; i++) {
                try {
                    if (!Files.readSymbolicLink(Path.of("/proc/" + netns.pid() + "/ns/net")).toString().equals(self)) break;
                } catch (IOException e) {
                    // not exec'd yet
                }
                Thread.sleep(20);
            }
        }
        return "/proc/" + netns.pid() + "/ns/net";
    }

    /** The RFC 6902 subset the cases use (add, replace, remove; "-" appends), on a copy. */
    static ObjectNode patch(ObjectNode doc, JsonNode ops, Path bundle) throws Exception {
        ObjectNode out = doc.deepCopy();
        for (JsonNode op : ops) {
            JsonNode value = null;
            if (op.has("value")) {
                String text = TestBundle.JSON.writeValueAsString(op.get("value")).replace("@BUNDLE@", bundle.toString());
                if (text.contains("@NETNS@")) text = text.replace("@NETNS@", netnsPath());
                value = TestBundle.JSON.readTree(text);
            }
            String[] parts = op.get("path").asText().substring(1).split("/", -1);
            JsonNode parent = out;
            for (int i = 0; i < parts.length - 1; i++) parent = step(parent, unescape(parts[i]));
            String key = unescape(parts[parts.length - 1]);
            String kind = op.get("op").asText();
            if (parent instanceof ArrayNode a) {
                switch (kind) {
                    case "add" -> { if (key.equals("-")) a.add(value); else a.insert(Integer.parseInt(key), value); }
                    case "replace" -> a.set(Integer.parseInt(key), value);
                    case "remove" -> a.remove(Integer.parseInt(key));
                    default -> throw new AssertionError("op " + kind);
                }
            } else {
                ObjectNode o = (ObjectNode) parent;
                switch (kind) {
                    case "add" -> o.set(key, value);
                    case "replace" -> { assertTrue(o.has(key), "replace of missing " + op.get("path")); o.set(key, value); }
                    case "remove" -> o.remove(key);
                    default -> throw new AssertionError("op " + kind);
                }
            }
        }
        return out;
    }

    static JsonNode step(JsonNode n, String key) {
        JsonNode next = n.isArray() ? n.get(Integer.parseInt(key)) : n.get(key);
        if (next == null) throw new AssertionError("no " + key + " in " + n);
        return next;
    }

    static String unescape(String s) { return s.replace("~1", "/").replace("~0", "~"); }
}
