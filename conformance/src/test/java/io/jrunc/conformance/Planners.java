package io.jrunc.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * jrunc's resident planners (docs/planner.md) of a state root, found by their command line: `jrunc --root R
 * __planner ...` (the C launcher, then the JVM it execs, keep those words). bin/jrunc starts one detached for the
 * root of a create, run or exec that finds none, so a test that used a root kills its planner when it is done
 * (by pid, after removing the root: a planner being started then finds no root and gives up).
 */
final class Planners {
    private Planners() {}

    /** The command line of a process, split at NULs; empty when it is gone (or a kernel thread). */
    static List<String> cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            List<String> out = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < b.length; i++)
                if (b[i] == 0) {
                    out.add(new String(b, from, i - from, StandardCharsets.UTF_8));
                    from = i + 1;
                }
            if (from < b.length) out.add(new String(b, from, b.length - from, StandardCharsets.UTF_8));
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether pid is a live process (not a zombie). */
    static boolean alive(long pid) { return ConformanceBase.alive((int) pid); }

    /** Pids of the planners of root: a `__planner` command line with an argument naming root. */
    static List<Long> of(Path root) { return find(root, false); }

    /** Pids of the planners of roots under dir. */
    static List<Long> under(Path dir) { return find(dir, true); }

    private static List<Long> find(Path root, boolean under) {
        Path want = root.toAbsolutePath().normalize();
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                long pid = Long.parseLong(name);
                List<String> argv = cmdline(pid);
                if (!argv.contains("__planner")) continue;
                for (String a : argv)
                    if (a.startsWith("/") && (under ? Path.of(a).normalize().startsWith(want) : Path.of(a).normalize().equals(want))
                            && alive(pid)) {
                        out.add(pid);
                        break;
                    }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /**
     * SIGKILLs every planner of root, by pid, until none has been seen for quiet ms (one may still be on its way:
     * the front starts it after its call's JVM has exited); returns how many were killed.
     */
    static int kill(Path root, long quietMs) throws InterruptedException { return kill(root, false, quietMs); }

    /** As {@link #kill(Path, long)}, for every planner of a root under dir. */
    static int killUnder(Path dir, long quietMs) throws InterruptedException { return kill(dir, true, quietMs); }

    private static int kill(Path root, boolean under, long quietMs) throws InterruptedException {
        int killed = 0;
        long quietSince = System.nanoTime();
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while ((System.nanoTime() - quietSince) / 1_000_000 < quietMs && System.nanoTime() < giveUp) {
            List<Long> ps = find(root, under);
            for (long pid : ps) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                killed++;
            }
            if (!ps.isEmpty()) quietSince = System.nanoTime();
            Thread.sleep(20);
        }
        return killed;
    }
}
