package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * checkpoint / restore on this host, where criu itself cannot run (its vDSO check fails on this kernel):
 * everything jrunc decides before and after criu, with a stand-in criu script where one is needed. Bad
 * input fails with its message and leaves the container (or nothing) as it was; the cleanup check of
 * ConformanceBase then finds no state, process or cgroup. The real checkpoint and restore run on the v2
 * guest (conformance/v2host/tests/checkpoint.sh).
 */
class CheckpointTest extends ConformanceBase {

    /** A criu stand-in: --version prints VERSION; otherwise it records its arguments and exits EXIT. */
    Path fakeCriu(String version, int exit) throws Exception {
        Path f = tmp.resolve("criu-" + version + "-" + exit);
        Files.writeString(f, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Version: " + version + "'; exit 0; fi\n"
                + "echo \"$*\" > " + tmp.resolve("criu-args") + "\nexit " + exit + "\n");
        assertTrue(f.toFile().setExecutable(true));
        return f;
    }

    String criuArgs() throws Exception { return Files.readString(tmp.resolve("criu-args")).trim(); }

    Rt.Result fails(Rt r, String... args) {
        Rt.Result res = r.run(args);
        assertEquals(1, res.code(), String.join(" ", args) + ": " + res);
        return res;
    }

    String running(Rt r) throws Exception {
        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        r.ok("run", "-d", "--bundle", b.dir.toString(), id);
        pidOf(r, id);
        return b.dir.toString();
    }

    @Test
    void criuMissingOrTooOld() throws Exception {
        Rt r = rt("jrunc");
        String bundle = running(r);
        int pid = pidOf(r, id);
        Rt.Result res = fails(r, "--criu", "/nonexistent/criu", "checkpoint", "--image-path", tmp.resolve("img").toString(), id);
        assertTrue(res.err().contains("criu not found at /nonexistent/criu: checkpoint and restore need criu 3.14 or newer"), res.err());
        Path old = fakeCriu("3.12", 0);
        res = fails(r, "--criu", old.toString(), "checkpoint", "--image-path", tmp.resolve("img").toString(), id);
        assertTrue(res.err().contains("criu 3.12 (" + old + ") is too old: jrunc needs criu 3.14 or newer"), res.err());
        assertFalse(Files.exists(tmp.resolve("criu-args")), "a criu that is too old is not run");
        assertFalse(Files.exists(tmp.resolve("img")), "no image directory made");
        res = fails(r, "--criu", "/nonexistent/criu", "restore", "-d", "--image-path", tmp.toString(), "--bundle", bundle, id + "-r");
        assertTrue(res.err().contains("criu not found"), res.err());
        assertEquals("running", status(r, id));
        assertEquals(pid, pidOf(r, id));
        assertFalse(Files.exists(r.root.resolve(id + "-r")));
    }

    @Test
    void notRunning() throws Exception {
        Rt r = rt("jrunc");
        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        Path criu = fakeCriu("3.17.1", 0);
        Rt.Result res = fails(r, "--criu", criu.toString(), "checkpoint", id);
        assertTrue(res.err().contains("container does not exist"), res.err());
        r.ok("create", "--bundle", b.dir.toString(), id);
        pidOf(r, id);
        res = fails(r, "--criu", criu.toString(), "checkpoint", "--image-path", tmp.resolve("img").toString(), id);
        assertTrue(res.err().contains("container " + id + " cannot be checkpointed in created state"), res.err());
        assertEquals("created", status(r, id));
        r.ok("kill", id, "KILL");
        waitForStatus(r, id, "stopped");
        res = fails(r, "--criu", criu.toString(), "checkpoint", "--image-path", tmp.resolve("img").toString(), id);
        assertTrue(res.err().contains("container " + id + " cannot be checkpointed in stopped state"), res.err());
        assertFalse(Files.exists(tmp.resolve("criu-args")));
        r.ok("delete", id);
    }

    @Test
    void unwritableImagePath() throws Exception {
        Rt r = rt("jrunc");
        running(r);
        Path criu = fakeCriu("3.17.1", 0);
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        Rt.Result res = fails(r, "--criu", criu.toString(), "checkpoint", "--image-path", file.resolve("img").toString(), id);
        assertTrue(res.err().contains("cannot create image path " + file.resolve("img") + ": not a directory"), res.err());
        res = fails(r, "--criu", criu.toString(), "checkpoint", "--image-path", file.toString(), id);
        assertTrue(res.err().contains("image path " + file + " exists and is not a directory"), res.err());
        // read-only: /proc/sys is not writable even for root
        res = fails(r, "--criu", criu.toString(), "checkpoint", "--image-path", "/proc/sys", id);
        assertTrue(res.err().contains("image path /proc/sys is not writable"), res.err());
        assertFalse(Files.exists(tmp.resolve("criu-args")), "criu is not run");
        assertEquals("running", status(r, id));
    }

    @Test
    void whatFollowsCriusDump() throws Exception {
        Rt r = rt("jrunc");
        running(r);
        int pid = pidOf(r, id);
        Path img = tmp.resolve("img");
        // criu fails: the container runs on, the error says so and where the log is
        Rt.Result res = fails(r, "--criu", fakeCriu("3.17.1", 1).toString(), "checkpoint", "--image-path", img.toString(), id);
        assertTrue(res.err().contains("criu failed: exit status 1") && res.err().contains("log file: " + img.resolve("dump.log")), res.err());
        assertEquals("running", status(r, id));
        // what criu was asked, and the stdio record restore needs
        String args = criuArgs();
        assertTrue(args.startsWith("dump --tree " + pid + " --images-dir " + img + " --log-file dump.log -v4 --root "), args);
        assertEquals("[\"/dev/null\",", Files.readString(img.resolve("descriptors.json")).substring(0, 13));
        // --leave-running: the container runs on
        Path ok = fakeCriu("3.17.1", 0);
        r.ok("--criu", ok.toString(), "checkpoint", "--leave-running", "--image-path", img.toString(), id);
        assertTrue(criuArgs().contains(" --leave-running"), criuArgs());
        assertEquals("running", status(r, id));
        // a dump without --leave-running: the container is gone as after delete --force (criu killed it)
        r.ok("--criu", ok.toString(), "checkpoint", "--image-path", img.toString(), id);
        Rt.Result gone = r.run("state", id);
        assertTrue(gone.code() == 1 && gone.err().contains("does not exist"), gone.toString());
    }

    @Test
    void restoreIntoAnExistingId() throws Exception {
        Rt r = rt("jrunc");
        String bundle = running(r);
        int pid = pidOf(r, id);
        Files.writeString(tmp.resolve("descriptors.json"), "[\"/dev/null\",\"pipe:[1]\",\"pipe:[1]\"]");
        Rt.Result res = fails(r, "--criu", fakeCriu("3.17.1", 0).toString(), "restore", "-d", "--image-path", tmp.toString(),
                "--bundle", bundle, id);
        assertTrue(res.err().contains("container with given ID already exists: " + id), res.err());
        assertFalse(Files.exists(tmp.resolve("criu-args")), "criu is not run");
        assertEquals("running", status(r, id));
        assertEquals(pid, pidOf(r, id));
    }

    @Test
    void aFailedRestoreLeavesNothing() throws Exception {
        Rt r = rt("jrunc");
        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        Path criu = fakeCriu("3.17.1", 1);
        // no checkpoint there
        Rt.Result res = fails(r, "--criu", criu.toString(), "restore", "-d", "--image-path", tmp.resolve("none").toString(),
                "--bundle", b.dir.toString(), id);
        assertTrue(res.err().contains("image path " + tmp.resolve("none") + " does not exist"), res.err());
        Path pre = Files.createDirectory(tmp.resolve("pre"));
        res = fails(r, "--criu", criu.toString(), "restore", "-d", "--image-path", pre.toString(), "--bundle", b.dir.toString(), id);
        assertTrue(res.err().contains("no descriptors.json in " + pre + ": not a checkpoint made by jrunc or runc"), res.err());
        assertFalse(Files.exists(tmp.resolve("criu-args")));
        // criu is run (into the new cgroup, from the rootfs bound on the state dir) and fails: all of it undone
        Files.writeString(pre.resolve("descriptors.json"), "[\"/dev/null\",\"pipe:[7]\",\"pipe:[7]\"]");
        res = fails(r, "--criu", criu.toString(), "restore", "-d", "--image-path", pre.toString(), "--bundle", b.dir.toString(), id);
        assertTrue(res.err().contains("criu failed: exit status 1"), res.err());
        String args = criuArgs();
        assertTrue(args.startsWith("restore --images-dir " + pre + " --log-file restore.log -v4 --root " + r.root.resolve(id).resolve("criu-root")
                + " --restore-detached --restore-sibling --pidfile "), args);
        assertTrue(args.contains(" --cgroup-root ") && args.endsWith(" --inherit-fd fd[1]:pipe:[7] --inherit-fd fd[2]:pipe:[7]"), args);
        assertFalse(Files.exists(r.root.resolve(id)), "no state directory left");
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains("criu-root"), "no criu-root mount left");
        // (no cgroup left: ConformanceBase's check)
    }
}
