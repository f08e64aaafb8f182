package io.jrunc.cgroup;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prewarm writes only a cgroup.procs that already lists this process (so nothing can ever move). */
class PrewarmTest {
    @TempDir Path root;

    private void procs(String dir, String content) throws Exception {
        Files.createDirectories(root.resolve(dir));
        Files.writeString(root.resolve(dir).resolve("cgroup.procs"), content);
    }

    @Test
    void firstLineWhoseCgroupListsUs() throws Exception {
        procs("systemd/user.slice", "1\n2\n");          // a guess that does not list 4242: skipped
        procs("pids/user.slice", "14242\n42420\n4242\n"); // substrings of other pids do not count
        String self = "9:name=systemd:/user.slice\n8:pids:/user.slice/\n0::/\n";
        assertEquals(root + "/pids/user.slice/cgroup.procs", Prewarm.ownProcsFile(self, root.toString(), 4242));
        assertNull(Prewarm.ownProcsFile(self, root.toString(), 424), "424 is only a substring");
    }

    @Test
    void cgroup2AtTheRootOrUnified() throws Exception {
        procs("unified/svc", "7\n");
        assertEquals(root + "/unified/svc/cgroup.procs", Prewarm.ownProcsFile("0::/svc\n", root.toString(), 7));
        procs("svc", "7");
        assertEquals(root + "/svc/cgroup.procs", Prewarm.ownProcsFile("0::/svc\n", root.toString(), 7));
    }

    @Test
    void nothingForOddLines() {
        assertNull(Prewarm.ownProcsFile("", root.toString(), 1));
        assertNull(Prewarm.ownProcsFile("garbage\n1:cpu:relative\n2:cpu:/a/../b\n", root.toString(), 1));
    }

    /** On this machine: the file it picks lists this JVM (the check is what makes the write a no-op). */
    @Test
    void thisHost() throws Exception {
        long me = ProcessHandle.current().pid();
        String f = Prewarm.ownProcsFile(Files.readString(Path.of("/proc/self/cgroup")), "/sys/fs/cgroup", me);
        org.junit.jupiter.api.Assumptions.assumeTrue(f != null, "no cgroup mount at /sys/fs/cgroup");
        List<String> pids = Files.readAllLines(Path.of(f));
        assertTrue(pids.contains(Long.toString(me)), f + " lists " + pids.size() + " pids, not " + me);
    }
}
