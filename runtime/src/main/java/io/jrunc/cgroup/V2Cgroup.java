package io.jrunc.cgroup;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** cgroup v2: one directory in the unified hierarchy. */
final class V2Cgroup implements Cgroup {
    private final String dir;

    V2Cgroup(String dir) { this.dir = dir; }

    @Override public Map<String, String> paths() { return Map.of("", dir); }

    @Override public boolean isV2() { return true; }

    String dir() { return dir; }

    @Override public void create() {
        Path d = Path.of(dir);
        // Controllers must be enabled in every ancestor's subtree_control for the leaf to have them.
        List<Path> chain = new ArrayList<>();
        for (Path p = d.getParent(); p != null && Fs.exists(p.toString(), "cgroup.controllers"); p = p.getParent()) chain.add(0, p);
        Fs.mkdirs(dir);
        for (Path p : chain) {
            String avail = Fs.read(p.toString(), "cgroup.controllers");
            if (avail == null || avail.isEmpty()) continue;
            StringBuilder sb = new StringBuilder();
            for (String c : avail.split(" ")) sb.append(sb.length() == 0 ? "" : " ").append('+').append(c);
            try {
                Fs.write(p.toString(), "cgroup.subtree_control", sb.toString());
            } catch (JruncException e) {
                // The root or a cgroup with processes cannot delegate every controller ("no internal
                // processes"); what could be enabled is enough, limits that need more fail clearly later.
            }
        }
    }

    /** runc 1.1's shares -> weight mapping: [2, 262144] onto [1, 10000]. */
    static long sharesToWeight(long shares) {
        if (shares == 0) return 0;
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /** blkio weight [10, 1000] onto io.weight [1, 10000]. */
    static long blkioToIoWeight(long w) {
        if (w == 0) return 0;
        return 1 + (w - 10) * 9999 / 990;
    }

    private static String max(long v) { return v < 0 ? "max" : Long.toString(v); }

    @Override public void apply(Spec.Resources r) {
        if (r == null) return;
        Spec.Memory m = r.memory();
        if (m != null) {
            if (m.reservation() != null) Fs.write(dir, "memory.low", max(m.reservation()));
            if (m.limit() != null) Fs.write(dir, "memory.max", max(m.limit()));
            // runtime-spec swap is memory+swap (v1 memsw); v2 wants the swap part alone.
            if (m.swap() != null) {
                String swap;
                if (m.swap() < 0) swap = "max";
                else if (m.limit() == null || m.limit() < 0) throw JruncException.config("/linux/resources/memory/swap",
                        "a swap limit on cgroup v2 needs a memory limit");
                else if (m.swap() < m.limit()) throw JruncException.config("/linux/resources/memory/swap",
                        "swap (memory+swap) " + m.swap() + " is below the memory limit " + m.limit());
                else swap = Long.toString(m.swap() - m.limit());
                if (Fs.exists(dir, "memory.swap.max")) Fs.write(dir, "memory.swap.max", swap);
            }
            if (Boolean.TRUE.equals(m.disableOOMKiller()))
                throw JruncException.config("/linux/resources/memory/disableOOMKiller", "disableOOMKiller is not supported on cgroup v2");
        }
        Spec.Cpu c = r.cpu();
        if (c != null) {
            if (c.shares() != null && c.shares() != 0) Fs.write(dir, "cpu.weight", Long.toString(sharesToWeight(c.shares())));
            if ((c.quota() != null && c.quota() != 0) || (c.period() != null && c.period() != 0)) {
                String q = c.quota() == null || c.quota() == 0 ? "max" : max(c.quota());
                long period = c.period() == null || c.period() == 0 ? 100000 : c.period();
                Fs.write(dir, "cpu.max", q + " " + period);
            }
            if (c.burst() != null) Fs.write(dir, "cpu.max.burst", Long.toString(c.burst()));
            if (c.idle() != null) Fs.write(dir, "cpu.idle", Long.toString(c.idle()));
            if (c.cpus() != null && !c.cpus().isEmpty()) Fs.write(dir, "cpuset.cpus", c.cpus());
            if (c.mems() != null && !c.mems().isEmpty()) Fs.write(dir, "cpuset.mems", c.mems());
        }
        if (r.pids() != null && r.pids().limit() != null)
            Fs.write(dir, "pids.max", r.pids().limit() > 0 ? Long.toString(r.pids().limit()) : "max");
        Spec.BlockIo b = r.blockIO();
        if (b != null) {
            if (b.weight() != null && b.weight() != 0) Fs.write(dir, "io.weight", "default " + blkioToIoWeight(b.weight()));
            if (b.weightDevice() != null) for (Spec.WeightDevice w : b.weightDevice())
                if (w.weight() != null) Fs.write(dir, "io.weight", w.major() + ":" + w.minor() + " " + blkioToIoWeight(w.weight()));
            io(b.throttleReadBpsDevice(), "rbps");
            io(b.throttleWriteBpsDevice(), "wbps");
            io(b.throttleReadIOPSDevice(), "riops");
            io(b.throttleWriteIOPSDevice(), "wiops");
        }
        if (r.hugepageLimits() != null)
            for (Spec.HugepageLimit h : r.hugepageLimits()) Fs.write(dir, "hugetlb." + h.pageSize() + ".max", Long.toString(h.limit()));
        if (r.unified() != null) {
            for (Map.Entry<String, String> e : r.unified().entrySet()) {
                String k = e.getKey();
                if (k.contains("/") || k.startsWith(".") || k.startsWith("cgroup."))
                    throw JruncException.config("/linux/resources/unified/" + k, "\"" + k + "\" is not a resource file");
                Fs.write(dir, k, e.getValue());
            }
        }
        // v2 has no devices.allow: the same rules become an eBPF program attached to the cgroup. With
        // BPF_F_ALLOW_MULTI every attached program must allow, so a later update can only narrow access.
        if (r.devices() != null && !r.devices().isEmpty())
            io.jrunc.sys.Bpf.attachDeviceFilter(dir, DeviceFilter.program(r.devices()));
    }

    private void io(List<Spec.ThrottleDevice> l, String key) {
        if (l != null) for (Spec.ThrottleDevice t : l) Fs.write(dir, "io.max", t.major() + ":" + t.minor() + " " + key + "=" + t.rate());
    }

    @Override public void addProcess(int pid) { Fs.write(dir, "cgroup.procs", Integer.toString(pid)); }

    @Override public List<Integer> pids() { return Fs.procs(dir); }

    @Override public void freeze() {
        Fs.write(dir, "cgroup.freeze", "1");
        for (int i = 0; i < 1000 && !isFrozen(); i++) V1Cgroup.sleep();
        if (!isFrozen()) {
            Fs.write(dir, "cgroup.freeze", "0");
            throw new JruncException("cannot freeze the container: tasks would not stop");
        }
    }

    @Override public void thaw() {
        if (Fs.exists(dir, "cgroup.freeze")) Fs.write(dir, "cgroup.freeze", "0");
    }

    @Override public boolean isFrozen() {
        String ev = Fs.read(dir, "cgroup.events");
        if (ev == null) return false;
        for (String l : ev.split("\n")) if (l.equals("frozen 1")) return true;
        return false;
    }

    @Override public void killAll(int signal) {
        if (signal == 9 && Fs.exists(dir, "cgroup.kill")) {
            Fs.write(dir, "cgroup.kill", "1");
            return;
        }
        boolean froze = false;
        try {
            freeze();
            froze = true;
        } catch (JruncException ignored) {
            // signal what we can see
        }
        try {
            for (int pid : pids()) {
                try { Linux.get().kill(pid, signal); } catch (LinuxException ignored) { }
            }
        } finally {
            if (froze) thaw();
        }
    }

    @Override public void destroy() {
        if (!pids().isEmpty()) {
            killAll(9);
            for (int i = 0; i < 500 && !pids().isEmpty(); i++) V1Cgroup.sleep();
        }
        Fs.removeTree(dir);
    }

    @Override public Map<String, Object> stats() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        Map<String, Long> cs = Fs.keyed(dir, "cpu.stat");
        Map<String, Object> usage = new java.util.LinkedHashMap<>();
        usage.put("total", cs.getOrDefault("usage_usec", 0L) * 1000);
        usage.put("kernel", cs.getOrDefault("system_usec", 0L) * 1000);
        usage.put("user", cs.getOrDefault("user_usec", 0L) * 1000);
        Map<String, Object> thr = new java.util.LinkedHashMap<>();
        thr.put("periods", cs.getOrDefault("nr_periods", 0L));
        thr.put("throttledPeriods", cs.getOrDefault("nr_throttled", 0L));
        thr.put("throttledTime", cs.getOrDefault("throttled_usec", 0L) * 1000);
        out.put("cpu", Map.of("usage", usage, "throttling", thr));
        if (Fs.exists(dir, "memory.current")) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            long max = Fs.num(dir, "memory.max");
            m.put("usage", Map.of("usage", Fs.num(dir, "memory.current"), "limit", max, "max", Fs.num(dir, "memory.peak"),
                    "failcnt", Fs.keyed(dir, "memory.events").getOrDefault("max", 0L)));
            m.put("swap", Map.of("usage", Fs.num(dir, "memory.swap.current"), "limit", Fs.num(dir, "memory.swap.max")));
            m.put("raw", Fs.keyed(dir, "memory.stat"));
            out.put("memory", m);
        }
        if (Fs.exists(dir, "pids.current")) {
            long lim = Fs.num(dir, "pids.max");
            out.put("pids", Map.of("current", Fs.num(dir, "pids.current"), "limit", lim == Long.MAX_VALUE ? 0 : lim));
        }
        out.put("blkio", Map.of());
        out.put("hugetlb", Map.of());
        return out;
    }

    @Override public long oomKills() { return Fs.keyed(dir, "memory.events").getOrDefault("oom_kill", 0L); }

    @Override public List<Hierarchy> hierarchies() { return List.of(new Hierarchy("/sys/fs/cgroup", "", dir)); }
}
