package io.jrunc.cgroup;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * cgroup v2: one directory in the unified hierarchy (runc's fs2). Also used by {@link V1Cgroup} for the
 * cgroup2 directory of a hybrid host.
 */
final class V2Cgroup implements Cgroup {
    private final String dir;
    /** The cgroup2 mount point, or null when re-opened from state.json (then found by walking up). */
    private final String mount;

    private final Env env;

    V2Cgroup(String dir, String mount, Env env) {
        this.dir = dir;
        this.mount = mount;
        this.env = env;
    }

    String dir() { return dir; }

    @Override public Map<String, String> paths() { return Map.of("", dir); }

    @Override public boolean isV2() { return true; }

    // ---------------------------------------------------------------- create

    /** The hierarchy's root: the mount point, or the topmost ancestor that is still a cgroup. */
    private Path top() {
        if (mount != null) return Path.of(mount);
        Path p = Path.of(dir);
        while (p.getParent() != null && Files.exists(p.getParent().resolve("cgroup.controllers"))) p = p.getParent();
        return p;
    }

    /** Every directory from the mount point down to ours. */
    private List<Path> chain() {
        Path top = top(), d = Path.of(dir);
        if (!d.startsWith(top) || d.equals(top)) throw new JruncException("invalid cgroup path " + dir + " (not below " + top + ")");
        List<Path> chain = new ArrayList<>();
        chain.add(top);
        Path cur = top;
        for (Path part : top.relativize(d)) chain.add(cur = cur.resolve(part));
        return chain;
    }

    @Override public void create() { create(true, null); }

    @Override public void create(Spec.Resources r) { create(true, r); }

    /**
     * runc's containsDomainController: limits that need a domain controller (memory, io, cpu, hugetlb).
     * pids and cpuset are threaded-capable; devices and freeze are not controllers in v2.
     */
    static boolean needsDomain(Spec.Resources r) {
        if (r == null) return false;
        Spec.Memory m = r.memory();
        if (m != null && (z(m.limit()) != 0 || z(m.swap()) != 0 || z(m.reservation()) != 0)) return true;
        Spec.Cpu c = r.cpu();
        if (c != null && (z(c.shares()) != 0 || z(c.quota()) != 0 || z(c.period()) != 0)) return true;
        Spec.BlockIo b = r.blockIO();
        if (b != null && (z(b.weight()) != 0 || nonEmpty(b.weightDevice()) || nonEmpty(b.throttleReadBpsDevice())
                || nonEmpty(b.throttleWriteBpsDevice()) || nonEmpty(b.throttleReadIOPSDevice())
                || nonEmpty(b.throttleWriteIOPSDevice()))) return true;
        return nonEmpty(r.hugepageLimits());
    }

    private static boolean nonEmpty(List<?> l) { return l != null && !l.isEmpty(); }

    /**
     * As runc's fs2 CreateCgroupPath: mkdir each missing level; each ancestor (mount root included, our
     * directory not) delegates every controller it has to its children. Directories made here are
     * removed again on failure. A level in a threaded subtree ("domain invalid": a child of a cgroup
     * that has processes and threaded children, or "threaded", "domain threaded") cannot take domain
     * controllers: refused when the limits need one (r, null for none known), else the level is made
     * threaded as runc does, so a container without such limits still runs there.
     */
    void create(boolean delegateAll, Spec.Resources r) {
        List<Path> chain = chain();
        List<Path> made = new ArrayList<>();
        try {
            for (int i = 0; i < chain.size(); i++) {
                Path p = chain.get(i);
                if (i > 0) {
                    try {
                        Files.createDirectory(p);
                        made.add(p);
                    } catch (java.nio.file.FileAlreadyExistsException ignored) {
                        // joining an existing cgroup is fine
                    } catch (IOException e) {
                        throw new JruncException("cannot create cgroup " + p + ": " + Fs.reason(e), e);
                    }
                    String type = Fs.read(p.toString(), "cgroup.type");
                    if ("domain invalid".equals(type)) {
                        // hybrid (delegateAll false) keeps its old, stricter rule
                        if (!delegateAll || needsDomain(r))
                            throw JruncException.config("/linux/cgroupsPath", "cannot enter cgroupv2 \"" + p
                                    + "\" with domain controllers -- it is in an invalid state (a threaded subtree:"
                                    + " memory, cpu, io and hugetlb limits cannot apply there)");
                        Fs.tryWrite(p.toString(), "cgroup.type", "threaded");
                    } else if ("threaded".equals(type) || "domain threaded".equals(type)) {
                        if (needsDomain(r))
                            throw JruncException.config("/linux/cgroupsPath", "cannot enter cgroupv2 \"" + p
                                    + "\" with domain controllers -- it is in " + type + " mode");
                    }
                }
                if (delegateAll && i < chain.size() - 1) delegate(p, null);
            }
        } catch (RuntimeException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                try { Files.deleteIfExists(made.get(i)); } catch (IOException ignored) { }
            }
            throw e;
        }
    }

    /** Whether the hierarchy's root offers the controller (cgroup.controllers of the mount point). */
    boolean available(String controller) { return words(Fs.read(top().toString(), "cgroup.controllers")).contains(controller); }

    /** Makes the given controllers (null: all available) reach our directory, enabling them in each ancestor. */
    void delegate(Collection<String> wanted) {
        List<Path> chain = chain();
        for (int i = 0; i < chain.size() - 1; i++) delegate(chain.get(i), wanted);
    }

    /** Enables in p's cgroup.subtree_control what p has and does not delegate yet; all at once, else one by one. */
    private static void delegate(Path p, Collection<String> wanted) {
        String d = p.toString();
        String avail = Fs.read(d, "cgroup.controllers");
        if (avail == null || avail.isEmpty()) return;
        Set<String> on = words(Fs.read(d, "cgroup.subtree_control"));
        List<String> add = new ArrayList<>();
        for (String c : avail.split("\\s+"))
            if (!on.contains(c) && (wanted == null || wanted.contains(c))) add.add("+" + c);
        if (add.isEmpty()) return;
        if (Fs.tryWrite(d, "cgroup.subtree_control", String.join(" ", add)) == null) return;
        // A cgroup with processes of its own cannot delegate domain controllers ("no internal processes"),
        // rootless may lack some: enable what can be; a limit needing the rest fails clearly later.
        for (String c : add) Fs.tryWrite(d, "cgroup.subtree_control", c);
    }

    private static Set<String> words(String s) {
        Set<String> out = new LinkedHashSet<>();
        if (s != null) for (String w : s.split("\\s+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    // ---------------------------------------------------------------- apply

    /** runc 1.1's cgroups.ConvertCPUSharesToCgroupV2Value: shares [2, 262144] onto cpu.weight [1, 10000]. */
    static long sharesToWeight(long shares) {
        if (shares == 0) return 0;
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /** runc's ConvertBlkIOToIOWeightValue: blkio weight [10, 1000] onto io.weight [1, 10000]. */
    static long blkioToIoWeight(long w) {
        if (w == 0) return 0;
        return 1 + (w - 10) * 9999 / 990;
    }

    /**
     * runc's ConvertMemorySwapToCgroupV2Value: the spec's swap is memory+swap (v1 memsw); v2 limits swap
     * alone. 0 means unset, -1 unlimited.
     */
    static long swapToV2(long swap, long memory) {
        if (memory == -1 && swap == 0) return -1;
        if (swap == -1 || swap == 0) return swap;
        if (memory == 0 || memory == -1) throw new JruncException("unable to set swap limit without memory limit");
        if (memory < 0) throw new JruncException("invalid memory value: " + memory);
        if (swap < memory) throw new JruncException("memory+swap limit should be >= memory limit");
        return swap - memory;
    }

    /** runc's numToStr: 0 unset (null), -1 "max". */
    private static String numToStr(long v) {
        if (v == 0) return null;
        return v == -1 ? "max" : Long.toString(v);
    }

    static long z(Long v) { return v == null ? 0 : v; }

    static long z(Integer v) { return v == null ? 0 : v; }

    /** Same order as runc's fs2 Set: pids, memory, io, cpu, devices, cpuset, hugetlb, rdma, unified. */
    @Override public void apply(Spec.Resources r) {
        if (r == null) return;
        if (r.pids() != null) applyPids(dir, r.pids());
        if (r.memory() != null) applyMemory(r.memory());
        if (r.blockIO() != null) applyIo(r.blockIO());
        if (r.cpu() != null) applyCpu(r.cpu());
        // v2 has no devices.allow: the rules become an eBPF program (DeviceFilter). A null list leaves the
        // attached filter alone (update); create always passes the effective rules (DeviceRules).
        if (r.devices() != null && !r.devices().isEmpty()) {
            try {
                DeviceFilter.attach(dir, r.devices());
            } catch (RuntimeException e) {
                // runc's fs2 Set: "errors from the device subsystem are ignored" by the rootless manager
                // (no BPF_PROG_LOAD in a user namespace); the container still has its own /dev.
                if (!env.rootless()) throw e;
                env.warning("rootless: device rules not applied as an eBPF filter (" + e.getMessage() + ")");
            }
        }
        if (r.cpu() != null) applyCpuset(dir, r.cpu());
        if (r.hugepageLimits() != null) applyHugetlb(r.hugepageLimits());
        if (r.rdma() != null) applyRdma(dir, r.rdma());
        if (r.unified() != null) applyUnified(r.unified());
    }

    static void applyPids(String dir, Spec.Pids p) {
        long limit = z(p.limit());
        if (limit != 0) Fs.write(dir, "pids.max", limit > 0 ? Long.toString(limit) : "max");
    }

    private void applyMemory(Spec.Memory m) {
        if (m.kernel() != null || m.kernelTCP() != null) env.warning("Kernel memory settings are ignored and will be removed");
        long limit = z(m.limit()), swap = z(m.swap()), reservation = z(m.reservation());
        if (limit == 0 && swap == 0 && reservation == 0) return;
        if (Boolean.TRUE.equals(m.checkBeforeUpdate())) checkUsage(Fs.num(dir, "memory.current"), limit, swap);
        String swapStr = numToStr(swapToV2(swap, limit));
        if (swapStr == null && swap > 0) swapStr = "0"; // memory == memory+swap: no swap at all
        if (swapStr != null) {
            IOException e = Fs.tryWrite(dir, "memory.swap.max", swapStr);
            // No swap accounting: setting "max" or "0" is what the kernel does anyway.
            if (e != null && !(Fs.missing(e) && (swapStr.equals("max") || swapStr.equals("0"))))
                throw Fs.failed(dir, "memory.swap.max", swapStr, e);
        }
        String v = numToStr(limit);
        if (v != null) Fs.write(dir, "memory.max", v);
        v = numToStr(reservation);
        if (v != null) Fs.write(dir, "memory.low", v);
    }

    /** runc's CheckMemoryUsage (memory.checkBeforeUpdate): refuse limits at or below what is in use. */
    static void checkUsage(long usage, long limit, long swap) {
        if (usage <= 0) return; // unknown: best effort, as runc
        if (swap > 0 && swap <= usage) throw new JruncException("rejecting memory+swap limit " + swap + " <= usage " + usage);
        if (limit > 0 && limit <= usage) throw new JruncException("rejecting memory limit " + limit + " <= usage " + usage);
    }

    private void applyIo(Spec.BlockIo b) {
        long weight = z(b.weight());
        if (weight != 0) {
            // BFQ takes blkio weights as they are; otherwise io.weight with runc's conversion.
            IOException e = Fs.tryWrite(dir, "io.bfq.weight", Long.toString(weight));
            if (e != null) {
                if (!Fs.missing(e)) throw Fs.failed(dir, "io.bfq.weight", Long.toString(weight), e);
                Fs.write(dir, "io.weight", Long.toString(blkioToIoWeight(weight)));
            }
        }
        if (b.weightDevice() != null) {
            boolean bfq = Fs.exists(dir, "io.bfq.weight");
            for (Spec.WeightDevice w : b.weightDevice()) {
                if (z(w.weight()) == 0) continue;
                String dev = w.major() + ":" + w.minor() + " ";
                if (bfq) Fs.write(dir, "io.bfq.weight", dev + w.weight());
                else Fs.write(dir, "io.weight", dev + blkioToIoWeight(w.weight()));
            }
        }
        ioMax(b.throttleReadBpsDevice(), "rbps");
        ioMax(b.throttleWriteBpsDevice(), "wbps");
        ioMax(b.throttleReadIOPSDevice(), "riops");
        ioMax(b.throttleWriteIOPSDevice(), "wiops");
    }

    private void ioMax(List<Spec.ThrottleDevice> l, String key) {
        if (l != null) for (Spec.ThrottleDevice t : l) Fs.write(dir, "io.max", t.major() + ":" + t.minor() + " " + key + "=" + t.rate());
    }

    private void applyCpu(Spec.Cpu c) {
        if (z(c.realtimePeriod()) != 0 || z(c.realtimeRuntime()) != 0)
            env.warning("cpu realtimePeriod/realtimeRuntime are not supported on cgroup v2 and are ignored");
        if (c.idle() != null) Fs.write(dir, "cpu.idle", Long.toString(c.idle()));
        long weight = sharesToWeight(z(c.shares()));
        if (weight != 0) Fs.write(dir, "cpu.weight", Long.toString(weight));
        long quota = z(c.quota()), period = z(c.period());
        if (quota != 0 || period != 0) {
            String q;
            if (quota > 0) q = Long.toString(quota);
            else if (quota < 0) q = "max";
            else { // only the period changes: keep the current quota (runc 1.1 would reset it to max)
                String cur = Fs.read(dir, "cpu.max");
                q = cur == null || cur.isEmpty() ? "max" : cur.split("\\s+")[0];
            }
            Fs.write(dir, "cpu.max", period != 0 ? q + " " + period : q);
        }
        if (c.burst() != null) Fs.write(dir, "cpu.max.burst", Long.toString(c.burst()));
    }

    static void applyCpuset(String dir, Spec.Cpu c) {
        if (c.cpus() != null && !c.cpus().isEmpty()) Fs.write(dir, "cpuset.cpus", c.cpus());
        if (c.mems() != null && !c.mems().isEmpty()) Fs.write(dir, "cpuset.mems", c.mems());
    }

    /** hugetlb.<size>.max, and .rsvd.max where the kernel has reservation accounting (5.7+). */
    void applyHugetlb(List<Spec.HugepageLimit> limits) {
        boolean rsvd = true;
        for (Spec.HugepageLimit h : limits) {
            String prefix = "hugetlb." + h.pageSize(), v = Long.toString(h.limit());
            Fs.write(dir, prefix + ".max", v);
            if (!rsvd) continue;
            IOException e = Fs.tryWrite(dir, prefix + ".rsvd.max", v);
            if (e != null) {
                if (!Fs.missing(e)) throw Fs.failed(dir, prefix + ".rsvd.max", v, e);
                rsvd = false;
            }
        }
    }

    /** rdma.max: "<device> hca_handle=N hca_object=M" (same in v1). */
    static void applyRdma(String dir, Map<String, Spec.Rdma> rdma) {
        for (Map.Entry<String, Spec.Rdma> e : rdma.entrySet()) {
            StringBuilder sb = new StringBuilder(e.getKey());
            Spec.Rdma l = e.getValue();
            if (l == null) continue;
            if (l.hcaHandles() != null) sb.append(" hca_handle=").append(l.hcaHandles());
            if (l.hcaObjects() != null) sb.append(" hca_object=").append(l.hcaObjects());
            Fs.write(dir, "rdma.max", sb.toString());
        }
    }

    /** linux.resources.unified: each value written verbatim to the file named by its key. */
    private void applyUnified(Map<String, String> unified) {
        for (Map.Entry<String, String> e : unified.entrySet()) {
            String k = e.getKey();
            if (k.isEmpty() || k.contains("/") || k.equals(".") || k.equals("..") || k.contains("\0"))
                throw JruncException.config("/linux/resources/unified", "unified resource \"" + k + "\" must be a file name (no slashes)");
            IOException x = Fs.tryWrite(dir, k, e.getValue());
            if (x == null) continue;
            if (Fs.missing(x) || Fs.denied(x)) {
                String[] sk = k.split("\\.", 2);
                if (sk.length != 2)
                    throw JruncException.config("/linux/resources/unified", "unified resource \"" + k + "\" must be in the form CONTROLLER.PARAMETER");
                if (!sk[0].equals("cgroup") && !words(Fs.read(dir, "cgroup.controllers")).contains(sk[0]))
                    throw JruncException.config("/linux/resources/unified",
                            "unified resource \"" + k + "\" can't be set: controller \"" + sk[0] + "\" not available");
            }
            throw new JruncException("unable to set unified resource \"" + k + "\": " + Fs.failed(dir, k, e.getValue(), x).getMessage(), x);
        }
    }

    // ---------------------------------------------------------------- processes

    @Override public void addProcess(int pid) { Fs.write(dir, "cgroup.procs", Integer.toString(pid)); }

    @Override public List<Integer> pids() { return Fs.procs(dir); }

    @Override public String procsDir() { return dir; }

    @Override public void freeze() {
        IOException e = Fs.tryWrite(dir, "cgroup.freeze", "1");
        if (e != null) throw new JruncException("freezer not supported: " + Fs.reason(e) + " (" + dir + "/cgroup.freeze)", e);
        // runc's waitFrozen: poll cgroup.events for "frozen 1", 10 ms apart, for up to 10 s.
        for (int i = 0; i < 1000; i++) {
            if (eventsFrozen()) return;
            Fs.sleep(10);
        }
        Fs.tryWrite(dir, "cgroup.freeze", "0");
        throw new JruncException("timeout of 10s reached waiting for the cgroup to freeze");
    }

    private boolean eventsFrozen() {
        String ev = Fs.read(dir, "cgroup.events");
        if (ev == null) return false;
        for (String l : ev.split("\n")) if (l.strip().equals("frozen 1")) return true;
        return false;
    }

    @Override public void thaw() {
        // No cgroup.freeze (no such cgroup, old kernel): nothing is frozen.
        IOException e = Fs.tryWrite(dir, "cgroup.freeze", "0");
        if (e != null && !Fs.missing(e)) throw Fs.failed(dir, "cgroup.freeze", "0", e);
    }

    /** As runc's getFreezer: what cgroup.freeze says ("1" frozen). */
    @Override public boolean isFrozen() { return "1".equals(Fs.read(dir, "cgroup.freeze")); }

    @Override public void killAll(int signal) {
        if (signal == V1Cgroup.SIGKILL && Fs.tryWrite(dir, "cgroup.kill", "1") == null) return; // whole subtree, atomically
        V1Cgroup.signalFrozen(this, signal);
    }

    @Override public void destroy() {
        V1Cgroup.killStragglers(this);
        Fs.removeTree(dir);
    }

    // ---------------------------------------------------------------- observation

    @Override public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        // cpu: cpu.stat is there even without the cpu controller
        Map<String, Long> cs = Fs.keyed(dir, "cpu.stat");
        Map<String, Object> usage = new LinkedHashMap<>();
        Stats.put(usage, "total", cs.getOrDefault("usage_usec", 0L) * 1000);
        usage.put("kernel", cs.getOrDefault("system_usec", 0L) * 1000);
        usage.put("user", cs.getOrDefault("user_usec", 0L) * 1000);
        Map<String, Object> thr = new LinkedHashMap<>();
        Stats.put(thr, "periods", cs.getOrDefault("nr_periods", 0L));
        Stats.put(thr, "throttledPeriods", cs.getOrDefault("nr_throttled", 0L));
        Stats.put(thr, "throttledTime", cs.getOrDefault("throttled_usec", 0L) * 1000);
        out.put("cpu", Stats.map("usage", usage, "throttling", thr));
        out.put("cpuset", Stats.cpuset(null));
        out.put("memory", memoryStats());
        out.put("pids", Stats.pids(Fs.exists(dir, "pids.current") ? Fs.num(dir, "pids.current") : pids().size(), Fs.num(dir, "pids.max")));
        out.put("blkio", Stats.ioStat(Fs.read(dir, "io.stat")));
        out.put("hugetlb", hugetlbStats());
        out.put("intel_rdt", Map.of());
        out.put("network_interfaces", null);
        return out;
    }

    private Map<String, Object> memoryStats() {
        Map<String, Long> raw = new java.util.TreeMap<>(Fs.keyed(dir, "memory.stat"));
        Map<String, Object> m = new LinkedHashMap<>();
        Stats.put(m, "cache", raw.getOrDefault("file", 0L));
        long limit = Fs.num(dir, "memory.max"), use = Fs.num(dir, "memory.current");
        m.put("usage", Stats.entry(limit, use, Fs.num(dir, "memory.peak"), 0));
        // v1 reports memory+swap: so does runc on v2
        long swapLimit = 0, swapUse = 0;
        if (Fs.exists(dir, "memory.swap.current")) {
            swapUse = Fs.num(dir, "memory.swap.current") + use;
            swapLimit = Fs.num(dir, "memory.swap.max");
            if (swapLimit != -1) swapLimit = limit == -1 ? -1 : swapLimit + limit;
        }
        m.put("swap", Stats.entry(swapLimit, swapUse, 0, 0));
        m.put("kernel", Stats.entry(0, 0, 0, 0));
        m.put("kernelTCP", Stats.entry(0, 0, 0, 0));
        if (!raw.isEmpty()) m.put("raw", raw);
        return m;
    }

    Map<String, Object> hugetlbStats() {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (String size : Stats.hugeSizes(dir, ".max")) {
            Map<String, Object> e = new LinkedHashMap<>();
            Stats.put(e, "usage", Fs.num(dir, "hugetlb." + size + ".current"));
            e.put("failcnt", Stats.u(Fs.keyed(dir, "hugetlb." + size + ".events").getOrDefault("max", 0L)));
            out.put(size, e);
        }
        return out;
    }

    @Override public long oomKillCount() { return Fs.keyed(dir, "memory.events").getOrDefault("oom_kill", 0L); }

    @Override public List<Hierarchy> hierarchies() {
        String mp = mount;
        if (mp == null) {
            Host h = Host.current();
            mp = h.unified != null ? h.unified.mountPoint() : top().toString();
        }
        return List.of(new Hierarchy(mp, "", dir));
    }
}
