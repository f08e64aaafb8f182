package io.jrunc.cgroup;

import static io.jrunc.cgroup.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.bundle.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The drivers against this host's real cgroups (root needed; skipped elsewhere): v1 hierarchies (with
 * the hybrid cgroup2 directory), and the real cgroup2 mount driven as a pure-v2 host. Every test leaves
 * no directory and no process behind, and checks it.
 */
class CgroupHostTest {
    static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");
    final List<Process> procs = new ArrayList<>();
    final List<String> dirs = new ArrayList<>();

    private static String name() { return "jrunc-test-" + UUID.randomUUID().toString().substring(0, 8); }

    private Process sleeper() throws IOException {
        Process p = new ProcessBuilder("sleep", "120").start();
        procs.add(p);
        return p;
    }

    /** Kills what the test started, removes every directory it may have made (deepest first), asserts they are gone. */
    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : procs) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        dirs.sort((a, b) -> b.length() - a.length());
        for (String d : dirs) {
            Path p = Path.of(d);
            for (int i = 0; i < 50 && Files.exists(p); i++) {
                try { Files.deleteIfExists(p); } catch (IOException e) { Thread.sleep(20); }
            }
        }
        for (String d : dirs) assertFalse(Files.exists(Path.of(d)), "left behind: " + d);
    }

    private static String procCgroup(long pid) throws IOException { return Files.readString(Path.of("/proc/" + pid + "/cgroup")); }

    private static char state(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) if (l.startsWith("State:")) return l.split("\\s+")[1].charAt(0);
        return '?';
    }

    @Test
    void v1HierarchiesOnThisHost() throws Exception {
        Host h = Host.current();
        Assumptions.assumeTrue(!h.v1.isEmpty() && Files.isWritable(Path.of("/sys/fs/cgroup/pids")), "no writable cgroup v1");
        String name = name();
        Cgroup cg = Cgroup.forContainer(name, "/" + name);
        dirs.addAll(cg.paths().values());
        assertFalse(cg.isV2());
        assertEquals(h.hybrid(), cg.paths().containsKey(""));
        cg.create();
        for (String d : cg.paths().values()) assertTrue(Files.isDirectory(Path.of(d)), d);

        cg.apply(DeviceRules.effective(res(rule(false, null, null, null, "rwm"), new Spec.Pids(9L), memory(33554432L, 16777216L, 67108864L),
                new Spec.Cpu(512L, 50000L, null, 100000L, null, null, "0", "0", null)), List.of()));
        String mem = cg.paths().get("memory"), cpu = cg.paths().get("cpu");
        assertEquals("9", read(cg.paths().get("pids"), "pids.max").strip());
        assertEquals("33554432", read(mem, "memory.limit_in_bytes").strip());
        if (Files.exists(Path.of(mem, "memory.memsw.limit_in_bytes")))
            assertEquals("67108864", read(mem, "memory.memsw.limit_in_bytes").strip());
        assertEquals("16777216", read(mem, "memory.soft_limit_in_bytes").strip());
        assertEquals("512", read(cpu, "cpu.shares").strip());
        assertEquals("50000", read(cpu, "cpu.cfs_quota_us").strip());
        assertEquals("0", read(cg.paths().get("cpuset"), "cpuset.cpus").strip());
        String devs = read(cg.paths().get("devices"), "devices.list");
        assertTrue(devs.contains("c 1:3 rwm") && devs.contains("c 136:* rwm") && !devs.contains("a *:*"), devs);

        // update: lower the memory limit, raise it again (memsw ordering), pids unlimited
        cg.apply(res(memory(16777216L, null, 33554432L), new Spec.Pids(-1L)));
        assertEquals("16777216", read(mem, "memory.limit_in_bytes").strip());
        cg.apply(res(memory(134217728L, null, 268435456L)));
        assertEquals("134217728", read(mem, "memory.limit_in_bytes").strip());
        assertEquals("max", read(cg.paths().get("pids"), "pids.max").strip());

        Process p = sleeper();
        cg.addProcess((int) p.pid());
        assertEquals(List.of((int) p.pid()), cg.pids());
        String pc = procCgroup(p.pid());
        assertTrue(pc.contains(":pids:/" + name + "\n") && pc.contains(":memory:/" + name + "\n"), pc);
        if (h.hybrid()) assertTrue(pc.contains("0::/" + name + "\n"), "hybrid: joined the cgroup2 directory too: " + pc);

        cg.freeze();
        assertTrue(cg.isFrozen());
        assertEquals("FROZEN", read(cg.paths().get("freezer"), "freezer.state").strip());
        assertTrue(Cgroup.load(cg.paths()).isFrozen(), "state.json round trip sees it paused");
        cg.thaw();
        assertFalse(cg.isFrozen());

        // kill --all with SIGTERM on a paused container: delivered, the container stays paused until resumed
        cg.freeze();
        cg.killAll(15);
        assertTrue(cg.isFrozen());
        assertFalse(p.waitFor(200, TimeUnit.MILLISECONDS), "frozen: the signal waits");
        cg.thaw();
        assertTrue(p.waitFor(5, TimeUnit.SECONDS), "SIGTERM killed the sleeper once thawed");
        assertEquals(143, p.exitValue());

        Map<String, Object> st = cg.stats();
        assertTrue(st.keySet().containsAll(List.of("cpu", "memory", "pids", "blkio", "hugetlb")), st.keySet().toString());

        Process q = sleeper();
        cg.addProcess((int) q.pid());
        cg.freeze(); // destroy must also cope with a paused container
        cg.destroy();
        assertTrue(q.waitFor(5, TimeUnit.SECONDS), "destroy kills what is left");
        for (String d : cg.paths().values()) assertFalse(Files.exists(Path.of(d)), d);
        cg.destroy(); // twice is fine
    }

    /** This host without its cgroup2 mount: the plain v1 driver (freezer-based kill, no cgroup.kill to lean on). */
    @Test
    void pureV1OnThisHost() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(Path.of("/sys/fs/cgroup/freezer")), "no writable v1 freezer");
        StringBuilder mi = new StringBuilder();
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) if (!l.contains(" - cgroup2 ")) mi.append(l).append('\n');
        Host h = new Host(mi.toString(), Files.readString(Path.of("/proc/self/cgroup")), "");
        assertFalse(h.hybrid() || h.pureV2());
        String name = name();
        Cgroup cg = h.forContainer(name, "nested/" + name);
        assertFalse(cg.paths().containsKey(""));
        for (String d : cg.paths().values()) { dirs.add(d); dirs.add(Path.of(d).getParent().toString()); }
        cg.create();
        assertEquals(read("/sys/fs/cgroup/cpuset", "cpuset.cpus"), read(cg.paths().get("cpuset"), "cpuset.cpus"), "inherited through the new parent");
        Process p = sleeper(), q = sleeper();
        cg.addProcess((int) p.pid());
        cg.addProcess((int) q.pid());
        assertEquals(2, cg.pids().size());
        cg.killAll(15);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS) && q.waitFor(5, TimeUnit.SECONDS));
        Process r = sleeper();
        cg.addProcess((int) r.pid());
        cg.freeze();
        cg.destroy(); // SIGKILL through the freezer, thawed so it can die
        assertTrue(r.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, r.exitValue());
        for (String d : cg.paths().values()) assertFalse(Files.exists(Path.of(d)), d);
    }

    @Test
    void v1OomKillIsCounted() throws Exception {
        Assumptions.assumeTrue(Files.isWritable(Path.of("/sys/fs/cgroup/memory")), "no writable v1 memory hierarchy");
        String name = name();
        Cgroup cg = Cgroup.forContainer(name, "/" + name);
        dirs.addAll(cg.paths().values());
        cg.create();
        boolean memsw = Files.exists(Path.of(cg.paths().get("memory"), "memory.memsw.limit_in_bytes"));
        cg.apply(res(memory(16777216L, null, memsw ? 16777216L : null)));
        assertEquals(0, cg.oomKillCount());
        // tail keeps everything until a newline that /dev/zero never sends
        Process p = new ProcessBuilder("sh", "-c", "read go; head -c 200000000 /dev/zero | tail -c 100000000 > /dev/null").start();
        procs.add(p);
        cg.addProcess((int) p.pid());
        p.getOutputStream().write('\n');
        p.getOutputStream().flush();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(cg.oomKillCount() >= 1, "oom_kill " + cg.oomKillCount());
        Map<?, ?> mem = (Map<?, ?>) cg.stats().get("memory");
        assertEquals(16777216L, ((Map<?, ?>) mem.get("usage")).get("limit"));
        cg.destroy();
    }

    @Test
    void hybridHugetlbLimitLandsInTheCgroup2Directory() throws Exception {
        Host h = Host.current();
        Assumptions.assumeTrue(h.hybrid() && !h.v1.stream().anyMatch(m -> m.controllers().contains("hugetlb"))
                && Fixtures.read(UNIFIED.toString(), "cgroup.controllers").contains("hugetlb")
                && Files.exists(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB")), "not a hybrid host with hugetlb in cgroup2 only");
        String name = name();
        Cgroup cg = Cgroup.forContainer(name, "/" + name);
        dirs.addAll(cg.paths().values());
        cg.create();
        cg.apply(res(new Spec.HugepageLimit("2MB", 4194304)));
        assertEquals("4194304", read(cg.paths().get(""), "hugetlb.2MB.max").strip());
        assertTrue(((Map<?, ?>) cg.stats().get("hugetlb")).containsKey("2MB"));
        cg.destroy();
    }

    /** The real cgroup2 mount, described as the only cgroup filesystem: the pure-v2 driver end to end. */
    @Test
    void v2OnTheRealCgroup2Mount() throws Exception {
        Assumptions.assumeTrue(Files.exists(UNIFIED.resolve("cgroup.procs")) && Files.isWritable(UNIFIED), "no writable cgroup2 mount");
        String name = name();
        Host h = new Host("41 31 0:38 / " + UNIFIED + " rw,relatime - cgroup2 cgroup2 rw\n", "0::/\n", "");
        Cgroup cg = h.forContainer("ignored", "/" + name + "/c");
        assertTrue(cg.isV2());
        String dir = cg.paths().get("");
        dirs.add(UNIFIED.resolve(name).toString());
        dirs.add(dir);
        assertEquals(UNIFIED.resolve(name).resolve("c").toString(), dir);
        cg.create();
        assertTrue(Files.isDirectory(Path.of(dir)));
        // the intermediate level got the controllers the root has
        String avail = read(UNIFIED.toString(), "cgroup.controllers").strip();
        if (!avail.isEmpty()) assertEquals(avail, read(UNIFIED.resolve(name).toString(), "cgroup.subtree_control").strip());
        cg.apply(res(Map.of("cgroup.max.descendants", "5")));
        assertEquals("5", read(dir, "cgroup.max.descendants").strip());

        Process p = sleeper();
        cg.addProcess((int) p.pid());
        assertEquals(List.of((int) p.pid()), cg.pids());
        assertTrue(procCgroup(p.pid()).contains("0::/" + name + "/c\n"), procCgroup(p.pid()));
        cg.freeze();
        assertTrue(cg.isFrozen());
        assertTrue(read(dir, "cgroup.events").contains("frozen 1"));
        cg.thaw();
        assertFalse(cg.isFrozen());
        for (int i = 0; i < 100 && state(p.pid()) != 'S'; i++) Thread.sleep(10);
        assertEquals('S', state(p.pid()));

        // a signal other than SIGKILL: freeze, signal, thaw
        cg.killAll(15);
        assertTrue(p.waitFor(5, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue());
        assertFalse(cg.isFrozen(), "thawed again");

        Process q = sleeper();
        cg.addProcess((int) q.pid());
        cg.killAll(9); // cgroup.kill
        assertTrue(q.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, q.exitValue());

        Process r = sleeper();
        cg.addProcess((int) r.pid());
        cg.destroy();
        assertTrue(r.waitFor(5, TimeUnit.SECONDS));
        assertFalse(Files.exists(Path.of(dir)));
        assertTrue(Files.isDirectory(UNIFIED.resolve(name)), "runc removes only the container's own directory");
    }
}
