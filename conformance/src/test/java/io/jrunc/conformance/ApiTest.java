package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The Java API (io.jrunc.api) as an application uses it: programs compiled here against the built jar
 * (runtime/target/jrunc.jar) and run in their own JVM as root, with no -Djrunc.home (the native pieces are
 * found from the jar's location). The suite keeps its rule of using no runtime class in-process.
 */
class ApiTest extends ConformanceBase {

    static Path home() { return Path.of(System.getProperty("jrunc.home", ".")).toAbsolutePath().normalize(); }

    static Path jar() {
        Path j = home().resolve("runtime/target/jrunc.jar");
        assertTrue(Files.isRegularFile(j), "no " + j + " (mvn package)");
        return j;
    }

    /** Compiles the sources into out against the jar; fails listing the compiler's messages. */
    static void compile(Path out, Path... sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (a JRE?)");
        List<String> args = new ArrayList<>(List.of("-cp", jar().toString(), "-d", out.toString()));
        for (Path s : sources) args.add(s.toString());
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, err, err, args.toArray(new String[0]));
        assertEquals(0, rc, "javac: " + err.toString(StandardCharsets.UTF_8));
    }

    record Ran(int code, String out, String err) {}

    /** java --enable-native-access=ALL-UNNAMED -cp jar:classes MAIN args..., stdin /dev/null. */
    static Ran java(Path classes, List<String> props, String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(props);
        cmd.addAll(List.of("-cp", jar() + ":" + classes, main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Path out = Files.createTempFile("api-out", ".txt"), err = Files.createTempFile("api-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd + "\n" + Files.readString(out) + Files.readString(err));
        }
        Ran r = new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** The README's "Java API" section: its first ```java block. */
    static String readmeExample() throws IOException {
        String readme = Files.readString(home().resolve("README.md"));
        int sec = readme.indexOf("\n## Java API\n");
        assertTrue(sec >= 0, "README has no \"Java API\" section");
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(sec), "no ```java block in the README's Java API section");
        int next = readme.indexOf("\n## ", sec + 1);
        assertTrue(next < 0 || m.start() < next, "the first ```java block is not in the Java API section");
        return m.group(1);
    }

    static String className(String source) {
        Matcher m = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)").matcher(source);
        assertTrue(m.find(), "no public class in:\n" + source);
        return m.group(1);
    }

    @Test
    void theReadmeExampleRunsABundleToCompletion() throws Exception {
        String src = readmeExample();
        String cls = className(src);
        Path dir = Files.createDirectories(tmp.resolve("example"));
        Path file = dir.resolve(cls + ".java");
        Files.writeString(file, src);
        // into the build tree: the v2host guest's api.sh runs these classes (javac under emulation takes a minute)
        Path classes = Files.createDirectories(home().resolve("runtime/target/api-example"));
        compile(classes, file);

        TestBundle b = bundle();
        b.sh("echo inside; exit 7");
        b.config.put("hostname", id);
        b.write();
        Path root = Files.createDirectories(tmp.resolve("example-root"));
        Ran r = java(classes, List.of("-Djrunc.root=" + root), cls, b.dir.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("inside\n"), r.toString());
        assertTrue(r.out().contains("exit code: 7\n"), r.toString());
        assertEquals(List.of(), leftovers(root), "left in the root");
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void twentyContainersOnFourThreadsOverTwoRootsFromOneJvm() throws Exception {
        Path src = tmp.resolve("ApiStress.java");
        try (var in = ApiTest.class.getResourceAsStream("/api/ApiStress.java")) {
            Files.write(src, in.readAllBytes());
        }
        Path classes = Files.createDirectories(tmp.resolve("stress-classes"));
        compile(classes, src);

        // one rootfs, twenty configs: container i prints "hello i" once its stdin ends and exits with i
        TestBundle shared = bundle();
        Path rootfs = shared.dir.resolve("rootfs");
        Path bundles = Files.createDirectories(tmp.resolve("bundles"));
        int n = 20;
        for (int i = 0; i < n; i++) {
            TestBundle b = new TestBundle(Files.createDirectories(bundles.resolve(Integer.toString(i))), rootfs);
            b.sh("cat >/dev/null; echo hello " + i + "; exit " + i);
            b.write();
        }
        Path ra = Files.createDirectories(tmp.resolve("root-a")), rb = Files.createDirectories(tmp.resolve("root-b"));
        Ran r = java(classes, List.of(), "ApiStress", ra.toString(), rb.toString(), bundles.toString(), id, Integer.toString(n), "4");
        assertEquals(0, r.code(), r.toString());
        Map<String, String> results = new TreeMap<>();
        for (String l : r.out().split("\n")) {
            if (l.startsWith("ok ") || l.startsWith("fail ")) results.put(l.split(" ")[1], l);
        }
        assertEquals(n, results.size(), r.toString());
        for (int i = 0; i < n; i++) {
            String l = results.get(id + "-" + i);
            String want = i % 3 == 1 ? "ok " + id + "-" + i + " " + i + " (run)" : "ok " + id + "-" + i + " " + i + " hello " + i;
            assertEquals(want, l, r.toString());
        }
        // the containers run to completion with inherited stdio printed there
        for (int i = 1; i < n; i += 3) assertTrue(r.out().contains("hello " + i + "\n"), r.toString());
        assertEquals(List.of(), leftovers(ra), "left in root a");
        assertEquals(List.of(), leftovers(rb), "left in root b");
        assertFalse(r.err().contains("Exception"), r.err());
        // ConformanceBase's clean-up then checks for cgroups named after the ids (all start with `id`)
    }

    @Test
    void aTerminalGivenToTheApplication() throws Exception {
        Path src = tmp.resolve("ApiTerminal.java");
        try (var in = ApiTest.class.getResourceAsStream("/api/ApiTerminal.java")) {
            Files.write(src, in.readAllBytes());
        }
        Path classes = Files.createDirectories(tmp.resolve("tty-classes"));
        compile(classes, src);
        TestBundle b = bundle();
        b.process().put("terminal", true);
        b.sh("tty; echo ready; read x; echo got $x; sleep 1; exit 5");
        b.write();
        Path root = Files.createDirectories(tmp.resolve("tty-root"));
        Ran r = java(classes, List.of(), "ApiTerminal", root.toString(), b.dir.toString(), id);
        assertEquals(0, r.code(), r.toString());
        // the container's stdio is the pty: its tty is a pts, the line typed here came back
        assertTrue(r.out().matches("(?s).*container said: /dev/pts/\\d+\\|ready\\|.*got abc.*"), r.toString());
        assertTrue(r.out().matches("(?s).*exec said: /dev/pts/\\d+.* exit 3\n.*"), r.toString());
        assertTrue(r.out().contains("exit code: 5\n"), r.toString());
        assertEquals(List.of(), leftovers(root), "left in the root");
    }

    /** Entries of a state root other than jrunc's seccomp cache. */
    static List<Path> leftovers(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> !cache(p)).toList();
        }
    }
}
