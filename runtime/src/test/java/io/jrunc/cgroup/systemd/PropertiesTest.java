package io.jrunc.cgroup.systemd;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** linux.resources and annotations as systemd properties, as runc maps them (no root, no systemd). */
class PropertiesTest {
    private final List<String> warnings = new ArrayList<>();

    private List<String> map(Spec.Resources r, int version) {
        List<String> out = new ArrayList<>();
        for (Property p : ResourceProperties.of(r, version, warnings::add).properties()) out.add(p.toString());
        return out;
    }

    private static Spec.Resources res(Spec.Memory m, Spec.Cpu c, Spec.Pids p) {
        return new Spec.Resources(null, m, c, p, null, null, null, null, null);
    }

    private static Spec.Cpu cpu(Long shares, Long quota, Long period, String cpus, String mems) {
        return new Spec.Cpu(shares, quota, null, period, null, null, cpus, mems, null);
    }

    @Test
    void memoryPidsAndCpu() {
        assertEquals(List.of("MemoryMax=67108864", "MemoryLow=1048576", "MemorySwapMax=67108864",
                        "CPUWeight=39", "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=500000", "TasksMax=50"),
                map(res(new Spec.Memory(67108864L, 1048576L, 134217728L, null, null, null, null, null, null),
                        cpu(1024L, 50000L, 100000L, null, null), new Spec.Pids(50L)), 252));
        // -1: infinity (uint64 max)
        assertEquals(List.of("MemoryMax=18446744073709551615", "MemorySwapMax=18446744073709551615", "TasksMax=18446744073709551615"),
                map(res(new Spec.Memory(-1L, null, null, null, null, null, null, null, null), null, new Spec.Pids(-1L)), 252));
    }

    @Test
    void cpuQuotaIsRoundedUpToWholePercentsAndTheFilesAgree() {
        ResourceProperties rp = ResourceProperties.of(res(null, cpu(null, 12345L, 100000L, null, null), null), 252, warnings::add);
        assertEquals(List.of("CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=130000"), rp.properties().stream().map(Property::toString).toList());
        assertEquals(13000L, rp.files().cpu().quota(), "cpu.max gets the quota systemd will keep");
        // quota without period: the default period; period alone: infinity
        assertEquals(List.of("CPUQuotaPerSecUSec=2000000"), map(res(null, cpu(null, 200000L, null, null, null), null), 252));
        assertEquals(List.of("CPUQuotaPeriodUSec=50000", "CPUQuotaPerSecUSec=18446744073709551615"),
                map(res(null, cpu(null, null, 50000L, null, null), null), 252));
        // systemd older than 242 has no CPUQuotaPeriodUSec
        assertEquals(List.of("CPUQuotaPerSecUSec=500000"), map(res(null, cpu(null, 50000L, 100000L, null, null), null), 241));
    }

    @Test
    void cpusetAsBitmasks() {
        assertEquals(List.of("AllowedCPUs=87", "AllowedMemoryNodes=01"), map(res(null, cpu(null, null, null, "0-2,7", "0"), null), 252));
        assertArrayEquals(new byte[]{0x01, 0x01}, ResourceProperties.rangeToBits("0, 8,", "/p"));
        assertArrayEquals(new byte[]{(byte) 0xff}, ResourceProperties.rangeToBits("0-7", "/p"));
        assertEquals(List.of(), map(res(null, cpu(null, null, null, "0-2", null), null), 243), "systemd < 244: files only");
        JruncException e = assertThrows(JruncException.class, () -> map(res(null, cpu(null, null, null, "3-1", null), null), 252));
        assertEquals("/linux/resources/cpu/cpus", e.pointer());
        e = assertThrows(JruncException.class, () -> map(res(null, cpu(null, null, null, "x", null), null), 252));
        assertEquals("/linux/resources/cpu/cpus", e.pointer());
    }

    @Test
    void unifiedKeysSystemdKnows() {
        Map<String, String> u = new LinkedHashMap<>();
        u.put("memory.high", "1000000");
        u.put("memory.max", "max");
        u.put("pids.max", "0");
        u.put("cpu.weight", "300");
        u.put("cpu.max", "50000 100000");
        u.put("io.weight", "100"); // files only
        assertEquals(List.of("MemoryHigh=1000000", "MemoryMax=18446744073709551615", "TasksMax=1", "CPUWeight=300",
                        "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=500000"),
                map(new Spec.Resources(null, null, null, null, null, null, null, null, u), 252));
        JruncException e = assertThrows(JruncException.class,
                () -> map(new Spec.Resources(null, null, null, null, null, null, null, null, Map.of("memory.max", "lots")), 252));
        assertEquals("/linux/resources/unified", e.pointer());
    }

    private static Spec.DeviceRule rule(boolean allow, String type, Long major, Long minor, String access) {
        return new Spec.DeviceRule(allow, type, major, minor, access);
    }

    @Test
    void devicesAsRuncMapsThem() {
        List<Spec.DeviceRule> rules = new ArrayList<>();
        rules.add(rule(false, null, null, null, "rwm")); // deny all
        rules.add(rule(true, "c", null, null, "m"));
        rules.add(rule(true, "c", 1L, 3L, "rwm"));
        rules.add(rule(true, "c", 136L, null, "rwm"));
        rules.add(rule(true, "b", 8L, 0L, "r"));
        rules.add(rule(true, "c", 1L, 3L, "rw")); // merges
        rules.add(rule(false, "b", 8L, 0L, "r")); // takes it away again
        assertEquals(List.of("DeviceAllow=[]", "DevicePolicy=strict", "DeviceAllow=[char-* m, /dev/char/1:3 rwm, char-136 rwm]"),
                map(new Spec.Resources(rules, null, null, null, null, null, null, null, null), 252));
        // allow all: auto
        assertEquals(List.of("DeviceAllow=[]", "DevicePolicy=auto"),
                map(new Spec.Resources(List.of(rule(true, "a", null, null, "rwm")), null, null, null, null, null, null, null, null), 252));
        // a deny list systemd cannot express: strict, nothing allowed, and a warning
        assertEquals(List.of("DeviceAllow=[]", "DevicePolicy=strict"),
                map(new Spec.Resources(List.of(rule(true, "a", null, null, "rwm"), rule(false, "c", 1L, 3L, "w")),
                        null, null, null, null, null, null, null, null), 252));
        assertTrue(warnings.get(0).contains("blacklist"), warnings.toString());
    }

    @Test
    void annotationsAreGVariantText() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("org.systemd.property.TimeoutStopUSec", "uint64 123456789");
        a.put("org.systemd.property.CollectMode", "'inactive-or-failed'");
        a.put("org.systemd.property.KillSignal", "9");
        a.put("org.systemd.property.SendSIGKILL", "false");
        a.put("org.systemd.property.RuntimeMaxSec", "@t 5");
        a.put("org.systemd.property.Wants", "['a.service', \"b.service\"]");
        a.put("other.annotation", "ignored");
        List<Property> p = Annotations.properties(a);
        assertEquals(List.of("CollectMode=inactive-or-failed", "KillSignal=9", "RuntimeMaxUSec=5000000", "SendSIGKILL=false",
                "TimeoutStopUSec=123456789", "Wants=[a.service, b.service]"), p.stream().map(Property::toString).toList());
        assertEquals(List.of("s", "i", "t", "b", "t", "as"), p.stream().map(Property::signature).toList());
        for (String[] bad : new String[][]{{"org.systemd.property.AB", "1"}, {"org.systemd.property.Foo1", "1"},
                {"org.systemd.property.Foo", "'unterminated"}, {"org.systemd.property.Foo", "uint32 -1"},
                {"org.systemd.property.Foo", "(1, 2)"}, {"org.systemd.property.TimeoutSec", "'x'"}}) {
            JruncException e = assertThrows(JruncException.class, () -> Annotations.properties(Map.of(bad[0], bad[1])), bad[0] + "=" + bad[1]);
            assertEquals("/annotations/" + bad[0], e.pointer(), bad[0] + "=" + bad[1]);
        }
    }

    @Test
    void encodingIsWhatTheNativeSideReads() {
        byte[] b = Property.encode(List.of(Property.bool("Delegate", true), new Property("PIDs", "au", new int[]{42}),
                Property.u64("MemoryMax", -1), new Property("DeviceAllow", "a(ss)", List.<String[]>of(new String[]{"/dev/null", "rw"}))));
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertEquals("Delegate", cstr(bb));
        assertEquals("b", cstr(bb));
        assertEquals(1, bb.get());
        assertEquals("PIDs", cstr(bb));
        assertEquals("au", cstr(bb));
        assertEquals(1, bb.getInt());
        assertEquals(42, bb.getInt());
        assertEquals("MemoryMax", cstr(bb));
        assertEquals("t", cstr(bb));
        assertEquals(-1L, bb.getLong());
        assertEquals("DeviceAllow", cstr(bb));
        assertEquals("a(ss)", cstr(bb));
        assertEquals(1, bb.getInt());
        assertEquals("/dev/null", cstr(bb));
        assertEquals("rw", cstr(bb));
        assertFalse(bb.hasRemaining());
    }

    private static String cstr(ByteBuffer bb) {
        int start = bb.position();
        while (bb.get() != 0) { }
        return new String(bb.array(), start, bb.position() - start - 1, StandardCharsets.UTF_8);
    }
}
