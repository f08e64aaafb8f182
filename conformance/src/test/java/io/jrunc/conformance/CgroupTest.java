package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Resources, update, pause/resume, ps, kill --all, events: observed from inside and from the host. */
class CgroupTest extends ConformanceBase {



    @ParameterizedTest @MethodSource("runtimes")
    void limitsAreAppliedAndReadableInside(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo cpus=$(grep Cpus_allowed_list /proc/self/status | cut -f2); "
                + "echo quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us); echo shares=$(cat /sys/fs/cgroup/cpu/cpu.shares); "
                + "echo swappiness=$(cat /sys/fs/cgroup/memory/memory.swappiness)");
        ObjectNode cpu = b.linux().with("resources").putObject("cpu");
        cpu.put("cpus", "0").put("quota", 50000).put("period", 100000).put("shares", 512);
        b.linux().with("resources").putObject("memory").put("swappiness", 10);
        String out = runIn(r, b);
        assertEquals("0", line(out, "cpus="));
        assertEquals("50000", line(out, "quota="));
        assertEquals("512", line(out, "shares="));
        assertEquals("10", line(out, "swappiness="));
    }

    @ParameterizedTest @MethodSource("runtimes")
    void pidsLimitStopsAForkBomb(String name) throws Exception {
        Rt r = rt(name);
        // The bomb runs in a child shell: a failed fork may end that shell, not the reporting one.
        TestBundle b = bundle().sh("sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30 & done' 2>/dev/null; "
                + "echo running=$(cat /sys/fs/cgroup/pids/pids.current); kill -9 -1; true");
        b.linux().with("resources").putObject("pids").put("limit", 5);
        String out = runIn(r, b);
        assertTrue(Integer.parseInt(line(out, "running=")) <= 5, out);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void memoryLimitOomKillsAndEventsReportIt(String name) throws Exception {
        Rt r = rt(name);
        // Wait until the events stream is attached, then eat memory: `tail` keeps its whole input.
        Path godir = Files.createDirectories(tmp.resolve("godir"));
        TestBundle b = bundle().sh("while [ ! -e /godir/go ]; do sleep 0.1; done; head -c 200000000 /dev/zero | tail > /dev/null; sleep 5");
        b.linux().with("resources").putObject("memory").put("limit", 16 * 1024 * 1024).put("swap", 16 * 1024 * 1024);
        ObjectNode m = b.mounts().addObject();
        m.put("destination", "/godir").put("type", "bind").put("source", godir.toString());
        m.putArray("options").add("bind");
        b.write();
        r.ok("run", "-d", "-b", b.dir.toString(), id);
        pidOf(r, id);
        Process ev = new ProcessBuilder(r.binary, "--root", r.root.toString(), "events", "--interval", "1s", id)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(ev.getInputStream()));
            String first = in.readLine();
            assertNotNull(first);
            JsonNode st = TestBundle.parse(first);
            assertEquals("stats", st.get("type").asText());
            assertEquals(16L * 1024 * 1024, st.get("data").get("memory").get("usage").get("limit").asLong());
            Files.writeString(godir.resolve("go"), "1");
            boolean oom = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String l;
            while (!oom && System.nanoTime() < deadline && (l = in.readLine()) != null) {
                oom = TestBundle.parse(l).get("type").asText().equals("oom");
            }
            assertTrue(oom, r + ": no oom event");
        } finally {
            ev.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest @MethodSource("runtimes")
    void updatePauseResumePsAndKillAll(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("sleep 1000 & sleep 1000 & wait");
        b.write();
        r.ok("run", "-d", "-b", b.dir.toString(), id);
        int pid = pidOf(r, id);
        JsonNode ps = null;
        for (int i = 0; i < 100; i++) {
            ps = TestBundle.parse(r.ok("ps", "--format", "json", id).out());
            if (ps.size() == 3) break;
            Thread.sleep(20);
        }
        assertEquals(3, ps.size(), ps.toString());
        assertTrue(ps.toString().contains(Integer.toString(pid)));

        r.ok("update", "--memory", "64m", "--pids-limit", "50", id);
        Path memDir = cgroupDir("memory", pid);
        assertEquals(Long.toString(64L << 20), Files.readString(memDir.resolve("memory.limit_in_bytes")).trim());
        assertEquals("50", Files.readString(cgroupDir("pids", pid).resolve("pids.max")).trim());
        Path res = tmp.resolve("res.json");
        Files.writeString(res, "{\"pids\":{\"limit\":40}}");
        r.ok("update", "-r", res.toString(), id);
        assertEquals("40", Files.readString(cgroupDir("pids", pid).resolve("pids.max")).trim());

        r.ok("pause", id);
        assertEquals("paused", status(r, id));
        assertEquals("FROZEN", Files.readString(cgroupDir("freezer", pid).resolve("freezer.state")).trim());
        r.ok("resume", id);
        assertEquals("running", status(r, id));

        r.ok("kill", "--all", id, "KILL");
        waitForStatus(r, id, "stopped");
        for (JsonNode p : ps) {
            for (int i = 0; i < 100 && alive(p.asInt()); i++) Thread.sleep(20);
            assertFalse(alive(p.asInt()), "pid " + p + " survived kill --all");
        }
        r.ok("delete", id);
    }

    /** The host directory of the container's cgroup in a v1 hierarchy, from /proc/<pid>/cgroup. */
    static Path cgroupDir(String controller, int pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = l.split(":", 3);
            if (java.util.Arrays.asList(f[1].split(",")).contains(controller)) {
                Path p = Path.of("/sys/fs/cgroup", controller, f[2]);
                if (Files.isDirectory(p)) return p;
                // This host mounts memory below a parent cgroup of its own: search for the leaf.
                try (var s = Files.find(Path.of("/sys/fs/cgroup", controller), 4,
                        (q, a) -> a.isDirectory() && q.toString().endsWith(f[2]))) {
                    return s.findFirst().orElseThrow();
                }
            }
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void deviceRulesDenyWhatTheSpecDenies(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("mknod /tmp/port c 1 4 && echo made; head -c1 /tmp/port >/dev/null 2>&1 && echo open-port || echo denied-port; "
                + "mknod /tmp/null2 c 1 3 && head -c0 /tmp/null2 && echo open-null");
        b.config.with("root").put("readonly", false);
        for (String set : new String[]{"bounding", "effective", "permitted"})
            ((ArrayNode) b.process().with("capabilities").get(set)).add("CAP_MKNOD");
        String out = runIn(r, b);
        assertTrue(out.contains("made"), out);
        assertTrue(out.contains("denied-port"), "1:4 is not in the allowed list: " + out);
        assertTrue(out.contains("open-null"), "1:3 is allowed: " + out);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void cgroupNamespaceAndExecIntoPaused(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.linux().withArray("namespaces").addObject().put("type", "cgroup");
        b.write();
        r.ok("run", "-d", "-b", b.dir.toString(), id);
        pidOf(r, id);
        // exec shares the container's namespaces: its cgroup view starts at the container's cgroup.
        Rt.Result cg = r.ok("exec", id, "cat", "/proc/self/cgroup");
        assertTrue(cg.out().lines().anyMatch(l -> l.matches("\\d+:pids:/")), cg.out());
        r.ok("pause", id);
        Rt.Result refused = r.run("exec", id, "true");
        assertNotEquals(0, refused.code());
        assertTrue(refused.err().contains("paused"), refused.toString());
        r.ok("resume", id);
        Rt.Result ex = r.run("exec", id, "sh", "-c", "exit 5");
        assertEquals(5, ex.code(), "exec exits with the process' code: " + ex);
        r.ok("delete", "-f", id);
    }
}
