package io.jrunc.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The resident planners a test's calls started (docs/planner.md): found by their command line, which names
 * their --root (a directory only this test uses), never by process name.
 */
final class PlannerProcesses {
    private PlannerProcesses() {}

    /** Pids of `jrunc --root <under> ... __planner` processes. */
    static List<Integer> of(Path under) {
        List<Integer> pids = new ArrayList<>();
        String root = under.toString();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    List<String> argv = List.of(cmd.split("\0"));
                    int r = argv.indexOf("--root");
                    if (argv.contains("__planner") && r >= 0 && r + 1 < argv.size() && argv.get(r + 1).startsWith(root))
                        pids.add(Integer.parseInt(n));
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return pids;
    }

    /** SIGKILL and wait (at most 5 s) until it is gone. */
    static void kill(int pid) {
        try {
            new ProcessBuilder("kill", "-KILL", Integer.toString(pid)).start().waitFor();
            for (int i = 0; i < 250 && Files.exists(Path.of("/proc/" + pid)); i++) Thread.sleep(20);
        } catch (IOException | InterruptedException e) {
            throw new RuntimeException(e);
        }
    }
}
