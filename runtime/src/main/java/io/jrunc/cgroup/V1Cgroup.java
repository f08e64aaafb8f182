package io.jrunc.cgroup;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** cgroup v1: one directory per hierarchy; hybrid hosts are driven here too. */
final class V1Cgroup implements Cgroup {
    private final Map<String, String> paths;

    V1Cgroup(Map<String, String> paths) { this.paths = new LinkedHashMap<>(paths); }

    @Override public Map<String, String> paths() { return paths; }

    @Override public boolean isV2() { return false; }

    private String dir(String controller) { return paths.get(controller); }

    private Set<String> dirs() { return new LinkedHashSet<>(paths.values()); }

    @Override public void create() {
        for (String d : dirs()) Fs.mkdirs(d);
        // A new cpuset cgroup starts empty and refuses tasks (ENOSPC) until cpus and mems are set:
        // inherit them from the nearest ancestor that has them, top down.
        String cs = dir("cpuset");
        if (cs != null) inheritCpuset(Path.of(cs));
    }

    private static void inheritCpuset(Path d) {
        Path parent = d.getParent();
        if (parent == null) return;
        String pc = Fs.read(parent.toString(), "cpuset.cpus");
        if (pc == null) return;
        if (pc.isEmpty()) inheritCpuset(parent);
        for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
            String mine = Fs.read(d.toString(), f);
            if (mine != null && mine.isEmpty()) Fs.write(d.toString(), f, Fs.read(parent.toString(), f));
        }
    }

    @Override public void apply(Spec.Resources r) {
        if (r == null) return;
        if (r.unified() != null && !r.unified().isEmpty())
            throw JruncException.config("/linux/resources/unified", "unified resources need cgroup v2; this host runs cgroup v1");
        Spec.Memory m = r.memory();
        String mem = dir("memory");
        if (m != null && mem != null) {
            if (m.reservation() != null) Fs.write(mem, "memory.soft_limit_in_bytes", Long.toString(m.reservation()));
            // memsw must stay >= limit at every step: order the two writes by the direction of change.
            if (m.limit() != null || m.swap() != null) {
                String limit = m.limit() == null ? null : Long.toString(m.limit());
                String swap = m.swap() == null ? null : Long.toString(m.swap());
                boolean memsw = Fs.exists(mem, "memory.memsw.limit_in_bytes");
                long cur = parse(Fs.read(mem, "memory.limit_in_bytes"));
                boolean raising = m.limit() != null && (m.limit() == -1 || m.limit() > cur);
                if (swap != null && memsw && raising) Fs.write(mem, "memory.memsw.limit_in_bytes", swap);
                if (limit != null) Fs.write(mem, "memory.limit_in_bytes", limit);
                if (swap != null && memsw && !raising) Fs.write(mem, "memory.memsw.limit_in_bytes", swap);
                if (swap != null && !memsw && m.swap() != -1 && !m.swap().equals(m.limit()))
                    throw JruncException.config("/linux/resources/memory/swap", "swap limit given but this kernel has no memory.memsw (swap accounting off)");
            }
            if (m.swappiness() != null && m.swappiness() >= 0) Fs.write(mem, "memory.swappiness", Long.toString(m.swappiness()));
            if (Boolean.TRUE.equals(m.disableOOMKiller())) Fs.write(mem, "memory.oom_control", "1");
            if (Boolean.TRUE.equals(m.useHierarchy())) Fs.write(mem, "memory.use_hierarchy", "1");
        }
        Spec.Cpu c = r.cpu();
        if (c != null) {
            String cpu = dir("cpu");
            if (cpu != null) {
                if (c.shares() != null && c.shares() != 0) Fs.write(cpu, "cpu.shares", Long.toString(c.shares()));
                if (c.period() != null && c.period() != 0) Fs.write(cpu, "cpu.cfs_period_us", Long.toString(c.period()));
                if (c.quota() != null && c.quota() != 0) Fs.write(cpu, "cpu.cfs_quota_us", Long.toString(c.quota()));
                if (c.burst() != null) Fs.write(cpu, "cpu.cfs_burst_us", Long.toString(c.burst()));
                if (c.realtimePeriod() != null && c.realtimePeriod() != 0) Fs.write(cpu, "cpu.rt_period_us", Long.toString(c.realtimePeriod()));
                if (c.realtimeRuntime() != null && c.realtimeRuntime() != 0) Fs.write(cpu, "cpu.rt_runtime_us", Long.toString(c.realtimeRuntime()));
                if (c.idle() != null) Fs.write(cpu, "cpu.idle", Long.toString(c.idle()));
            }
            String cs = dir("cpuset");
            if (cs != null) {
                if (c.cpus() != null && !c.cpus().isEmpty()) Fs.write(cs, "cpuset.cpus", c.cpus());
                if (c.mems() != null && !c.mems().isEmpty()) Fs.write(cs, "cpuset.mems", c.mems());
            }
        }
        if (r.pids() != null && r.pids().limit() != null && dir("pids") != null)
            Fs.write(dir("pids"), "pids.max", r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max");
        Spec.BlockIo b = r.blockIO();
        String blk = dir("blkio");
        if (b != null && blk != null) {
            if (b.weight() != null && b.weight() != 0) Fs.write(blk, weightFile(blk, "weight"), Integer.toString(b.weight()));
            if (b.leafWeight() != null && b.leafWeight() != 0) Fs.write(blk, "blkio.leaf_weight", Integer.toString(b.leafWeight()));
            if (b.weightDevice() != null) for (Spec.WeightDevice w : b.weightDevice()) {
                if (w.weight() != null) Fs.write(blk, weightFile(blk, "weight_device"), w.major() + ":" + w.minor() + " " + w.weight());
                if (w.leafWeight() != null) Fs.write(blk, "blkio.leaf_weight_device", w.major() + ":" + w.minor() + " " + w.leafWeight());
            }
            throttle(blk, "blkio.throttle.read_bps_device", b.throttleReadBpsDevice());
            throttle(blk, "blkio.throttle.write_bps_device", b.throttleWriteBpsDevice());
            throttle(blk, "blkio.throttle.read_iops_device", b.throttleReadIOPSDevice());
            throttle(blk, "blkio.throttle.write_iops_device", b.throttleWriteIOPSDevice());
        }
        if (r.hugepageLimits() != null && dir("hugetlb") != null)
            for (Spec.HugepageLimit h : r.hugepageLimits())
                Fs.write(dir("hugetlb"), "hugetlb." + h.pageSize() + ".limit_in_bytes", Long.toString(h.limit()));
        if (r.network() != null) {
            if (r.network().classID() != null && dir("net_cls") != null)
                Fs.write(dir("net_cls"), "net_cls.classid", Long.toString(r.network().classID()));
            if (r.network().priorities() != null && dir("net_prio") != null)
                for (Spec.NetPriority p : r.network().priorities())
                    Fs.write(dir("net_prio"), "net_prio.ifpriomap", p.name() + " " + p.priority());
        }
        if (r.devices() != null && dir("devices") != null) {
            String dev = dir("devices");
            for (Spec.DeviceRule d : r.devices()) {
                String type = d.type() == null || d.type().isEmpty() ? "a" : d.type();
                String rule = type + " " + (d.major() == null || d.major() < 0 ? "*" : d.major()) + ":"
                        + (d.minor() == null || d.minor() < 0 ? "*" : d.minor()) + " " + (d.access() == null ? "rwm" : d.access());
                if (type.equals("a")) rule = "a";
                Fs.write(dev, d.allow() ? "devices.allow" : "devices.deny", rule);
            }
        }
    }

    /** CFQ's blkio.weight vs BFQ's blkio.bfq.weight: use whichever the kernel offers. */
    private static String weightFile(String blk, String name) {
        return Fs.exists(blk, "blkio." + name) ? "blkio." + name : "blkio.bfq." + name;
    }

    private static void throttle(String blk, String file, List<Spec.ThrottleDevice> l) {
        if (l != null) for (Spec.ThrottleDevice t : l) Fs.write(blk, file, t.major() + ":" + t.minor() + " " + t.rate());
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override public void addProcess(int pid) {
        for (String d : dirs()) Fs.write(d, "cgroup.procs", Integer.toString(pid));
    }

    /** One hierarchy is enough to list the container's processes; prefer the ones every host has. */
    private String anyDir() {
        for (String c : List.of("pids", "freezer", "memory", "cpu", "devices")) if (dir(c) != null) return dir(c);
        return dirs().iterator().next();
    }

    @Override public List<Integer> pids() { return Fs.procs(anyDir()); }

    @Override public void freeze() {
        String f = dir("freezer");
        if (f == null) throw new JruncException("cannot pause: no freezer cgroup on this host");
        Fs.write(f, "freezer.state", "FROZEN");
        for (int i = 0; i < 1000 && !"FROZEN".equals(Fs.read(f, "freezer.state")); i++) {
            // The kernel moves FREEZING -> FROZEN once every task is stopped; re-poke it as runc does.
            if (i % 10 == 9) Fs.write(f, "freezer.state", "FROZEN");
            sleep();
        }
        if (!"FROZEN".equals(Fs.read(f, "freezer.state"))) {
            Fs.write(f, "freezer.state", "THAWED");
            throw new JruncException("cannot freeze the container: tasks would not stop");
        }
    }

    @Override public void thaw() {
        String f = dir("freezer");
        if (f != null && Fs.exists(f, "freezer.state")) Fs.write(f, "freezer.state", "THAWED");
    }

    @Override public boolean isFrozen() {
        String f = dir("freezer");
        return f != null && "FROZEN".equals(Fs.read(f, "freezer.state"));
    }

    @Override public void killAll(int signal) {
        boolean freezer = dir("freezer") != null && Fs.exists(dir("freezer"), "freezer.state");
        // Frozen, nobody can fork a new task between our listing and our kill.
        if (freezer) {
            try { freeze(); } catch (JruncException e) { freezer = false; }
        }
        try {
            for (int pid : pids()) {
                try { Linux.get().kill(pid, signal); } catch (LinuxException ignored) { }
            }
        } finally {
            if (freezer) thaw();
        }
    }

    @Override public void destroy() {
        if (!pids().isEmpty()) {
            killAll(9);
            for (int i = 0; i < 500 && !pids().isEmpty(); i++) sleep();
        }
        List<String> ds = new ArrayList<>(dirs());
        for (String d : ds) Fs.removeTree(d);
    }

    @Override public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        String acct = dir("cpuacct"), cpu = dir("cpu");
        Map<String, Object> usage = new LinkedHashMap<>();
        if (acct != null) {
            usage.put("total", Fs.num(acct, "cpuacct.usage"));
            List<Long> percpu = new ArrayList<>();
            String pc = Fs.read(acct, "cpuacct.usage_percpu");
            if (pc != null) for (String x : pc.split("\\s+")) if (!x.isEmpty()) percpu.add(Long.parseLong(x));
            usage.put("percpu", percpu);
            // cpuacct.stat is in USER_HZ ticks (100/s); runc reports nanoseconds.
            Map<String, Long> st = Fs.keyed(acct, "cpuacct.stat");
            usage.put("kernel", st.getOrDefault("system", 0L) * 10_000_000L);
            usage.put("user", st.getOrDefault("user", 0L) * 10_000_000L);
        }
        Map<String, Object> thr = new LinkedHashMap<>();
        if (cpu != null) {
            Map<String, Long> st = Fs.keyed(cpu, "cpu.stat");
            thr.put("periods", st.getOrDefault("nr_periods", 0L));
            thr.put("throttledPeriods", st.getOrDefault("nr_throttled", 0L));
            thr.put("throttledTime", st.getOrDefault("throttled_time", 0L));
        }
        out.put("cpu", Map.of("usage", usage, "throttling", thr));
        String mem = dir("memory");
        if (mem != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cache", Fs.keyed(mem, "memory.stat").getOrDefault("cache", 0L));
            m.put("usage", entry(mem, "memory."));
            m.put("swap", entry(mem, "memory.memsw."));
            m.put("kernel", entry(mem, "memory.kmem."));
            m.put("kernelTCP", entry(mem, "memory.kmem.tcp."));
            m.put("raw", Fs.keyed(mem, "memory.stat"));
            out.put("memory", m);
        }
        String pids = dir("pids");
        if (pids != null) {
            long lim = Fs.num(pids, "pids.max");
            out.put("pids", Map.of("current", Fs.num(pids, "pids.current"), "limit", lim == Long.MAX_VALUE ? 0 : lim));
        }
        out.put("blkio", Map.of());
        out.put("hugetlb", Map.of());
        return out;
    }

    private static Map<String, Object> entry(String dir, String prefix) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("limit", Fs.num(dir, prefix + "limit_in_bytes"));
        e.put("usage", Fs.num(dir, prefix + "usage_in_bytes"));
        e.put("max", Fs.num(dir, prefix + "max_usage_in_bytes"));
        e.put("failcnt", Fs.num(dir, prefix + "failcnt"));
        return e;
    }

    @Override public long oomKills() {
        String mem = dir("memory");
        return mem == null ? 0 : Fs.keyed(mem, "memory.oom_control").getOrDefault("oom_kill", 0L);
    }

    @Override public List<Hierarchy> hierarchies() {
        Map<String, List<String>> byDir = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : paths.entrySet()) byDir.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
        List<Hierarchy> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byDir.entrySet()) {
            // The mount point is the hierarchy's directory under /sys/fs/cgroup, named like its controllers.
            String ctrls = String.join(",", e.getValue());
            String name = ctrls.startsWith("name=") ? ctrls.substring(5) : ctrls;
            out.add(new Hierarchy("/sys/fs/cgroup/" + name, ctrls, e.getKey()));
        }
        return out;
    }

    static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
