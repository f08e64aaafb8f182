package io.jrunc.cli;

import io.jrunc.JruncException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code jrunc spec [--bundle DIR] [--rootless]}: runc's default config.json. */
final class SpecCommand {
    private SpecCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("spec", Commands.flags("spec")).parse(argv);
        if (Cli.help(a)) return 0;
        Path dir = a.value("bundle") == null ? Path.of("") : Path.of(a.value("bundle"));
        Path target = dir.resolve("config.json");
        if (Files.exists(target)) throw new JruncException("File config.json exists. Remove it first");
        String res = a.bool("rootless") ? "spec-rootless.json" : "spec.json";
        try (InputStream in = SpecCommand.class.getResourceAsStream(res)) {
            if (in == null) throw new JruncException("default spec " + res + " missing from the jar");
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            // a rootless spec maps container root to the caller's own uid and gid, as runc spec --rootless
            if (a.bool("rootless")) text = text.replaceFirst("(\"uidMappings\":\\s*\\[\\s*\\{\\s*\"containerID\":\\s*0,\\s*\"hostID\":\\s*)\\d+",
                    "$1" + ownId("Uid")).replaceFirst("(\"gidMappings\":\\s*\\[\\s*\\{\\s*\"containerID\":\\s*0,\\s*\"hostID\":\\s*)\\d+",
                    "$1" + ownId("Gid"));
            // runc's spec adds a cgroup namespace on a pure cgroup v2 host (IsCgroup2UnifiedMode). Not with
            // --rootless yet: its /sys is an rbind of the host's, over which the cgroup2 mount fails with EBUSY,
            // where runc falls back to a bind of the container's cgroup (mountCgroupV2) and jrunc does not yet.
            if (io.jrunc.cgroup.Cgroup.unifiedOnly() && !a.bool("rootless"))
                text = text.replaceFirst("(\t+)\\{\n(\t+)\"type\": \"mount\"\n\t+\\}",
                        "$0,\n$1{\n$2\"type\": \"cgroup\"\n$1}");
            Files.writeString(target, text);
        } catch (IOException e) {
            throw new JruncException("cannot write " + target + ": " + JruncException.errno(e), e);
        }
        return 0;
    }

    /** The effective uid or gid of this process ("Uid"/"Gid" line of /proc/self/status, second field). */
    private static String ownId(String which) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith(which + ":")) return l.split("\\s+")[2];
        } catch (IOException e) {
            throw new JruncException("cannot read /proc/self/status: " + JruncException.errno(e), e);
        }
        throw new JruncException("no " + which + " line in /proc/self/status");
    }

}
