package io.jrunc.cgroup;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Pieces of runc's `events` stats object (types/events.go), built as ordered maps with runc's field
 * names, order and omitempty rules, so the CLI can print them with its JSON writer as they are.
 */
final class Stats {
    private Stats() {}

    /** An unsigned 64-bit value: -1L is 2^64-1 (a cgroup2 "max"). */
    static Object u(long v) { return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v)); }

    /** Go's omitempty for numbers: zero is left out. */
    static void put(Map<String, Object> m, String k, long v) { if (v != 0) m.put(k, u(v)); }

    static Map<String, Object> map(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    /** types.MemoryEntry: limit and failcnt always, usage and max when non-zero. */
    static Map<String, Object> entry(long limit, long usage, long max, long failcnt) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("limit", u(limit));
        put(e, "usage", usage);
        put(e, "max", max);
        e.put("failcnt", u(failcnt));
        return e;
    }

    /** types.Pids; "max" is reported as 0 (no limit), as runc does. */
    static Map<String, Object> pids(long current, long limit) {
        Map<String, Object> p = new LinkedHashMap<>();
        put(p, "current", current);
        put(p, "limit", limit == -1 ? 0 : limit);
        return p;
    }

    /** types.CPUSet from a v1 cpuset directory; null (cgroup v2, as runc 1.1) gives the zero value. */
    static Map<String, Object> cpuset(String dir) {
        Map<String, Object> c = new LinkedHashMap<>();
        List<Integer> cpus = dir == null ? List.of() : list(Fs.read(dir, "cpuset.cpus"));
        if (!cpus.isEmpty()) c.put("cpus", cpus);
        c.put("cpu_exclusive", num(dir, "cpuset.cpu_exclusive"));
        List<Integer> mems = dir == null ? List.of() : list(Fs.read(dir, "cpuset.mems"));
        if (!mems.isEmpty()) c.put("mems", mems);
        for (String f : List.of("mem_hardwall", "mem_exclusive", "memory_migrate", "memory_spread_page", "memory_spread_slab",
                "memory_pressure", "sched_load_balance")) c.put(f, num(dir, "cpuset." + f));
        long level = 0;
        String v = dir == null ? null : Fs.read(dir, "cpuset.sched_relax_domain_level");
        if (v != null) try { level = Long.parseLong(v); } catch (NumberFormatException ignored) { }
        c.put("sched_relax_domain_level", level);
        return c;
    }

    private static Object num(String dir, String file) { return dir == null ? 0L : u(Fs.num(dir, file)); }

    /** A cpu or node list ("0-3,8") as numbers. */
    static List<Integer> list(String s) {
        List<Integer> out = new ArrayList<>();
        if (s == null || s.isBlank()) return out;
        try {
            for (String part : s.strip().split(",")) {
                String[] r = part.split("-", 2);
                int a = Integer.parseInt(r[0].strip()), b = r.length == 2 ? Integer.parseInt(r[1].strip()) : a;
                for (int i = a; i <= b; i++) out.add(i);
            }
        } catch (NumberFormatException e) {
            return new ArrayList<>();
        }
        return out;
    }

    /** The page sizes ("2MB", "1GB") a hugetlb directory has files for: hugetlb.<size><suffix>. */
    static List<String> hugeSizes(String dir, String suffix) {
        TreeSet<String> sizes = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(dir), "hugetlb.*" + suffix)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                String size = n.substring("hugetlb.".length(), n.length() - suffix.length());
                if (!size.contains(".")) sizes.add(size); // not hugetlb.2MB.rsvd.max
            }
        } catch (IOException e) {
            return List.of();
        }
        return new ArrayList<>(sizes);
    }

    /** types.Blkio from cgroup2 io.stat ("8:0 rbytes=.. wbytes=.. rios=.. wios=.."), as runc's statIo. */
    static Map<String, Object> ioStat(String text) {
        List<Map<String, Object>> bytes = new ArrayList<>(), ios = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                String[] mm = f[0].split(":");
                if (f.length < 2 || mm.length != 2) continue;
                for (int i = 1; i < f.length; i++) {
                    String[] kv = f[i].split("=", 2);
                    if (kv.length != 2) continue;
                    List<Map<String, Object>> table;
                    String op;
                    switch (kv[0]) {
                        case "rbytes" -> { op = "Read"; table = bytes; }
                        case "wbytes" -> { op = "Write"; table = bytes; }
                        case "rios" -> { op = "Read"; table = ios; }
                        case "wios" -> { op = "Write"; table = ios; }
                        default -> { continue; }
                    }
                    table.add(blkEntry(Fs.unsigned(mm[0]), Fs.unsigned(mm[1]), op, Fs.unsigned(kv[1])));
                }
            }
        }
        Map<String, Object> b = new LinkedHashMap<>();
        if (!bytes.isEmpty()) b.put("ioServiceBytesRecursive", bytes);
        if (!ios.isEmpty()) b.put("ioServicedRecursive", ios);
        return b;
    }

    private static Map<String, Object> blkEntry(long major, long minor, String op, long value) {
        Map<String, Object> e = new LinkedHashMap<>();
        put(e, "major", major);
        put(e, "minor", minor);
        if (op != null && !op.isEmpty()) e.put("op", op);
        put(e, "value", value);
        return e;
    }

    /** runc's v1 blkio GetStats: the first group of files (bfq, cfq, throttle) that has data wins. */
    static Map<String, Object> blkioV1(String dir) {
        String[][][] groups = {
                {{"blkio.bfq.io_serviced_recursive", "ioServicedRecursive"}, {"blkio.bfq.io_service_bytes_recursive", "ioServiceBytesRecursive"}},
                {{"blkio.sectors_recursive", "sectorsRecursive"}, {"blkio.io_service_time_recursive", "ioServiceTimeRecursive"},
                        {"blkio.io_wait_time_recursive", "ioWaitTimeRecursive"}, {"blkio.io_merged_recursive", "ioMergedRecursive"},
                        {"blkio.time_recursive", "ioTimeRecursive"}, {"blkio.io_serviced_recursive", "ioServicedRecursive"},
                        {"blkio.io_service_bytes_recursive", "ioServiceBytesRecursive"}},
                {{"blkio.throttle.io_serviced_recursive", "ioServicedRecursive"}, {"blkio.throttle.io_service_bytes_recursive", "ioServiceBytesRecursive"}},
                {{"blkio.throttle.io_serviced", "ioServicedRecursive"}, {"blkio.throttle.io_service_bytes", "ioServiceBytesRecursive"}}};
        String[] order = {"ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive", "ioServiceTimeRecursive",
                "ioWaitTimeRecursive", "ioMergedRecursive", "ioTimeRecursive", "sectorsRecursive"};
        Map<String, Object> found = new LinkedHashMap<>();
        for (String[][] g : groups) {
            found.clear();
            for (String[] f : g) {
                List<Map<String, Object>> l = blkioFile(dir, f[0]);
                if (l.isEmpty()) break;
                found.put(f[1], l);
            }
            if (found.size() == g.length) break;
            found.clear();
        }
        Map<String, Object> b = new LinkedHashMap<>();
        for (String k : order) if (found.containsKey(k)) b.put(k, found.get(k));
        return b;
    }

    /** "8:0 Read 4096" lines ("8:0 4096" for sectors/time; "Total N" skipped). */
    private static List<Map<String, Object>> blkioFile(String dir, String file) {
        List<Map<String, Object>> out = new ArrayList<>();
        String text = Fs.read(dir, file);
        if (text == null) return out;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("[\\s:]+");
            if (f.length < 3) continue;
            boolean op = f.length >= 4;
            out.add(blkEntry(Fs.unsigned(f[0]), Fs.unsigned(f[1]), op ? f[2] : null, Fs.unsigned(f[op ? 3 : 2])));
        }
        return out;
    }
}
