package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seccomp user notification end to end: SCMP_ACT_NOTIFY rules, the listener fd and the container process
 * state sent to listenerPath, and an agent (native-helper/test/seccomp_agent.c) that answers the
 * container's mkdir with ENOMSG, so the container sees the agent's answer, not the kernel's.
 */
class SeccompNotifyTest extends ConformanceBase {
    static final int ENOMSG = 42;
    Process agent;

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null && agent.isAlive()) {
            agent.destroyForcibly();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Starts the agent for `connections` filters; returns when it listens. */
    Path startAgent(Path sock, int connections) throws Exception {
        Path bin = Path.of(System.getProperty("jrunc.home", ".")).resolve("native-helper/target/seccomp_agent");
        Assumptions.assumeTrue(Files.isExecutable(bin), bin + " is not built (make -C native-helper check)");
        Path out = tmp.resolve("agent.out");
        agent = new ProcessBuilder(bin.toString(), sock.toString(), out.toString(), Integer.toString(ENOMSG),
                Integer.toString(connections)).redirectError(tmp.resolve("agent.err").toFile()).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("listening", r.readLine(), () -> "agent failed: " + read(tmp.resolve("agent.err")));
        return out;
    }

    static String read(Path p) {
        try { return Files.readString(p); } catch (Exception e) { return "(" + e + ")"; }
    }

    /** The agent's record once it has exited: every `state` JSON and every notified syscall number. */
    record Seen(List<JsonNode> states, List<Integer> calls) {}

    Seen finish(Path out) throws Exception {
        assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent still waits: a listener was not handed over or never closed");
        assertEquals(0, agent.exitValue(), read(tmp.resolve("agent.err")));
        List<JsonNode> states = new ArrayList<>();
        List<Integer> calls = new ArrayList<>();
        for (String l : Files.readAllLines(out)) {
            if (l.startsWith("state ")) states.add(TestBundle.parse(l.substring(6)));
            else if (l.startsWith("nr ")) calls.add(Integer.parseInt(l.split(" ")[1]));
        }
        return new Seen(states, calls);
    }

    TestBundle notifyBundle(Path sock, String script) throws Exception {
        TestBundle b = bundle().sh(script);
        ObjectNode sc = b.linux().putObject("seccomp");
        sc.put("defaultAction", "SCMP_ACT_ALLOW");
        sc.put("listenerPath", sock.toString());
        sc.put("listenerMetadata", "meta-" + id);
        sc.putArray("architectures").add("SCMP_ARCH_X86_64");
        ObjectNode rule = sc.putArray("syscalls").addObject();
        rule.putArray("names").add("mkdir").add("mkdirat");
        rule.put("action", "SCMP_ACT_NOTIFY");
        return b;
    }

    static void assertProcessState(JsonNode s, String id, String status) {
        assertEquals("[\"seccompFd\"]", s.get("fds").toString(), s.toString());
        assertEquals("meta-" + id, s.get("metadata").asText(), s.toString());
        assertTrue(s.get("pid").asInt() > 0, s.toString());
        assertEquals(id, s.get("state").get("id").asText(), s.toString());
        assertEquals(status, s.get("state").get("status").asText(), s.toString());
        assertTrue(s.hasNonNull("ociVersion"), s.toString());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void theAgentAnswersTheContainersCalls(String name) throws Exception {
        Rt r = rt(name);
        Path sock = tmp.resolve("agent.sock");
        Path out = startAgent(sock, 1);
        TestBundle b = notifyBundle(sock, "mkdir /tmp/x 2>&1; echo rc=$?; test -d /tmp/x && echo dir=yes || echo dir=no; "
                + "grep -E '^Seccomp:' /proc/self/status");
        b.config.with("root").put("readonly", false);
        String got = runIn(r, b);
        assertTrue(got.contains("No message of desired type"), "mkdir gets the agent's ENOMSG: " + got);
        assertEquals("1", line(got, "rc="));
        assertEquals("no", line(got, "dir="), "the agent answered; the kernel never ran mkdir");
        assertEquals("2", line(got, "Seccomp:"));
        Seen seen = finish(out);
        assertEquals(1, seen.states().size(), seen.toString());
        assertProcessState(seen.states().get(0), id, "creating");
        assertEquals(seen.states().get(0).get("pid").asInt(), seen.states().get(0).get("state").get("pid").asInt(),
                "the process that installed the filter is the init");
        assertTrue(seen.calls().contains(83) || seen.calls().contains(258), "mkdir/mkdirat notified: " + seen);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void execGetsAListenerOfItsOwn(String name) throws Exception {
        Rt r = rt(name);
        Path sock = tmp.resolve("agent.sock");
        Path out = startAgent(sock, 2);
        TestBundle b = notifyBundle(sock, "sleep 300");
        b.config.with("root").put("readonly", false);
        b.write();
        r.ok("create", "-b", b.dir.toString(), id);
        int initPid = pidOf(r, id);
        r.ok("start", id);
        Rt.Result ex = r.run("exec", id, "sh", "-c", "mkdir /tmp/y 2>&1; echo rc=$?");
        assertEquals(0, ex.code(), ex.toString());
        assertTrue(ex.out().contains("No message of desired type"), ex.toString());
        r.ok("kill", id, "KILL");
        waitForStatus(r, id, "stopped");
        r.ok("delete", id);
        Seen seen = finish(out);
        assertEquals(2, seen.states().size(), seen.toString());
        assertProcessState(seen.states().get(0), id, "creating");
        assertEquals(initPid, seen.states().get(0).get("pid").asInt());
        assertProcessState(seen.states().get(1), id, "running");
        assertNotEquals(initPid, seen.states().get(1).get("pid").asInt(), "the exec'd process' own pid");
        assertEquals(initPid, seen.states().get(1).get("state").get("pid").asInt(), "state.pid stays the init's");
    }

    @ParameterizedTest @MethodSource("runtimes")
    void noAgentFailsCreateAndLeavesNothing(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = notifyBundle(tmp.resolve("nobody-listens.sock"), "true");
        b.write();
        Rt.Result res = r.run("create", "-b", b.dir.toString(), id);
        assertNotEquals(0, res.code(), res.toString());
        assertFalse(r.run("state", id).code() == 0, "no container is left");
        // the cleanup check in ConformanceBase then verifies no state dir, process or cgroup is left
    }
}
