package io.jrunc.container;

import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recording fake of the kernel for unit tests of the engine: no root, no native library.
 *
 * <ul>
 * <li>Every call is recorded in order ({@link #calls}), name and arguments (byte[] copied).</li>
 * <li>Processes are a table: the helpers {@link #spawn} starts (pids 1000, 1001, ...: they exit at once
 * and wait to be reaped), and the processes the init scripts announce with {@link #pid(int)}: alive, with
 * a start time, until SIGKILLed ({@link #kill}, {@link #pidfdSendSignal}) or {@link #exit}ed.</li>
 * <li>jrunc-init's side of the sync socket is a script: each {@link #socketpair} takes the next script
 * queued with {@link #script} (default: "pid 4242", then "ready"), and {@link #recv} on its parent end
 * returns the script's messages in order; an empty script times out.</li>
 * <li>Failure injection: {@link #failOn} makes the Nth call of a name throw LinuxException(errno).</li>
 * <li>{@link #mkfifo} makes a regular file holding one byte (what the init writes), so `start` reads it
 * as a released fifo; {@link #sealedCopy} only returns a fake fd (it never opens the path).</li>
 * </ul>
 */
final class FakeLinux implements Linux {
    /** One recorded call. */
    record Call(String name, List<Object> args) {
        @Override public String toString() {
            StringBuilder sb = new StringBuilder(name).append('(');
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) sb.append(", ");
                Object a = args.get(i);
                sb.append(a instanceof byte[] b ? "bytes[" + b.length + "]"
                        : a instanceof int[] v ? Arrays.toString(v)
                        : a instanceof String[] v ? Arrays.toString(v) : String.valueOf(a));
            }
            return sb.append(')').toString();
        }

        Object arg(int i) { return args.get(i); }
    }

    /** One message from jrunc-init's side of the sync socket. */
    record Reply(byte[] data, int fd, LinuxException error, Runnable effect) {
        /** Runs when the message is read (e.g. the container's init dies meanwhile). */
        Reply then(Runnable r) {
            Runnable before = effect;
            return new Reply(data, fd, error, before == null ? r : () -> { before.run(); r.run(); });
        }
    }

    static Reply msg(String s) { return new Reply(s.getBytes(StandardCharsets.UTF_8), -1, null, null); }

    /** A message with an fd (SCM_RIGHTS). */
    static Reply msgWithFd(String s, int fd) { return new Reply(s.getBytes(StandardCharsets.UTF_8), fd, null, null); }

    /** The peer closed the socket (the init or helper died): recv returns null. */
    static Reply eof() { return new Reply(null, -1, null, null); }

    /** recv times out. */
    static Reply timeout() { return new Reply(null, -1, new LinuxException("recv", LinuxException.EAGAIN, "Resource temporarily unavailable"), null); }

    private final Object lock = new Object();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, Map<Integer, Integer>> failures = new HashMap<>();
    private final Deque<List<Reply>> scripts = new ArrayDeque<>();
    private final Map<Integer, Deque<Reply>> inbox = new HashMap<>();
    private final Map<Integer, Proc> procs = new HashMap<>();
    private final Map<Integer, Integer> pidfds = new HashMap<>();
    private final java.util.Set<Integer> openFds = new java.util.TreeSet<>();
    private final List<int[]> pairs = new ArrayList<>();
    private int nextFd = 100;
    private int nextHelper = 1000;
    private int euid;
    /** waitpid without WNOHANG on a process that is still alive (would hang for real). */
    int blockingWaitsOnLive;

    private static final class Proc {
        final long start;
        boolean alive = true;
        boolean reaped;
        int status;

        Proc(long start) { this.start = start; }
    }

    /** The Nth (1-based) call of name throws LinuxException(name, errno). */
    FakeLinux failOn(String name, int nth, int errno) {
        synchronized (lock) {
            failures.computeIfAbsent(name, k -> new HashMap<>()).put(nth, errno);
        }
        return this;
    }

    /** What the next jrunc-init spawned says on its sync socket. */
    FakeLinux script(Reply... replies) {
        synchronized (lock) {
            scripts.add(List.of(replies));
        }
        return this;
    }

    FakeLinux euid(int uid) { euid = uid; return this; }

    /** "pid N": N becomes a live process (start time 100000 + N) when the message is read. */
    Reply pid(int pid) {
        return msg("pid " + pid).then(() -> process(pid));
    }

    /** A live process (no-op if it exists). */
    void process(int pid) {
        synchronized (lock) {
            procs.putIfAbsent(pid, new Proc(100_000L + pid));
        }
    }

    /** The process exits by itself with status (as waitpid reports it). */
    void exit(int pid, int status) {
        synchronized (lock) {
            Proc p = procs.get(pid);
            if (p != null && p.alive) {
                p.alive = false;
                p.status = status;
            }
        }
    }

    /** A helper (which exits at once) exited with this status instead of 0. */
    void helperStatus(int pid, int status) {
        synchronized (lock) {
            Proc p = procs.get(pid);
            if (p != null && !p.reaped) p.status = status;
        }
    }

    boolean alive(int pid) {
        synchronized (lock) {
            Proc p = procs.get(pid);
            return p != null && p.alive;
        }
    }

    /** Processes not reaped: alive, or exited and still zombies. */
    java.util.Set<Integer> unreaped() {
        synchronized (lock) {
            java.util.Set<Integer> out = new java.util.TreeSet<>();
            procs.forEach((pid, p) -> { if (!p.reaped) out.add(pid); });
            return out;
        }
    }

    boolean reaped(int pid) {
        synchronized (lock) {
            Proc p = procs.get(pid);
            return p != null && p.reaped;
        }
    }

    /** The socket pairs handed out, in order: [0] stays with the engine, [1] goes to jrunc-init. */
    List<int[]> socketpairs() {
        synchronized (lock) {
            return List.copyOf(pairs);
        }
    }

    /** Records an event of another fake (the cgroup driver) in this timeline; never fails. */
    void note(String name, Object... args) {
        synchronized (lock) {
            calls.add(new Call(name, List.of(args)));
        }
    }

    // ---- what was recorded -------------------------------------------------------------------------

    List<Call> calls() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    List<Call> calls(String name) {
        return calls().stream().filter(c -> c.name().equals(name)).toList();
    }

    List<String> names() {
        return calls().stream().map(Call::name).toList();
    }

    /** A call with exactly these (boxed) arguments was made. */
    boolean called(String name, Object... args) {
        return calls(name).stream().anyMatch(c -> c.args().equals(List.of(args)));
    }

    /** Index of the first such call, or -1. */
    int indexOf(String name, Object... args) {
        List<Call> all = calls();
        for (int i = 0; i < all.size(); i++)
            if (all.get(i).name().equals(name) && all.get(i).args().equals(List.of(args))) return i;
        return -1;
    }

    /** Every message sent on fd, as text. */
    List<String> sentOn(int fd) {
        return calls("send").stream().filter(c -> c.arg(0).equals(fd))
                .map(c -> new String((byte[]) c.arg(1), StandardCharsets.UTF_8)).toList();
    }

    /** The raw messages sent on fd. */
    List<byte[]> sentBytesOn(int fd) {
        return calls("send").stream().filter(c -> c.arg(0).equals(fd)).map(c -> (byte[]) c.arg(1)).toList();
    }

    // ---- the kernel ----------------------------------------------------------------------------------

    /** Records the call and throws if a failure is injected for this invocation. */
    private void call(String name, Object... args) {
        Integer errno;
        synchronized (lock) {
            List<Object> a = new ArrayList<>(args.length);
            for (Object o : args) {
                a.add(o instanceof byte[] b ? b.clone() : o instanceof int[] v ? v.clone()
                        : o instanceof String[] v ? v.clone() : o);
            }
            calls.add(new Call(name, java.util.Collections.unmodifiableList(a)));
            int n = counts.merge(name, 1, Integer::sum);
            Map<Integer, Integer> f = failures.get(name);
            errno = f == null ? null : f.get(n);
        }
        if (errno != null) throw new LinuxException(name, errno, strerror(errno));
    }

    private int fd() {
        synchronized (lock) {
            openFds.add(nextFd);
            return nextFd++;
        }
    }

    /** The fds this kernel handed out (sockets, memfds, pidfds, ...) that were never closed. */
    java.util.Set<Integer> openFds() {
        synchronized (lock) {
            return java.util.Set.copyOf(openFds);
        }
    }

    @Override
    public int spawn(String path, String[] argv, String[] envp, int[] stdio, int[] keepFds) {
        call("spawn", path, argv, envp, stdio, keepFds);
        synchronized (lock) {
            int pid = nextHelper++;
            Proc p = new Proc(50_000L + pid);
            p.alive = false; // the helper sends the pid and exits: a zombie until reaped
            procs.put(pid, p);
            return pid;
        }
    }

    @Override
    public int[] pipe() {
        call("pipe");
        return new int[]{fd(), fd()};
    }

    @Override
    public int[] socketpair() {
        call("socketpair");
        synchronized (lock) {
            int a = fd(), b = fd();
            pairs.add(new int[]{a, b});
            List<Reply> s = scripts.poll();
            inbox.put(a, new ArrayDeque<>(s != null ? s : List.of(pid(4242), msg("ready"))));
            return new int[]{a, b};
        }
    }

    @Override
    public void send(int fd, byte[] data) {
        call("send", fd, data);
    }

    @Override
    public byte[] recv(int fd, int timeoutMs) {
        return recv(fd, timeoutMs, null);
    }

    @Override
    public byte[] recv(int fd, int timeoutMs, int[] fdOut) {
        call("recv", fd, timeoutMs);
        Reply r;
        synchronized (lock) {
            Deque<Reply> q = inbox.get(fd);
            r = q == null ? null : q.poll();
        }
        if (r == null) r = timeout(); // nothing more scripted: the peer never answers
        if (r.effect() != null) r.effect().run();
        if (r.error() != null) throw r.error();
        if (fdOut != null) {
            fdOut[0] = r.fd();
            if (r.fd() >= 0) synchronized (lock) { openFds.add(r.fd()); }
        }
        return r.data() == null ? null : r.data().clone();
    }

    @Override
    public void close(int fd) {
        call("close", fd);
        synchronized (lock) {
            openFds.remove(fd);
        }
    }

    @Override
    public int[] waitpid(int pid, int flags) {
        call("waitpid", pid, flags);
        synchronized (lock) {
            Proc p = procs.get(pid);
            if (p == null || p.reaped) throw new LinuxException("waitpid", 10, "No child processes");
            if (p.alive) {
                if ((flags & WNOHANG) != 0) return new int[]{0, 0};
                blockingWaitsOnLive++;
                p.alive = false; // as if it exited while we waited
            }
            p.reaped = true;
            return new int[]{pid, p.status};
        }
    }

    /** kill(2): a zombie takes a signal silently; a reaped or unknown pid is ESRCH; SIGKILL ends a live one. */
    @Override
    public void kill(int pid, int sig) {
        call("kill", pid, sig);
        signal(pid, sig);
    }

    private void signal(int pid, int sig) {
        synchronized (lock) {
            Proc p = procs.get(pid);
            if (p == null || p.reaped) throw new LinuxException("kill", LinuxException.ESRCH, strerror(LinuxException.ESRCH));
            if (p.alive && sig == Signals.SIGKILL) {
                p.alive = false;
                p.status = Signals.SIGKILL;
            }
        }
    }

    @Override
    public int pidfdOpen(int pid) {
        call("pidfdOpen", pid);
        synchronized (lock) {
            Proc p = procs.get(pid);
            if (p == null || p.reaped) throw new LinuxException("pidfd_open", LinuxException.ESRCH, strerror(LinuxException.ESRCH));
            int fd = fd();
            pidfds.put(fd, pid);
            return fd;
        }
    }

    @Override
    public void pidfdSendSignal(int pidfd, int sig) {
        call("pidfdSendSignal", pidfd, sig);
        Integer pid;
        synchronized (lock) {
            pid = pidfds.get(pidfd);
            if (pid == null) throw new LinuxException("pidfd_send_signal", 9, "Bad file descriptor");
            Proc p = procs.get(pid);
            if (!p.alive) throw new LinuxException("pidfd_send_signal", LinuxException.ESRCH, strerror(LinuxException.ESRCH));
        }
        signal(pid, sig);
    }

    @Override
    public void mkfifo(Path path, int mode) {
        call("mkfifo", path, mode);
        try {
            Files.write(path, new byte[]{'0'}, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int open(Path path, int flags, int mode) {
        call("open", path, flags, mode);
        return fd();
    }

    @Override
    public void setChildSubreaper() {
        call("setChildSubreaper");
    }

    @Override
    public void execve(String path, String[] argv, String[] envp, int[] keepFds) {
        call("execve", path, argv, envp, keepFds);
        throw new UnsupportedOperationException("execve in a unit test");
    }

    @Override
    public int geteuid() {
        call("geteuid");
        return euid;
    }

    @Override
    public int getpid() {
        call("getpid");
        return 1;
    }

    @Override
    public void umount2(String target, int flags) {
        call("umount2", target, flags);
    }

    @Override
    public void sendFd(String socketPath, byte[] data, int fd) {
        call("sendFd", socketPath, data, fd);
    }

    @Override
    public String strerror(int errno) {
        return switch (errno) {
            case LinuxException.EPERM -> "Operation not permitted";
            case LinuxException.ENOENT -> "No such file or directory";
            case LinuxException.ESRCH -> "No such process";
            case LinuxException.EAGAIN -> "Resource temporarily unavailable";
            case LinuxException.EEXIST -> "File exists";
            case 24 -> "Too many open files";
            default -> "errno " + errno;
        };
    }

    @Override
    public int listenUnix(String path) {
        call("listenUnix", path);
        return fd();
    }

    @Override
    public void bindMount(String source, String target) {
        call("bindMount", source, target);
    }

    @Override
    public int accept(int fd, int timeoutMs) {
        call("accept", fd, timeoutMs);
        return fd();
    }

    @Override
    public java.io.FileDescriptor fileDescriptor(int fd, boolean dup) {
        call("fileDescriptor", fd, dup);
        throw new UnsupportedOperationException("the fake has no real descriptors");
    }

    @Override
    public int sealedCopy(String path) {
        call("sealedCopy", path);
        return fd();
    }

    @Override
    public long startTime(int pid) {
        call("startTime", pid);
        synchronized (lock) {
            Proc p = procs.get(pid);
            return p == null || p.reaped ? -1 : p.start;
        }
    }

    @Override
    public boolean isAlive(int pid, long startTime) {
        call("isAlive", pid, startTime);
        synchronized (lock) {
            Proc p = procs.get(pid);
            return p != null && p.alive && p.start == startTime;
        }
    }
}
