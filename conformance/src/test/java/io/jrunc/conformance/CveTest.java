package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One attack bundle per published runc advisory, made deterministic: where the advisory needs a race
 * (a second container swapping a path through a shared volume), the bundle starts in the state the race
 * would produce. Every attack aims at a decoy under the test's temp dir, never at a real host file, and
 * each test checks the decoy afterwards. A runtime passes by refusing the bundle cleanly or by keeping the
 * attack inside the container; it never passes by failing for an unrelated reason.
 */
class CveTest extends ConformanceBase {

    static final String DECOY = "decoy-untouched\n";

    /**
     * Skips a runtime known (by running this very test against it) to have the advisory unfixed: runc
     * 1.1.5 predates the 2025 fixes. -Dcve.noskip=true runs it anyway, to see it fail.
     */
    static void skipIfVulnerable(String name, String runtime, String advisory) {
        if (Boolean.getBoolean("cve.noskip")) return;
        Assumptions.assumeFalse(name.equals(runtime), runtime + " 1.1.5 is vulnerable to " + advisory);
    }

    /** A host directory holding a marker file and the given empty subdirectories. */
    Path decoyDir(String name, String... subdirs) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.writeString(d.resolve("marker"), DECOY);
        for (String s : subdirs) Files.createDirectories(d.resolve(s));
        return d;
    }

    /** Every file under d with its content (directories as "<dir>"), to compare before and after an attack. */
    static TreeMap<String, String> snapshot(Path d) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.toList()) {
                String k = d.relativize(p).toString();
                if (Files.isSymbolicLink(p)) m.put(k, "-> " + Files.readSymbolicLink(p));
                else if (Files.isDirectory(p)) m.put(k, "<dir>");
                else if (Files.isRegularFile(p)) m.put(k, Files.readString(p));
                else m.put(k, "<device or fifo>"); // never read: /dev/zero would never end

            }
        }
        return m;
    }

    static ObjectNode bind(TestBundle b, Path source, String dest, String... opts) {
        ObjectNode m = b.mounts().addObject();
        m.put("destination", dest).put("type", "bind").put("source", source.toString());
        ArrayNode o = m.putArray("options").add("rbind");
        for (String s : opts) o.add(s);
        return m;
    }

    static void dropMount(TestBundle b, String dest) {
        for (Iterator<JsonNode> it = b.mounts().elements(); it.hasNext();) {
            if (it.next().get("destination").asText().equals(dest)) it.remove();
        }
    }

    /** Replaces the rootfs entry at path (inside the rootfs) by a symlink to target. */
    static void symlinkInRootfs(TestBundle b, String path, String target) throws IOException {
        Path p = b.dir.resolve("rootfs").resolve(path);
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        Files.createSymbolicLink(p, Path.of(target));
    }

    /** Enough "../" to climb from anywhere in the rootfs to the host's / if nothing stops it. */
    static String climb(Path hostTarget) {
        return "../".repeat(40) + hostTarget.toString().substring(1);
    }

    // ---- 1. CVE-2019-16884: /proc in the image is a symlink out of the rootfs ----

    /**
     * CVE-2019-16884 (and the /proc half of CVE-2019-19921): the image's /proc is a symlink to a host
     * directory. procfs must be mounted inside the rootfs (through the symlink resolved in the rootfs) or
     * the create refused because of /proc; the host directory stays as it was.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2019_16884_procSymlinkedOutOfTheRootfs(String name) throws Exception {
        Rt r = rt(name);
        Path d = decoyDir("hostproc");
        TreeMap<String, String> before = snapshot(d);
        TestBundle b = bundle().sh("test -f /proc/self/status && echo proc=ok; echo fstype=$(stat -f -c %T /proc/)");
        symlinkInRootfs(b, "proc", d.toString());
        b.write();
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        if (res.code() == 0) {
            assertEquals("ok", line(res.out(), "proc="), name + ": procfs did not land inside the rootfs: " + res);
            assertEquals("proc", line(res.out(), "fstype="), res.toString());
        } else {
            // runc: `filesystem "proc" must be mounted on ordinary directory`
            assertTrue(res.err().contains("ordinary directory"), name + ": failed, but not because of the /proc symlink: " + res);
        }
        assertEquals(before, snapshot(d), name + " changed the host directory the image's /proc points at");
    }

    // ---- 2. CVE-2021-30465: a mount destination's component is a symlink out of the rootfs ----

    /**
     * CVE-2021-30465: a second container swaps a component of a volume's path for a symlink to "/" (or a
     * climb of "../"s) while this one starts. Here the swap is already done: absolute, climbing and
     * "/"-relative symlinks lead to existing host directories. Each mount must land inside the rootfs (the
     * container sees the volume through the symlink) and no host directory may be covered or changed.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2021_30465_mountThroughSymlinkedComponent(String name) throws Exception {
        Rt r = rt(name);
        Path d = decoyDir("hostdirs", "abs", "climb", "slash");
        TreeMap<String, String> before = snapshot(d);
        Path vol = decoyDir("volume");
        Files.writeString(vol.resolve("marker"), "volume\n");
        TestBundle b = bundle().sh("for v in /a/abs /c/climb /s" + d + "/slash; do echo $v=$(cat $v/marker); done");
        symlinkInRootfs(b, "a", d.toString());
        symlinkInRootfs(b, "c", climb(d));
        symlinkInRootfs(b, "s", "/");
        bind(b, vol, "/a/abs");
        bind(b, vol, "/c/climb");
        bind(b, vol, "/s" + d + "/slash");
        String out = runIn(r, b);
        assertEquals("volume", line(out, "/a/abs="), name + ": absolute symlink: the mount is not in the rootfs");
        assertEquals("volume", line(out, "/c/climb="), name + ": climbing symlink: the mount is not in the rootfs");
        assertEquals("volume", line(out, "/s" + d + "/slash="), name + ": symlink to /: the mount is not in the rootfs");
        assertEquals(before, snapshot(d), name + " changed host directories");
        assertFalse(Files.exists(b.dir.resolve("rootfs").resolve(d.toString().substring(1)).resolve("abs/marker")),
                "the volume stays mounted only inside the container's mount namespace");
    }

    // ---- 3. CVE-2022-29162: inheritable capabilities ----

    /**
     * CVE-2022-29162: with no inheritable capabilities in the config, neither the container nor an exec'd
     * process (also with --cap, also with --process) may have any: CapInh must be 0.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2022_29162_noInheritableCapabilities(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().args("sleep", "1000");
        ObjectNode caps = b.process().with("capabilities");
        caps.putArray("inheritable");
        b.write();
        r.ok("create", "-b", b.dir.toString(), id);
        pidOf(r, id);
        r.ok("start", id);
        String zero = "0000000000000000";
        assertEquals(zero, line(r.ok("exec", id, "grep", "CapInh", "/proc/1/status").out(), "CapInh:"), name + ": init");
        assertEquals(zero, line(r.ok("exec", id, "grep", "CapInh", "/proc/self/status").out(), "CapInh:"), name + ": exec");
        assertEquals(zero, line(r.ok("exec", "--cap", "CAP_NET_ADMIN", id, "grep", "CapInh", "/proc/self/status").out(),
                "CapInh:"), name + ": exec --cap");
        ObjectNode proc = b.process().deepCopy();
        proc.putArray("args").add("grep").add("CapInh").add("/proc/self/status");
        Path pj = tmp.resolve("process.json");
        TestBundle.JSON.writeValue(pj.toFile(), proc);
        assertEquals(zero, line(r.ok("exec", "--process", pj.toString(), id).out(), "CapInh:"), name + ": exec --process");
        r.ok("delete", "-f", id);
    }

    // ---- 4. CVE-2019-19921 / CVE-2023-27561: a volume over /proc ----

    /** A host directory laid out like /proc/sys/kernel with a decoy domainname file. */
    Path fakeProc() throws IOException {
        Path s = decoyDir("fakeproc", "sys/kernel");
        Files.writeString(s.resolve("sys/kernel/domainname"), DECOY);
        return s;
    }

    /**
     * Creates the bundle, expects either a clean refusal or a container whose domainname (set by a sysctl
     * the runtime writes through /proc) is the configured one; the host's fake /proc must be unchanged.
     */
    void sysctlMustReachTheKernel(String name, Rt r, TestBundle b, Path fake) throws Exception {
        TreeMap<String, String> before = snapshot(fake);
        b.linux().putObject("sysctl").put("kernel.domainname", "jrunc-cve");
        b.args("sleep", "1000");
        b.write();
        Rt.Result res = r.run("create", "-b", b.dir.toString(), id);
        assertEquals(before, snapshot(fake), name + " wrote a sysctl into a host file: " + res);
        if (res.code() == 0) {
            int pid = pidOf(r, id);
            // The container's /proc may be covered: ask the kernel from the host, in the container's uts namespace.
            Process p = new ProcessBuilder("nsenter", "-t", Integer.toString(pid), "-u", "domainname")
                    .redirectErrorStream(true).start();
            String dn = new String(p.getInputStream().readAllBytes()).trim();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals("jrunc-cve", dn, name + ": the sysctl did not reach the kernel");
            r.ok("delete", "-f", id);
        }
    }

    /** CVE-2019-19921: a volume mounted straight onto /proc after procfs (the image's VOLUME /proc). */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2019_19921_volumeOnProc(String name) throws Exception {
        Rt r = rt(name);
        Path fake = fakeProc();
        TestBundle b = bundle();
        bind(b, fake, "/proc");
        sysctlMustReachTheKernel(name, r, b, fake);
    }

    /** CVE-2023-27561 (19921 again): the volume's destination is a symlink to /proc in the image. */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2023_27561_volumeOnProcThroughSymlink(String name) throws Exception {
        Rt r = rt(name);
        Path fake = fakeProc();
        TestBundle b = bundle();
        symlinkInRootfs(b, "data", "/proc");
        bind(b, fake, "/data");
        sysctlMustReachTheKernel(name, r, b, fake);
    }

    /** CVE-2023-27561, the source side: the volume's host source is a symlink to the fake /proc. */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2023_27561_symlinkedVolumeSourceOnProc(String name) throws Exception {
        Rt r = rt(name);
        Path fake = fakeProc();
        Path link = Files.createSymbolicLink(tmp.resolve("volume-link"), fake);
        TestBundle b = bundle();
        bind(b, link, "/proc");
        sysctlMustReachTheKernel(name, r, b, fake);
    }

    // ---- 5. CVE-2024-21626: cwd through a leaked fd ----

    /** The runtime, started by a shell that first opens the host directory dir as fd 3. */
    Rt withHostDirAsFd3(Rt r, Path dir) throws IOException {
        Path w = tmp.resolve("fd3-" + r.name + ".sh");
        Files.writeString(w, "#!/bin/sh\nexec 3<'" + dir + "'\nexec '" + r.binary + "' \"$@\"\n");
        w.toFile().setExecutable(true);
        return new Rt(r.name, w.toString(), r.root);
    }

    /**
     * CVE-2024-21626: process.cwd (and exec --cwd) set to /proc/self/fd/N must not leave the container
     * with a working directory on the host: N = 3..10 as the runtime itself has them, and N = 3 when the
     * caller really passes a host directory there (--preserve-fds). The container tries to write through
     * its cwd; the host directory must stay as it was.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2024_21626_cwdThroughFd(String name) throws Exception {
        Rt r = rt(name);
        Path d = decoyDir("hostcwd");
        TreeMap<String, String> before = snapshot(d);
        String script = "touch escaped; echo cwd=$(readlink /proc/self/cwd)";
        for (int n = 3; n <= 10; n++) {
            TestBundle b = bundle().sh(script);
            b.process().put("cwd", "/proc/self/fd/" + n);
            b.write();
            Rt.Result res = r.run("run", "-b", b.dir.toString(), id + "-" + n);
            if (res.code() == 0) assertFalse(line(res.out(), "cwd=").contains("unreachable"), name + " fd " + n + ": " + res);
        }
        Rt fd3 = withHostDirAsFd3(r, d);
        TestBundle b = bundle().sh(script);
        b.process().put("cwd", "/proc/self/fd/3");
        b.write();
        Rt.Result res = fd3.run("run", "--preserve-fds", "1", "-b", b.dir.toString(), id);
        assertEquals(before, snapshot(d), name + ": the container wrote through a cwd on the host: " + res);
        if (res.code() == 0) assertFalse(line(res.out(), "cwd=").contains(d.toString()), res.toString());

        TestBundle e = bundle().args("sleep", "1000");
        e.write();
        r.ok("create", "-b", e.dir.toString(), id + "-e");
        pidOf(r, id + "-e");
        r.ok("start", id + "-e");
        res = fd3.run("exec", "--preserve-fds", "1", "--cwd", "/proc/self/fd/3", id + "-e", "sh", "-c", script);
        assertEquals(before, snapshot(d), name + ": exec wrote through a cwd on the host: " + res);
        if (res.code() == 0) assertFalse(line(res.out(), "cwd=").contains(d.toString()), res.toString());
        r.ok("delete", "-f", id + "-e");
    }

    // ---- 6. CVE-2025-31133: masking with a /dev/null that is not the null device ----

    /**
     * CVE-2025-31133: maskedPaths are masked by bind-mounting the container's /dev/null. The image (no
     * /dev tmpfs, so its own /dev is used) makes /dev/null a symlink to a file the config made read-only
     * (as /proc/sys is): the mask would become a writable copy of it. The runtime must verify /dev/null is
     * the null device (or refuse); the container's write must not reach the read-only file.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2025_31133_devNullIsASymlink(String name) throws Exception {
        skipIfVulnerable(name, "runc", "CVE-2025-31133 (fixed in runc 1.2.8)");
        Rt r = rt(name);
        Path d = decoyDir("hostro");
        TreeMap<String, String> before = snapshot(d);
        // /proc/timer_list: masked by runc's default spec and present on every kernel (/proc/kcore is not)
        TestBundle b = bundle().sh("echo pwned > /proc/timer_list; echo masked=$(head -c 20 /proc/timer_list)");
        dropMount(b, "/dev");
        symlinkInRootfs(b, "dev/null", "/ro/marker");
        bind(b, d, "/ro");
        ((ArrayNode) b.linux().get("readonlyPaths")).add("/ro");
        b.write();
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        assertEquals(before, snapshot(d), name + ": the mask gave the container a writable read-only file: " + res);
        if (res.code() == 0) assertEquals("", line(res.out(), "masked="), name + ": /proc/timer_list is not masked by the null device");
        else assertTrue(res.err().contains("/dev/null"), name + ": failed for another reason: " + res);
    }

    // ---- 7. CVE-2025-52565: /dev/console bound from a redirected /dev/pts/N ----

    /**
     * CVE-2025-52565: with a terminal, the pty is bind-mounted onto /dev/console before readonlyPaths and
     * maskedPaths. If the runtime binds by the name /dev/pts/N, a container that controls that name
     * (here: /dev/pts is a read-only directory of the image whose "0" is a read-only decoy, the pty comes
     * from a devpts elsewhere) gets a writable /dev/console onto the decoy. The runtime must bind the pty
     * it opened, not a path.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2025_52565_consoleFromRedirectedPtsName(String name) throws Exception {
        skipIfVulnerable(name, "runc", "CVE-2025-52565 (fixed in runc 1.2.8)");
        Rt r = rt(name);
        Path pts = decoyDir("hostpts");
        Files.writeString(pts.resolve("0"), DECOY);
        // runc replaces /dev/ptmx by pts/ptmx: lead that to the real one too, so the attack gets as far as /dev/pts/0
        Files.createSymbolicLink(pts.resolve("ptmx"), Path.of("../realpts/ptmx"));
        TreeMap<String, String> before = snapshot(pts);
        Path out = Files.createDirectories(tmp.resolve("out"));
        TestBundle b = bundle().sh("echo pwned > /dev/console; echo done > /out/result");
        b.process().put("terminal", true);
        dropMount(b, "/dev");
        for (JsonNode m : b.mounts()) if (m.get("destination").asText().equals("/dev/pts")) ((ObjectNode) m).put("destination", "/dev/realpts");
        symlinkInRootfs(b, "dev/ptmx", "realpts/ptmx");
        bind(b, pts, "/dev/pts");
        bind(b, out, "/out");
        ((ArrayNode) b.linux().get("readonlyPaths")).add("/dev/pts");
        b.write();
        Rt.Result res = withConsole(r, b);
        if (res.code() == 0) assertEquals("done\n", Files.readString(out.resolve("result")), name);
        else assertTrue(res.err().contains("console") || res.err().contains("pty"), name + ": failed for another reason: " + res);
        assertEquals(before, snapshot(pts), name + ": /dev/console was bound from the image's /dev/pts/0");
    }

    /**
     * CVE-2025-52565, the target side: the image's /dev/console is a symlink to a file the container
     * should not be able to replace (here a volume's file). Creating or mounting "/dev/console" through the
     * symlink would truncate that file or cover it with the pty; the runtime must refuse the symlink.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2025_52565_consoleTargetIsASymlink(String name) throws Exception {
        skipIfVulnerable(name, "runc", "CVE-2025-52565 (fixed in runc 1.2.8)");
        Rt r = rt(name);
        Path d = decoyDir("hostconsole");
        TreeMap<String, String> before = snapshot(d);
        Path out = Files.createDirectories(tmp.resolve("out"));
        TestBundle b = bundle().sh("echo type=$(stat -c %F /vol/marker) > /out/result");
        b.process().put("terminal", true);
        dropMount(b, "/dev");
        symlinkInRootfs(b, "dev/console", "/vol/marker");
        bind(b, d, "/vol");
        bind(b, out, "/out");
        b.write();
        Rt.Result res = withConsole(r, b);
        if (res.code() == 0) assertEquals("regular file", line(Files.readString(out.resolve("result")), "type="),
                name + ": the console was mounted through the /dev/console symlink");
        else assertTrue(res.err().contains("/dev/console"), name + ": failed for another reason: " + res);
        assertEquals(before, snapshot(d), name + " changed the file /dev/console points at");
    }

    /** create with a console socket that holds the pty master unread, start, wait for the container to stop. */
    Rt.Result withConsole(Rt r, TestBundle b) throws Exception {
        Path sock = tmp.resolve("console-" + System.nanoTime() + ".sock");
        List<SocketChannel> held = new ArrayList<>();
        try (ServerSocketChannel srv = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            srv.bind(UnixDomainSocketAddress.of(sock));
            // The master fd stays in flight in the unread socket buffer, keeping the pty open until we close.
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    held.add(srv.accept());
                } catch (IOException ignored) {
                }
            });
            Rt.Result res = r.run("create", "--console-socket", sock.toString(), "-b", b.dir.toString(), id);
            if (res.code() == 0) {
                pidOf(r, id);
                r.ok("start", id);
                waitForStatus(r, id, "stopped");
            }
            t.join(5000);
            return res;
        } finally {
            for (SocketChannel c : held) c.close();
        }
    }

    // ---- 9. CVE-2026-41579: the image's /dev is a symlink out of the rootfs ----

    /**
     * CVE-2026-41579: with no /dev mount in the config, devices and the /dev symlinks (fd, stdin, ptmx,
     * ...) are made in the image's own /dev; if that is a symlink to a host directory, a runtime that
     * joins paths creates them on the host. Everything must be made inside the rootfs.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2026_41579_devSymlinkedOutOfTheRootfs(String name) throws Exception {
        skipIfVulnerable(name, "runc", "CVE-2026-41579 (fixed in runc 1.3.6)");
        Rt r = rt(name);
        Path d = decoyDir("hostdev");
        Files.writeString(d.resolve("ptmx"), DECOY);
        TreeMap<String, String> before = snapshot(d);
        TestBundle b = bundle().sh("echo null=$(stat -c %t:%T /dev/null)");
        dropMount(b, "/dev");
        dropMount(b, "/dev/pts");
        dropMount(b, "/dev/shm");
        dropMount(b, "/dev/mqueue");
        symlinkInRootfs(b, "dev", d.toString());
        b.write();
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        assertEquals(before, snapshot(d), name + " made devices or symlinks in the host directory /dev points at: " + res);
        assertEquals(0, res.code(), res.toString());
        assertEquals("1:3", line(res.out(), "null="), name + ": /dev/null inside is not the null device");
    }

    // ---- 8. CVE-2025-52881: procfs writes redirected by a mount over /proc/sys ----

    /**
     * CVE-2025-52881: a racing container with a shared mount (here: the config) puts a bind mount over a
     * /proc/sys file before the runtime writes the sysctl. The write must go to the kernel's file (or the
     * create be refused), never into the file mounted over it.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void cve_2025_52881_sysctlUnderAnOvermount(String name) throws Exception {
        Rt r = rt(name);
        Path d = decoyDir("hostsysctl");
        TestBundle b = bundle();
        ObjectNode m = b.mounts().addObject();
        m.put("destination", "/proc/sys/kernel/domainname").put("type", "bind").put("source", d.resolve("marker").toString());
        m.putArray("options").add("bind");
        sysctlMustReachTheKernel(name, r, b, d);
    }
}
