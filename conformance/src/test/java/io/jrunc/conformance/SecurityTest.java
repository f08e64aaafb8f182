package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hardening observable from the host; each runtime must pass (runc 1.1.5 has the same protections). */
class SecurityTest extends ConformanceBase {

    /**
     * CVE-2019-5736: the runtime process that sits in the container's namespaces (the parked init) must
     * not expose a writable host binary through /proc/<pid>/exe.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void parkedInitRunsFromASealedCopy(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        b.write();
        r.ok("create", "-b", b.dir.toString(), id);
        int pid = pidOf(r, id);
        Path exe = Path.of("/proc/" + pid + "/exe");
        String target = Files.readSymbolicLink(exe).toString();
        // jrunc runs jrunc-init from a sealed memfd; runc 1.1.5 from its own cloned binary (shown differently)
        if (name.equals("jrunc")) assertTrue(target.startsWith("/memfd:"), name + ": init runs from " + target);
        assertThrows(Exception.class, () -> Files.newOutputStream(exe, StandardOpenOption.WRITE).close(),
                "the init's executable must not be writable");
        r.ok("delete", "-f", id);
    }

    /** CVE-2024-21626 family: no runtime fd reaches the container; its cwd is inside the rootfs. */
    @ParameterizedTest @MethodSource("runtimes")
    void noLeakedFdsAndCwdInsideRootfs(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("for f in /proc/self/fd/*; do echo fd=$f=$(readlink $f); done; echo cwd=$(readlink /proc/self/cwd)");
        b.process().put("cwd", "/tmp");
        String out = runIn(r, b);
        for (String l : out.split("\n")) {
            if (!l.startsWith("fd=")) continue;
            String[] f = l.split("=", 3);
            int fd = Integer.parseInt(f[1].substring(f[1].lastIndexOf('/') + 1));
            // 0-2 are stdio; above that only the shell's own transient fds (already closed, or under /proc)
            assertTrue(fd <= 2 || f[2].isEmpty() || f[2].startsWith("/proc/"), name + " leaked fd " + l);
        }
        assertEquals("/tmp", line(out, "cwd="));
    }

    /** Each container joins a session keyring of its own, named as runc names it; --no-new-keyring does not. */
    @ParameterizedTest @MethodSource("runtimes")
    void ownSessionKeyring(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("grep keyring /proc/keys");
        com.fasterxml.jackson.databind.node.ArrayNode masked = b.linux().putArray("maskedPaths");
        masked.add("/proc/kcore");
        String out = runIn(r, b);
        assertTrue(out.contains("_ses." + id + ": "), out);
        b.write();
        Rt.Result no = r.run("run", "--no-new-keyring", "-b", b.dir.toString(), id + "-n");
        assertEquals(0, no.code(), no.toString());
        assertFalse(no.out().contains("_ses." + id + "-n"), no.out());
    }

    /**
     * The keyring is joined before anything a seccomp filter or a dropped capability can break: with a
     * default-errno profile that does not allow keyctl (Docker's and containerd's default profiles deny it;
     * the runtime-tools suite's default config), with and without noNewPrivileges, the container starts in
     * its own session keyring under the filter. EPERM, not ENOSYS, so that a wrong order cannot hide
     * behind the ENOSYS tolerance. --no-new-keyring under the same filter starts too.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void sessionKeyringUnderADefaultErrnoProfileWithoutKeyctl(String name) throws Exception {
        Rt r = rt(name);
        for (String variant : List.of("no-nnp", "nnp", "no-new-keyring")) {
            TestBundle b = bundle().sh("grep keyring /proc/keys; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status");
            b.process().put("noNewPrivileges", variant.equals("nnp"));
            b.linux().putArray("maskedPaths").add("/proc/kcore"); // the default spec masks /proc/keys
            com.fasterxml.jackson.databind.node.ObjectNode sc = b.linux().putObject("seccomp");
            sc.put("defaultAction", "SCMP_ACT_ERRNO").put("defaultErrnoRet", 1);
            sc.putArray("architectures").add("SCMP_ARCH_X86_64");
            com.fasterxml.jackson.databind.node.ArrayNode names = sc.putArray("syscalls").addObject()
                    .put("action", "SCMP_ACT_ALLOW").putArray("names");
            List<String> all = x86_64Syscalls();
            assertTrue(all.size() > 300 && all.contains("keyctl"), "syscall table: " + all.size());
            for (String n : all) if (!List.of("keyctl", "add_key", "request_key").contains(n)) names.add(n);
            b.write();
            String cid = id + "-" + variant;
            Rt.Result res = variant.equals("no-new-keyring")
                    ? r.run("run", "--no-new-keyring", "-b", b.dir.toString(), cid)
                    : r.run("run", "-b", b.dir.toString(), cid);
            assertEquals(0, res.code(), variant + ": " + res);
            assertEquals("2", line(res.out(), "Seccomp:"), variant + ": the filter is on: " + res.out());
            assertEquals(variant.equals("nnp") ? "1" : "0", line(res.out(), "NoNewPrivs:"), variant);
            assertEquals(!variant.equals("no-new-keyring"), res.out().contains("_ses." + cid + ": "), variant + ": " + res.out());
        }
    }

    /**
     * An exec'd process joins the container's session keyring (runc's setns init), not the caller's; after
     * a create with --no-new-keyring it keeps the caller's, as the init did.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void execJoinsTheContainersSessionKeyring(String name) throws Exception {
        Rt r = rt(name);
        for (boolean keep : new boolean[] {false, true}) {
            TestBundle b = bundle().args("sleep", "300");
            b.linux().putArray("maskedPaths").add("/proc/kcore"); // the default spec masks /proc/keys
            b.write();
            String cid = id + (keep ? "-k" : "");
            Rt.Result run = keep ? r.run("run", "-d", "--no-new-keyring", "-b", b.dir.toString(), cid)
                    : r.run("run", "-d", "-b", b.dir.toString(), cid);
            assertEquals(0, run.code(), run.toString());
            pidOf(r, cid);
            Rt.Result ex = r.run("exec", cid, "sh", "-c", "grep keyring /proc/keys");
            assertEquals(!keep, ex.out().contains("_ses." + cid + ": "), name + (keep ? " --no-new-keyring: " : ": ") + ex);
            r.ok("delete", "-f", cid);
        }
    }

    /** Every x86_64 syscall name, from the kernel's uapi header (linux-libc-dev, which gcc brings). */
    static List<String> x86_64Syscalls() throws java.io.IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"))) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("#define") && f[1].startsWith("__NR_")) out.add(f[1].substring(5));
        }
        return out;
    }

    /** Nothing of the runtime's own environment reaches the container: only process.env (and HOME, as runc). */
    @ParameterizedTest @MethodSource("runtimes")
    void runtimeEnvironmentDoesNotLeak(String name) throws Exception {
        Rt r = rt(name);
        // sleep as the init: its /proc/<pid>/environ is exactly what the runtime passed to execve
        TestBundle b = bundle().args("sleep", "300");
        b.write();
        java.util.Map<String, String> env = java.util.Map.of("JRUNC_LEAK_CANARY", "c-" + id, "LD_PRELOAD", "",
                "JAVA_TOOL_OPTIONS", "-Dcanary=" + id);
        Rt.Result run = r.runEnv(env, "run", "-d", "-b", b.dir.toString(), id);
        assertEquals(0, run.code(), run.toString());
        pidOf(r, id);
        Rt.Result ex = r.runEnv(env, "exec", id, "sh", "-c", "tr '\\0' '\\n' < /proc/self/environ");
        assertEquals(0, ex.code(), ex.toString());
        java.util.Set<String> allowed = java.util.Set.of("PATH", "TERM", "HOME");
        for (String l : ex.out().split("\n")) {
            if (l.isEmpty()) continue;
            String key = l.substring(0, l.indexOf('='));
            assertTrue(allowed.contains(key), name + ": exec'd process got " + l);
        }
        Path status = Path.of("/proc/" + pidOf(r, id) + "/environ");
        String initEnv = Files.readString(status).replace('\0', '\n');
        assertFalse(initEnv.contains(id), name + ": the init's environment holds the runtime's: " + initEnv);
        for (String l : initEnv.split("\n")) {
            if (!l.isEmpty()) assertTrue(allowed.contains(l.substring(0, l.indexOf('='))), name + ": init got " + l);
        }
        r.ok("delete", "-f", id);
    }

    /** exec --cap adds to bounding, effective and permitted, never to inheritable (CVE-2022-29162). */
    @ParameterizedTest @MethodSource("runtimes")
    void execCapAddsOnlyWhatItNames(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "300");
        b.write();
        r.ok("run", "-d", "-b", b.dir.toString(), id);
        pidOf(r, id);
        Rt.Result ex = r.run("exec", "--cap", "CAP_SYS_ADMIN", id, "grep", "-E", "^Cap(Inh|Prm|Eff|Bnd|Amb):", "/proc/self/status");
        assertEquals(0, ex.code(), ex.toString());
        long base = (1L << 29) | (1L << 5) | (1L << 10); // AUDIT_WRITE, KILL, NET_BIND_SERVICE (runc spec)
        long admin = 1L << 21;
        assertEquals(0L, Long.parseLong(line(ex.out(), "CapInh:"), 16), name);
        assertEquals(base | admin, Long.parseLong(line(ex.out(), "CapPrm:"), 16), name);
        assertEquals(base | admin, Long.parseLong(line(ex.out(), "CapEff:"), 16), name);
        assertEquals(base | admin, Long.parseLong(line(ex.out(), "CapBnd:"), 16), name);
        assertEquals(0L, Long.parseLong(line(ex.out(), "CapAmb:"), 16), name + ": ambient needs inheritable");
        Rt.Result plain = r.run("exec", id, "grep", "-E", "^CapEff:", "/proc/self/status");
        assertEquals(base, Long.parseLong(line(plain.out(), "CapEff:"), 16), name + ": --cap applies to that exec only");
        r.ok("delete", "-f", id);
    }

    /**
     * The entry binary's prewarm grandchild (native-helper/src/prewarm.c) is harmless to its caller: it
     * stays in the caller's cgroups (it only moves itself to where it is), holds nothing but /dev/null
     * (a caller reading jrunc's stdout or stderr to EOF never waits for it) and is gone shortly.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void prewarmChildStaysInTheCallersCgroupAndHoldsNoCallerFd(String name) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(name.equals("jrunc"), "jrunc's entry binary");
        Rt r = rt(name);
        TestBundle b = bundle().args("true");
        b.write();
        Path out = tmp.resolve("pw.out");
        Process p = new ProcessBuilder(r.binary.toString(), "--root", r.root.toString(), "create", "-b", b.dir.toString(), id)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        pids.add((int) p.pid());
        int found = -1;
        for (int i = 0; i < 2000 && found < 0; i++) {
            try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path d : procs.toList()) {
                    if (!d.getFileName().toString().matches("[0-9]+")) continue;
                    try {
                        if (Files.readString(d.resolve("comm")).trim().equals("jrunc-prewarm")
                                && Files.readString(d.resolve("cmdline")).contains(id)) found = Integer.parseInt(d.getFileName().toString());
                    } catch (java.io.IOException gone) {
                        // exited meanwhile
                    }
                }
            }
            if (found < 0) Thread.sleep(1);
        }
        // findings first, assertions after create has finished: a failed check must not leave it half-way
        List<String> problems = new ArrayList<>();
        if (found < 0) problems.add("no jrunc-prewarm process seen for " + id);
        else pids.add(found);
        try {
            if (found > 0 && !Files.readString(Path.of("/proc/self/cgroup")).equals(Files.readString(Path.of("/proc/" + found + "/cgroup"))))
                problems.add("the prewarm child moved");
            if (found > 0) {
                try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/" + found + "/fd"))) {
                    for (Path fd : fds.toList()) {
                        String t = Files.readSymbolicLink(fd).toString();
                        if (!t.equals("/dev/null") && !t.endsWith("/cgroup.procs")) problems.add("prewarm child holds fd " + fd + " -> " + t);
                    }
                }
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // it finished before we looked: nothing held
        }
        int code = p.waitFor();
        r.run("delete", "-f", id);
        assertEquals(0, code, Files.readString(out));
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // ConformanceBase's cleanup checks every pid in `pids` is gone (the child lives ~150 ms)
    }
}
