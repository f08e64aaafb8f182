package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * runc's command line (issue 14): every case runs against each runtime and must give the exit code runc
 * 1.1.5 gives (measured on this VM, written next to each case); {@link #sameExitCodesSideBySide} runs the
 * container-free table against jrunc and runc in one go and compares them code for code.
 */
class CliParityTest extends ConformanceBase {

    /** Command lines that need no container, with runc 1.1.5's exit code. "ID" is replaced by a fresh id. */
    static final List<Object[]> NO_CONTAINER = List.of(
            new Object[]{List.of(), 0},                               // help, exit 0
            new Object[]{List.of("--help"), 0},
            new Object[]{List.of("-h"), 0},
            new Object[]{List.of("help"), 0},
            new Object[]{List.of("h"), 0},
            new Object[]{List.of("help", "create"), 0},
            new Object[]{List.of("help", "nope"), 3},                 // "No help topic for 'nope'"
            new Object[]{List.of("nope"), 3},
            new Object[]{List.of("--nope"), 1},
            new Object[]{List.of("--version"), 0},
            new Object[]{List.of("create", "--help"), 0},
            new Object[]{List.of("run", "--help"), 0},
            new Object[]{List.of("exec", "--help"), 0},
            new Object[]{List.of("update", "--help"), 0},
            new Object[]{List.of("events", "--help"), 0},
            new Object[]{List.of("kill", "--help"), 0},
            new Object[]{List.of("delete", "-h"), 0},
            new Object[]{List.of("state", "--help"), 0},
            new Object[]{List.of("start", "--help"), 0},
            new Object[]{List.of("list", "--help"), 0},
            new Object[]{List.of("ps", "--help"), 0},
            new Object[]{List.of("pause", "--help"), 0},
            new Object[]{List.of("resume", "--help"), 0},
            new Object[]{List.of("spec", "--help"), 0},
            new Object[]{List.of("features", "--help"), 0},
            new Object[]{List.of("checkpoint", "--help"), 0},
            new Object[]{List.of("restore", "--help"), 0},
            new Object[]{List.of("create", "--nope", "ID"), 1},
            new Object[]{List.of("state"), 1},
            new Object[]{List.of("state", "ID", "--nope"), 1},
            new Object[]{List.of("state", "ID"), 1},
            new Object[]{List.of("kill"), 1},
            new Object[]{List.of("kill", "ID"), 1},
            new Object[]{List.of("kill", "--all", "ID"), 1},
            new Object[]{List.of("delete", "ID"), 1},
            new Object[]{List.of("delete", "--force", "ID"), 0},     // nothing to delete is not an error with --force
            new Object[]{List.of("delete", "ID", "--force"), 0},     // flags after the id (urfave/cli reorders)
            new Object[]{List.of("delete", "ID", "-f"), 0},
            new Object[]{List.of("start", "ID"), 1},
            new Object[]{List.of("pause", "ID"), 1},
            new Object[]{List.of("events", "--interval", "0", "ID"), 1},
            new Object[]{List.of("update", "--kernel-memory", "10M", "ID"), 1},
            new Object[]{List.of("run", "-b", "/nonexistent", "ID"), 1},
            new Object[]{List.of("list", "--nope"), 1},
            new Object[]{List.of("list", "-q"), 0});

    static List<String> withId(List<String> args, String id) {
        List<String> l = new ArrayList<>();
        for (String a : args) l.add(a.equals("ID") ? id : a);
        return l;
    }

    @ParameterizedTest @MethodSource("runtimes")
    void exitCodesWithoutAContainer(String name) throws Exception {
        Rt r = rt(name);
        List<String> wrong = new ArrayList<>();
        for (Object[] c : NO_CONTAINER) {
            @SuppressWarnings("unchecked") List<String> args = withId((List<String>) c[0], id);
            Rt.Result res = r.run(args.toArray(new String[0]));
            if (res.code() != (int) c[1]) wrong.add(args + ": exit " + res.code() + ", runc 1.1.5 exits " + c[1] + "\n" + res.err());
        }
        assertTrue(wrong.isEmpty(), r + ":\n" + String.join("\n", wrong));
        // help prints the options with their descriptions, and the top level lists every command
        assertTrue(r.ok("create", "--help").out().contains("--bundle value, -b value  path to the root of the bundle directory"));
        assertTrue(r.ok("kill", "--help").out().contains("--all, -a  send the specified signal to all processes inside the container"));
        String top = r.ok("help").out();
        for (String c : List.of("checkpoint", "create", "delete", "events", "exec", "kill", "list", "pause", "ps", "restore",
                "resume", "run", "spec", "start", "state", "update", "features"))
            assertTrue(top.contains("\n   " + c + " "), r + " top-level help lacks " + c + ":\n" + top);
        assertTrue(r.run("nope").err().contains("No help topic for 'nope'"));
        Rt.Result bad = r.run("--nope");
        assertTrue(bad.err().contains("flag provided but not defined: -nope"), bad.toString());
        assertFalse(bad.err().contains(name + " " + name), "the program name once: " + bad.err());
    }

    /** The table above against jrunc and runc in one run, compared code for code (both must be installed). */
    @Test
    void sameExitCodesSideBySide() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the runtimes' --root dirs need root");
        assertNotNull(Rt.binaryOf("runc"), "runc is part of this suite's requirements (.ci/run installs it)");
        Rt j = rt("jrunc"), rc = rt("runc");
        Map<String, String> diff = new TreeMap<>();
        for (Object[] c : NO_CONTAINER) {
            @SuppressWarnings("unchecked") String[] args = withId((List<String>) c[0], id).toArray(new String[0]);
            int a = j.run(args).code(), b = rc.run(args).code();
            if (a != b) diff.put(String.join(" ", args), "jrunc " + a + ", runc " + b);
        }
        assertEquals(Map.of(), diff);
    }

    private static final String KMEM_WARNING = "Kernel memory settings are ignored and will be removed";

    /** The container-side differences of issue 14, in one container's life. */
    @ParameterizedTest @MethodSource("runtimes")
    void flagsAfterIdKillAllOfStoppedUpdateKernelMemoryEventsIntervalExecCgroup(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        r.ok("run", id, "-d", "--bundle", b.dir.toString());   // flags after the id
        int pid = pidOf(r, id);
        assertEquals("running", status(r, id));

        Rt.Result u = r.run("update", "--kernel-memory", "10M", id);
        assertEquals(0, u.code(), u.toString());
        assertTrue(u.err().contains(KMEM_WARNING), u.toString());
        u = r.run("update", id, "--kernel-memory-tcp", "10M");
        assertEquals(0, u.code(), u.toString());
        assertTrue(u.err().contains(KMEM_WARNING), u.toString());

        Rt.Result ev = r.run("events", "--interval", "0", id);
        assertEquals(1, ev.code(), ev.toString());
        assertTrue(ev.err().contains("duration interval must be greater than 0"), ev.toString());
        assertEquals(0, r.run("events", "--stats", id).code());

        // exec --cgroup CONTROLLER:SUB joins the container's existing sub-cgroup
        String[] where = subCgroupTarget(pid);
        Path sub = Path.of(where[1], "sub");
        Files.createDirectory(sub);
        try {
            Rt.Result ex = r.run("exec", "--cgroup", where[0] + "sub", id, "cat", "/proc/self/cgroup");
            assertEquals(0, ex.code(), ex.toString());
            assertTrue(ex.out().contains(where[2] + "/sub\n"), "not in the sub-cgroup: " + ex.out());
            Rt.Result badArg = r.run("exec", "--cgroup", "a:b:c", id, "true");
            assertNotEquals(0, badArg.code(), badArg.toString());
            assertTrue(badArg.err().contains("invalid --cgroup argument"), badArg.toString());
            // a sub-cgroup that does not exist fails the exec (runc 1.1.5 then also kills the container's init)
            Rt.Result missing = r.run("exec", "--cgroup", where[0] + "nosuch", id, "true");
            assertNotEquals(0, missing.code(), missing.toString());

            r.run("kill", id, "KILL");
            waitForStatus(r, id, "stopped");
        } finally {
            for (int i = 0; i < 100 && Files.exists(sub); i++) {
                try { Files.delete(sub); } catch (java.io.IOException e) { Thread.sleep(20); }
            }
        }
        Rt.Result all = r.run("kill", "--all", id);
        assertEquals(0, all.code(), "kill --all of a stopped container: " + all);
        assertEquals(0, r.run("kill", id, "--all").code());
        // urfave/cli's reordering takes the word after a boolean flag along: this is `kill --all KILL <id>`,
        // a container named "KILL" (runc 1.1.5 does the same)
        Rt.Result quirk = r.run("kill", id, "--all", "KILL");
        assertEquals(1, quirk.code(), quirk.toString());
        assertTrue(quirk.err().contains("does not exist"), quirk.toString());
        Rt.Result one = r.run("kill", id);
        assertEquals(1, one.code(), one.toString());
        assertTrue(one.err().contains("container not running"), one.toString());
        assertEquals(0, r.run("delete", id, "--force").code());
        assertEquals(1, r.run("state", id).code());
    }

    /**
     * The container's cgroup for exec --cgroup: {flag prefix, host directory, path as /proc/self/cgroup shows
     * it}. The freezer hierarchy on cgroup v1 and hybrid hosts, the unified one on a pure v2 host.
     */
    static String[] subCgroupTarget(int pid) throws Exception {
        String v2 = null;
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = l.split(":", 3);
            if (f[1].equals("freezer")) return new String[]{"freezer:", "/sys/fs/cgroup/freezer" + f[2], f[2]};
            if (f[0].equals("0") && f[1].isEmpty()) v2 = f[2];
        }
        assertNotNull(v2, "no freezer and no cgroup2 line for " + pid);
        return new String[]{"", "/sys/fs/cgroup" + v2, v2};
    }

    /**
     * run --keep keeps a container whose process failed to start (runc: stopped, pid 0, until delete); without
     * --keep it is gone. (A failing poststart hook: runc 1.1.5 sometimes keeps, sometimes destroys the
     * container with --keep; jrunc destroys it. Not asserted.)
     */
    @ParameterizedTest @MethodSource("runtimes")
    void runKeepKeepsAContainerWhoseStartFailed(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("/nonexistent");
        b.write();
        for (List<String> mode : List.of(List.of("-d", "--keep"), List.of("--keep"), List.of("-d"), List.<String>of())) {
            String cid = id + "-" + mode.size() + (mode.contains("--keep") ? "k" : "n");
            List<String> args = new ArrayList<>(List.of("run"));
            args.addAll(mode);
            args.addAll(List.of("--bundle", b.dir.toString(), cid));
            Rt.Result res = r.run(args.toArray(new String[0]));
            assertEquals(1, res.code(), mode + ": " + res);
            assertTrue(res.err().contains("/nonexistent"), res.toString());
            if (mode.contains("--keep")) {
                assertEquals("stopped", status(r, cid), mode.toString());
                r.ok("delete", cid);
            }
            assertEquals(1, r.run("state", cid).code(), mode + ": gone after delete, or without --keep");
        }
    }

    /** 12 variables of 100 kB (1.2 MB, each under the kernel's 128 KiB string limit) and a 2 MB annotation. */
    @ParameterizedTest @MethodSource("runtimes")
    void largeEnvironmentAndAnnotation(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo ${#V0} ${#V11}; cat /proc/self/environ | wc -c");
        ArrayNode env = (ArrayNode) b.process().get("env");
        for (int i = 0; i < 12; i++) env.add("V" + i + "=" + "x".repeat(100_000));
        b.config.putObject("annotations").put("big", "y".repeat(2_000_000));
        String out = runIn(r, b);
        assertTrue(out.startsWith("100000 100000\n"), out);
        assertTrue(Integer.parseInt(out.split("\n")[1].trim()) > 1_200_000, out);
    }
}
