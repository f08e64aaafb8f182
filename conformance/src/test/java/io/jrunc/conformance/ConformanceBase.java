package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * Each test runs against every configured runtime with a unique container id, a fresh --root and a
 * fresh bundle; afterwards it force-deletes and checks that nothing is left: no state, no process, no
 * cgroup.
 */
abstract class ConformanceBase {
    Path tmp;
    String id;
    final List<Rt> used = new ArrayList<>();
    final List<Integer> pids = new ArrayList<>();

    static Stream<String> runtimes() {
        List<String> rs = Rt.configured();
        Assumptions.assumeFalse(rs.isEmpty(), "no runtime binary found");
        return rs.stream();
    }

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "real containers need root");
        tmp = Files.createTempDirectory("jrunc-conf");
        id = "ct-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Rt rt(String name) throws IOException {
        Rt r = new Rt(name, Rt.binaryOf(name), Files.createDirectories(tmp.resolve("root-" + name)));
        used.add(r);
        return r;
    }

    TestBundle bundle() throws IOException {
        return new TestBundle(Files.createDirectories(tmp.resolve("bundle-" + UUID.randomUUID())));
    }

    /** Remembers the container's init pid so the leftover check can look for it. */
    int pidOf(Rt r, String cid) {
        Rt.Result s = r.ok("state", cid);
        int pid = TestBundle.parse(s.out()).get("pid").asInt();
        if (pid > 0) pids.add(pid);
        return pid;
    }

    String status(Rt r, String cid) {
        return TestBundle.parse(r.ok("state", cid).out()).get("status").asText();
    }

    void waitForStatus(Rt r, String cid, String want) throws InterruptedException {
        String last = null;
        for (int i = 0; i < 200; i++) {
            last = status(r, cid);
            if (last.equals(want)) return;
            Thread.sleep(25);
        }
        fail(r + ": status of " + cid + " stayed " + last + ", wanted " + want);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (tmp == null) return;
        for (Rt r : used) {
            try (Stream<Path> s = Files.list(r.root)) {
                for (Path c : s.toList()) if (!cache(c)) r.run("delete", "-f", c.getFileName().toString());
            }
        }
        List<String> problems = new ArrayList<>();
        for (Rt r : used) {
            try (Stream<Path> s = Files.list(r.root)) {
                s.forEach(p -> { if (!cache(p)) problems.add(r + " left state " + p); });
            }
        }
        for (int pid : pids) {
            for (int i = 0; i < 100 && alive(pid); i++) Thread.sleep(20);
            if (alive(pid)) problems.add("process " + pid + " still alive");
        }
        List<Path> cgroups = leftoverCgroups(id);
        for (Path cg : cgroups) problems.add("cgroup left: " + cg);
        // reported above, and removed: a failing test must not leave them on the host
        for (Path cg : removeCgroups(cgroups)) problems.add("cgroup cannot be removed: " + cg);
        // A runtime that chowns a bind-mounted device changes the host's node (crun 1.8.1 does, in a user namespace)
        String devs = deviceOwners();
        if (!devs.equals(DEVICE_OWNERS)) problems.add("the host's device nodes changed owner: " + DEVICE_OWNERS + " -> " + devs);
        try (Stream<Path> w = Files.walk(tmp)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static final String DEVICE_OWNERS = deviceOwners();

    static String deviceOwners() {
        StringBuilder sb = new StringBuilder();
        for (String dev : List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")) {
            try {
                sb.append(dev).append('=').append(Files.getAttribute(Path.of(dev), "unix:uid")).append(':')
                        .append(Files.getAttribute(Path.of(dev), "unix:gid")).append(' ');
            } catch (IOException | UnsupportedOperationException e) {
                sb.append(dev).append("=? ");
            }
        }
        return sb.toString().trim();
    }

    static boolean alive(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Removes cgroup directories (children first), each retried for up to 2 s: right after its last process
     * died a cgroup can still be busy. Every one is tried, whatever happens to the others (one EBUSY in one
     * hierarchy left all the others behind before). Returns the ones still there.
     */
    static List<Path> removeCgroups(List<Path> dirs) throws InterruptedException {
        List<Path> sorted = new ArrayList<>(dirs);
        sorted.sort(Comparator.comparingInt((Path p) -> p.getNameCount()).reversed());
        List<Path> stuck = new ArrayList<>();
        for (Path d : sorted) {
            for (int i = 0; i < 100; i++) {
                try {
                    Files.deleteIfExists(d);
                    break;
                } catch (IOException busy) {
                    Thread.sleep(20);
                }
            }
            if (Files.exists(d)) stuck.add(d);
        }
        return stuck;
    }

    /** Directories named like the container anywhere in the host's cgroup hierarchies (depth 4). */
    static List<Path> leftoverCgroups(String name) throws IOException {
        for (int attempt = 0;; attempt++) {
            List<Path> out = new ArrayList<>();
            try (Stream<Path> s = Files.find(Path.of("/sys/fs/cgroup"), 5,
                    (p, a) -> a.isDirectory() && p.getFileName() != null && p.getFileName().toString().startsWith(name))) {
                s.forEach(out::add);
                return out;
            } catch (java.io.UncheckedIOException e) {
                // Other containers' cgroups (other tests, other users of the host) come and go during the walk.
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt >= 5) throw e;
            }
        }
    }

    /** Foreground `run` of the bundle; returns the container's stdout. */
    /** jrunc's compiled-seccomp cache (<root>/@seccomp): not a container's state. */
    static boolean cache(Path p) {
        // jrunc's own entries of the root: the seccomp cache, the remembered criu version, the planner's socket
        String n = p.getFileName().toString();
        return n.equals("@seccomp") || n.equals("@criu") || n.equals("@planner");
    }

    String runIn(Rt r, TestBundle b) throws Exception {
        b.write();
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        assertEquals(0, res.code(), r + ": " + res);
        return res.out();
    }

    /** The rest of the first output line starting with prefix (fails listing the output otherwise). */
    static String line(String out, String prefix) {
        for (String l : out.split("\n")) if (l.startsWith(prefix)) return l.substring(prefix.length()).trim();
        fail("no line starting with \"" + prefix + "\" in:\n" + out);
        return null;
    }
}
