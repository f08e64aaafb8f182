package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * jrunc run by an unprivileged user made by the test: `spec --rootless` maps container root to that
 * user, state lives under $XDG_RUNTIME_DIR/jrunc, no cgroup (warned), and nothing is left afterwards.
 */
class RootlessTest {
    static final String USER = "jrunc-rootless-t";

    private static ClientsTest.Out sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        return new ClientsTest.Out(p.exitValue(), out);
    }

    @Test
    void unprivilegedUserRunsABusyboxContainer() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "creating a user needs root");
        String jrunc = Rt.binaryOf("jrunc");
        Assumptions.assumeTrue(jrunc != null, "jrunc not built");
        Path home = Files.createTempDirectory("jrunc-rootless");
        boolean created = false;
        try {
            if (sh("id", USER).code() != 0) {
                assertEquals(0, sh("useradd", "--no-create-home", "-d", home.toString(), "-s", "/bin/sh", USER).code());
                created = true;
            }
            assertEquals(0, sh("chown", USER, home.toString()).code());
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            String script = String.join("; ", "set -e", "cd " + home, "mkdir -p b/rootfs/bin xdg",
                    "cp /bin/busybox b/rootfs/bin/", "ln -s busybox b/rootfs/bin/sh", "ln -s busybox b/rootfs/bin/id",
                    "cd b", jrunc + " spec --rootless",
                    "sed -i -e 's/\"terminal\": true/\"terminal\": false/' -e 's/^\\(\\s*\\)\"sh\"$/\\1\"sh\", \"-c\", \"id -u; cat \\/proc\\/self\\/uid_map\"/' config.json",
                    "export XDG_RUNTIME_DIR=" + home.resolve("xdg"),
                    jrunc + " run rl1",
                    // the first call started the user's planner: the second is served by it, not by a JVM
                    "i=0; while [ ! -S $XDG_RUNTIME_DIR/jrunc/@planner/sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done",
                    "JRUNC_FRONT_ONLY=1 " + jrunc + " run rl2",
                    "ls -A " + home.resolve("xdg/jrunc") + " | grep -vx @planner | wc -l");
            ClientsTest.Out r = sh("su", USER, "-s", "/bin/sh", "-c", script);
            assertEquals(0, r.code(), r.out());
            String uid = sh("id", "-u", USER).out().trim();
            assertTrue(r.out().lines().anyMatch(l -> l.trim().replaceAll("\\s+", " ").equals("0 " + uid + " 1")), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.equals("0")), "uid 0 inside: " + r.out());
            assertTrue(r.out().trim().endsWith("0"), "no state left under $XDG_RUNTIME_DIR/jrunc: " + r.out());
        } finally {
            // the user's planner (its command line names the root under home): gone before the user is
            Planners.killUnder(home, 300);
            if (created) sh("userdel", USER);
            try (Stream<Path> w = Files.walk(home)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
