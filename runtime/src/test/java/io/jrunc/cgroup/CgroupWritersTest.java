package io.jrunc.cgroup;

import static io.jrunc.cgroup.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drivers on fixture trees: the files the kernel would have, exact contents and write order after apply(). */
class CgroupWritersTest {
    @TempDir Path fx;
    final List<String> trace = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final Cgroup.Env env = new Cgroup.Env(warnings::add, false);

    @BeforeEach
    void capture() {
        Fs.trace = trace;
    }

    @AfterEach
    void release() {
        Fs.trace = null;
    }

    /** The trace with the fixture root cut off: "memory/c1/memory.limit_in_bytes=..." */
    List<String> writes() {
        String root = fx.resolve("sys/fs/cgroup").toString() + "/";
        List<String> out = new ArrayList<>();
        for (String t : trace) out.add(t.startsWith(root) ? t.substring(root.length()) : t);
        return out;
    }

    private String cg(String rel) { return fx.resolve("sys/fs/cgroup").resolve(rel).toString(); }

    // ------------------------------------------------------------------ v1 / hybrid

    /** This machine's hybrid layout with the v1 files a 6.x kernel has (BFQ only, no CFQ blkio.weight). */
    private Cgroup hybrid() {
        Cgroup c = host("hybrid", fx).forContainer("c1", "/c1", env);
        files(cg("memory/c1"), "memory.limit_in_bytes", "9223372036854771712\n", "memory.memsw.limit_in_bytes", "9223372036854771712\n",
                "memory.soft_limit_in_bytes", "9223372036854771712\n", "memory.swappiness", "60\n", "memory.use_hierarchy", "1\n",
                "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "memory.usage_in_bytes", "4096\n");
        files(cg("cpu/c1"), "cpu.shares", "1024\n", "cpu.cfs_period_us", "100000\n", "cpu.cfs_quota_us", "-1\n", "cpu.cfs_burst_us", "0\n",
                "cpu.rt_period_us", "1000000\n", "cpu.rt_runtime_us", "0\n", "cpu.idle", "0\n");
        files(cg("cpuset"), "cpuset.cpus", "0-3\n", "cpuset.mems", "0\n");
        files(cg("cpuset/c1"), "cpuset.cpus", "\n", "cpuset.mems", "\n");
        files(cg("pids/c1"), "pids.max", "max\n");
        files(cg("blkio/c1"), "blkio.bfq.weight", "100\n", "blkio.bfq.weight_device", "", "blkio.throttle.read_bps_device", "",
                "blkio.throttle.write_bps_device", "", "blkio.throttle.read_iops_device", "", "blkio.throttle.write_iops_device", "");
        files(cg("devices/c1"), "devices.allow", "", "devices.deny", "");
        files(cg("freezer/c1"), "freezer.state", "THAWED\n");
        files(cg("unified"), "cgroup.controllers", "hugetlb\n", "cgroup.subtree_control", "\n");
        files(cg("unified/c1"), "hugetlb.2MB.max", "max\n", "hugetlb.2MB.rsvd.max", "max\n", "hugetlb.1GB.max", "max\n",
                "hugetlb.2MB.current", "0\n", "hugetlb.2MB.events", "max 0\n", "hugetlb.1GB.current", "0\n", "hugetlb.1GB.events", "max 0\n");
        return c;
    }

    @Test
    void v1CreateInheritsCpusetAndMakesTheHybridUnifiedDir() {
        Cgroup c = hybrid();
        c.create();
        assertEquals("0-3", read(cg("cpuset/c1"), "cpuset.cpus"));
        assertEquals("0", read(cg("cpuset/c1"), "cpuset.mems"));
        for (String d : c.paths().values()) assertTrue(Files.isDirectory(Path.of(d)), d);
        assertEquals("\n", read(cg("unified"), "cgroup.subtree_control"), "hybrid: runc only makes the cgroup2 dir");
    }

    @Test
    void v1WritesLikeRunc() {
        Cgroup c = hybrid();
        c.apply(res(new Spec.Memory(67108864L, 33554432L, 134217728L, 1000L, null, 10L, true, null, null),
                new Spec.Cpu(512L, 50000L, 1000L, 100000L, null, null, "1", "0", 1L),
                new Spec.Pids(50L),
                new Spec.BlockIo(300, null, List.of(new Spec.WeightDevice(8, 0, 200, null)),
                        List.of(new Spec.ThrottleDevice(8, 0, 1048576)), null, null, List.of(new Spec.ThrottleDevice(8, 16, 100))),
                rule(false, "a", null, null, "rwm"), rule(true, "c", null, null, "m"), rule(true, "c", 1L, 3L, "rwm"),
                rule(false, "c", 1L, 9L, "w"), rule(true, "a", 1L, 5L, "r"), rule(true, "c", 136L, null, "rwm")));
        assertEquals(List.of(
                "cpuset/c1/cpuset.cpus=1", "cpuset/c1/cpuset.mems=0",
                "devices/c1/devices.deny=a", "devices/c1/devices.allow=c *:* m", "devices/c1/devices.allow=c 1:3 rwm",
                "devices/c1/devices.deny=c 1:9 w", "devices/c1/devices.allow=c 1:5 r", "devices/c1/devices.allow=b 1:5 r",
                "devices/c1/devices.allow=c 136:* rwm",
                // lowering from unlimited: the limit first, then memory+swap
                "memory/c1/memory.limit_in_bytes=67108864", "memory/c1/memory.memsw.limit_in_bytes=134217728",
                "memory/c1/memory.soft_limit_in_bytes=33554432", "memory/c1/memory.oom_control=1", "memory/c1/memory.swappiness=10",
                "cpu/c1/cpu.shares=512", "cpu/c1/cpu.cfs_period_us=100000", "cpu/c1/cpu.cfs_quota_us=50000", "cpu/c1/cpu.cfs_burst_us=1000",
                "cpu/c1/cpu.idle=1",
                "pids/c1/pids.max=50",
                "blkio/c1/blkio.bfq.weight=300", "blkio/c1/blkio.bfq.weight_device=8:0 200",
                "blkio/c1/blkio.throttle.read_bps_device=8:0 1048576", "blkio/c1/blkio.throttle.write_iops_device=8:16 100"), writes());
        assertEquals(List.of("Kernel memory settings are ignored and will be removed"), warnings);

        // raising: memory+swap first, or the kernel refuses a limit above it
        trace.clear();
        c.apply(res(memory(268435456L, null, 536870912L)));
        assertEquals(List.of("memory/c1/memory.memsw.limit_in_bytes=536870912", "memory/c1/memory.limit_in_bytes=268435456"), writes());
        // unlimited memory without a swap value: unlimited swap too, swap first
        trace.clear();
        c.apply(res(memory(-1L, null, null)));
        assertEquals(List.of("memory/c1/memory.memsw.limit_in_bytes=-1", "memory/c1/memory.limit_in_bytes=-1"), writes());
        // 0 and null leave things alone; negative pids is "max"
        trace.clear();
        c.apply(res(new Spec.Pids(0L), memory(0L, null, null), cpu(0L, 0L, 0L), new Spec.BlockIo(0, null, null, null, null, null, null)));
        assertEquals(List.of(), writes());
        c.apply(res(new Spec.Pids(-1L)));
        assertEquals("max", read(cg("pids/c1"), "pids.max"));
        c.apply(new Spec.Resources(null, null, null, null, null, null, null, null, Map.of()));
    }

    @Test
    void v1Refusals() {
        Cgroup c = hybrid();
        JruncException e = assertThrows(JruncException.class, () -> c.apply(res(Map.of("memory.high", "1"))));
        assertEquals("/linux/resources/unified", e.pointer());
        assertTrue(e.getMessage().contains("requires cgroup v2"), e.getMessage());
        e = assertThrows(JruncException.class, () -> c.apply(res(new Spec.Network(7L, null))));
        assertEquals("cannot set net_cls limit: container could not join or create cgroup", e.getMessage());
        e = assertThrows(JruncException.class, () -> c.apply(res(new Spec.Memory(null, null, null, null, null, 101L, null, null, null))));
        assertTrue(e.getMessage().contains("valid memory swappiness range is 0-100"), e.getMessage());
        e = assertThrows(JruncException.class, () -> c.apply(res(new Spec.BlockIo(null, 500, null, null, null, null, null))));
        assertTrue(e.getMessage().contains("blkio.leaf_weight"), "a file the kernel lacks is an error: " + e.getMessage());
        e = assertThrows(JruncException.class, () -> c.apply(res(new Spec.Memory(100L, null, null, null, null, null, null, null, true))));
        assertEquals("rejecting memory limit 100 <= usage 4096", e.getMessage());
        assertThrows(JruncException.class, () -> c.apply(res(rule(true, "x", 1L, 1L, "rwm"))));
        assertThrows(JruncException.class, () -> c.apply(res(rule(true, "c", 1L, 1L, "rwq"))));
    }

    @Test
    void v1WithoutSwapAccounting() throws Exception {
        Cgroup c = hybrid();
        Files.delete(Path.of(cg("memory/c1"), "memory.memsw.limit_in_bytes"));
        c.apply(res(memory(-1L, null, null))); // no memsw: swap is simply not touched
        assertEquals(List.of("memory/c1/memory.limit_in_bytes=-1"), writes());
        JruncException e = assertThrows(JruncException.class, () -> c.apply(res(memory(1000L, null, 2000L))));
        assertTrue(e.getMessage().contains("swap accounting"), e.getMessage());
    }

    @Test
    void hybridHugetlbGoesToTheCgroup2DirWhenV1HasNone() {
        Cgroup c = hybrid();
        c.apply(res(new Spec.HugepageLimit("2MB", 4194304), new Spec.HugepageLimit("1GB", 0)));
        assertEquals(List.of("unified/cgroup.subtree_control=+hugetlb", "unified/c1/hugetlb.2MB.max=4194304",
                "unified/c1/hugetlb.2MB.rsvd.max=4194304", "unified/c1/hugetlb.1GB.max=0"), writes());
    }

    @Test
    void pureV1ControllersAndHugetlbWithReservations() {
        Cgroup c = host("v1", fx).forContainer("c1", "/c1", env);
        files(cg("net_cls,net_prio/c1"), "net_cls.classid", "0\n", "net_prio.ifpriomap", "lo 0\n");
        files(cg("hugetlb/c1"), "hugetlb.2MB.limit_in_bytes", "9223372036854771712\n", "hugetlb.2MB.rsvd.limit_in_bytes", "9223372036854771712\n");
        files(cg("rdma/c1"), "rdma.max", "");
        files(cg("cpu,cpuacct/c1"), "cpu.shares", "1024\n", "cpu.rt_period_us", "1000000\n", "cpu.rt_runtime_us", "0\n");
        files(cg("blkio/c1"), "blkio.weight", "500\n", "blkio.weight_device", "", "blkio.leaf_weight", "500\n", "blkio.leaf_weight_device", "");
        c.apply(res(new Spec.Network(0x100001L, List.of(new Spec.NetPriority("eth0", 5))),
                new Spec.HugepageLimit("2MB", 2097152), Map.of("mlx5_0", new Spec.Rdma(3L, null)),
                new Spec.Cpu(2048L, null, null, null, 950000L, 1000000L, null, null, null),
                new Spec.BlockIo(700, 600, List.of(new Spec.WeightDevice(8, 0, null, 300)), null, null, null, null)));
        assertEquals(List.of("cpu,cpuacct/c1/cpu.shares=2048", "cpu,cpuacct/c1/cpu.rt_period_us=1000000",
                "cpu,cpuacct/c1/cpu.rt_runtime_us=950000",
                "blkio/c1/blkio.weight=700", "blkio/c1/blkio.leaf_weight=600", "blkio/c1/blkio.leaf_weight_device=8:0 300",
                "hugetlb/c1/hugetlb.2MB.limit_in_bytes=2097152", "hugetlb/c1/hugetlb.2MB.rsvd.limit_in_bytes=2097152",
                "net_cls,net_prio/c1/net_cls.classid=1048577", "net_cls,net_prio/c1/net_prio.ifpriomap=eth0 5",
                "rdma/c1/rdma.max=mlx5_0 hca_handle=3"), writes());
    }

    @Test
    void v1FreezerAndOomCount() throws Exception {
        Cgroup c = hybrid();
        assertFalse(c.isFrozen());
        c.freeze(); // a fixture file reads back what was written: FROZEN at once
        assertTrue(c.isFrozen());
        Files.writeString(Path.of(cg("freezer/c1"), "freezer.self_freezing"), "0\n");
        assertFalse(c.isFrozen(), "frozen through an ancestor only: not paused (runc)");
        c.thaw();
        assertEquals("THAWED", read(cg("freezer/c1"), "freezer.state"));
        assertEquals(2, c.oomKillCount());
        assertEquals(2, Cgroup.load(c.paths()).oomKills());
    }

    @Test
    void v1StatsInRuncsShape() {
        Cgroup c = hybrid();
        files(cg("cpuacct/c1"), "cpuacct.usage", "18613065\n", "cpuacct.usage_percpu", "18613065 0 \n",
                "cpuacct.usage_all", "cpu user system\n0 4000000 12000000\n1 0 0\n", "cpuacct.stat", "user 0\nsystem 1\n");
        files(cg("cpu/c1"), "cpu.stat", "nr_periods 2\nnr_throttled 0\nthrottled_time 0\n");
        files(cg("cpuset/c1"), "cpuset.cpus", "0,2-3\n", "cpuset.mems", "0\n", "cpuset.cpu_exclusive", "0\n", "cpuset.sched_load_balance", "1\n",
                "cpuset.sched_relax_domain_level", "-1\n");
        files(cg("memory/c1"), "memory.max_usage_in_bytes", "2248704\n", "memory.failcnt", "0\n", "memory.limit_in_bytes", "67108864\n",
                "memory.memsw.usage_in_bytes", "454656\n", "memory.memsw.max_usage_in_bytes", "2248704\n", "memory.memsw.failcnt", "0\n",
                "memory.memsw.limit_in_bytes", "134217728\n", "memory.usage_in_bytes", "454656\n",
                "memory.kmem.tcp.usage_in_bytes", "0\n", "memory.kmem.tcp.max_usage_in_bytes", "0\n", "memory.kmem.tcp.failcnt", "0\n",
                "memory.kmem.tcp.limit_in_bytes", "9223372036854771712\n", "memory.stat", "rss 57344\ncache 8192\nswap 0\n");
        files(cg("pids/c1"), "pids.current", "1\n", "pids.max", "50\n");
        Map<String, Object> s = c.stats();
        assertEquals(List.of("cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt", "network_interfaces"), List.copyOf(s.keySet()));
        assertEquals("{usage={total=18613065, percpu=[18613065, 0], percpu_kernel=[12000000, 0], percpu_user=[4000000, 0], "
                + "kernel=10000000, user=0}, throttling={periods=2}}", s.get("cpu").toString());
        assertEquals("{cpus=[0, 2, 3], cpu_exclusive=0, mems=[0], mem_hardwall=0, mem_exclusive=0, memory_migrate=0, "
                + "memory_spread_page=0, memory_spread_slab=0, memory_pressure=0, sched_load_balance=1, sched_relax_domain_level=-1}",
                s.get("cpuset").toString());
        assertEquals("{cache=8192, usage={limit=67108864, usage=454656, max=2248704, failcnt=0}, "
                + "swap={limit=134217728, usage=454656, max=2248704, failcnt=0}, kernel={limit=0, failcnt=0}, "
                + "kernelTCP={limit=9223372036854771712, failcnt=0}, raw={cache=8192, rss=57344, swap=0}}", s.get("memory").toString());
        assertEquals("{current=1, limit=50}", s.get("pids").toString());
        assertEquals("{}", s.get("blkio").toString());
        assertEquals("{1GB={failcnt=0}, 2MB={failcnt=0}}", s.get("hugetlb").toString(), "from the cgroup2 dir on hybrid");
        assertNull(s.get("network_interfaces"));
    }

    @Test
    void v1BlkioStatsFromTheFirstGroupWithData() {
        files(cg("blkio/c1"), "blkio.bfq.io_serviced_recursive", "", "blkio.bfq.io_service_bytes_recursive", "",
                "blkio.throttle.io_serviced_recursive", "8:0 Read 2\n8:0 Write 1\nTotal 3\n",
                "blkio.throttle.io_service_bytes_recursive", "8:0 Read 8192\n8:0 Write 4096\n8:0 Sync 0\nTotal 12288\n");
        assertEquals("{ioServiceBytesRecursive=[{major=8, op=Read, value=8192}, {major=8, op=Write, value=4096}, {major=8, op=Sync}], "
                + "ioServicedRecursive=[{major=8, op=Read, value=2}, {major=8, op=Write, value=1}]}", Stats.blkioV1(cg("blkio/c1")).toString());
    }

    // ------------------------------------------------------------------ v2

    private static final String CONTROLLERS = "cpuset cpu io memory hugetlb pids rdma\n";

    private Cgroup v2() {
        Cgroup c = host("v2", fx).forContainer("c2", "/machine/c2", env);
        files(cg(""), "cgroup.controllers", CONTROLLERS, "cgroup.subtree_control", "\n");
        files(cg("machine"), "cgroup.controllers", CONTROLLERS, "cgroup.subtree_control", "memory pids\n");
        files(cg("machine/c2"), "cgroup.controllers", CONTROLLERS, "cgroup.type", "domain\n", "memory.max", "max\n", "memory.low", "0\n",
                "memory.swap.max", "max\n", "memory.current", "1000\n", "cpu.weight", "100\n", "cpu.max", "max 100000\n",
                "cpu.max.burst", "0\n", "cpu.idle", "0\n", "cpuset.cpus", "\n", "cpuset.mems", "\n", "pids.max", "max\n",
                "io.weight", "default 100\n", "io.max", "", "hugetlb.2MB.max", "max\n", "hugetlb.2MB.rsvd.max", "max\n",
                "rdma.max", "", "memory.high", "max\n", "cgroup.max.depth", "max\n", "cgroup.freeze", "0\n",
                "cgroup.events", "populated 0\nfrozen 0\n");
        return c;
    }

    @Test
    void v2CreateDelegatesControllersDownTheChain() {
        Cgroup c = v2();
        c.create();
        assertEquals(List.of("cgroup.subtree_control=+cpuset +cpu +io +memory +hugetlb +pids +rdma",
                "machine/cgroup.subtree_control=+cpuset +cpu +io +hugetlb +rdma"), writes(), "what is enabled already is left as is");
        // runc's rules for a level in a threaded subtree: memory/cpu/io/hugetlb limits are refused there,
        // naming the field; without them the level is made threaded and the container runs
        files(cg("machine/c3"), "cgroup.type", "domain invalid\n");
        Cgroup bad = host("v2", fx).forContainer("c3", "/machine/c3", env);
        Spec.Resources memory = new Spec.Resources(null, new Spec.Memory(1L << 20, null, null, null, null, null, null, null, null),
                null, null, null, null, null, null, null);
        JruncException e = assertThrows(JruncException.class, () -> bad.create(memory));
        assertEquals("/linux/cgroupsPath", e.pointer());
        assertTrue(e.getMessage().contains("invalid state"), e.getMessage());
        assertFalse(writes().contains("machine/c3/cgroup.type=threaded"));
        Spec.Resources pids = new Spec.Resources(null, null, null, new Spec.Pids(10L), null, null, null, null, null);
        bad.create(pids);
        assertTrue(writes().contains("machine/c3/cgroup.type=threaded"), writes().toString());
        files(cg("machine/c4"), "cgroup.type", "threaded\n");
        Cgroup threaded = host("v2", fx).forContainer("c4", "/machine/c4", env);
        e = assertThrows(JruncException.class, () -> threaded.create(memory));
        assertTrue(e.getMessage().contains("it is in threaded mode"), e.getMessage());
        threaded.create(pids);
        assertTrue(V2Cgroup.needsDomain(memory));
        assertFalse(V2Cgroup.needsDomain(pids));
        assertFalse(V2Cgroup.needsDomain(null));
    }

    @Test
    void v2WritesLikeRunc() {
        Cgroup c = v2();
        c.apply(res(new Spec.Pids(100L),
                new Spec.Memory(1048576L, 524288L, 3145728L, null, null, 60L, true, true, null),
                new Spec.Cpu(1024L, 50000L, 1000L, 100000L, null, null, "0-1", "0", 0L),
                new Spec.BlockIo(500, 300, List.of(new Spec.WeightDevice(8, 0, 100, null)), List.of(new Spec.ThrottleDevice(8, 0, 1048576)),
                        null, null, List.of(new Spec.ThrottleDevice(8, 0, 100))),
                new Spec.HugepageLimit("2MB", 4194304), Map.of("mlx5_0", new Spec.Rdma(3L, 4L)),
                Map.of("memory.high", "900000")));
        assertEquals(List.of("machine/c2/pids.max=100",
                "machine/c2/memory.swap.max=2097152", "machine/c2/memory.max=1048576", "machine/c2/memory.low=524288",
                "machine/c2/io.weight=4950", "machine/c2/io.weight=8:0 910", "machine/c2/io.max=8:0 rbps=1048576", "machine/c2/io.max=8:0 wiops=100",
                "machine/c2/cpu.idle=0", "machine/c2/cpu.weight=39", "machine/c2/cpu.max=50000 100000", "machine/c2/cpu.max.burst=1000",
                "machine/c2/cpuset.cpus=0-1", "machine/c2/cpuset.mems=0",
                "machine/c2/hugetlb.2MB.max=4194304", "machine/c2/hugetlb.2MB.rsvd.max=4194304",
                "machine/c2/rdma.max=mlx5_0 hca_handle=3 hca_object=4",
                "machine/c2/memory.high=900000"), writes());
        assertEquals(List.of(), warnings, "disableOOMKiller, swappiness, useHierarchy: silently ignored on v2, as runc");

        // only the period: the quota stays; -1 quota is "max"
        trace.clear();
        c.apply(res(cpu(null, null, 200000L)));
        assertEquals("50000 200000", read(cg("machine/c2"), "cpu.max"));
        c.apply(res(cpu(null, -1L, null)));
        assertEquals("max", read(cg("machine/c2"), "cpu.max"));
        // memory: -1 and no swap is unlimited both; memory == memory+swap is no swap
        trace.clear();
        c.apply(res(memory(-1L, null, null)));
        assertEquals(List.of("machine/c2/memory.swap.max=max", "machine/c2/memory.max=max"), writes());
        c.apply(res(memory(4096L, null, 4096L)));
        assertEquals("0", read(cg("machine/c2"), "memory.swap.max"));
        // weights: shares 2 -> 1, 262144 -> 10000
        assertEquals(1, V2Cgroup.sharesToWeight(2));
        assertEquals(10000, V2Cgroup.sharesToWeight(262144));
        assertEquals(1, V2Cgroup.blkioToIoWeight(10));
        assertEquals(10000, V2Cgroup.blkioToIoWeight(1000));
        c.apply(res(new Spec.Memory(null, null, null, 1L, 1L, null, null, null, null), new Spec.Cpu(null, null, null, null, 1L, 1L, null, null, null)));
        assertEquals(2, warnings.size(), warnings.toString());
    }

    @Test
    void v2BfqTakesBlkioWeightsAsTheyAre() {
        Cgroup c = v2();
        files(cg("machine/c2"), "io.bfq.weight", "default 100\n");
        c.apply(res(new Spec.BlockIo(500, null, List.of(new Spec.WeightDevice(8, 0, 100, null)), null, null, null, null)));
        assertEquals(List.of("machine/c2/io.bfq.weight=500", "machine/c2/io.bfq.weight=8:0 100"), writes());
    }

    @Test
    void v2Refusals() throws Exception {
        Cgroup c = v2();
        JruncException e = assertThrows(JruncException.class, () -> c.apply(res(memory(null, null, 1000L))));
        assertEquals("unable to set swap limit without memory limit", e.getMessage());
        e = assertThrows(JruncException.class, () -> c.apply(res(memory(2000L, null, 1000L))));
        assertEquals("memory+swap limit should be >= memory limit", e.getMessage());
        e = assertThrows(JruncException.class, () -> c.apply(res(new Spec.Memory(500L, null, null, null, null, null, null, null, true))));
        assertEquals("rejecting memory limit 500 <= usage 1000", e.getMessage());
        for (String k : List.of("../escape", "a/b", "..", "")) {
            e = assertThrows(JruncException.class, () -> c.apply(res(Map.of(k, "1"))), k);
            assertEquals("/linux/resources/unified", e.pointer());
        }
        e = assertThrows(JruncException.class, () -> c.apply(res(Map.of("misc.max", "1"))));
        assertTrue(e.getMessage().contains("controller \"misc\" not available"), e.getMessage());
        e = assertThrows(JruncException.class, () -> c.apply(res(Map.of("memory.nosuch", "1"))));
        assertTrue(e.getMessage().startsWith("unable to set unified resource \"memory.nosuch\""), e.getMessage());
        c.apply(res(Map.of("cgroup.max.depth", "3"))); // cgroup.* keys are allowed (runc)
        assertEquals("3", read(cg("machine/c2"), "cgroup.max.depth"));
        assertFalse(Files.exists(Path.of(cg("machine"), "escape")));
        // no swap accounting: "max" is ignored, a real swap limit is an error
        Files.delete(Path.of(cg("machine/c2"), "memory.swap.max"));
        c.apply(res(memory(-1L, null, null)));
        assertThrows(JruncException.class, () -> c.apply(res(memory(1000L, null, 3000L))));
    }

    @Test
    void v2StatsAndEvents() throws Exception {
        Cgroup c = v2();
        files(cg("machine/c2"), "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
                "memory.current", "4096\n", "memory.swap.current", "0\n", "memory.stat", "anon 100\nfile 200\n",
                "pids.current", "2\n", "io.stat", "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n",
                "hugetlb.2MB.current", "0\n", "hugetlb.2MB.events", "max 1\n", "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        Map<String, Object> s = c.stats();
        BigInteger max = new BigInteger("18446744073709551615");
        assertEquals("{usage={total=1500000, kernel=500000, user=1000000}, throttling={}}", s.get("cpu").toString());
        assertEquals(Map.of("limit", max, "usage", 4096L, "failcnt", 0L), ((Map<?, ?>) s.get("memory")).get("usage"));
        assertEquals(Map.of("limit", max, "usage", 4096L, "failcnt", 0L), ((Map<?, ?>) s.get("memory")).get("swap"));
        assertEquals(200L, ((Map<?, ?>) s.get("memory")).get("cache"));
        assertEquals("{current=2}", s.get("pids").toString());
        assertEquals("{ioServiceBytesRecursive=[{major=8, op=Read, value=4096}, {major=8, op=Write}], "
                + "ioServicedRecursive=[{major=8, op=Read, value=1}, {major=8, op=Write}]}", s.get("blkio").toString());
        assertEquals("{2MB={failcnt=1}}", s.get("hugetlb").toString());
        assertEquals(1, c.oomKillCount());
        // freezing reads cgroup.events; thaw writes 0
        Files.writeString(Path.of(cg("machine/c2"), "cgroup.events"), "populated 1\nfrozen 1\n");
        c.freeze();
        assertTrue(c.isFrozen());
        c.thaw();
        assertFalse(c.isFrozen());
    }

    @Test
    void noCgroup() {
        Cgroup n = Cgroup.load(Map.of());
        assertSame(Cgroup.none(), n);
        n.apply(res(memory(1L, null, null)));
        assertEquals(0, n.oomKillCount());
        assertThrows(JruncException.class, n::freeze);
    }
}
