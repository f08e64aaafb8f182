package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * process.apparmorProfile, process.selinuxLabel, linux.mountLabel and exec --apparmor/--process-label on
 * a host where neither AppArmor nor SELinux is enabled: every runtime must fail (or run) the same way runc
 * 1.1.5 does here, except mountLabel, which jrunc ignores with a warning as crun does (runc fails). jrunc's
 * messages also name the field. On a host with an LSM these cases do not apply
 * and are skipped.
 */
class LsmTest extends ConformanceBase {

    static boolean apparmorOnHost() {
        try {
            return Files.isDirectory(Path.of("/sys/kernel/security/apparmor"))
                    && Files.readString(Path.of("/sys/module/apparmor/parameters/enabled")).startsWith("Y");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static boolean selinuxOnHost() {
        return Files.exists(Path.of("/sys/fs/selinux/enforce"));
    }

    Rt.Result runBundle(Rt r, TestBundle b, String cid) throws Exception {
        b.write();
        return r.run("run", "-b", b.dir.toString(), cid);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void apparmorProfileWithoutAppArmorFailsTheContainer(String name) throws Exception {
        Assumptions.assumeFalse(apparmorOnHost(), "AppArmor is enabled on this host");
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo started");
        b.process().put("apparmorProfile", "jrunc-test-profile");
        Rt.Result res = runBundle(r, b, id);
        // runc 1.1.5: "unable to apply apparmor profile: apparmor failed to apply profile: write /proc/self/attr/exec: invalid argument", exit 1
        assertEquals(1, res.code(), res.toString());
        assertFalse(res.out().contains("started"), res.toString());
        assertTrue(res.err().contains("apparmor"), res.toString());
        if (name.equals("jrunc")) assertTrue(res.err().contains("/process/apparmorProfile"), res.toString());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void selinuxLabelWithoutSelinuxFailsTheContainer(String name) throws Exception {
        Assumptions.assumeFalse(selinuxOnHost(), "SELinux is enabled on this host");
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo started");
        b.process().put("selinuxLabel", "system_u:system_r:container_t:s0:c1,c2");
        Rt.Result res = runBundle(r, b, id);
        assertEquals(1, res.code(), res.toString());
        assertTrue(res.err().contains("selinux label is specified in config, but selinux is disabled or not supported"), res.toString());
        if (name.equals("jrunc")) assertTrue(res.err().contains("/process/selinuxLabel"), res.toString());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void mountLabelWithoutSelinux(String name) throws Exception {
        Assumptions.assumeFalse(selinuxOnHost(), "SELinux is enabled on this host");
        Rt r = rt(name);
        String label = "system_u:object_r:container_file_t:s0:c1,c2";
        // jrunc ignores the label with a warning, as crun does; runc 1.1.5 passes context=... to the kernel,
        // which refuses it on the mounts runc labels (runc's default /dev tmpfs; a mask tmpfs over a directory)
        boolean ignores = !name.equals("runc");
        TestBundle b = bundle().sh("echo started");
        b.linux().put("mountLabel", label);
        Rt.Result res = runBundle(r, b, id);
        if (ignores) {
            assertEquals(0, res.code(), res.toString());
            assertTrue(res.out().contains("started"), res.toString());
            if (name.equals("jrunc")) assertTrue(res.err().contains("ignoring /linux/mountLabel"), res.toString());
        } else {
            assertEquals(1, res.code(), res.toString());
            assertTrue(res.err().contains("invalid argument"), res.toString());
        }

        // no labelled mount and no masked directory: every runtime runs it
        TestBundle ok = bundle().sh("echo started");
        ok.linux().put("mountLabel", label);
        keepOnly(ok, "proc");
        ok.linux().putArray("maskedPaths").add("/proc/no-such-path");
        res = runBundle(r, ok, id + "-b");
        assertEquals(0, res.code(), res.toString());
        assertTrue(res.out().contains("started"), res.toString());

        // a masked directory: runc's labelled tmpfs is refused by the kernel; jrunc masks it unlabelled
        TestBundle mask = bundle().sh("ls /sys/firmware | wc -l");
        mask.linux().put("mountLabel", label);
        keepOnly(mask, "proc", "sysfs");
        mask.linux().putArray("maskedPaths").add("/sys/firmware");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/firmware")), "no /sys/firmware on this host");
        res = runBundle(r, mask, id + "-c");
        if (ignores) {
            assertEquals(0, res.code(), res.toString());
            assertEquals("0", res.out().strip(), "the masked directory is empty: " + res);
        } else {
            assertEquals(1, res.code(), res.toString());
            assertTrue(res.err().contains("/sys/firmware") && res.err().contains("invalid argument"), res.toString());
        }
    }

    /** Leaves only the mounts of these types (no /dev tmpfs, devpts, shm, mqueue, cgroup). */
    static void keepOnly(TestBundle b, String... types) {
        ArrayNode ms = b.mounts();
        for (int i = ms.size() - 1; i >= 0; i--) {
            String t = ms.get(i).path("type").asText();
            if (!java.util.Arrays.asList(types).contains(t)) ms.remove(i);
        }
    }

    @ParameterizedTest @MethodSource("runtimes")
    void noLabelMeansTheProcessAttrsStayUntouched(String name) throws Exception {
        Assumptions.assumeFalse(apparmorOnHost() || selinuxOnHost(), "an LSM is enabled on this host");
        Rt r = rt(name);
        // without an LSM every attr read is refused: nothing was written, nothing can be
        String out = runIn(r, bundle().sh("for a in current exec; do cat /proc/self/attr/$a >/dev/null 2>&1; echo attr-$a=$?; done"));
        assertEquals("1", line(out, "attr-current="), out);
        assertEquals("1", line(out, "attr-exec="), out);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void execLabelFlagsWithoutTheLsmFailTheExecOnly(String name) throws Exception {
        Assumptions.assumeFalse(apparmorOnHost() || selinuxOnHost(), "an LSM is enabled on this host");
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "30");
        b.write();
        r.ok("run", "-d", "-b", b.dir.toString(), id);
        pidOf(r, id);
        Rt.Result aa = r.run("exec", "--apparmor", "jrunc-test-profile", id, "true");
        // runc 1.1.5: exit 255, "exec failed: unable to start container process: apparmor failed to apply profile: write /proc/self/attr/exec: invalid argument"
        assertNotEquals(0, aa.code(), aa.toString());
        assertTrue(aa.err().contains("apparmor"), aa.toString());
        Rt.Result se = r.run("exec", "--process-label", "system_u:system_r:container_t:s0", id, "true");
        assertNotEquals(0, se.code(), se.toString());
        assertTrue(se.err().contains("selinux label is specified in config, but selinux is disabled or not supported"), se.toString());
        assertEquals("running", status(r, id));
        r.ok("exec", id, "true");
    }

    /**
     * The init's write path itself, in real containers: native-helper/test/smoke.py plays Java's part with
     * plans Java would never send on this host (labels without the LSM), so the kernel's answer can be seen:
     * the same "write /proc/self/attr/exec: invalid argument" as runc's; a mount over the attr file refused
     * before any write; a labelled mask tmpfs refused over a directory; the late write after hooks.
     */
    @org.junit.jupiter.api.Test
    void initWritesLabelsThroughProcfsOnlyAndFailsAsTheKernelSays() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "real containers need root");
        Assumptions.assumeFalse(apparmorOnHost() || selinuxOnHost(), "an LSM is enabled on this host");
        Path home = Path.of(System.getProperty("jrunc.home", ".")).toAbsolutePath();
        Path smoke = home.resolve("native-helper/test/smoke.py"), init = home.resolve("native-helper/target/jrunc-init");
        Assumptions.assumeTrue(Files.isExecutable(init) && Files.exists(Path.of("/usr/bin/python3")) && Files.exists(Path.of("/bin/busybox")),
                "needs python3, busybox and a built jrunc-init");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", smoke.toString(), "lsm").redirectErrorStream(true);
        pb.environment().put("JRUNC_INIT", init.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("PASS lsm: apparmor") && out.contains("PASS lsm: mounted over"), out);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void featuresReportWhatJruncSupportsNotTheHost(String name) throws Exception {
        // runtime-spec 1.3 features.md: apparmor/selinux "represents whether the runtime supports" it,
        // "irrelevant to the availability ... on the host operating system" (issue 14)
        Assumptions.assumeTrue(name.equals("jrunc"), "runc 1.1.5 reports what it was built with");
        Rt r = rt(name);
        JsonNode f = TestBundle.parse(r.ok("features").out());
        assertTrue(f.at("/linux/apparmor/enabled").asBoolean(), f.toString());
        assertTrue(f.at("/linux/selinux/enabled").asBoolean(), f.toString());
        assertTrue(f.at("/linux/mountExtensions/idmap/enabled").asBoolean(), f.toString());
        assertTrue(f.at("/potentiallyUnsafeConfigAnnotations").isArray(), f.toString());
    }
}
