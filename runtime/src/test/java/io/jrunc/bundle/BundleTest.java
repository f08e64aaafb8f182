package io.jrunc.bundle;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BundleTest {
    @TempDir Path bundle;

    private static Spec parse(String json) { return ConfigReader.parse(json.getBytes(StandardCharsets.UTF_8)); }

    @Test
    void readsRuncsDefaultSpec() throws Exception {
        byte[] raw;
        try (InputStream in = getClass().getResourceAsStream("/io/jrunc/cli/spec.json")) { raw = in.readAllBytes(); }
        Spec s = ConfigReader.parse(raw);
        assertEquals("rootfs", s.root().path());
        assertTrue(s.root().readonly());
        assertEquals("sh", s.process().args().get(0));
        assertTrue(s.process().capabilities().bounding().contains("CAP_KILL"));
        assertNull(s.process().capabilities().inheritable(), "absent set stays null");
        assertEquals(1024, s.process().rlimits().get(0).hard());
        assertEquals("/proc", s.mounts().get(0).destination());
        assertFalse(s.linux().resources().devices().get(0).allow());
        assertEquals(5, s.linux().namespaces().size());
        assertTrue(s.linux().maskedPaths().contains("/proc/kcore"));
        Files.createDirectory(bundle.resolve("rootfs"));
        Validator.validate(s, bundle);
    }

    @Test
    void typeErrorsNameTheJsonPointer() {
        JruncException e = assertThrows(JruncException.class, () -> parse("{\"process\":{\"args\":[\"sh\", 3]}}"));
        assertEquals("/process/args/1", e.pointer());
        assertTrue(e.userMessage().contains("expected a string, got a number"), e.userMessage());
        e = assertThrows(JruncException.class, () -> parse("{\"linux\":{\"namespaces\":{\"type\":\"pid\"}}}"));
        assertEquals("/linux/namespaces", e.pointer());
        e = assertThrows(JruncException.class, () -> parse("{\"mounts\":[{\"destination\":\"/x\",\"options\":[true]}]}"));
        assertEquals("/mounts/0/options/0", e.pointer());
        assertThrows(JruncException.class, () -> parse("{\"process\": "));
    }

    @Test
    void unsigned64BitValuesKeepTheirBits() {
        Spec s = parse("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"x\"],"
                + "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]}]}}}");
        assertEquals(-1L, s.linux().seccomp().syscalls().get(0).args().get(0).value());
    }

    private static final String BASE = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
            + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"mount\"}]}|/linux/namespaces/1/type",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"bogus\"}]}|/linux/namespaces/1/type",
        "\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}|/hostname",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}]}|/linux/uidMappings",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}|/linux/uidMappings",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}|/linux/timeOffsets",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}|/linux/sysctl/net.ipv4.ip_forward",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\"}],\"sysctl\":{\"vm.swappiness\":\"1\"}}|/linux/sysctl/vm.swappiness",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"rootfsPropagation\":\"sideways\"}|/linux/rootfsPropagation",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"maskedPaths\":[\"proc/kcore\"]}|/linux/maskedPaths/0",
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"devices\":[{\"type\":\"x\",\"path\":\"/dev/a\"}]}|/linux/devices/0/type",
        "\"hooks\":{\"prestart\":[{\"path\":\"rel\"}]},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}|/hooks/prestart/0/path",
    })
    void validatorNamesTheField(String rest, String pointer) throws Exception {
        Files.createDirectories(bundle.resolve("rootfs"));
        Spec s = parse(BASE + rest + "}");
        JruncException e = assertThrows(JruncException.class, () -> Validator.validate(s, bundle));
        assertEquals(pointer, e.pointer(), e.userMessage());
    }

    @Test
    void processRulesAndMissingRootfs() throws Exception {
        JruncException e = assertThrows(JruncException.class, () -> Validator.validate(
                parse(BASE + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}"), bundle));
        assertEquals("/root/path", e.pointer());
        Files.createDirectories(bundle.resolve("rootfs"));
        e = assertThrows(JruncException.class, () -> Validator.validate(parse("{\"ociVersion\":\"1\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"args\":[],\"cwd\":\"/\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}"), bundle));
        assertEquals("/process/args", e.pointer());
        e = assertThrows(JruncException.class, () -> Validator.validate(parse("{\"ociVersion\":\"1\",\"root\":{\"path\":\"rootfs\"},"
                + "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":5}]},"
                + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}"), bundle));
        assertEquals("/process/rlimits/0/soft", e.pointer());
        // the valid version of the same config passes
        Validator.validate(parse(BASE + "\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"uts\"}]}}"), bundle);
    }
}
