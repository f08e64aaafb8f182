package io.jrunc.planner;

import io.jrunc.JruncException;
import io.jrunc.cli.Served;
import io.jrunc.container.InitLauncher;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resident planner of one state root (docs/planner.md): a unix socket in {@code <root>/@planner/}
 * (a 0700 directory owned by this uid), one thread per connection, each request run by {@link Served} on
 * an engine of its own with the jrunc-init the front spawned; exits after idleMs without a request.
 * Every connection's peer must have this process' uid and gid and live in its mount, pid and user
 * namespaces (SO_PEERCRED, /proc/PID/ns), or it is closed without a byte (the front falls back).
 */
public final class Server {
    public static final String DIR = "@planner";
    public static final String SOCKET = "sock";
    public static final String LOCK = "lock";
    /** Longest wait for the rest of a request once a connection is accepted. */
    static final int READ_TIMEOUT_MS = 5_000;
    /**
     * Longest accept wait: this often the planner checks that its socket is still the one it bound (a test
     * that removes its temporary root, or anyone replacing the socket, ends the planner within this time).
     */
    static final int CHECK_MS = 1_000;
    private static final List<String> NAMESPACES = List.of("mnt", "pid", "user");

    private final Linux sys;
    private final Path root;
    private final Path dir;
    private final long idleMs;
    private final int uid, gid;
    private final int umask;
    private final String[] ns;
    /** This process' confinement (Confinement): a peer must be at least as privileged. */
    private final Confinement own;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong lastDone = new AtomicLong(System.nanoTime());
    final AtomicInteger served = new AtomicInteger(), refused = new AtomicInteger(), declined = new AtomicInteger();
    /** Why the last refused connection was refused (tests; a planner has no log of its own). */
    volatile String lastRefusal;
    private FileChannel lockFile;
    private FileLock lock;
    private int listen = -1;
    /** {st_dev, st_ino} of the socket file this planner bound (null before start). */
    private long[] bound;
    /** Set when the socket file went away or was replaced: the planner left without unlinking anything. */
    volatile boolean orphaned;

    /** uid, gid: the only peer credentials accepted (this process' own in production). */
    public Server(Linux sys, Path root, long idleMs, int uid, int gid) {
        this.sys = sys;
        this.root = root.toAbsolutePath().normalize();
        this.dir = this.root.resolve(DIR);
        this.idleMs = idleMs;
        this.uid = uid;
        this.gid = gid;
        this.umask = ownUmask();
        this.ns = new String[NAMESPACES.size()];
        for (int i = 0; i < ns.length; i++) ns[i] = nsId("self", NAMESPACES.get(i));
        this.own = Confinement.of("self");
    }

    /** `jrunc [--root R] __planner [--idle-ms N]`: runs until idle. */
    public static int main(String root, List<String> argv) {
        long idle = 30_000;
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).equals("--idle-ms") && i + 1 < argv.size()) idle = Long.parseLong(argv.get(++i));
            else if (argv.get(i).startsWith("--idle-ms=")) idle = Long.parseLong(argv.get(i).substring(10));
            else throw new JruncException("__planner: unknown argument " + argv.get(i));
        }
        // A root that is gone (removed while this planner was starting: a test's temporary root) is not made
        // again: nothing would ever remove it, and nobody would call this planner. The front starts a planner
        // only for a root its call made.
        if (!Files.isDirectory(Path.of(root))) return 0;
        Linux sys = Linux.get();
        Server s = new Server(sys, Path.of(root), idle, sys.geteuid(), gid());
        s.makeRoot = false; // removed meanwhile (while being removed): start() fails rather than make it again
        try {
            if (!s.start()) return 0; // another planner holds this root
        } catch (JruncException e) {
            if (!Files.isDirectory(Path.of(root))) return 0; // the root went while we started: nothing to serve
            throw e;
        }
        io.jrunc.cgroup.Cgroup own = sys.geteuid() == 0 ? leaveCallerCgroup(sys, s.root) : null;
        s.serve();
        if (own != null) leaveOwnCgroup(own, sys.getpid());
        return 0;
    }

    public Path socketPath() { return dir.resolve(SOCKET); }

    /**
     * The directory (made 0700, or checked to be a 0700 directory of this uid and no symlink), the lock (false:
     * another planner serves this root), the socket.
     */
    /** Whether {@link #start} makes a missing root (tests, embedders); `__planner` serves only an existing one. */
    boolean makeRoot = true;

    public boolean start() {
        try {
            if (makeRoot) Files.createDirectories(root);
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(Set.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
            } catch (java.nio.file.FileAlreadyExistsException ignored) {
                // checked below
            }
            // the umask may have taken bits: set them exactly, then check what is there
            int owner = sys.geteuid();
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    && (int) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) == owner)
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || (int) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) != owner
                    || ((int) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777) != 0700)
                throw new JruncException(dir + " is not a 0700 directory owned by uid " + owner);
            lockFile = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockFile.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException x) {
                lock = null; // held by this very JVM (tests)
            }
            if (lock == null) {
                lockFile.close();
                return false;
            }
            // under the lock no other planner uses the socket: a leftover is a dead planner's
            Files.deleteIfExists(socketPath());
            listen = sys.listenUnix(socketPath().toString(), 128);
            bound = fileKey(socketPath());
            if (bound == null) throw new JruncException("planner: " + socketPath() + " vanished as it was bound");
            return true;
        } catch (IOException e) {
            throw new JruncException("planner: " + e.getMessage(), e);
        }
    }

    /**
     * Accepts until idle for idleMs with no request running, then removes the socket and returns; or until the
     * socket file is no longer the one it bound (root removed, socket replaced), checked at least every
     * {@link #CHECK_MS}: then it stops listening and releases the lock at once, unlinks nothing, creates
     * nothing, and returns when the requests in progress are done.
     */
    public void serve() {
        try {
            long checked = System.nanoTime();
            while (true) {
                if (System.nanoTime() - checked >= CHECK_MS * 1_000_000L) {
                    checked = System.nanoTime();
                    if (!socketIsOurs()) {
                        orphaned = true;
                        break;
                    }
                }
                long idleFor = (System.nanoTime() - lastDone.get()) / 1_000_000;
                long w = active.get() > 0 ? Math.max(idleMs, 100) : idleMs - idleFor;
                if (active.get() == 0 && w <= 0) break;
                int wait = (int) Math.min(CHECK_MS, w);
                int c;
                try {
                    c = sys.accept(listen, wait);
                } catch (LinuxException e) {
                    if (e.errno() == 110) { // ETIMEDOUT: look at the socket file and the idle time again
                        checked = System.nanoTime() - CHECK_MS * 1_000_000L;
                        continue;
                    }
                    throw e;
                }
                if (stopping) {
                    sys.close(c);
                    break;
                }
                active.incrementAndGet();
                Thread t = new Thread(new Connection(c), "planner-conn");
                t.setDaemon(true);
                try {
                    t.start();
                } catch (Throwable x) {
                    sys.close(c);
                    done();
                }
            }
        } finally {
            stop();
        }
        if (orphaned) {
            // a request in progress finishes (it fails, its root being gone) rather than being cut short
            while (active.get() > 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The socket file at socketPath is still the one this planner bound (same device and inode). */
    boolean socketIsOurs() {
        long[] now = fileKey(socketPath());
        return bound != null && now != null && now[0] == bound[0] && now[1] == bound[1];
    }

    /** {st_dev, st_ino} of path (not following a symlink), or null if it cannot be read. */
    static long[] fileKey(Path p) {
        try {
            java.util.Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            return new long[]{((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue()};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private volatile boolean stopping;

    /** Makes {@link #serve} return now (it is woken by a connection of its own). */
    public void shutdown() {
        stopping = true;
        if (!socketIsOurs()) return; // not listening any more, or the socket is another planner's
        try {
            sys.close(sys.connectUnix(socketPath().toString()));
        } catch (RuntimeException ignored) {
            // not listening (any more)
        }
    }

    /**
     * Removes the socket first (new callers fall back at once), then closes it (queued ones get EOF: fall back),
     * then releases the lock. The socket file is removed only if it is still the one this planner bound.
     */
    public void stop() {
        if (socketIsOurs()) {
            try { Files.deleteIfExists(socketPath()); } catch (IOException ignored) { }
        }
        if (listen >= 0) {
            sys.close(listen);
            listen = -1;
        }
        try {
            if (lock != null) lock.release();
            if (lockFile != null) lockFile.close();
        } catch (IOException ignored) { }
    }

    private void done() {
        lastDone.set(System.nanoTime());
        active.decrementAndGet();
    }

    /** One connection: check the peer, read the request, run it, reply. */
    private final class Connection implements Runnable {
        private final int fd;

        Connection(int fd) { this.fd = fd; }

        @Override
        public void run() {
            int[] fds = null;
            try {
                String why = peerRefusal(fd);
                if (why != null) {
                    lastRefusal = why;
                    refused.incrementAndGet();
                    return;
                }
                fds = new int[Protocol.MAX_FDS];
                Protocol.Request req;
                try {
                    req = read(fds);
                } catch (RuntimeException e) {
                    lastRefusal = e.getMessage();
                    refused.incrementAndGet();
                    return;
                }
                Protocol.Reply reply = handle(req, fds);
                if (reply.kind() == Protocol.FALLBACK) declined.incrementAndGet();
                else served.incrementAndGet();
                try {
                    write(fd, Protocol.encode(reply));
                } catch (RuntimeException gone) {
                    abandoned(reply);
                    throw gone;
                }
            } catch (RuntimeException | Error e) {
                // the front sees EOF: before the acknowledgement it falls back, after it reports the failure
            } finally {
                if (fds != null) for (int f : fds) if (f >= 0) sys.close(f);
                sys.close(fd);
                done();
            }
        }

        private Protocol.Request read(int[] fds) {
            byte[] head = new byte[Protocol.HEADER];
            int n = 0;
            long deadline = System.nanoTime() + READ_TIMEOUT_MS * 1_000_000L;
            // the fds come with the first bytes: the first recvmsg takes them
            n = recv(head, 0, head.length, deadline, fds);
            int count = 0;
            for (int f : fds) if (f >= 0) count++;
            while (n < head.length) n += recv(head, n, head.length - n, deadline, null);
            byte[] body = new byte[Protocol.bodyLength(head, Protocol.REQUEST_MAGIC)];
            for (int m = 0; m < body.length; ) m += recv(body, m, body.length - m, deadline, null);
            Protocol.Request req = Protocol.decodeRequest(body);
            if (req.roles().length != count) throw new Protocol.ProtocolException(count + " fds for " + req.roles().length + " roles");
            return req;
        }

        private int recv(byte[] b, int off, int len, long deadline, int[] fdsOut) {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            int r = sys.recvFds(fd, b, off, len, left, fdsOut);
            if (r < 0) throw new Protocol.ProtocolException("timed out reading the request");
            if (r == 0) throw new Protocol.ProtocolException("EOF in the request");
            return r;
        }

        private Protocol.Reply handle(Protocol.Request req, int[] fds) {
            if (req.fd(Protocol.ROLE_CWD) < 0 || req.fd(Protocol.ROLE_STDERR) < 0) return Protocol.Reply.fallback("no cwd or stderr fd");
            if (req.umask() != umask) return Protocol.Reply.fallback("umask " + Integer.toOctalString(req.umask()));
            Path cwd = CwdFd.path(fds[req.fd(Protocol.ROLE_CWD)]);
            if (cwd == null) return Protocol.Reply.fallback("the caller's cwd has no path here");
            int errFd = fds[req.fd(Protocol.ROLE_STDERR)];
            fds[req.fd(Protocol.ROLE_STDERR)] = -1; // the stream owns it now
            int initIndex = req.fd(Protocol.ROLE_INIT);
            GivenInit init = null;
            if (initIndex >= 0) {
                init = new GivenInit(sys, fds[initIndex]);
                fds[initIndex] = -1;
            }
            int outIndex = req.fd(Protocol.ROLE_STDOUT);
            int outFd = outIndex < 0 ? -1 : fds[outIndex];
            if (outIndex >= 0) fds[outIndex] = -1;
            try (PrintStream err = new PrintStream(new FileOutputStream(sys.fileDescriptor(errFd, false)), false);
                 java.io.OutputStream out = outFd < 0 ? java.io.OutputStream.nullOutputStream()
                         : new FileOutputStream(sys.fileDescriptor(outFd, false))) {
                // the front's pid: its cgroups place a container with a relative cgroupsPath (runc: the caller's own)
                int caller = sys.peerCred(fd)[0];
                Served.Outcome o = Served.run(new Served.Call(req.argv(), req.env(), cwd, out, err, init, root, uid, caller),
                        new Runnable() {
                            @Override public void run() { write(fd, Protocol.ACK); }
                        });
                if (o.fallback() != null) return Protocol.Reply.fallback(o.fallback());
                return new Protocol.Reply(Protocol.DONE, o.exit(), o.pid(), o.waiter(), "");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // closing the caller's stdout: not seen in practice
            } finally {
                if (init != null) init.close();
            }
        }
    }

    /**
     * A foreground run or exec whose front is gone before it got the reply (the caller was killed, a ^C in
     * the ~30 ms the call takes): nobody would wait for the process or delete the container, which would run
     * on unattended. Do what the waiter does when its caller goes: SIGKILL the process, then its cleanup
     * (`delete -f` for run). The process is the dead front's child, reparented and not yet reaped (nobody
     * knew its pid but us), so the pid still names it.
     */
    private void abandoned(Protocol.Reply reply) {
        if (reply.kind() != Protocol.DONE || reply.pid() <= 0 || reply.waiter().isEmpty()) return;
        try { sys.kill(reply.pid(), io.jrunc.container.Signals.SIGKILL); } catch (RuntimeException ignored) { }
        int end = reply.waiter().indexOf(io.jrunc.plan.Sync.WAIT_END);
        List<String> cleanup = end < 0 ? List.of() : reply.waiter().subList(end + 1, reply.waiter().size());
        if (cleanup.isEmpty()) return;
        try {
            Process p = new ProcessBuilder(cleanup).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException | RuntimeException e) {
            // `delete --force` by hand does the rest, as after a killed direct call
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The cgroup the planner moves to without systemd (cgroupfs, every hierarchy; docs/planner.md, "Where it runs"). */
    static final String CGROUP = "/jrunc-planner";

    /**
     * Out of the cgroup of the caller that started it (a containerd shim's or conmon's unit: stopping that
     * unit must not take the planner down with it, nor its memory be charged there) into its own. Where
     * systemd manages the cgroups (/run/systemd/system), a transient scope {@link #scopeName} in system.slice:
     * a cgroup systemd did not make would be one it does not know of; the scope goes when the planner exits.
     * Without systemd, or when the scope cannot be started: a cgroup of its own under the root of every
     * hierarchy ({@link #CGROUP}), with no limits. Failure is a warning: the planner then stays where it was
     * started.
     */
    static io.jrunc.cgroup.Cgroup leaveCallerCgroup(Linux sys, Path root) {
        if (Files.isDirectory(Path.of("/run/systemd/system"))) {
            try {
                io.jrunc.cgroup.systemd.SystemdCgroup.startScope(scopeName(root), "jrunc planner of " + root, sys.getpid());
                return null; // systemd removes the scope when its process exits
            } catch (RuntimeException | LinkageError e) {
                System.err.println("jrunc planner: no systemd scope, using " + CGROUP + ": " + e.getMessage());
            }
        }
        try {
            io.jrunc.cgroup.Cgroup cg = io.jrunc.cgroup.Cgroup.forContainer("jrunc-planner", CGROUP, io.jrunc.cgroup.Cgroup.Env.stderr());
            cg.create();
            cg.addProcess(sys.getpid());
            return cg;
        } catch (RuntimeException e) {
            System.err.println("jrunc planner: staying in the caller's cgroup: " + e.getMessage());
            return null;
        }
    }

    /**
     * On the way out, the cgroupfs directories of {@link #CGROUP} are removed when no other planner is in
     * them: this process moves to each hierarchy's root (their parent) first, since a cgroup with a process
     * cannot be removed. A plain rmdir, never a kill: other planners (other roots) share the directory, and
     * theirs is EBUSY. A planner that is killed leaves the directory for the next one.
     */
    static void leaveOwnCgroup(io.jrunc.cgroup.Cgroup cg, int pid) {
        java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
        for (String d : cg.paths().values()) dirs.add(Path.of(d));
        for (Path d : dirs) {
            try {
                Files.writeString(d.getParent().resolve("cgroup.procs"), Integer.toString(pid));
            } catch (IOException | RuntimeException e) {
                // stays; the rmdir below then fails: the directory is left, as before
            }
        }
        for (Path d : dirs) {
            try {
                Files.delete(d);
            } catch (IOException | RuntimeException busy) {
                // another planner is in it, or gone already
            }
        }
    }

    /** The planner's scope under systemd: jrunc-planner-{first 12 hex digits of SHA-256 of the absolute root}.scope. */
    static String scopeName(Path root) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(root.toAbsolutePath().normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "jrunc-planner-" + java.util.HexFormat.of().formatHex(h, 0, 6) + ".scope";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /**
     * Why this peer is refused (SO_PEERCRED: another uid or gid; other namespaces; narrower confinement), or null.
     * The /proc/PID checks go by SO_PEERCRED's pid number, which names another process if the peer exited and
     * its pid was reused before they are done; so where the kernel has SO_PEERPIDFD (Linux 6.5+) the peer is
     * pinned by a pidfd taken first, and after the checks it must still be alive (pidfd_send_signal 0: a pid
     * cannot be reused while its process lives, so every /proc read was of the peer) and be that pid (the
     * pidfd's fdinfo). Older kernels: the pid alone, as before.
     */
    String peerRefusal(int fd) {
        int[] cred = sys.peerCred(fd);
        if (cred[1] != uid || cred[2] != gid) return "peer uid " + cred[1] + " gid " + cred[2];
        int pidfd;
        try {
            pidfd = sys.peerPidfd(fd);
        } catch (LinuxException e) {
            return "peer gone: " + e.getMessage();
        }
        try {
            String why = procRefusal(cred[0]);
            if (why != null) return why;
            Runnable hook = afterProcChecks;
            if (hook != null) hook.run();
            if (pidfd < 0) return null;
            pidfdChecks.incrementAndGet();
            return stillThePeer(pidfd, cred[0]);
        } finally {
            if (pidfd >= 0) sys.close(pidfd);
        }
    }

    /** Tests: runs between the /proc checks of a peer and the pidfd's confirmation. */
    volatile Runnable afterProcChecks;
    /** Peers confirmed through SO_PEERPIDFD (tests: 0 on a kernel without it). */
    final AtomicInteger pidfdChecks = new AtomicInteger();

    /** The /proc/PID checks of a peer: its namespaces and its confinement. */
    private String procRefusal(int pid) {
        for (int i = 0; i < ns.length; i++) {
            String theirs = nsId(Integer.toString(pid), NAMESPACES.get(i));
            if (theirs == null || !theirs.equals(ns[i])) return "peer in another " + NAMESPACES.get(i) + " namespace";
        }
        Confinement c = Confinement.of(Integer.toString(pid));
        return c == null || own == null ? "peer's status unreadable" : c.narrowerThan(own);
    }

    /** Null if pidfd's process is alive and is pid in this pid namespace; else why not. */
    String stillThePeer(int pidfd, int pid) {
        try {
            sys.pidfdSendSignal(pidfd, 0);
        } catch (LinuxException e) {
            return "peer exited during the check";
        }
        int p;
        try {
            p = sys.pidfdPid(pidfd);
        } catch (LinuxException e) {
            return "peer's pidfd unreadable: " + e.getMessage();
        }
        return p == pid ? null : "peer's pidfd names pid " + p + ", not " + pid;
    }

    private void write(int sock, byte[] b) {
        sys.send(sock, b);
    }

    /**
     * What limits a process beyond its uid: effective capabilities, no_new_privs, a seccomp filter, its LSM
     * label. The planner acts (cgroups, state, hooks) with its own; a caller whose own are narrower (root
     * without CAP_SYS_ADMIN, under no_new_privs or a seccomp filter, in another AppArmor/SELinux domain)
     * would gain through it what it could not do itself, so it is refused and goes the direct way.
     */
    record Confinement(long capEff, boolean noNewPrivs, int seccomp, String label) {
        static Confinement of(String pid) {
            long cap = -1;
            boolean nnp = false;
            int sec = 0;
            try {
                for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (l.startsWith("CapEff:")) cap = Long.parseUnsignedLong(l.substring(7).trim(), 16);
                    else if (l.startsWith("NoNewPrivs:")) nnp = !l.substring(11).trim().equals("0");
                    else if (l.startsWith("Seccomp:")) sec = Integer.parseInt(l.substring(8).trim());
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            if (cap == -1) return null;
            String label = "";
            try {
                label = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/attr/current"))).trim();
            } catch (IOException | RuntimeException e) {
                // no LSM that keeps a label: "" for both
            }
            return new Confinement(cap, nnp, sec, label);
        }

        /** Why this (a peer) is more confined than p (the planner), or null. */
        String narrowerThan(Confinement p) {
            if ((capEff & p.capEff) != p.capEff) return "peer lacks capabilities " + Long.toHexString(p.capEff & ~capEff);
            if (noNewPrivs && !p.noNewPrivs) return "peer has no_new_privs";
            if (seccomp != 0 && p.seccomp == 0) return "peer is under seccomp";
            if (!label.equals(p.label)) return "peer's LSM label " + label;
            return null;
        }
    }

    private static String nsId(String pid, String type) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + type)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** This process' umask (/proc/self/status, Linux 4.7+); -1 if unknown (then every request falls back). */
    static int ownUmask() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("Umask:")) return Integer.parseInt(l.substring(6).trim(), 8);
        } catch (IOException | NumberFormatException ignored) { }
        return -1;
    }

    private static int gid() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("Gid:")) return Integer.parseInt(l.substring(4).trim().split("\\s+")[1]); // effective
        } catch (IOException | NumberFormatException ignored) { }
        return -1;
    }

    /** The sync socket the front passed, given to the engine once. */
    static final class GivenInit implements InitLauncher {
        private final Linux sys;
        private int fd;

        GivenInit(Linux sys, int fd) {
            this.sys = sys;
            this.fd = fd;
        }

        @Override
        public synchronized int syncSocket() {
            if (fd < 0) throw new JruncException("planner: the front spawned one jrunc-init for this call");
            int f = fd;
            fd = -1;
            return f;
        }

        /** An unused socket is closed: the helper waiting on it sees EOF and exits, and the front reaps it. */
        synchronized void close() {
            if (fd >= 0) sys.close(fd);
            fd = -1;
        }
    }
}
