package io.jrunc.cgroup;

import static io.jrunc.cgroup.V2Cgroup.z;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * cgroup v1 (runc's fs driver): one directory per hierarchy. On a hybrid host the cgroup2 directory
 * (key "") is created, joined and removed too, as runc does; it also carries the hugetlb limits when
 * hugetlb is only available there, and freezing when there is no v1 freezer.
 */
final class V1Cgroup implements Cgroup {
    static final int SIGKILL = 9;

    private final Map<String, String> paths;
    private List<Hierarchy> hierarchies;
    /** The hybrid host's cgroup2 directory, or null. */
    private final V2Cgroup unified;

    /** hierarchies and unifiedMount may be null (re-opened from state.json): then found on the host when needed. */
    private final Env env;

    V1Cgroup(Map<String, String> paths, List<Hierarchy> hierarchies, String unifiedMount, Env env) {
        this.paths = new LinkedHashMap<>(paths);
        this.hierarchies = hierarchies;
        this.env = env;
        this.unified = paths.containsKey("") ? new V2Cgroup(paths.get(""), unifiedMount, env) : null;
    }

    @Override public Map<String, String> paths() { return java.util.Collections.unmodifiableMap(paths); }

    @Override public boolean isV2() { return false; }

    /** The v1 directories, each once ("cpu" and "cpuacct" may share one). */
    private Set<String> v1Dirs() {
        Set<String> s = new LinkedHashSet<>();
        for (Map.Entry<String, String> e : paths.entrySet()) if (!e.getKey().isEmpty()) s.add(e.getValue());
        return s;
    }

    /** The directory of a controller whose limit is about to be written; runc's error when there is none. */
    private String need(String controller) {
        String d = paths.get(controller);
        if (d == null) throw new JruncException("cannot set " + controller + " limit: container could not join or create cgroup");
        return d;
    }

    // ---------------------------------------------------------------- create

    @Override public void create() {
        if (paths.isEmpty()) throw new JruncException("no cgroup mount found in mountinfo");
        // runc: without the devices hierarchy the container's device access cannot be confined
        if (!paths.containsKey("devices")) throw new JruncException("cgroup v1 devices controller is not mounted (mountpoint for devices not found)");
        for (String d : v1Dirs()) Fs.mkdirs(d);
        String cs = paths.get("cpuset");
        if (cs != null) inheritCpuset(cs);
        if (unified != null) unified.create(false, null); // runc only makes and joins it
    }

    /**
     * A new cpuset cgroup has empty cpus/mems and refuses tasks (ENOSPC): as runc's cpusetEnsureParent,
     * copy them from the parent, top down from the hierarchy's root, wherever they are empty.
     */
    private void inheritCpuset(String leaf) {
        Path d = Path.of(leaf);
        Path top = d;
        String mp = mountPointOf("cpuset");
        if (mp != null && d.startsWith(mp)) top = Path.of(mp);
        else while (top.getParent() != null && Fs.exists(top.getParent().toString(), "cpuset.cpus")) top = top.getParent();
        Path cur = top;
        for (Path part : top.relativize(d)) {
            if (part.toString().isEmpty()) continue;
            Path parent = cur;
            cur = cur.resolve(part);
            for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
                String mine = Fs.read(cur.toString(), f);
                if (mine != null && mine.isEmpty()) {
                    String v = Fs.read(parent.toString(), f);
                    if (v != null && !v.isEmpty()) Fs.write(cur.toString(), f, v);
                }
            }
        }
    }

    // ---------------------------------------------------------------- apply

    /** In runc's subsystem order: cpuset, devices, memory, cpu, pids, blkio, hugetlb, net_cls, net_prio, rdma. */
    @Override public void apply(Spec.Resources r) {
        if (r == null) return;
        if (r.unified() != null && !r.unified().isEmpty())
            throw JruncException.config("/linux/resources/unified",
                    "invalid configuration: cannot use unified on cgroup v1 (linux.resources.unified requires cgroup v2)");
        if (r.cpu() != null && (notEmpty(r.cpu().cpus()) || notEmpty(r.cpu().mems()))) V2Cgroup.applyCpuset(need("cpuset"), r.cpu());
        if (r.devices() != null && !r.devices().isEmpty()) applyDevices(need("devices"), r.devices());
        if (r.memory() != null) applyMemory(r.memory());
        if (r.cpu() != null) applyCpu(r.cpu());
        if (r.pids() != null && z(r.pids().limit()) != 0) V2Cgroup.applyPids(need("pids"), r.pids());
        if (r.blockIO() != null) applyBlkio(r.blockIO());
        if (r.hugepageLimits() != null && !r.hugepageLimits().isEmpty()) applyHugetlb(r.hugepageLimits());
        Spec.Network n = r.network();
        if (n != null && z(n.classID()) != 0) Fs.write(need("net_cls"), "net_cls.classid", Long.toString(n.classID()));
        if (n != null && n.priorities() != null && !n.priorities().isEmpty()) {
            String d = need("net_prio");
            for (Spec.NetPriority p : n.priorities()) Fs.write(d, "net_prio.ifpriomap", p.name() + " " + p.priority());
        }
        if (r.rdma() != null && !r.rdma().isEmpty()) V2Cgroup.applyRdma(need("rdma"), r.rdma());
    }

    private static boolean notEmpty(String s) { return s != null && !s.isEmpty(); }

    /**
     * devices.allow / devices.deny, one rule per write, in order (the kernel's last matching rule wins
     * the same way). "a" (every device, rwm) switches the default; a partial "a" rule is written for c and b.
     */
    static void applyDevices(String dir, List<Spec.DeviceRule> rules) {
        for (Spec.DeviceRule d : rules) {
            String file = d.allow() ? "devices.allow" : "devices.deny";
            String type = d.type() == null || d.type().isEmpty() ? "a" : d.type();
            String access = d.access() == null || d.access().isEmpty() ? "rwm" : d.access();
            DeviceFilter.access(access); // validates
            String mm = (d.major() == null || d.major() < 0 ? "*" : d.major().toString()) + ":"
                    + (d.minor() == null || d.minor() < 0 ? "*" : d.minor().toString());
            if (type.equals("a")) {
                if (mm.equals("*:*") && DeviceFilter.access(access) == 7) {
                    Fs.write(dir, file, "a");
                } else {
                    Fs.write(dir, file, "c " + mm + " " + access);
                    Fs.write(dir, file, "b " + mm + " " + access);
                }
            } else if (type.equals("c") || type.equals("b")) {
                Fs.write(dir, file, type + " " + mm + " " + access);
            } else {
                throw JruncException.config("/linux/resources/devices", "invalid device rule type \"" + type + "\"");
            }
        }
    }

    private void applyMemory(Spec.Memory m) {
        if (m.kernel() != null || m.kernelTCP() != null) env.warning("Kernel memory settings are ignored and will be removed");
        long limit = z(m.limit()), swap = z(m.swap()), reservation = z(m.reservation());
        boolean oom = Boolean.TRUE.equals(m.disableOOMKiller());
        Long swappiness = m.swappiness();
        boolean setSwappiness = swappiness != null && swappiness != -1;
        if (limit == 0 && swap == 0 && reservation == 0 && !oom && !setSwappiness && m.useHierarchy() == null) return;
        String mem = need("memory");
        if (Boolean.TRUE.equals(m.checkBeforeUpdate())) V2Cgroup.checkUsage(Fs.num(mem, "memory.usage_in_bytes"), limit, swap);
        // runc's setMemoryAndSwap: memsw must stay >= limit after each write, so the order depends on
        // whether the pair grows or shrinks.
        boolean memsw = Fs.exists(mem, "memory.memsw.limit_in_bytes");
        if (limit == -1 && swap == 0 && memsw) swap = -1;
        if (limit != 0 && swap != 0 && (swap == -1 || Long.compareUnsigned(Fs.num(mem, "memory.limit_in_bytes"), swap) < 0)) {
            setSwap(mem, swap, memsw);
            setMemory(mem, limit);
        } else {
            setMemory(mem, limit);
            setSwap(mem, swap, memsw);
        }
        if (reservation != 0) Fs.write(mem, "memory.soft_limit_in_bytes", Long.toString(reservation));
        if (oom) Fs.write(mem, "memory.oom_control", "1");
        if (setSwappiness) {
            if (swappiness < 0 || swappiness > 100)
                throw JruncException.config("/linux/resources/memory/swappiness",
                        "invalid value:" + swappiness + ". valid memory swappiness range is 0-100");
            Fs.write(mem, "memory.swappiness", Long.toString(swappiness));
        }
        if (m.useHierarchy() != null) {
            String v = m.useHierarchy() ? "1" : "0";
            if (!v.equals(Fs.read(mem, "memory.use_hierarchy"))) {
                IOException e = Fs.tryWrite(mem, "memory.use_hierarchy", v);
                // kernels since 5.16 are always hierarchical and refuse 0
                if (e != null) env.warning("memory.use_hierarchy cannot be set to " + v + ": " + Fs.reason(e));
            }
        }
    }

    private static void setMemory(String mem, long limit) {
        if (limit == 0) return;
        IOException e = Fs.tryWrite(mem, "memory.limit_in_bytes", Long.toString(limit));
        if (e == null) return;
        if (Fs.busy(e))
            throw new JruncException("unable to set memory limit to " + limit + " (current usage: " + Fs.num(mem, "memory.usage_in_bytes")
                    + ", peak usage: " + Fs.num(mem, "memory.max_usage_in_bytes") + ")", e);
        throw Fs.failed(mem, "memory.limit_in_bytes", Long.toString(limit), e);
    }

    private static void setSwap(String mem, long swap, boolean memsw) {
        if (swap == 0) return;
        if (!memsw)
            throw new JruncException("cannot set memory+swap limit " + swap + ": this kernel has no swap accounting ("
                    + mem + "/memory.memsw.limit_in_bytes does not exist; boot with swapaccount=1)");
        Fs.write(mem, "memory.memsw.limit_in_bytes", Long.toString(swap));
    }

    private void applyCpu(Spec.Cpu c) {
        long shares = z(c.shares()), period = z(c.period()), quota = z(c.quota());
        long rtPeriod = z(c.realtimePeriod()), rtRuntime = z(c.realtimeRuntime());
        if (shares == 0 && period == 0 && quota == 0 && rtPeriod == 0 && rtRuntime == 0 && c.burst() == null && c.idle() == null) return;
        String cpu = need("cpu");
        if (shares != 0) {
            Fs.write(cpu, "cpu.shares", Long.toString(shares));
            long got = Fs.num(cpu, "cpu.shares"); // the kernel clamps to [2, 262144]
            if (shares > got) throw new JruncException("the maximum allowed cpu-shares is " + got);
            if (shares < got) throw new JruncException("the minimum allowed cpu-shares is " + got);
        }
        String retryPeriod = null;
        if (period != 0) {
            IOException e = Fs.tryWrite(cpu, "cpu.cfs_period_us", Long.toString(period));
            // A smaller period can be refused (EINVAL) while the old quota/new period exceeds the
            // parent's limit: set the quota, then retry.
            if (e != null) {
                if (!Fs.invalid(e) || quota == 0) throw Fs.failed(cpu, "cpu.cfs_period_us", Long.toString(period), e);
                retryPeriod = Long.toString(period);
            }
        }
        if (quota != 0) {
            Fs.write(cpu, "cpu.cfs_quota_us", Long.toString(quota));
            if (retryPeriod != null) Fs.write(cpu, "cpu.cfs_period_us", retryPeriod);
        }
        if (c.burst() != null) Fs.write(cpu, "cpu.cfs_burst_us", Long.toString(c.burst()));
        if (rtPeriod != 0) Fs.write(cpu, "cpu.rt_period_us", Long.toString(rtPeriod));
        if (rtRuntime != 0) Fs.write(cpu, "cpu.rt_runtime_us", Long.toString(rtRuntime));
        if (c.idle() != null) Fs.write(cpu, "cpu.idle", Long.toString(c.idle()));
    }

    private void applyBlkio(Spec.BlockIo b) {
        long weight = z(b.weight()), leaf = z(b.leafWeight());
        boolean any = weight != 0 || leaf != 0 || has(b.weightDevice()) || has(b.throttleReadBpsDevice())
                || has(b.throttleWriteBpsDevice()) || has(b.throttleReadIOPSDevice()) || has(b.throttleWriteIOPSDevice());
        if (!any) return;
        String blk = need("blkio");
        // CFQ's blkio.weight or, on kernels with BFQ only, blkio.bfq.weight (runc's detectWeightFilenames)
        boolean cfq = Fs.exists(blk, "blkio.weight");
        String wf = cfq ? "blkio.weight" : "blkio.bfq.weight", wdf = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
        if (weight != 0) Fs.write(blk, wf, Long.toString(weight));
        if (leaf != 0) Fs.write(blk, "blkio.leaf_weight", Long.toString(leaf));
        if (b.weightDevice() != null) for (Spec.WeightDevice w : b.weightDevice()) {
            if (z(w.weight()) != 0) Fs.write(blk, wdf, w.major() + ":" + w.minor() + " " + w.weight());
            if (z(w.leafWeight()) != 0) Fs.write(blk, "blkio.leaf_weight_device", w.major() + ":" + w.minor() + " " + w.leafWeight());
        }
        throttle(blk, "blkio.throttle.read_bps_device", b.throttleReadBpsDevice());
        throttle(blk, "blkio.throttle.write_bps_device", b.throttleWriteBpsDevice());
        throttle(blk, "blkio.throttle.read_iops_device", b.throttleReadIOPSDevice());
        throttle(blk, "blkio.throttle.write_iops_device", b.throttleWriteIOPSDevice());
    }

    private static boolean has(List<?> l) { return l != null && !l.isEmpty(); }

    private static void throttle(String blk, String file, List<Spec.ThrottleDevice> l) {
        if (l != null) for (Spec.ThrottleDevice t : l) Fs.write(blk, file, t.major() + ":" + t.minor() + " " + t.rate());
    }

    private void applyHugetlb(List<Spec.HugepageLimit> limits) {
        String d = paths.get("hugetlb");
        if (d == null && unified != null && unified.available("hugetlb")) {
            // hybrid host whose hugetlb controller lives in cgroup2 (runc fails here)
            unified.delegate(Set.of("hugetlb"));
            unified.applyHugetlb(limits);
            return;
        }
        d = need("hugetlb");
        boolean rsvd = true;
        for (Spec.HugepageLimit h : limits) {
            String prefix = "hugetlb." + h.pageSize(), v = Long.toString(h.limit());
            Fs.write(d, prefix + ".limit_in_bytes", v);
            if (!rsvd) continue;
            IOException e = Fs.tryWrite(d, prefix + ".rsvd.limit_in_bytes", v);
            if (e != null) {
                if (!Fs.missing(e)) throw Fs.failed(d, prefix + ".rsvd.limit_in_bytes", v, e);
                rsvd = false;
            }
        }
    }

    // ---------------------------------------------------------------- processes

    @Override public void addProcess(int pid) {
        for (String d : v1Dirs()) Fs.write(d, "cgroup.procs", Integer.toString(pid));
        if (unified != null) unified.addProcess(pid);
    }

    /** One hierarchy lists the processes; prefer those every v1 host has. */
    @Override public String procsDir() {
        for (String c : List.of("pids", "freezer", "memory", "devices", "cpu")) if (paths.containsKey(c)) return paths.get(c);
        return paths.isEmpty() ? null : paths.values().iterator().next();
    }

    @Override public List<Integer> pids() {
        String d = procsDir();
        return d == null ? List.of() : Fs.procs(d);
    }

    /** runc's v1 freezer: write FROZEN until the state reads FROZEN, thawing now and then to let forks settle. */
    @Override public void freeze() {
        String f = paths.get("freezer");
        if (f == null) {
            if (unified != null) { unified.freeze(); return; }
            throw new JruncException("cannot toggle freezer: cgroups not configured for container");
        }
        for (int i = 0; i < 1000; i++) {
            if (i % 50 == 49) {
                Fs.tryWrite(f, "freezer.state", "THAWED");
                Fs.sleep(10);
            }
            Fs.write(f, "freezer.state", "FROZEN");
            if (i % 25 == 24) Fs.sleep(1);
            String s = Fs.read(f, "freezer.state");
            if ("FROZEN".equals(s)) return;
            if (!"FREEZING".equals(s)) {
                Fs.tryWrite(f, "freezer.state", "THAWED");
                throw new JruncException("unexpected state " + s + " while freezing");
            }
        }
        Fs.tryWrite(f, "freezer.state", "THAWED");
        throw new JruncException("unable to freeze");
    }

    @Override public void thaw() {
        String f = paths.get("freezer");
        if (f == null) {
            if (unified != null) unified.thaw();
            return;
        }
        IOException e = Fs.tryWrite(f, "freezer.state", "THAWED");
        if (e != null && !Fs.missing(e)) throw Fs.failed(f, "freezer.state", "THAWED", e);
    }

    /** runc's GetState: FROZEN counts only when this cgroup froze itself (not through an ancestor). */
    @Override public boolean isFrozen() {
        String f = paths.get("freezer");
        if (f == null) return unified != null && unified.isFrozen();
        for (int i = 0; i < 1000; i++) {
            String s = Fs.read(f, "freezer.state");
            if (s == null || s.equals("THAWED")) return false;
            if (s.equals("FROZEN")) return !"0".equals(Fs.read(f, "freezer.self_freezing"));
            Fs.sleep(1); // FREEZING: settling
        }
        return true;
    }

    @Override public void killAll(int signal) {
        // Hybrid: every process is in the cgroup2 directory too, whose cgroup.kill is atomic.
        if (signal == SIGKILL && unified != null && Fs.tryWrite(unified.dir(), "cgroup.kill", "1") == null) {
            if (isFrozen()) thaw(); // a v1-frozen task dies only once thawed
            return;
        }
        signalFrozen(this, signal);
    }

    /**
     * runc's signalAllProcesses: freeze so nothing forks between listing and signalling, signal every
     * pid, thaw. A container that was already paused stays paused, unless the signal is SIGKILL (a v1
     * frozen task only dies once thawed).
     */
    static void signalFrozen(Cgroup cg, int signal) {
        boolean wasFrozen = cg.isFrozen(), froze = false;
        if (!wasFrozen) {
            try {
                cg.freeze();
                froze = true;
            } catch (JruncException e) {
                // no freezer: signal what we see
            }
        }
        try {
            Linux sys = Linux.get();
            for (int pid : cg.pids()) {
                try { sys.kill(pid, signal); } catch (LinuxException ignored) { } // exited meanwhile
            }
        } finally {
            if (froze || (wasFrozen && signal == SIGKILL)) cg.thaw();
        }
    }

    /** SIGKILL whatever is still in the cgroup and wait (up to 5 s) for it to leave. */
    static void killStragglers(Cgroup cg) {
        if (cg.pids().isEmpty()) return;
        cg.killAll(SIGKILL);
        for (int i = 0; i < 500 && !cg.pids().isEmpty(); i++) Fs.sleep(10);
    }

    @Override public void destroy() {
        killStragglers(this);
        JruncException first = null;
        List<String> all = new ArrayList<>(v1Dirs());
        if (unified != null) all.add(unified.dir());
        for (String d : all) {
            try {
                Fs.removeTree(d);
            } catch (JruncException e) {
                if (first == null) first = e; // remove the others anyway
            }
        }
        if (first != null) throw first;
    }

    // ---------------------------------------------------------------- observation

    @Override public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cpu", cpuStats());
        out.put("cpuset", paths.containsKey("cpuset") ? Stats.cpuset(paths.get("cpuset")) : Stats.cpuset(null));
        out.put("memory", memoryStats(paths.get("memory")));
        String p = paths.get("pids");
        out.put("pids", p == null ? Map.of() : Stats.pids(Fs.num(p, "pids.current"), Fs.num(p, "pids.max")));
        out.put("blkio", paths.containsKey("blkio") ? Stats.blkioV1(paths.get("blkio")) : Map.of());
        out.put("hugetlb", hugetlbStats());
        out.put("intel_rdt", Map.of());
        out.put("network_interfaces", null);
        return out;
    }

    private Map<String, Object> cpuStats() {
        Map<String, Object> usage = new LinkedHashMap<>();
        long kernel = 0, user = 0;
        String acct = paths.get("cpuacct");
        if (acct != null) {
            Stats.put(usage, "total", Fs.num(acct, "cpuacct.usage"));
            List<Object> percpu = new ArrayList<>();
            String pc = Fs.read(acct, "cpuacct.usage_percpu");
            if (pc != null) for (String x : pc.split("\\s+")) if (!x.isEmpty()) percpu.add(Stats.u(Fs.unsigned(x)));
            if (!percpu.isEmpty()) usage.put("percpu", percpu);
            // cpuacct.usage_all: "cpu user system" then one line per cpu, in ns
            List<Object> pk = new ArrayList<>(), pu = new ArrayList<>();
            String all = Fs.read(acct, "cpuacct.usage_all");
            if (all != null) for (String l : all.split("\n")) {
                String[] f = l.trim().split("\\s+");
                if (f.length == 3 && !f[0].equals("cpu")) {
                    pu.add(Stats.u(Fs.unsigned(f[1])));
                    pk.add(Stats.u(Fs.unsigned(f[2])));
                }
            }
            if (!pk.isEmpty()) usage.put("percpu_kernel", pk);
            if (!pu.isEmpty()) usage.put("percpu_user", pu);
            // cpuacct.stat is in USER_HZ ticks (100 per second on Linux); reported in ns
            Map<String, Long> st = Fs.keyed(acct, "cpuacct.stat");
            kernel = st.getOrDefault("system", 0L) * 10_000_000L;
            user = st.getOrDefault("user", 0L) * 10_000_000L;
        }
        usage.put("kernel", kernel);
        usage.put("user", user);
        Map<String, Object> thr = new LinkedHashMap<>();
        String cpu = paths.get("cpu");
        if (cpu != null) {
            Map<String, Long> st = Fs.keyed(cpu, "cpu.stat");
            Stats.put(thr, "periods", st.getOrDefault("nr_periods", 0L));
            Stats.put(thr, "throttledPeriods", st.getOrDefault("nr_throttled", 0L));
            Stats.put(thr, "throttledTime", st.getOrDefault("throttled_time", 0L));
        }
        return Stats.map("usage", usage, "throttling", thr);
    }

    private static Map<String, Object> memoryStats(String mem) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Long> raw = mem == null ? Map.of() : new java.util.TreeMap<>(Fs.keyed(mem, "memory.stat"));
        Stats.put(m, "cache", raw.getOrDefault("cache", 0L));
        m.put("usage", entry(mem, "memory."));
        m.put("swap", entry(mem, "memory.memsw."));
        m.put("kernel", entry(mem, "memory.kmem."));
        m.put("kernelTCP", entry(mem, "memory.kmem.tcp."));
        if (!raw.isEmpty()) m.put("raw", raw);
        return m;
    }

    private static Map<String, Object> entry(String dir, String prefix) {
        if (dir == null || !Fs.exists(dir, prefix + "usage_in_bytes")) return Stats.entry(0, 0, 0, 0);
        return Stats.entry(Fs.num(dir, prefix + "limit_in_bytes"), Fs.num(dir, prefix + "usage_in_bytes"),
                Fs.num(dir, prefix + "max_usage_in_bytes"), Fs.num(dir, prefix + "failcnt"));
    }

    private Map<String, Object> hugetlbStats() {
        String d = paths.get("hugetlb");
        if (d == null) return unified != null ? unified.hugetlbStats() : Map.of();
        Map<String, Object> out = new java.util.TreeMap<>();
        for (String size : Stats.hugeSizes(d, ".limit_in_bytes")) {
            Map<String, Object> e = new LinkedHashMap<>();
            Stats.put(e, "usage", Fs.num(d, "hugetlb." + size + ".usage_in_bytes"));
            Stats.put(e, "max", Fs.num(d, "hugetlb." + size + ".max_usage_in_bytes"));
            e.put("failcnt", Stats.u(Fs.num(d, "hugetlb." + size + ".failcnt")));
            out.put(size, e);
        }
        return out;
    }

    @Override public long oomKillCount() {
        String mem = paths.get("memory");
        return mem == null ? 0 : Fs.keyed(mem, "memory.oom_control").getOrDefault("oom_kill", 0L);
    }

    private String mountPointOf(String controller) {
        for (Hierarchy h : hierarchies()) if (List.of(h.controllers().split(",")).contains(controller)) return h.mountPoint();
        return null;
    }

    @Override public List<Hierarchy> hierarchies() {
        if (hierarchies == null) {
            List<Hierarchy> hs = new ArrayList<>();
            for (Host.Mount m : Host.current().v1) {
                String d = null;
                for (String c : m.controllers()) if (paths.containsKey(c)) d = paths.get(c);
                if (d != null) hs.add(new Hierarchy(m.mountPoint(), m.joined(), d));
            }
            hierarchies = hs;
        }
        return hierarchies;
    }
}
