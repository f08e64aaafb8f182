package io.jrunc.planner;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner's server in this JVM, over its real socket (libjrunc; no root, no container): peer
 * credentials, the directory, the lock, idle exit, declined calls, paths resolved against the caller's cwd
 * fd, and per-request logs under concurrency.
 */
class ServerTest {
    @TempDir Path tmp;
    Linux sys;
    Server server;
    Thread serving;
    final List<Integer> open = new ArrayList<>();

    @BeforeEach
    void setUp() { sys = Linux.get(); }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) server.shutdown();
        if (serving != null) serving.join(10_000);
        if (server != null) server.stop();
        for (int fd : open) sys.close(fd);
    }

    int uid() { return sys.geteuid(); }

    static int gid() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("Gid:")) return Integer.parseInt(l.substring(4).trim().split("\\s+")[1]);
        throw new AssertionError("no Gid line");
    }

    Server serve(Path root, long idleMs, int uid) throws Exception {
        server = new Server(sys, root, idleMs, uid, gid());
        assertTrue(server.start());
        Server s = server;
        serving = new Thread(s::serve, "test-planner");
        serving.start();
        return s;
    }

    /** stdin /dev/null, stdout and stderr to files in tmp. */
    int[] stdio(String name) {
        int in = sys.open(Path.of("/dev/null"), Linux.O_RDONLY, 0);
        int out = sys.open(tmp.resolve(name + ".out"), Linux.O_WRONLY | TestFront.O_CREAT | TestFront.O_TRUNC, 0600);
        int err = sys.open(tmp.resolve(name + ".err"), Linux.O_WRONLY | TestFront.O_CREAT | TestFront.O_TRUNC, 0600);
        open.addAll(List.of(in, out, err));
        return new int[]{in, out, err};
    }

    @Test
    void anotherUidIsRefusedWithoutAByte() throws Exception {
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid() + 1);
        TestFront.Answer a = TestFront.call(sys, s.socketPath(), tmp, stdio("r"), List.of("--root", root.toString(), "kill", "x"), null);
        assertFalse(a.acked());
        assertNull(a.reply(), "refused: closed before any byte (the front falls back)");
        assertEquals(1, s.refused.get());
        assertEquals("peer uid 0 gid " + gid(), s.lastRefusal.replace("peer uid " + uid(), "peer uid 0"));
        assertEquals(0, s.served.get());
        assertEquals("", Files.readString(tmp.resolve("r.err")));
    }

    @Test
    void sameUidIsServed() throws Exception {
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid());
        TestFront.Answer a = TestFront.call(sys, s.socketPath(), tmp, stdio("k"), List.of("--root", root.toString(), "kill", "nosuch", "KILL"), null);
        assertTrue(a.acked());
        assertEquals(Protocol.DONE, a.reply().kind());
        assertEquals(1, a.reply().exit());
        assertTrue(Files.readString(tmp.resolve("k.err")).contains("level=error msg=\"container does not exist\""),
                Files.readString(tmp.resolve("k.err")));
        assertEquals(1, s.served.get());
        assertEquals(kernelHasPeerPidfd() ? 1 : 0, s.pidfdChecks.get(), "the peer confirmed through SO_PEERPIDFD where the kernel has it");
    }

    /** SO_PEERPIDFD came with Linux 6.5 (this VM: 6.18; the Debian 12 guest: 6.1). */
    static boolean kernelHasPeerPidfd() {
        String[] v = System.getProperty("os.version").split("[.-]");
        int major = Integer.parseInt(v[0]), minor = Integer.parseInt(v[1]);
        return major > 6 || major == 6 && minor >= 5;
    }

    @Test
    void peerPidfdNamesTheConnectingProcess() throws Exception {
        Path sock = tmp.resolve("s");
        int l = sys.listenUnix(sock.toString(), 1);
        open.add(l);
        int c = sys.connectUnix(sock.toString());
        open.add(c);
        int a = sys.accept(l, 5_000);
        open.add(a);
        int pidfd = sys.peerPidfd(a);
        if (!kernelHasPeerPidfd()) {
            assertEquals(-1, pidfd, "a kernel before 6.5: no SO_PEERPIDFD, the pid alone is checked");
            return;
        }
        assertTrue(pidfd >= 0);
        open.add(pidfd);
        int me = (int) ProcessHandle.current().pid();
        assertEquals(me, sys.pidfdPid(pidfd));
        Server s = new Server(sys, tmp.resolve("r"), 1000, uid(), gid());
        assertNull(s.stillThePeer(pidfd, me));
        assertEquals("peer's pidfd names pid " + me + ", not " + (me + 1), s.stillThePeer(pidfd, me + 1));
    }

    @Test
    void aReapedProcessIsNotThePeerAnyMore() throws Exception {
        // pidfd_open (5.3+), so this runs on every kernel: the confirmation itself
        Process p = new ProcessBuilder("sleep", "100").start();
        int pid = (int) p.pid();
        int pidfd = sys.pidfdOpen(pid);
        open.add(pidfd);
        // Linux's default pidfdPid (Java, for a Linux without the JNI one) reads the same line as libjrunc's
        Linux defaults = (Linux) java.lang.reflect.Proxy.newProxyInstance(Linux.class.getClassLoader(), new Class<?>[]{Linux.class},
                (proxy, m, args) -> {
                    if (m.isDefault()) return java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
                    throw new UnsupportedOperationException(m.getName());
                });
        assertEquals(pid, sys.pidfdPid(pidfd));
        assertEquals(pid, defaults.pidfdPid(pidfd));
        Server s = new Server(sys, tmp.resolve("r"), 1000, uid(), gid());
        assertNull(s.stillThePeer(pidfd, pid));
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS)); // reaped: its pid may be reused from now on
        assertEquals("peer exited during the check", s.stillThePeer(pidfd, pid));
        assertEquals(-1, sys.pidfdPid(pidfd), "fdinfo's Pid of an exited process");
        assertEquals(-1, defaults.pidfdPid(pidfd));
        int nul = sys.open(Path.of("/dev/null"), Linux.O_RDONLY, 0);
        open.add(nul);
        assertEquals(-2, sys.pidfdPid(nul), "not a pidfd");
        assertEquals(-2, defaults.pidfdPid(nul));
    }

    @Test
    void aPeerThatExitsDuringTheCheckIsRefusedWhereTheKernelCanTell() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 plays the peer");
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid());
        java.util.concurrent.atomic.AtomicReference<Process> peer = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch checked = new java.util.concurrent.CountDownLatch(1);
        // between the /proc checks (of the live peer) and the confirmation, the peer dies and is reaped: its pid
        // could now be anyone's
        s.afterProcChecks = () -> {
            try {
                Process p;
                while ((p = peer.get()) == null) Thread.sleep(1);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                checked.countDown();
            }
        };
        Process p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\ntime.sleep(100)",
                s.socketPath().toString()).redirectErrorStream(true).start();
        peer.set(p);
        try {
            assertTrue(checked.await(30, TimeUnit.SECONDS), "the peer never connected");
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            for (int i = 0; i < 500 && s.refused.get() == 0; i++) Thread.sleep(10);
            assertEquals(1, s.refused.get());
            if (kernelHasPeerPidfd()) {
                assertEquals("peer exited during the check", s.lastRefusal);
                assertEquals(1, s.pidfdChecks.get());
            } else {
                // without SO_PEERPIDFD the dead peer passes the check; its request never comes
                assertEquals("EOF in the request", s.lastRefusal);
                assertEquals(0, s.pidfdChecks.get());
            }
            assertEquals(0, s.served.get());
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    @Test
    void scopeNameIsPerRoot() throws Exception {
        String a = Server.scopeName(Path.of("/run/jrunc"));
        // printf %s /run/jrunc | sha256sum | cut -c1-12 (what the guest's planner.sh computes)
        String want = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest("/run/jrunc".getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 12);
        assertEquals("jrunc-planner-" + want + ".scope", a);
        assertEquals(a, Server.scopeName(Path.of("/run/x/../jrunc")), "the normalised root");
        assertNotEquals(a, Server.scopeName(Path.of("/run/jrunc2")));
        assertTrue(a.matches("jrunc-planner-[0-9a-f]{12}\\.scope"), a);
    }

    @Test
    void narrowerConfinementIsRefused() {
        Server.Confinement planner = new Server.Confinement(0x1ffffffffffL, false, 0, "unconfined");
        assertNull(new Server.Confinement(0x1ffffffffffL, false, 0, "unconfined").narrowerThan(planner));
        assertNull(new Server.Confinement(0x3ffffffffffL, false, 0, "unconfined").narrowerThan(planner));
        assertTrue(new Server.Confinement(0x1ffffffffffL & ~(1L << 21), false, 0, "unconfined").narrowerThan(planner)
                .startsWith("peer lacks capabilities 200000"), "CAP_SYS_ADMIN dropped");
        assertNotNull(new Server.Confinement(0x1ffffffffffL, true, 0, "unconfined").narrowerThan(planner));
        assertNotNull(new Server.Confinement(0x1ffffffffffL, false, 2, "unconfined").narrowerThan(planner));
        assertNotNull(new Server.Confinement(0x1ffffffffffL, false, 0, "some-profile (enforce)").narrowerThan(planner));
        // this very process against itself: equal
        Server.Confinement self = Server.Confinement.of("self");
        assertNotNull(self);
        assertNull(self.narrowerThan(self));
        assertNull(Server.Confinement.of("999999999"), "no such process");
    }

    @Test
    void aPeerWithoutCapabilitiesIsRefused() throws Exception {
        Assumptions.assumeTrue(uid() == 0 && Files.isExecutable(Path.of("/usr/sbin/capsh")) || Files.isExecutable(Path.of("/sbin/capsh")),
                "root and capsh needed");
        // a root process without CAP_SYS_ADMIN connects (python3 here plays such a caller's front)
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 needed");
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid());
        String py = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\n"
                + "try:\n s.sendall(b'x'*8)\n print(len(s.recv(100)))\nexcept (ConnectionResetError, BrokenPipeError):\n print(0)";
        String capsh = Files.isExecutable(Path.of("/usr/sbin/capsh")) ? "/usr/sbin/capsh" : "/sbin/capsh";
        Process p = new ProcessBuilder(capsh, "--drop=cap_sys_admin", "--", "-c",
                "exec /usr/bin/python3 -c \"$0\" \"$1\"", py, s.socketPath().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals("0", out, "closed without a byte: " + out);
        assertEquals(1, s.refused.get());
        assertTrue(s.lastRefusal.startsWith("peer lacks capabilities 200000"), s.lastRefusal);
    }

    @Test
    void directoryIsPrivateAndOneServerPerRoot() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve(Server.DIR));
        Files.setPosixFilePermissions(root.resolve(Server.DIR), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Server s = serve(root, 60_000, uid());
        assertEquals(0700, (int) Files.getAttribute(root.resolve(Server.DIR), "unix:mode") & 07777);
        Server second = new Server(sys, root, 60_000, uid(), gid());
        assertFalse(second.start(), "the lock is held: a second planner on the root leaves");
        assertTrue(Files.exists(s.socketPath()));
        // a symlinked @planner directory is not used
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(other.resolve(Server.DIR), tmp.resolve("elsewhere"));
        assertThrows(io.jrunc.JruncException.class, () -> new Server(sys, other, 1000, uid(), gid()).start());
    }

    @Test
    void exitsWhenIdleAndRemovesItsSocket() throws Exception {
        Path root = tmp.resolve("root");
        long t0 = System.nanoTime();
        Server s = serve(root, 300, uid());
        Path sock = s.socketPath();
        TestFront.call(sys, sock, tmp, stdio("i"), List.of("--root", root.toString(), "kill", "nosuch", "KILL"), null);
        serving.join(10_000);
        assertFalse(serving.isAlive(), "still serving after 10 s idle");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 300, "left after " + ms + " ms");
        assertFalse(Files.exists(sock));
        LinuxException x = assertThrows(LinuxException.class, () -> sys.connectUnix(sock.toString()));
        assertTrue(x.getMessage().contains("connect"), x.getMessage());
        // the lock went with it: the next planner starts
        Server next = new Server(sys, root, 1000, uid(), gid());
        assertTrue(next.start());
        next.stop();
    }

    /** Whether this process holds a lock on the file with this inode (/proc/locks: "N: POSIX ADVISORY WRITE PID MAJ:MIN:INO ..."). */
    static boolean lockHeld(long pid, long ino) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = l.trim().split("\\s+");
            if (f.length > 5 && f[4].equals(Long.toString(pid)) && f[5].endsWith(":" + ino)) return true;
        }
        return false;
    }

    static void deleteTree(Path p) throws Exception {
        try (var w = Files.walk(p)) {
            for (Path q : w.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }

    @Test
    void exitsWithinASecondWhenItsRootIsRemoved() throws Exception {
        Path root = tmp.resolve("gone");
        Server s = serve(root, 60_000, uid());
        long me = ProcessHandle.current().pid();
        long lockIno = (Long) Files.getAttribute(root.resolve(Server.DIR).resolve(Server.LOCK), "unix:ino");
        assertTrue(lockHeld(me, lockIno), "the lock is held while serving");
        assertEquals(Protocol.DONE, TestFront.call(sys, s.socketPath(), tmp, stdio("g"),
                List.of("--root", root.toString(), "kill", "x", "KILL"), null).reply().kind());
        long t0 = System.nanoTime();
        deleteTree(root); // what a test does with its temporary --root
        serving.join(5_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(serving.isAlive(), "still serving 5 s after its root was removed (idle time 60 s)");
        assertTrue(ms < 2_000, "left " + ms + " ms after its root was removed");
        assertTrue(s.orphaned);
        assertFalse(lockHeld(me, lockIno), "the lock was released");
        assertFalse(Files.exists(root), "the root was made again");
    }

    @Test
    void exitsWhenItsSocketIsReplacedAndLeavesTheNewOne() throws Exception {
        Path root = tmp.resolve("replaced");
        Server s = serve(root, 60_000, uid());
        Path sock = s.socketPath();
        Files.delete(sock);
        int other = sys.listenUnix(sock.toString(), 1); // another planner's socket, say
        open.add(other);
        long ino = (Long) Files.getAttribute(sock, "unix:ino");
        serving.join(5_000);
        assertFalse(serving.isAlive(), "still serving 5 s after its socket was replaced");
        assertTrue(s.orphaned);
        assertTrue(Files.exists(sock), "the replacement was unlinked");
        assertEquals(ino, (Long) Files.getAttribute(sock, "unix:ino"));
        assertTrue(Files.exists(root.resolve(Server.DIR).resolve(Server.LOCK)));
        Server next = new Server(sys, root, 1000, uid(), gid());
        try {
            // the lock is free again: a planner started now would take the root
            assertTrue(next.start());
        } finally {
            next.stop();
        }
    }

    @Test
    void declinedCallsChangeNothing() throws Exception {
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid());
        String r = root.toString();
        for (List<String> argv : List.<List<String>>of(List.of("--root", r, "spec"), List.of("--root", r, "--debug", "kill", "x"), List.of("--no-planner", "--root", r, "kill", "x", "KILL"),
                List.of("--root", r, "--version"), List.of("--root", r, "kill", "--help"), List.of("--root", r, "state", "x"),
                List.of("--root", r, "create", "-b", "b", "x"), // no jrunc-init from the front
                List.of("--root", tmp.resolve("another").toString(), "kill", "x", "KILL"), List.of())) {
            TestFront.Answer a = TestFront.call(sys, s.socketPath(), tmp, stdio("d"), argv, null);
            assertEquals(Protocol.FALLBACK, a.reply().kind(), argv.toString());
            assertFalse(a.acked(), argv + ": declined before it was taken");
        }
        // a caller whose D-Bus address differs from the planner's (sd-bus reads the planner's own environment)
        TestFront.Answer bus = TestFront.call(sys, s.socketPath(), tmp, stdio("d"), List.of("--root", r, "kill", "x", "KILL"), null,
                List.of("PATH=/usr/bin:/bin", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus"));
        assertEquals(Protocol.FALLBACK, bus.reply().kind());
        assertEquals("DBUS_SYSTEM_BUS_ADDRESS differs", bus.reply().message());
        assertFalse(bus.acked());
        assertEquals("", Files.readString(tmp.resolve("d.err")));
        assertFalse(Files.exists(tmp.resolve("another")));
        assertFalse(Files.exists(tmp.resolve("b")));
    }

    @Test
    void relativePathsResolveAgainstTheCallersCwdFd() throws Exception {
        // root and --log are relative: they name tmp/caller/..., not anything under this JVM's cwd
        Path caller = Files.createDirectories(tmp.resolve("caller"));
        Path root = caller.resolve("state");
        Server s = serve(root, 60_000, uid());
        TestFront.Answer a = TestFront.call(sys, s.socketPath(), caller, stdio("p"),
                List.of("--root", "state", "--log", "log.json", "--log-format", "json", "kill", "nosuch", "KILL"), null);
        assertEquals(Protocol.DONE, a.reply().kind(), a.reply().message());
        assertEquals(1, a.reply().exit());
        String log = Files.readString(caller.resolve("log.json"));
        assertTrue(log.startsWith("{\"level\":\"error\",\"msg\":\"container does not exist\""), log);
        assertEquals("container does not exist\n", Files.readString(tmp.resolve("p.err")));
        assertFalse(Files.exists(Path.of("log.json").toAbsolutePath()), "written under the planner's cwd");
        assertFalse(Files.exists(Path.of("state").toAbsolutePath()), "state under the planner's cwd");
    }

    @Test
    void cwdFdPath() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("d"));
        int fd = sys.open(d, Linux.O_RDONLY | TestFront.O_DIRECTORY, 0);
        open.add(fd);
        assertEquals(d.toRealPath(), CwdFd.path(fd));
        Files.delete(d);
        assertNull(CwdFd.path(fd), "a deleted cwd has no path");
        int file = sys.open(Path.of("/dev/null"), Linux.O_RDONLY, 0);
        open.add(file);
        assertNull(CwdFd.path(file), "not a directory");
        assertNull(CwdFd.path(100_000), "no such fd");
    }

    @Test
    void umaskOtherThanThePlannersIsDeclined() throws Exception {
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid());
        int[] io = stdio("u");
        int cwd = sys.open(tmp, Linux.O_RDONLY | TestFront.O_DIRECTORY, 0);
        open.add(cwd);
        int conn = sys.connectUnix(s.socketPath().toString());
        try {
            byte[] f = Protocol.encode(new Protocol.Request(Server.ownUmask() ^ 0002,
                    new byte[]{Protocol.ROLE_CWD, Protocol.ROLE_STDIN, Protocol.ROLE_STDOUT, Protocol.ROLE_STDERR},
                    List.of("--root", root.toString(), "kill", "x", "KILL"), List.of()));
            TestFront.sendAll(sys, conn, f, new int[]{cwd, io[0], io[1], io[2]});
            TestFront.Answer a = TestFront.read(sys, conn, -1);
            assertEquals(Protocol.FALLBACK, a.reply().kind());
            assertTrue(a.reply().message().startsWith("umask"), a.reply().message());
        } finally {
            sys.close(conn);
        }
    }

    @Test
    void rolesMustMatchTheFdsSent() throws Exception {
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid());
        int conn = sys.connectUnix(s.socketPath().toString());
        try {
            // four roles announced, none sent: refused, nothing said
            byte[] f = Protocol.encode(new Protocol.Request(Server.ownUmask(),
                    new byte[]{Protocol.ROLE_CWD, Protocol.ROLE_STDIN, Protocol.ROLE_STDOUT, Protocol.ROLE_STDERR},
                    List.of("--root", root.toString(), "kill", "x", "KILL"), List.of()));
            TestFront.sendAll(sys, conn, f, null);
            TestFront.Answer a = TestFront.read(sys, conn, -1);
            assertNull(a.reply());
            assertFalse(a.acked());
        } finally {
            sys.close(conn);
        }
        // garbage, then a well-formed call on a new connection is still served
        int g = sys.connectUnix(s.socketPath().toString());
        TestFront.sendAll(sys, g, "GET / HTTP/1.0\r\n\r\n".getBytes(), null);
        assertNull(TestFront.read(sys, g, -1).reply());
        sys.close(g);
        assertEquals(Protocol.DONE, TestFront.call(sys, s.socketPath(), tmp, stdio("ok"),
                List.of("--root", root.toString(), "kill", "x", "KILL"), null).reply().kind());
        assertEquals(2, s.refused.get());
    }

    @Test
    void concurrentRequestsKeepTheirOwnLogs() throws Exception {
        Path root = tmp.resolve("root");
        Server s = serve(root, 60_000, uid());
        ExecutorService ex = Executors.newFixedThreadPool(8);
        try {
            List<Future<TestFront.Answer>> fs = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int k = i;
                int[] io = stdio("c" + k);
                List<String> argv = new ArrayList<>(List.of("--root", root.toString()));
                if (k % 2 == 0) argv.addAll(List.of("--log-format", "json"));
                argv.addAll(List.of("kill", "nosuch" + k, "KILL"));
                fs.add(ex.submit(() -> TestFront.call(sys, s.socketPath(), tmp, io, argv, null)));
            }
            for (Future<TestFront.Answer> f : fs) assertEquals(1, f.get(60, TimeUnit.SECONDS).reply().exit());
        } finally {
            ex.shutdownNow();
        }
        for (int k = 0; k < 32; k++) {
            String err = Files.readString(tmp.resolve("c" + k + ".err"));
            assertEquals(1, err.lines().count(), err);
            if (k % 2 == 0) assertTrue(err.startsWith("{\"level\":\"error\",\"msg\":\"container does not exist\""), err);
            else assertTrue(err.startsWith("time=\""), err);
        }
        assertEquals(32, s.served.get());
    }

    /**
     * A planner leaving its cgroupfs directory on exit: it moves to each hierarchy's root and removes the
     * directory, but only with a plain rmdir: a directory another planner is still in stays, and that
     * planner is not touched. (Processes here: sleep children of this test, standing in for planners.)
     */
    @Test
    void aPlannerLeavesItsCgroupDirectoryOnlyWhenNoOtherPlannerIsInIt() throws Exception {
        Assumptions.assumeTrue(Linux.get().geteuid() == 0, "moving processes between cgroups needs root");
        String name = "/jrunc-planner-test-" + ProcessHandle.current().pid();
        io.jrunc.cgroup.Cgroup cg = io.jrunc.cgroup.Cgroup.forContainer("t", name, io.jrunc.cgroup.Cgroup.Env.stderr());
        Process a = new ProcessBuilder("sleep", "60").start(), b = new ProcessBuilder("sleep", "60").start();
        try {
            cg.create();
            cg.addProcess((int) a.pid());
            cg.addProcess((int) b.pid());
            List<Path> dirs = cg.paths().values().stream().distinct().map(Path::of).toList();
            assertFalse(dirs.isEmpty());
            Server.leaveOwnCgroup(cg, (int) a.pid());
            for (Path d : dirs) assertTrue(Files.isDirectory(d), "another is still in " + d);
            assertTrue(b.isAlive(), "the other one is not touched");
            assertFalse(Files.readString(Path.of("/proc/" + a.pid() + "/cgroup")).contains(name), "the leaver moved out");
            Server.leaveOwnCgroup(cg, (int) b.pid());
            for (Path d : dirs) assertFalse(Files.exists(d), "the last one out removes " + d);
            assertTrue(b.isAlive());
        } finally {
            a.destroyForcibly().waitFor();
            b.destroyForcibly().waitFor();
            for (String d : cg.paths().values()) Files.deleteIfExists(Path.of(d));
        }
    }
}
