package io.jrunc.cgroup;

import static io.jrunc.cgroup.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Device rules: runc's default allow list, and the cgroup v2 eBPF filter generated from them. */
class DeviceFilterTest {

    @Test
    void effectiveRulesFollowRuncsAllowList() {
        Spec.Resources r = DeviceRules.effective(res(rule(false, null, null, null, "rwm")),
                List.of(new Spec.Device("c", "/dev/fuse", 10, 229, null, null, null)));
        assertFalse(r.devices().get(0).allow());
        assertTrue(r.devices().stream().anyMatch(d -> d.allow() && d.major() != null && d.major() == 1 && d.minor() == 3));
        Spec.DeviceRule last = r.devices().get(r.devices().size() - 1);
        assertEquals(229L, last.minor());
    }

    @Test
    void programShape() {
        byte[] prog = DeviceFilter.program(List.of(rule(false, "a", null, null, "rwm"), rule(true, "c", 1L, 3L, "rwm")));
        // 6 prologue + rule 1:3 (type, major, minor, mov, exit) + deny-all (mov, exit); the deny-all ends it
        assertEquals((6 + 5 + 2) * 8, prog.length);
        assertEquals((byte) 0x95, prog[prog.length - 8], "ends with exit");
        assertThrows(JruncException.class, () -> DeviceFilter.access("rwx"));
    }

    /** The generated program, attached to a cgroup on the real cgroup2 mount, decides what a process may open. */
    @Test
    void v2FilterDeniesWhatTheRulesDeny() throws Exception {
        Path unified = CgroupHostTest.UNIFIED;
        Assumptions.assumeTrue(Files.exists(unified.resolve("cgroup.procs")) && Files.isWritable(unified), "no writable cgroup2 mount");
        Assumptions.assumeTrue(System.getProperty("jrunc.home") != null, "libjrunc needed (-Djrunc.home)");
        String dir = unified.resolve("jrunc-test-" + UUID.randomUUID().toString().substring(0, 8)).toString();
        V2Cgroup cg = new V2Cgroup(dir, unified.toString(), Cgroup.Env.stderr());
        Process sh = new ProcessBuilder("sh", "-c", "read go; head -c1 /dev/zero >/dev/null 2>&1 && echo zero-ok || echo zero-denied; "
                + "head -c1 /dev/urandom >/dev/null 2>&1 && echo urandom-ok || echo urandom-denied; "
                + ": > /dev/null && echo null-ok").redirectErrorStream(true).start();
        try {
            cg.create();
            // deny all, allow null (1:3) read/write and urandom (1:9) read only, as v1 would apply them
            cg.apply(res(rule(false, null, null, null, "rwm"), rule(true, "c", 1L, 3L, "rw"), rule(true, "c", 1L, 9L, "r")));
            cg.addProcess((int) sh.pid());
            sh.getOutputStream().write("\n".getBytes());
            sh.getOutputStream().flush();
            String out = new String(sh.getInputStream().readAllBytes());
            assertTrue(sh.waitFor(5, TimeUnit.SECONDS));
            assertTrue(out.contains("zero-denied"), out);
            assertTrue(out.contains("urandom-ok"), out);
            assertTrue(out.contains("null-ok"), out);
            cg.destroy();
        } finally {
            sh.destroyForcibly().waitFor();
            Fs.removeTree(dir);
        }
        assertFalse(Files.exists(Path.of(dir)));
    }
}
