package io.jrunc.planner;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real planner process, `bin/jrunc --root R __planner` (no container, no root needed): it needs the packaged
 * jar, so it runs after `package`, in `verify` (runtime/pom.xml), as PlannerContainerTest does.
 */
class PlannerProcessTest {
    @TempDir Path tmp;

    int uid() { return io.jrunc.sys.Linux.get().geteuid(); }

    @Test
    void aPlannerProcessExitsWhenItsRootIsRemoved() throws Exception {
        Path launcher = io.jrunc.sys.Home.launcher();
        assertNotNull(launcher, "bin/jrunc's launcher (native-helper/target/jrunc) is needed: build the project");
        Path root = Files.createDirectories(tmp.resolve("proc-root")); // a planner serves only a root that exists
        Process p = new ProcessBuilder(launcher.toString(), "--root", root.toString(), "__planner", "--idle-ms", "60000")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("planner.err").toFile()).start();
        try {
            Path sock = root.resolve(Server.DIR).resolve(Server.SOCKET);
            for (int i = 0; i < 3000 && !Files.exists(sock); i++) Thread.sleep(10);
            assertTrue(Files.exists(sock), "planner did not start: " + Files.readString(tmp.resolve("planner.err")));
            long lockIno = (Long) Files.getAttribute(root.resolve(Server.DIR).resolve(Server.LOCK), "unix:ino");
            assertTrue(ServerTest.lockHeld(p.pid(), lockIno));
            long t0 = System.nanoTime();
            ServerTest.deleteTree(root);
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), "the planner still runs 5 s after its root was removed");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("planner.err")));
            assertTrue(ms < 2_500, "the planner left " + ms + " ms after its root was removed");
            assertFalse(Files.exists(root), "the planner made its root again");
        } finally {
            if (p.isAlive()) p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            if (uid() == 0) PlannerContainerTest.removePlannerCgroup();
        }
    }

}
