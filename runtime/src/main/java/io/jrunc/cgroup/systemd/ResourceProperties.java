package io.jrunc.cgroup.systemd;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * linux.resources as systemd unit properties, as runc's systemd v2 driver maps them (genV2ResourcesProperties,
 * addCPUQuota, addCpuset, unifiedResToSystemdProps, and devices/systemd.go). The cgroup files are written
 * directly as well afterwards (by the cgroupfs writer, with {@link #files()}), as runc does: systemd gets
 * what it manages, so that its own later writes (daemon-reload, another property change) agree.
 *
 * @param properties what StartTransientUnit / SetUnitProperties get
 * @param files      the resources the cgroupfs writer then applies (the CPU quota rounded as systemd rounds it)
 */
public record ResourceProperties(List<Property> properties, Spec.Resources files) {
    static final long INFINITY = -1L; // uint64 max: systemd's "infinity"
    static final long DEFAULT_PERIOD = 100_000;

    /** sdVersion: systemd's major version (Manager.Version), -1 when unknown (then newer properties are left to the files). */
    public static ResourceProperties of(Spec.Resources r, int sdVersion, Consumer<String> warn) {
        List<Property> p = new ArrayList<>();
        if (r == null) return new ResourceProperties(p, null);
        if (r.devices() != null && !r.devices().isEmpty()) devices(r.devices(), p, warn);
        Spec.Memory m = r.memory();
        if (m != null) {
            long limit = z(m.limit()), swap = z(m.swap());
            if (limit != 0) p.add(Property.u64("MemoryMax", limit));
            if (z(m.reservation()) != 0) p.add(Property.u64("MemoryLow", m.reservation()));
            long s = swapToV2(swap, limit);
            if (s != 0) p.add(Property.u64("MemorySwapMax", s));
        }
        Spec.Cpu c = r.cpu();
        Spec.Cpu files = c;
        if (c != null) {
            boolean idle = c.idle() != null && c.idle() == 1 && sdVersion >= 252;
            if (idle) p.add(Property.u64("CPUWeight", 0));
            long weight = sharesToWeight(z(c.shares()));
            if (weight != 0) {
                if (idle) warn.accept("unable to apply both CPUWeight and CpuIdle to systemd, ignoring CPUWeight");
                else p.add(Property.u64("CPUWeight", weight));
            }
            long quota = cpuQuota(p, z(c.quota()), z(c.period()), sdVersion);
            if (quota != z(c.quota()))
                files = new Spec.Cpu(c.shares(), quota, c.burst(), c.period(), c.realtimeRuntime(), c.realtimePeriod(),
                        c.cpus(), c.mems(), c.idle());
            cpuset(p, c.cpus(), c.mems(), sdVersion);
        }
        if (r.pids() != null && z(r.pids().limit()) != 0) {
            long l = r.pids().limit();
            p.add(Property.u64("TasksMax", l < 0 ? INFINITY : l));
        }
        if (r.unified() != null) unified(p, r.unified(), sdVersion, warn);
        Spec.Resources f = files == c ? r : new Spec.Resources(r.devices(), r.memory(), files, r.pids(), r.blockIO(),
                r.hugepageLimits(), r.network(), r.rdma(), r.unified());
        return new ResourceProperties(p, f);
    }

    static long z(Long v) { return v == null ? 0 : v; }

    /** runc's ConvertCPUSharesToCgroupV2Value (the cgroupfs writer's conversion too). */
    static long sharesToWeight(long shares) { return shares == 0 ? 0 : 1 + ((shares - 2) * 9999) / 262142; }

    /** runc's ConvertMemorySwapToCgroupV2Value: the spec's swap is memory+swap; v2 limits swap alone (-1: unlimited). */
    static long swapToV2(long swap, long memory) {
        if (memory == -1 && swap == 0) return -1;
        if (swap == -1 || swap == 0) return swap;
        if (memory == 0 || memory == -1) throw JruncException.config("/linux/resources/memory/swap", "unable to set swap limit without memory limit");
        if (swap < memory) throw JruncException.config("/linux/resources/memory/swap", "memory+swap limit should be >= memory limit");
        return swap - memory;
    }

    /**
     * runc's addCPUQuota: CPUQuotaPeriodUSec (systemd 242+), CPUQuotaPerSecUSec = quota per second of CPU,
     * rounded up to 10 ms because systemd keeps it as a whole percentage; the quota the files get is
     * rounded the same way so that the two agree. Returns that quota.
     */
    static long cpuQuota(List<Property> p, long quota, long period, int sdVersion) {
        if (period != 0 && sdVersion >= 242) p.add(Property.u64("CPUQuotaPeriodUSec", period));
        if (quota == 0 && period == 0) return quota;
        long perSec = INFINITY;
        if (quota > 0) {
            long per = period == 0 ? DEFAULT_PERIOD : period;
            perSec = Long.divideUnsigned(quota * 1_000_000L, per);
            if (perSec % 10_000 != 0) {
                perSec = (perSec / 10_000 + 1) * 10_000;
                quota = perSec * per / 1_000_000L;
            }
        }
        p.add(Property.u64("CPUQuotaPerSecUSec", perSec));
        return quota;
    }

    /** AllowedCPUs / AllowedMemoryNodes (systemd 244+) as runc's RangeToBits bitmasks. */
    static void cpuset(List<Property> p, String cpus, String mems, int sdVersion) {
        if ((cpus == null || cpus.isEmpty()) && (mems == null || mems.isEmpty())) return;
        if (sdVersion < 244) return; // the cpuset files are still written
        if (cpus != null && !cpus.isEmpty()) p.add(new Property("AllowedCPUs", "ay", rangeToBits(cpus, "/linux/resources/cpu/cpus")));
        if (mems != null && !mems.isEmpty()) p.add(new Property("AllowedMemoryNodes", "ay", rangeToBits(mems, "/linux/resources/cpu/mems")));
    }

    /**
     * runc's RangeToBits: "0-2,7" as a bitmask, byte 0 holding CPUs 0-7 (bit 0 = CPU 0), as systemd reads
     * the byte array. Spaces around elements and empty elements are allowed; an empty set is not.
     */
    static byte[] rangeToBits(String s, String pointer) {
        BigInteger bits = BigInteger.ZERO;
        for (String r : s.split(",")) {
            r = r.strip();
            if (r.isEmpty()) continue;
            int dash = r.indexOf('-');
            try {
                long start = Long.parseLong(dash < 0 ? r : r.substring(0, dash));
                long end = dash < 0 ? start : Long.parseLong(r.substring(dash + 1));
                if (start < 0 || end > 0xFFFFFFFFL || start > end) throw JruncException.config(pointer, "invalid range: " + r);
                if (end > 65535) throw JruncException.config(pointer, "CPU/node number too large: " + end);
                for (long i = start; i <= end; i++) bits = bits.setBit((int) i);
            } catch (NumberFormatException e) {
                throw JruncException.config(pointer, "invalid range \"" + r + "\" in \"" + s + "\"");
            }
        }
        if (bits.signum() == 0) throw JruncException.config(pointer, "empty value \"" + s + "\"");
        byte[] be = bits.toByteArray();
        int skip = be[0] == 0 && be.length > 1 ? 1 : 0; // sign byte
        byte[] out = new byte[be.length - skip];
        for (int i = 0; i < out.length; i++) out[i] = be[be.length - 1 - i];
        return out;
    }

    /** runc's unifiedResToSystemdProps: the keys systemd has properties for; the rest only go to the files. */
    static void unified(List<Property> p, Map<String, String> res, int sdVersion, Consumer<String> warn) {
        String ptr = "/linux/resources/unified";
        for (Map.Entry<String, String> e : new LinkedHashMap<>(res).entrySet()) {
            String k = e.getKey(), v = e.getValue() == null ? "" : e.getValue().strip();
            if (k.contains("/")) throw JruncException.config(ptr, "unified resource \"" + k + "\" must be a file name (no slashes)");
            if (k.indexOf('.') <= 0) throw JruncException.config(ptr, "unified resource \"" + k + "\" must be in the form CONTROLLER.PARAMETER");
            try {
                switch (k) {
                    case "cpu.idle" -> { if (v.equals("1") && sdVersion >= 252) p.add(Property.u64("CPUWeight", 0)); }
                    case "cpu.max" -> {
                        String[] f = v.split("\\s+");
                        if (v.isEmpty() || f.length > 2) throw JruncException.config(ptr, "unified resource \"" + k + "\" value invalid: \"" + v + "\"");
                        long quota = f[0].equals("max") ? 0 : Long.parseLong(f[0]);
                        long period = f.length == 2 ? Long.parseUnsignedLong(f[1]) : DEFAULT_PERIOD;
                        cpuQuota(p, quota, period, sdVersion);
                    }
                    case "cpu.weight" -> {
                        String idle = res.get("cpu.idle");
                        if (idle != null && idle.strip().equals("1") && sdVersion >= 252)
                            warn.accept("unable to apply both cpu.weight and cpu.idle to systemd, ignoring cpu.weight");
                        else p.add(Property.u64("CPUWeight", Long.parseUnsignedLong(v)));
                    }
                    case "cpuset.cpus", "cpuset.mems" -> {
                        if (sdVersion >= 244) p.add(new Property(k.equals("cpuset.cpus") ? "AllowedCPUs" : "AllowedMemoryNodes", "ay",
                                rangeToBits(v, ptr + "/" + k)));
                    }
                    case "memory.high", "memory.low", "memory.min", "memory.max", "memory.swap.max" -> {
                        String name = switch (k) {
                            case "memory.high" -> "MemoryHigh";
                            case "memory.low" -> "MemoryLow";
                            case "memory.min" -> "MemoryMin";
                            case "memory.max" -> "MemoryMax";
                            default -> "MemorySwapMax";
                        };
                        p.add(Property.u64(name, v.equals("max") ? INFINITY : Long.parseUnsignedLong(v)));
                    }
                    case "pids.max" -> {
                        long n = v.equals("max") ? INFINITY : Long.parseUnsignedLong(v);
                        p.add(Property.u64("TasksMax", n == 0 ? 1 : n)); // systemd refuses 0
                    }
                    default -> { } // written to the file only
                }
            } catch (NumberFormatException x) {
                throw JruncException.config(ptr, "unified resource \"" + k + "\" value conversion error: \"" + v + "\"");
            }
        }
    }

    // ---------------------------------------------------------------- devices

    /** One device exception of the kernel's (v1) model: type 'c' or 'b', major/minor -1 for '*', access letters. */
    private record DevException(char type, long major, long minor, String access) {}

    /**
     * runc's devices/systemd.go: the rules are replayed on the kernel's v1 model (a default behaviour and
     * a list of exceptions), then a default-deny list becomes DevicePolicy=strict with one DeviceAllow per
     * exception; allow-all becomes DevicePolicy=auto; a deny list systemd cannot express becomes strict
     * with nothing allowed (the eBPF filter jrunc attaches itself still has the exact rules).
     */
    static void devices(List<Spec.DeviceRule> rules, List<Property> p, Consumer<String> warn) {
        boolean defaultAllow = false;
        List<DevException> exc = new ArrayList<>();
        for (Spec.DeviceRule r : rules) {
            String t = r.type() == null || r.type().isEmpty() ? "a" : r.type();
            String acc = r.access() == null || r.access().isEmpty() ? "rwm" : r.access();
            if (t.equals("a")) { // the kernel: "a" resets the behaviour, whatever else the rule says
                defaultAllow = r.allow();
                exc.clear();
                continue;
            }
            long major = r.major() == null ? -1 : r.major(), minor = r.minor() == null ? -1 : r.minor();
            DevException match = null;
            for (DevException e : exc) if (e.type() == t.charAt(0) && e.major() == major && e.minor() == minor) match = e;
            int at = exc.indexOf(match);
            if (r.allow() != defaultAllow) { // an exception: add its access (in place, order kept)
                DevException e = new DevException(t.charAt(0), major, minor, match == null ? order(acc) : union(match.access(), acc));
                if (at >= 0) exc.set(at, e);
                else exc.add(e);
            } else if (at >= 0) { // same as the default: take the access away from that exception
                String left = minus(match.access(), acc);
                if (left.isEmpty()) exc.remove(at);
                else exc.set(at, new DevException(match.type(), major, minor, left));
            }
        }
        List<String[]> allow = new ArrayList<>();
        if (defaultAllow) {
            p.add(new Property("DeviceAllow", "a(ss)", List.of()));
            if (exc.isEmpty()) {
                p.add(Property.str("DevicePolicy", "auto"));
                return;
            }
            warn.accept("systemd doesn't support blacklist device rules -- applying temporary deny-all rule");
            p.add(Property.str("DevicePolicy", "strict"));
            return;
        }
        for (DevException e : exc) {
            String prefix = e.type() == 'b' ? "block-" : "char-";
            String path;
            if (e.major() < 0) {
                if (e.minor() >= 0) {
                    warn.accept("systemd doesn't support '*:n' device rules -- temporarily ignoring rule: " + e);
                    continue;
                }
                path = prefix + "*";
            } else if (e.minor() < 0) {
                path = prefix + e.major(); // systemd 240+
            } else {
                path = (e.type() == 'b' ? "/dev/block/" : "/dev/char/") + e.major() + ":" + e.minor();
            }
            allow.add(new String[]{path, order(e.access())});
        }
        p.add(new Property("DeviceAllow", "a(ss)", List.of()));
        p.add(Property.str("DevicePolicy", "strict"));
        p.add(new Property("DeviceAllow", "a(ss)", allow));
    }

    private static String union(String a, String b) { return order(a + b); }

    private static String minus(String a, String b) {
        StringBuilder sb = new StringBuilder();
        for (char c : a.toCharArray()) if (b.indexOf(c) < 0) sb.append(c);
        return order(sb.toString());
    }

    /** Access letters once each, in "rwm" order. */
    private static String order(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : "rwm".toCharArray()) if (s.indexOf(c) >= 0) sb.append(c);
        return sb.toString();
    }
}
