package io.jrunc.seccomp;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompCompilerTest {
    private static Spec.Seccomp sc(String json) {
        return ConfigReader.parse(("{\"linux\":{\"seccomp\":" + json + "}}").getBytes(StandardCharsets.UTF_8)).linux().seccomp();
    }

    @Test
    void compilesToWholeBpfInstructions() {
        SeccompCompiler.Compiled c = SeccompCompiler.compile(sc("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
                + "\"syscalls\":[{\"names\":[\"read\",\"write\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                + "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"));
        assertTrue(c.bpf().length > 0 && c.bpf().length % 8 == 0, "struct sock_filter[]");
        assertEquals(2, c.flags());
    }

    @Test
    void errorsNameTheField() {
        JruncException e = assertThrows(JruncException.class, () -> SeccompCompiler.compile(sc(
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_BOGUS\"}]}")));
        assertEquals("/linux/seccomp/syscalls/0/action", e.pointer());
        e = assertThrows(JruncException.class, () -> SeccompCompiler.compile(sc("{\"defaultAction\":\"SCMP_ACT_NOPE\"}")));
        assertEquals("/linux/seccomp/defaultAction", e.pointer());
        e = assertThrows(JruncException.class, () -> SeccompCompiler.compile(sc(
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_NOT_REAL\"]}")));
        assertEquals("/linux/seccomp/architectures/0", e.pointer());
        e = assertThrows(JruncException.class, () -> SeccompCompiler.compile(sc(
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/x.sock\"}")));
        assertEquals("/linux/seccomp/listenerPath", e.pointer());
    }

    @Test
    void repeatedArgumentIndexSplitsTheRuleLikeRunc() {
        Spec.SeccompArg a = new Spec.SeccompArg(0, 1, 0, "SCMP_CMP_EQ"), b = new Spec.SeccompArg(0, 2, 0, "SCMP_CMP_EQ"),
                c = new Spec.SeccompArg(1, 3, 0, "SCMP_CMP_EQ");
        assertEquals(List.of(List.of(a), List.of(b)), SeccompCompiler.groups(List.of(a, b)));
        assertEquals(List.of(List.of(a, c)), SeccompCompiler.groups(List.of(a, c)));
        assertEquals(List.of(List.of()), SeccompCompiler.groups(null));
    }
}
