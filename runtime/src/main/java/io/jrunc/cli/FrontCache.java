package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.container.Signals;
import io.jrunc.state.ContainerState;
import io.jrunc.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * `jrunc __front-cache DIR` (run by the build, runtime/pom.xml): writes next to the jar the exact output of
 * `--version` (version.txt) and of `features` (features.json), and front.stamp, the facts both depend on,
 * which the C front (native-helper/src/front.c) checks before printing either file instead of starting a
 * JVM: the jar's size and the JVM that wrote them (the inode of bin/java, the identity of lib/modules, where
 * java.version lives). And front.facts: the rules the front would otherwise repeat (the status rules, the
 * signal table, which status each command the front answers needs), so that it decides nothing
 * (docs/front.md). docs/state-format.md, "Build-time files", documents the formats.
 */
final class FrontCache {
    private FrontCache() {}

    static final String VERSION = "version.txt", FEATURES = "features.json", STAMP = "front.stamp", FACTS = "front.facts";

    /**
     * When the front's way of doing a command is what Java does: `kill` signals the init through a pidfd, `start`
     * opens the fifo, `delete` removes a stopped container's cgroups and directory. In any other status Java
     * does something else (an error, kill --all of a stopped container, delete --force of a live one) and the
     * front leaves the command to the JVM. FrontRulesTest runs both on every status and checks they agree.
     */
    static final Map<String, List<String>> FRONT_COMMANDS = new java.util.LinkedHashMap<>();
    static {
        FRONT_COMMANDS.put("kill", List.of("created", "running", "paused"));
        FRONT_COMMANDS.put("start", List.of("created"));
        FRONT_COMMANDS.put("delete", List.of("stopped"));
    }

    /**
     * front.facts (docs/front.md): "v1", "jar <size>", then the status rules in order ("status <name> <test>
     * <pid|0>": the pid `state` and `list` show), the signal table ("signal-default <n>", "signal-max <n>",
     * "signal <NAME> <n>" for every name Signals.parse accepts) and "allow <command> <status>...".
     */
    static String facts(long jarSize) {
        StringBuilder sb = new StringBuilder(4096).append("v1\njar ").append(jarSize).append('\n');
        ContainerState probe = new ContainerState("x", 4242, 1, "/b", "/b/rootfs", "t", "", Map.of(), Map.of(), false,
                null, false);
        for (StateStore.StatusRule r : StateStore.STATUS_RULES) {
            Object pid = probe.toOci(r.status().ociName()).get("pid");
            sb.append("status ").append(r.status().ociName()).append(' ').append(r.test().name().toLowerCase(java.util.Locale.ROOT))
                    .append(Integer.valueOf(4242).equals(pid) ? " pid" : " 0").append('\n');
        }
        sb.append("signal-default ").append(Signals.parse(null)).append('\n');
        sb.append("signal-max ").append(Signals.MAX).append('\n');
        for (var e : Signals.table().entrySet()) sb.append("signal ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        for (var e : FRONT_COMMANDS.entrySet()) sb.append("allow ").append(e.getKey()).append(' ').append(String.join(" ", e.getValue())).append('\n');
        return sb.toString();
    }

    static int write(List<String> argv) {
        if (argv.size() != 1) throw new JruncException("usage: jrunc __front-cache <directory of jrunc.jar>");
        Path dir = Path.of(argv.get(0)).toAbsolutePath();
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path java = javaHome.resolve("bin/java"), modules = javaHome.resolve("lib/modules");
        try {
            String stamp = "v1\njar " + Files.size(dir.resolve("jrunc.jar")) + "\n"
                    + "java " + attr(java, "dev") + " " + attr(java, "ino") + " " + path(java) + "\n"
                    + "modules " + attr(modules, "dev") + " " + attr(modules, "ino") + " " + Files.size(modules) + " "
                    + nanos(Files.getLastModifiedTime(modules)) + " " + path(modules) + "\n";
            // the outputs first, the stamp last: the front wants all three, none older than the jar
            StateStore.writeAtomically(dir.resolve(VERSION), ascii(Main.version()));
            StateStore.writeAtomically(dir.resolve(FEATURES), ascii(FeaturesCommand.featuresText()));
            StateStore.writeAtomically(dir.resolve(FACTS), ascii(facts(Files.size(dir.resolve("jrunc.jar")))));
            StateStore.writeAtomically(dir.resolve(STAMP), ascii(stamp));
        } catch (IOException e) {
            throw new JruncException("front cache: " + e.getMessage(), e);
        }
        return 0;
    }

    private static String attr(Path p, String name) throws IOException {
        return String.valueOf(Files.getAttribute(p, "unix:" + name));
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static String path(Path p) {
        String s = p.toString();
        if (s.indexOf('\n') >= 0) throw new JruncException("front cache: a line break in " + s);
        return s;
    }

    /** What the JVM prints goes through stdout.encoding: only pure ASCII is certainly the same bytes. */
    private static byte[] ascii(String s) {
        for (int i = 0; i < s.length(); i++)
            if (s.charAt(i) >= 0x80) throw new JruncException("front cache: non-ASCII output");
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
