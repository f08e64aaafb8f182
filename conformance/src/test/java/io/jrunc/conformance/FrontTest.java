package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** jrunc's C front and its JVM give byte-identical answers from the same state directory. */
class FrontTest extends ConformanceBase {
    static final Map<String, String> JVM = Map.of("JRUNC_NO_FRONT", "1");

    private void same(Rt r, String... args) {
        Rt.Result fast = r.run(args), slow = r.runEnv(JVM, args);
        assertEquals(slow.code(), fast.code(), String.join(" ", args) + "\nfront: " + fast + "\njvm: " + slow);
        assertEquals(slow.out(), fast.out(), String.join(" ", args));
    }

    @ParameterizedTest @MethodSource("runtimes")
    void stateIsIdenticalInEveryStatus(String name) throws Exception {
        Assumptions.assumeTrue(name.equals("jrunc"), "jrunc's own two paths");
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.config.putObject("annotations").put("a\"quote", "v<&>");
        b.write();
        r.ok("create", "-b", b.dir.toString(), id);
        pidOf(r, id);
        same(r, "state", id);
        assertEquals("created", status(r, id));
        r.ok("start", id);
        same(r, "state", id);
        r.ok("pause", id);
        same(r, "state", id);
        assertEquals("paused", status(r, id));
        r.ok("resume", id);
        // the front signals; the JVM path then sees the same stopped container
        r.ok("kill", id, "SIGKILL");
        waitForStatus(r, id, "stopped");
        same(r, "state", id);
        same(r, "kill", id, "TERM");
        same(r, "start", id);
        r.ok("delete", id);
        same(r, "state", id);
    }
}
