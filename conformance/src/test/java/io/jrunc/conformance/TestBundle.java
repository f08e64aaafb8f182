package io.jrunc.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A bundle with a busybox-static rootfs and runc's default config.json (terminal off). */
final class TestBundle {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> APPLETS = List.of("sh", "ls", "cat", "echo", "true", "false", "sleep", "hostname", "id",
            "grep", "mount", "stat", "head", "readlink", "kill", "wc", "test", "env", "pwd", "ps", "touch", "mkdir",
            "umask", "tr", "awk", "cut", "sed");

    final Path dir;
    final ObjectNode config;

    TestBundle(Path dir) throws IOException {
        this.dir = dir;
        Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) Files.createDirectories(dir.resolve("rootfs").resolve(d));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
        for (String a : APPLETS) Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        try (InputStream in = TestBundle.class.getResourceAsStream("/runc-spec.json")) {
            config = (ObjectNode) JSON.readTree(in);
        }
        process().put("terminal", false);
    }

    /** A bundle of its own config.json whose root.path is an existing rootfs (shared with other bundles). */
    TestBundle(Path dir, Path rootfs) throws IOException {
        this.dir = dir;
        try (InputStream in = TestBundle.class.getResourceAsStream("/runc-spec.json")) {
            config = (ObjectNode) JSON.readTree(in);
        }
        process().put("terminal", false);
        ((ObjectNode) config.get("root")).put("path", rootfs.toString());
    }

    ObjectNode process() { return (ObjectNode) config.get("process"); }

    ObjectNode linux() { return (ObjectNode) config.get("linux"); }

    TestBundle args(String... args) {
        ArrayNode a = process().putArray("args");
        for (String s : args) a.add(s);
        return this;
    }

    /** `sh -c script` as the container's process. */
    TestBundle sh(String script) { return args("sh", "-c", script); }

    ArrayNode mounts() { return (ArrayNode) config.get("mounts"); }

    void write() throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
