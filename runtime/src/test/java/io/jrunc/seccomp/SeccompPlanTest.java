package io.jrunc.seccomp;

import static io.jrunc.plan.PlanReader.all;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.plan.PlanReader;
import io.jrunc.plan.Planner;
import io.jrunc.plan.Tag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SECCOMP record in the plans of create and exec: the compiler's bytes and flags, or nothing. */
class SeccompPlanTest {
    @TempDir Path bundle;

    static Spec spec(String seccomp) {
        String json = """
                {"ociVersion":"1.2.0","root":{"path":"rootfs"},
                 "process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0},"noNewPrivileges":true},
                 "linux":{"namespaces":[{"type":"mount"},{"type":"pid"}]%s}}""".formatted(seccomp == null ? "" : ",\"seccomp\":" + seccomp);
        return ConfigReader.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    List<PlanReader.Rec> create(Spec s) {
        return PlanReader.plan(Planner.plan(s, new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"),
                false, null, 0, List.of(), true, null, SeccompCompiler.compile(s.linux() == null ? null : s.linux().seccomp())),
                new io.jrunc.plan.HostFacts(io.jrunc.lsm.Lsm.host(), false, true), new ArrayList<>()));
    }

    static List<PlanReader.Rec> exec(Spec s) {
        return PlanReader.plan(Planner.planExec(s.process(), List.of("mount", "pid"), 4242,
                Planner.Options.exec(null, 0, null, SeccompCompiler.compile(s.linux().seccomp())), new io.jrunc.plan.HostFacts(io.jrunc.lsm.Lsm.host(), false, true), new ArrayList<>()));
    }

    @Test
    void createAndExecCarryTheCompiledFilter() {
        String profile = """
                {"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG"],
                 "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}""";
        Spec s = spec(profile);
        SeccompCompiler.Compiled c = SeccompCompiler.compile(s.linux().seccomp());
        for (List<PlanReader.Rec> p : List.of(create(s), exec(s))) {
            List<PlanReader.Rec> sc = all(p, Tag.SECCOMP);
            assertEquals(1, sc.size());
            assertArrayEquals(c.bpf(), sc.get(0).sub(Tag.SC_BPF).value());
            assertEquals(2, sc.get(0).sub(Tag.SC_FLAGS).u32());
        }
    }

    @Test
    void noSeccompNoRecord() {
        for (String none : Arrays.asList(null, "{}", "{\"architectures\":[\"SCMP_ARCH_X86_64\"]}")) {
            Spec s = spec(none);
            assertTrue(all(create(s), Tag.SECCOMP).isEmpty(), none);
            assertTrue(all(exec(s), Tag.SECCOMP).isEmpty(), none);
        }
    }
}
