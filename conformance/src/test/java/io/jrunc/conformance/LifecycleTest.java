package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** create / start / state / kill / delete / run from the outside, identical for jrunc and runc. */
class LifecycleTest extends ConformanceBase {

    @ParameterizedTest @MethodSource("runtimes")
    void createStartKillDelete(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.config.putObject("annotations").put("org.example.key", "value");
        b.write();
        r.ok("create", "--bundle", b.dir.toString(), id);
        JsonNode st = TestBundle.parse(r.ok("state", id).out());
        assertEquals("created", st.get("status").asText());
        assertEquals(id, st.get("id").asText());
        assertEquals(b.dir.toString(), st.get("bundle").asText());
        assertEquals("value", st.get("annotations").get("org.example.key").asText());
        assertTrue(st.get("created").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), st.toString());
        assertTrue(st.has("ociVersion") && st.has("owner"), st.toString());
        int pid = pidOf(r, id);
        assertTrue(alive(pid));

        r.ok("start", id);
        assertEquals("running", status(r, id));
        // The process runs the container's args (it was parked before exec while created). `start` returns
        // once the init is released, which execs a moment later (runc's start does not wait either).
        String cmdline = "";
        for (int i = 0; i < 200 && !cmdline.startsWith("sleep"); i++, Thread.sleep(10))
            cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
        assertTrue(cmdline.startsWith("sleep"), cmdline);

        Rt.Result del = r.run("delete", id);
        assertNotEquals(0, del.code(), "delete of a running container must fail");
        assertTrue(del.err().contains("not stopped") || del.err().contains("running"), del.toString());

        r.ok("kill", id, "KILL");
        waitForStatus(r, id, "stopped");
        assertEquals(0, TestBundle.parse(r.ok("state", id).out()).get("pid").asInt());
        Rt.Result k = r.run("kill", id, "TERM");
        assertNotEquals(0, k.code());
        assertTrue(k.err().contains("container not running") || k.err().contains("process already finished"), k.toString());
        r.ok("delete", id);
        Rt.Result gone = r.run("state", id);
        assertEquals(1, gone.code());
        assertTrue(gone.err().contains("does not exist"), gone.toString());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void signalFormsAndDefaultSignal(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("trap 'exit 3' TERM; while true; do sleep 0.1; done");
        b.write();
        for (String sig : List.of("", "15", "TERM", "SIGTERM")) {
            String cid = id + "-" + (sig.isEmpty() ? "default" : sig.toLowerCase());
            r.ok("run", "-d", "--bundle", b.dir.toString(), cid);
            pidOf(r, cid);
            Thread.sleep(200);
            if (sig.isEmpty()) r.ok("kill", cid); else r.ok("kill", cid, sig);
            waitForStatus(r, cid, "stopped");
            r.ok("delete", cid);
        }
    }

    @ParameterizedTest @MethodSource("runtimes")
    void errorsForMissingAndDuplicateIds(String name) throws Exception {
        Rt r = rt(name);
        for (String[] cmd : List.of(new String[]{"state", id}, new String[]{"start", id}, new String[]{"kill", id, "KILL"},
                new String[]{"delete", id})) {
            Rt.Result res = r.run(cmd);
            assertEquals(1, res.code(), name + " " + cmd[0] + ": " + res);
            assertTrue(res.err().contains("does not exist"), res.toString());
        }
        assertEquals(0, r.run("delete", "-f", id).code(), "delete --force of a missing container exits 0");
        // runc's exec fails with 255 and "exec failed: <reason>"
        Rt.Result ex = r.run("exec", id, "true");
        assertEquals(255, ex.code(), name + " exec: " + ex);
        assertTrue(ex.err().contains("exec failed: container does not exist"), ex.toString());

        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        r.ok("create", "-b", b.dir.toString(), id);
        pidOf(r, id);
        Rt.Result dup = r.run("create", "-b", b.dir.toString(), id);
        assertEquals(1, dup.code());
        assertTrue(dup.err().contains("exists"), dup.toString());
        Rt.Result noExe = r.run("exec", id, "/no/such/binary");
        assertEquals(255, noExe.code(), name + " exec: " + noExe);
        assertTrue(noExe.err().contains("exec failed: ") && noExe.err().contains("no such file or directory"), noExe.toString());
        r.ok("start", id);
        Rt.Result again = r.run("start", id);
        assertEquals(1, again.code());
        assertTrue(again.err().contains("cannot start"), again.toString());
        r.ok("delete", "-f", id);
    }

    /** runc's state machine around pause: a created container can be paused, and is then reported paused. */
    @ParameterizedTest @MethodSource("runtimes")
    void pauseResumeOfACreatedContainer(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        r.ok("create", "-b", b.dir.toString(), id);
        pidOf(r, id);
        Rt.Result notPaused = r.run("resume", id);
        assertEquals(1, notPaused.code(), notPaused.toString());
        assertTrue(notPaused.err().contains("container not paused"), notPaused.toString());
        r.ok("pause", id);
        assertEquals("paused", status(r, id));
        Rt.Result twice = r.run("pause", id);
        assertTrue(twice.code() != 0 && twice.err().contains("container not running"), twice.toString());
        Rt.Result start = r.run("start", id);
        assertEquals(1, start.code(), start.toString());
        assertTrue(start.err().contains("cannot start a container in the paused state"), start.toString());
        r.ok("resume", id);
        assertEquals("created", status(r, id));
        r.ok("kill", id, "0"); // signal 0 only probes
        r.ok("start", id);
        assertEquals("running", status(r, id));
        r.ok("delete", "-f", id);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void foregroundRunExitCodesAndAutoDelete(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo out; echo err >&2; exit 7");
        b.write();
        Rt.Result res = r.run("run", "--bundle", b.dir.toString(), id);
        assertEquals(7, res.code(), res.toString());
        assertEquals("out\n", res.out());
        assertTrue(res.err().contains("err"), res.toString());
        assertEquals(1, r.run("state", id).code(), "run without --keep deletes the container");

        // Killed by a signal: the foreground run exits with 128 + signal, as a shell reports it.
        TestBundle k = bundle().args("sleep", "1000");
        k.write();
        Process fg = new ProcessBuilder(r.binary, "--root", r.root.toString(), "run", "-b", k.dir.toString(), id + "-sig")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 200 && r.run("state", id + "-sig").code() != 0; i++) Thread.sleep(25);
        waitForStatus(r, id + "-sig", "running");
        pidOf(r, id + "-sig");
        r.ok("kill", id + "-sig", "9");
        assertTrue(fg.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(137, fg.exitValue());

        Rt.Result kept = r.run("run", "--keep", "-b", b.dir.toString(), id + "-keep");
        assertEquals(7, kept.code());
        assertEquals("stopped", status(r, id + "-keep"));
        r.ok("delete", id + "-keep");
    }

    @ParameterizedTest @MethodSource("runtimes")
    void pidFileIsTheInitPidWithoutNewline(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        Path pf = tmp.resolve("pid");
        r.ok("create", "--pid-file", pf.toString(), "--bundle", b.dir.toString(), id);
        int pid = pidOf(r, id);
        assertEquals(Integer.toString(pid), Files.readString(pf));
        r.ok("delete", "-f", id);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void badConfigFailsAndLeavesNothing(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle();
        b.process().putArray("args");
        b.write();
        Rt.Result res = r.run("create", "-b", b.dir.toString(), id);
        assertEquals(1, res.code(), res.toString());
        assertTrue(res.err().toLowerCase().contains("args"), res.toString());
        assertFalse(Files.exists(r.root.resolve(id)), "no state dir after a failed create");

        TestBundle missing = bundle().args("no-such-binary");
        missing.write();
        Rt.Result m = r.run("create", "-b", missing.dir.toString(), id);
        assertEquals(1, m.code());
        assertTrue(m.err().contains("executable file not found"), m.toString());
        assertFalse(Files.exists(r.root.resolve(id)));

        // a directory is "permission denied", as Go's exec.LookPath says (podman maps that to 126)
        TestBundle dir = bundle().args("/bin");
        dir.write();
        Rt.Result d = r.run("create", "-b", dir.dir.toString(), id);
        assertEquals(1, d.code());
        assertTrue(d.err().contains("/bin") && d.err().contains("permission denied"), d.toString());
        assertFalse(Files.exists(r.root.resolve(id)));

        // a memory limit too small for the container to start at all
        TestBundle tiny = bundle();
        tiny.linux().with("resources").putObject("memory").put("limit", 4096);
        tiny.write();
        Rt.Result t = r.run("create", "-b", tiny.dir.toString(), id);
        assertEquals(1, t.code(), t.toString());
        if (name.equals("jrunc"))
            assertTrue(t.err().contains("/linux/resources/memory/limit: the container init was killed by the OOM killer"), t.toString());
        assertFalse(Files.exists(r.root.resolve(id)));
    }

    @ParameterizedTest @MethodSource("runtimes")
    void configEditsAfterCreateHaveNoEffect(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo original");
        b.write();
        Path out = tmp.resolve("out");
        // create's stdio is the container's: send it to a file that outlives the call.
        ProcessBuilder pb = new ProcessBuilder(r.binary, "--root", r.root.toString(), "create", "-b", b.dir.toString(), id)
                .redirectOutput(out.toFile()).redirectErrorStream(true);
        assertEquals(0, pb.start().waitFor());
        pidOf(r, id);
        b.sh("echo edited");
        b.write();
        r.ok("start", id);
        waitForStatus(r, id, "stopped");
        assertTrue(Files.readString(out).contains("original"), Files.readString(out));
        r.ok("delete", id);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void hooksRunInOrderWithStateOnStdin(String name) throws Exception {
        Rt r = rt(name);
        Path log = tmp.resolve("hooks.log");
        TestBundle b = bundle().args("true");
        ObjectNode hooks = b.config.putObject("hooks");
        for (String kind : List.of("prestart", "createRuntime", "poststart", "poststop")) {
            ArrayNode a = hooks.putArray(kind);
            ObjectNode h = a.addObject();
            h.put("path", "/bin/sh");
            h.putArray("args").add("sh").add("-c").add("read s; echo \"" + kind + " $s\" >> " + log);
        }
        b.write();
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        assertEquals(0, res.code(), res.toString());
        List<String> lines = Files.readAllLines(log);
        assertEquals(List.of("prestart", "createRuntime", "poststart", "poststop"),
                lines.stream().map(l -> l.split(" ", 2)[0]).toList());
        for (String l : lines) {
            JsonNode st = TestBundle.parse(l.split(" ", 2)[1]);
            assertEquals(id, st.get("id").asText(), l);
            assertEquals(b.dir.toString(), st.get("bundle").asText(), l);
        }
    }

    @ParameterizedTest @MethodSource("runtimes")
    void failingPrestartHookFailsCreateAndLeavesNothing(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "100");
        ObjectNode h = b.config.putObject("hooks").putArray("prestart").addObject();
        h.put("path", "/bin/false");
        b.write();
        Rt.Result res = r.run("create", "-b", b.dir.toString(), id);
        assertEquals(1, res.code(), res.toString());
        assertFalse(Files.exists(r.root.resolve(id)));
    }

    /** `delete --force` finishes the job after the runtime was SIGKILLed in the middle of create. */
    @ParameterizedTest @MethodSource("runtimes")
    void forceDeleteAfterCreateWasKilled(String name) throws Exception {
        Rt r = rt(name);
        Path marker = tmp.resolve("in-hook");
        TestBundle b = bundle().args("sleep", "1000");
        ObjectNode h = b.config.putObject("hooks").putArray("prestart").addObject();
        h.put("path", "/bin/sh");
        h.putArray("args").add("sh").add("-c").add("touch " + marker + "; sleep 3");
        b.write();
        Process create = new ProcessBuilder(r.binary, "--root", r.root.toString(), "create", "-b", b.dir.toString(), id)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        for (int i = 0; i < 400 && !Files.exists(marker); i++) Thread.sleep(25);
        assertTrue(Files.exists(marker), "prestart hook never ran");
        // The init exists now (hooks run after it is cloned and put in its cgroup): crash the runtime.
        create.destroyForcibly().waitFor();
        Rt.Result del = r.run("delete", "--force", id);
        assertEquals(0, del.code(), del.toString());
        assertFalse(Files.exists(r.root.resolve(id)), "state dir removed");
        List<Path> left = leftoverCgroups(id);
        if (name.equals("runc") && !left.isEmpty()) {
            // Known runc 1.1 bug (runc#4534 family): its cgroups survive. Clean up, report as skipped.
            assertEquals(List.of(), removeCgroups(left), "runc's leftover cgroups removed");
            org.junit.jupiter.api.Assumptions.abort("runc leaves cgroups behind after a killed create: " + left);
        }
        assertTrue(left.isEmpty(), "cgroups removed: " + left);
    }
}
