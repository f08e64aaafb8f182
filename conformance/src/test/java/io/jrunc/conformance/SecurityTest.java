package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
}
