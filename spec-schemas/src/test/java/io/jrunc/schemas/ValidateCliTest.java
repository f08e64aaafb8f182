package io.jrunc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jrunc validate} as a user runs it: a separate process, its stdout and exit status; and the
 * rule that makes it affordable: create loads none of the schema engine.
 */
class ValidateCliTest {
    static final Path HOME = Path.of(System.getProperty("jrunc.home", "..")).toAbsolutePath().normalize();
    static final Path JRUNC = HOME.resolve("bin/jrunc");
    static final Path CORPUS = Corpus.load("corpus").dir();

    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void built() {
        assertTrue(Files.isRegularFile(HOME.resolve("runtime/target/jrunc.jar")),
                "runtime/target/jrunc.jar is missing: the runtime module builds before this one");
    }

    static Run run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("validate", ".out"), err = Files.createTempFile("validate", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + cmd);
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Run jrunc(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(JRUNC.toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** A bundle: config.json from the corpus, edited by {@code edit} (plain text replace), and a rootfs dir. */
    Path bundle(String name, String corpusFile, String from, String to) throws IOException {
        Path b = Files.createDirectories(tmp.resolve(name));
        Files.createDirectories(b.resolve("rootfs"));
        String json = Files.readString(CORPUS.resolve(corpusFile));
        if (from != null) {
            assertTrue(json.contains(from), corpusFile + " lacks " + from);
            json = json.replace(from, to);
        }
        Files.writeString(b.resolve("config.json"), json);
        return b;
    }

    @Test
    void goodBundleIsValid() throws Exception {
        Run r = jrunc("validate", "--bundle", bundle("good", "valid/runc-spec.json", null, null).toString());
        assertEquals("config.json: valid (runtime-spec 1.3)\n", r.out(), r.err());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void shortFlagAndDefaultToCwd() throws Exception {
        Path b = bundle("cwd", "valid/runc-spec-rootless.json", null, null);
        assertEquals(0, jrunc("validate", "-b", b.toString()).code());
        Run r = run(List.of("sh", "-c", "cd '" + b + "' && exec '" + JRUNC + "' validate"));
        assertEquals("config.json: valid (runtime-spec 1.3)\n", r.out(), r.err());
    }

    @Test
    void schemaErrorNamesThePointer() throws Exception {
        Path b = bundle("bad", "valid/runc-spec.json", "\"uid\": 0", "\"uid\": -1");
        Run r = jrunc("validate", "-b", b.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertEquals("config.json /process/user/uid: must have a minimum value of 0\n", r.out());
    }

    @Test
    void everySchemaErrorIsALine() throws Exception {
        Path b = bundle("two", "valid/runc-spec.json", "\"gid\": 0", "\"gid\": \"root\", \"umask\": -2");
        Run r = jrunc("validate", "-b", b.toString());
        assertEquals(1, r.code());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("config.json /process/user/gid: ")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("config.json /process/user/umask: ")), r.out());
    }

    @Test
    void semanticErrorsComeFromCreatesValidator() throws Exception {
        // Both are schema-valid: only io.jrunc.bundle.Validator knows them.
        Path dup = bundle("dup", "valid/runc-spec.json", "\"type\": \"pid\"", "\"type\": \"pid\"}, {\"type\": \"pid\"");
        Run r = jrunc("validate", "-b", dup.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("config\\.json /linux/namespaces/\\d+/type: duplicate namespace \"pid\"\n"), r.out());

        Path cwd = bundle("relcwd", "valid/runc-spec.json", "\"cwd\": \"/\"", "\"cwd\": \"work\"");
        r = jrunc("validate", "-b", cwd.toString());
        assertEquals(1, r.code());
        assertEquals("config.json /process/cwd: must be an absolute path, got \"work\"\n", r.out());

        Path noRootfs = bundle("norootfs", "valid/runc-spec.json", null, null);
        Files.delete(noRootfs.resolve("rootfs"));
        r = jrunc("validate", "-b", noRootfs.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().startsWith("config.json /root/path: rootfs "), r.out());
    }

    @Test
    void semanticChecksWaitForTheSchema() throws Exception {
        // Create's reader would take the missing "hard" as 0 and then report "soft is above hard": a
        // consequence, not the cause.
        Path b = bundle("rl", "valid/runc-spec.json", "\"hard\": 1024", "\"hardLimit\": 1024");
        Run r = jrunc("validate", "-b", b.toString());
        assertEquals(1, r.code());
        assertEquals("config.json /process/rlimits/0/hard: is required\n", r.out());
    }

    @Test
    void notJsonIsOneLine() throws Exception {
        Path b = Files.createDirectories(tmp.resolve("nojson"));
        Files.writeString(b.resolve("config.json"), "{\"ociVersion\": ");
        Run r = jrunc("validate", "-b", b.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.out().lines().count(), r.out());
        assertTrue(r.out().startsWith("config.json /: not valid JSON: "), r.out());
    }

    @Test
    void missingConfigIsAnError() throws Exception {
        Run r = jrunc("validate", "-b", tmp.resolve("nowhere").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
    }

    @Test
    void stateFiles() throws Exception {
        Path good = tmp.resolve("state.json");
        Files.writeString(good, "{\"ociVersion\":\"1.3.0\",\"id\":\"c\",\"status\":\"paused\",\"pid\":7,\"bundle\":\"/b\"}");
        Run r = jrunc("validate", "--state", good.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("state.json: valid (runtime-spec 1.3)\n", r.out());

        Path bad = tmp.resolve("bad-state.json");
        Files.writeString(bad, "{\"ociVersion\":\"1.3.0\",\"id\":\"c\",\"status\":\"exited\",\"pid\":7,\"bundle\":\"/b\"}");
        r = jrunc("validate", "--state", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().startsWith("bad-state.json /status: "), r.out());
    }

    @Test
    void runtimeClassPathHoldsNoSchemaEngine() throws Exception {
        try (JarFile jar = new JarFile(HOME.resolve("runtime/target/jrunc.jar").toFile())) {
            String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertFalse(cp != null && (cp.contains("networknt") || cp.contains("databind")), "runtime Class-Path: " + cp);
        }
    }

    /** The class-load log of a real create: no networknt, no databind, none of the validate command. */
    @Test
    void createLoadsNoneOfIt() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "create needs root here");
        Path busybox = Path.of("/bin/busybox");
        assumeTrue(Files.isExecutable(busybox), "no /bin/busybox (busybox-static) for the rootfs");
        Path b = bundle("create", "valid/runc-spec.json", "\"terminal\": true", "\"terminal\": false");
        Files.createDirectories(b.resolve("rootfs/bin"));
        Files.copy(busybox, b.resolve("rootfs/bin/sh"));
        Path log = tmp.resolve("classes.log");
        Path root = Files.createDirectories(tmp.resolve("state"));
        String id = "schemas-cl-" + ProcessHandle.current().pid();
        String java = System.getProperty("java.home") + "/bin/java";
        Run r = run(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xlog:disable",
                "-Xlog:all=warning:stderr", "-Xlog:class+load=info:file=" + log, "-Djrunc.home=" + HOME,
                "-jar", HOME.resolve("runtime/target/jrunc.jar").toString(), "--root", root.toString(),
                "create", "-b", b.toString(), id));
        try {
            assertEquals(0, r.code(), r.out() + r.err());
            List<String> loaded = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertTrue(loaded.stream().anyMatch(l -> l.contains("io.jrunc.bundle.Validator ")), "log holds the create path");
            for (String bad : List.of("com.networknt", "com.fasterxml.jackson.databind", "io.jrunc.schemas", "ValidateCommand"))
                assertFalse(loaded.stream().anyMatch(l -> l.contains(bad)), "create loaded " + bad);
            // While it exists: what our own `state` prints must satisfy our state schema.
            Run st = jrunc("--root", root.toString(), "state", id);
            assertEquals(0, st.code(), st.err());
            Path stateFile = tmp.resolve("state.json");
            Files.writeString(stateFile, st.out());
            Run v = jrunc("validate", "--state", stateFile.toString());
            assertEquals("state.json: valid (runtime-spec 1.3)\n", v.out(), st.out());
        } finally {
            jrunc("--root", root.toString(), "delete", "--force", id);
        }
    }
}
