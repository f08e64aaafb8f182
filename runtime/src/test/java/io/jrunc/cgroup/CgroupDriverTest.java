package io.jrunc.cgroup;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupDriverTest {
    @TempDir Path fx;

    static final String HYBRID_MOUNTINFO = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;
    static final String HYBRID_SELF = "9:name=systemd:/\n8:pids:/\n4:memory:/svc/x\n1:cpu,cpuacct:/\n0::/\n";

    @Test
    void hybridHostUsesV1HierarchiesAndRuncPaths() {
        Host h = new Host(HYBRID_MOUNTINFO, HYBRID_SELF);
        assertFalse(h.pureV2());
        Cgroup rel = h.forContainer("c1", "");
        assertEquals("/sys/fs/cgroup/memory/svc/x/c1", rel.paths().get("memory"));
        assertEquals("/sys/fs/cgroup/cpu,cpuacct/c1", rel.paths().get("cpu"));
        assertEquals("/sys/fs/cgroup/cpu,cpuacct/c1", rel.paths().get("cpuacct"));
        assertEquals("/sys/fs/cgroup/systemd/c1", rel.paths().get("name=systemd"));
        assertFalse(rel.paths().containsKey(""), "hybrid: the v2 mount is not a container hierarchy");
        Cgroup abs = h.forContainer("c1", "/machine/c1");
        assertEquals("/sys/fs/cgroup/memory/machine/c1", abs.paths().get("memory"));
        Cgroup named = h.forContainer("c1", "pods/p1");
        assertEquals("/sys/fs/cgroup/pids/pods/p1", named.paths().get("pids"));
        assertThrows(JruncException.class, () -> h.forContainer("c1", "/a/../../etc"));
        JruncException e = assertThrows(JruncException.class, () -> h.forContainer("c1", "system.slice:jrunc:c1"));
        assertEquals("/linux/cgroupsPath", e.pointer());
    }

    @Test
    void pureV2HostGivesOneUnifiedDirectory() {
        Host h = new Host("30 23 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", "0::/user.slice/session-1.scope\n");
        assertTrue(h.pureV2());
        Cgroup c = h.forContainer("c2", null);
        assertTrue(c.isV2());
        assertEquals(Map.of("", "/sys/fs/cgroup/user.slice/session-1.scope/c2"), c.paths());
        assertEquals("/sys/fs/cgroup/k8s/pod", h.forContainer("c2", "/k8s/pod").paths().get(""));
        // state.json round trip picks the same driver
        assertTrue(Cgroup.load(c.paths()).isV2());
        assertFalse(Cgroup.load(Map.of("memory", "/x")).isV2());
    }

    private static Spec.Resources res(String json) {
        return ConfigReader.parseResources(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void v2WriterTranslatesLikeRunc() throws Exception {
        Path d = Files.createDirectories(fx.resolve("c"));
        for (String f : List.of("memory.max", "memory.low", "memory.swap.max", "cpu.weight", "cpu.max", "pids.max", "io.weight", "cpuset.cpus"))
            Files.writeString(d.resolve(f), "");
        V2Cgroup cg = new V2Cgroup(d.toString());
        cg.apply(res("{\"memory\":{\"limit\":1048576,\"reservation\":524288,\"swap\":3145728},"
                + "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\"},"
                + "\"pids\":{\"limit\":-1},\"blockIO\":{\"weight\":500},\"unified\":{\"memory.high\":\"900000\"}}"));
        assertEquals("1048576", Files.readString(d.resolve("memory.max")));
        assertEquals("524288", Files.readString(d.resolve("memory.low")));
        assertEquals("2097152", Files.readString(d.resolve("memory.swap.max")), "v2 swap = memsw - limit");
        assertEquals("39", Files.readString(d.resolve("cpu.weight")), "runc 1.1: 1 + (1024-2)*9999/262142");
        assertEquals("50000 100000", Files.readString(d.resolve("cpu.max")));
        assertEquals("max", Files.readString(d.resolve("pids.max")));
        assertEquals("default 4950", Files.readString(d.resolve("io.weight")), "1 + (500-10)*9999/990");
        assertEquals("0-1", Files.readString(d.resolve("cpuset.cpus")));
        assertEquals("900000", Files.readString(d.resolve("memory.high")));
        JruncException e = assertThrows(JruncException.class, () -> cg.apply(res("{\"unified\":{\"../escape\":\"1\"}}")));
        assertEquals("/linux/resources/unified/../escape", e.pointer());
        e = assertThrows(JruncException.class, () -> cg.apply(res("{\"memory\":{\"limit\":2000,\"swap\":1000}}")));
        assertEquals("/linux/resources/memory/swap", e.pointer());
    }

    @Test
    void v1WriterOrdersMemswAndRejectsUnified() throws Exception {
        Path mem = Files.createDirectories(fx.resolve("memory/c"));
        Files.writeString(mem.resolve("memory.limit_in_bytes"), "1000");
        Files.writeString(mem.resolve("memory.memsw.limit_in_bytes"), "1000");
        V1Cgroup cg = new V1Cgroup(Map.of("memory", mem.toString()));
        cg.apply(res("{\"memory\":{\"limit\":4096,\"swap\":8192,\"disableOOMKiller\":true}}"));
        assertEquals("4096", Files.readString(mem.resolve("memory.limit_in_bytes")));
        assertEquals("8192", Files.readString(mem.resolve("memory.memsw.limit_in_bytes")));
        assertEquals("1", Files.readString(mem.resolve("memory.oom_control")));
        JruncException e = assertThrows(JruncException.class, () -> cg.apply(res("{\"unified\":{\"memory.high\":\"1\"}}")));
        assertEquals("/linux/resources/unified", e.pointer());
    }

    @Test
    void deviceRulesFollowRuncsAllowList() {
        Spec.Resources r = DeviceRules.effective(res("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}"),
                List.of(new Spec.Device("c", "/dev/fuse", 10, 229, null, null, null)));
        assertFalse(r.devices().get(0).allow());
        assertTrue(r.devices().stream().anyMatch(d -> d.allow() && d.major() != null && d.major() == 1 && d.minor() == 3));
        Spec.DeviceRule last = r.devices().get(r.devices().size() - 1);
        assertEquals(229L, last.minor());
    }

    /** The real cgroup2 mount of this host: create, join, freeze, kill, remove. */
    @Test
    void v2AgainstTheRealUnifiedMount() throws Exception {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        Assumptions.assumeTrue(Files.exists(unified.resolve("cgroup.procs")) && Files.isWritable(unified), "no writable cgroup2 mount");
        String dir = unified.resolve("jrunc-test-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        V2Cgroup cg = new V2Cgroup(dir);
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            cg.create();
            assertTrue(Files.isDirectory(Path.of(dir)));
            cg.addProcess((int) sleeper.pid());
            assertEquals(List.of((int) sleeper.pid()), cg.pids());
            cg.freeze();
            assertTrue(cg.isFrozen());
            assertTrue(Files.readString(Path.of("/proc/" + sleeper.pid() + "/stat")).contains(") S") || cg.isFrozen());
            cg.thaw();
            assertFalse(cg.isFrozen());
            cg.killAll(9);
            assertTrue(sleeper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "cgroup.kill killed it");
            cg.destroy();
            assertFalse(Files.exists(Path.of(dir)));
        } finally {
            sleeper.destroyForcibly().waitFor();
            Fs.removeTree(dir);
        }
    }

    /** A real v1 cgroup on this host: limits written, a process joined and listed, freeze, destroy. */
    @Test
    void v1AgainstTheRealHierarchies() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/sys/fs/cgroup/pids/cgroup.procs")), "no v1 pids hierarchy");
        String name = "jrunc-test-" + UUID.randomUUID().toString().substring(0, 8);
        Cgroup cg = Cgroup.forContainer(name, "/" + name);
        Assumptions.assumeFalse(cg.isV2());
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            cg.create();
            cg.apply(res("{\"pids\":{\"limit\":9},\"memory\":{\"limit\":33554432},\"cpu\":{\"cpus\":\"0\"}}"));
            assertEquals("9", Files.readString(Path.of(cg.paths().get("pids"), "pids.max")).trim());
            assertEquals("33554432", Files.readString(Path.of(cg.paths().get("memory"), "memory.limit_in_bytes")).trim());
            cg.addProcess((int) sleeper.pid());
            assertEquals(List.of((int) sleeper.pid()), cg.pids());
            cg.freeze();
            assertTrue(cg.isFrozen());
            cg.thaw();
            cg.destroy();
            assertTrue(sleeper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "destroy kills what is left");
            for (String d : cg.paths().values()) assertFalse(Files.exists(Path.of(d)), d);
        } finally {
            sleeper.destroyForcibly().waitFor();
            for (String d : cg.paths().values()) Fs.removeTree(d);
        }
    }

    /** The generated eBPF device program, loaded into the real cgroup2 mount, decides what a process may open. */
    @Test
    void v2DeviceFilterDeniesWhatTheRulesDeny() throws Exception {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        Assumptions.assumeTrue(Files.exists(unified.resolve("cgroup.procs")) && Files.isWritable(unified), "no writable cgroup2 mount");
        String dir = unified.resolve("jrunc-test-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        V2Cgroup cg = new V2Cgroup(dir);
        Process sh = new ProcessBuilder("sh", "-c", "read go; head -c1 /dev/zero >/dev/null 2>&1 && echo zero-ok || echo zero-denied; "
                + "head -c1 /dev/urandom >/dev/null 2>&1 && echo urandom-ok || echo urandom-denied; "
                + ": > /dev/null && echo null-ok").redirectErrorStream(true).start();
        try {
            cg.create();
            // deny all, allow null (1:3) read/write and urandom (1:9) read only, in the order v1 would apply them
            cg.apply(res("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                    + "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"},"
                    + "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"r\"}]}"));
            cg.addProcess((int) sh.pid());
            sh.getOutputStream().write("\n".getBytes());
            sh.getOutputStream().flush();
            String out = new String(sh.getInputStream().readAllBytes());
            assertTrue(sh.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(out.contains("zero-denied"), out);
            assertTrue(out.contains("urandom-ok"), out);
            assertTrue(out.contains("null-ok"), out);
        } finally {
            sh.destroyForcibly().waitFor();
            Fs.removeTree(dir);
        }
    }

    @Test
    void deviceFilterProgramShape() {
        byte[] prog = DeviceFilter.program(List.of(new Spec.DeviceRule(false, "a", null, null, "rwm"),
                new Spec.DeviceRule(true, "c", 1L, 3L, "rwm")));
        // 6 prologue + rule 1:3 (type, major, minor, mov, exit) + deny-all (mov, exit); the deny-all ends it
        assertEquals((6 + 5 + 2) * 8, prog.length);
        assertEquals((byte) 0x95, prog[prog.length - 8], "ends with exit");
        assertThrows(JruncException.class, () -> DeviceFilter.access("rwx"));
    }
}
