package io.jrunc.container;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.plan.Sync;
import io.jrunc.seccomp.NotifyState;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The Java end of the sync socket with jrunc-init (docs/plan-format.md, "Sync"), shared by create and
 * exec: spawn the helper with the plan, read the new process' pid, send "go", wait for "ready" (passing
 * a seccomp notify listener on to its agent on the way). One instance per spawned process; it owns the
 * socket until {@link #close()}.
 */
final class InitChannel implements AutoCloseable {
    private final Linux sys;
    private int sock;
    /** This JVM spawned the helper: the new process is its child and {@link #killAndReap} reaps it. */
    private final boolean ours;

    private InitChannel(Linux sys, int sock, boolean ours) {
        this.sys = sys;
        this.sock = sock;
        this.ours = ours;
    }

    /** jrunc-init for this engine: spawned here ({@link #spawn}), or given by its launcher ({@link #attach}). */
    static InitChannel start(Engine e, byte[] plan, int preserveFds, int[] stdio, String what) {
        if (e.launcher == null) return spawn(e.sys(), e.initBinary(), plan, preserveFds, stdio, what);
        return attach(e.sys(), e.launcher.syncSocket(), plan, what);
    }

    /**
     * The sync socket of a jrunc-init someone else spawned (InitLauncher): the plan goes out and the new
     * process' pid comes back as with {@link #spawn}, but the helper is not reaped here (its parent does).
     * On failure the socket is closed, which makes a helper still waiting for its plan exit.
     */
    static InitChannel attach(Linux sys, int sock, byte[] plan, String what) {
        InitChannel ch = new InitChannel(sys, sock, false);
        try {
            sendMessage(sys, sock, plan);
            String msg = ch.receive(60_000, what, null);
            io.jrunc.sys.Trace.mark("pid received");
            if (!msg.startsWith(Sync.PID_PREFIX)) throw new JruncException("unexpected message from jrunc-init: " + msg);
            ch.pid = Integer.parseInt(msg.substring(Sync.PID_PREFIX.length()).trim());
            return ch;
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * SIGKILL to the new process on a failure, then: reaped when it is this JVM's child; otherwise (its
     * parent is the front that spawned the helper) waited for, at most 2 s, until it has exited, so that
     * its cgroup can be removed.
     */
    void killAndReap() {
        if (ours) {
            try { sys.kill(pid, Signals.SIGKILL); } catch (LinuxException ignored) { }
            try { sys.waitpid(pid, 0); } catch (LinuxException ignored) { }
            return;
        }
        long start = sys.startTime(pid);
        try { sys.kill(pid, Signals.SIGKILL); } catch (LinuxException ignored) { }
        for (int i = 0; i < 2000 && sys.isAlive(pid, start); i++) {
            try { Thread.sleep(1); } catch (InterruptedException x) { Thread.currentThread().interrupt(); return; }
        }
    }

    /**
     * Starts jrunc-init from a sealed memfd copy (CVE-2019-5736: whatever enters the container runs code
     * that no process can rewrite, and /proc/<pid>/exe leads to no host file), sends it the plan, and
     * returns the channel once the helper has exited and the new process' pid is known ({@link #pid()}).
     * preserveFds: fds 3..3+n-1 stay open in the container; stdio: fds for its 0, 1, 2 or null.
     */
    static InitChannel spawn(Linux sys, java.nio.file.Path initBinary, byte[] plan, int preserveFds, int[] stdio, String what) {
        int[] sp = sys.socketpair();
        InitChannel ch = new InitChannel(sys, sp[0], true);
        int helper = -1;
        boolean reaped = false;
        try {
            int[] keep = new int[1 + preserveFds];
            keep[0] = sp[1];
            for (int i = 0; i < preserveFds; i++) keep[1 + i] = 3 + i;
            int exe;
            try {
                exe = sys.sealedCopy(initBinary.toString());
            } catch (RuntimeException x) {
                sys.close(sp[1]);
                throw x;
            }
            try {
                helper = sys.spawn("/proc/self/fd/" + exe, new String[]{"jrunc-init", Sync.MODE_INIT, Integer.toString(sp[1])},
                        new String[0], stdio, keep);
            } finally {
                sys.close(exe);
                sys.close(sp[1]);
            }
            sendMessage(sys, ch.sock, plan);
            String msg = ch.receive(60_000, what, null);
            io.jrunc.sys.Trace.mark("pid received");
            int[] done = sys.waitpid(helper, 0);
            reaped = true;
            if (!msg.startsWith(Sync.PID_PREFIX)) throw new JruncException("unexpected message from jrunc-init: " + msg);
            ch.pid = Integer.parseInt(msg.substring(Sync.PID_PREFIX.length()).trim());
            if (done[1] != 0) {
                // The helper failed after it cloned (id maps, rlimits): it killed the init, announced its pid
                // and then sent the error, both before exiting. The init is our child: reap it, report the error.
                try {
                    String after = ch.receive(1000, what, null);
                    throw new JruncException("jrunc-init failed after the container's pid (" + after + ")");
                } finally {
                    try { sys.kill(ch.pid, Signals.SIGKILL); } catch (LinuxException ignored) { }
                    try { sys.waitpid(ch.pid, 0); } catch (LinuxException ignored) { }
                }
            }
            return ch;
        } catch (RuntimeException e) {
            ch.close();
            // The helper is our child: reap it (killed first, in case it hangs), or a failed spawn leaves a
            // zombie in a long-lived JVM. Not reaped yet, its pid cannot have been reused.
            if (helper > 0 && !reaped) {
                try { sys.kill(helper, Signals.SIGKILL); } catch (LinuxException ignored) { }
                try { sys.waitpid(helper, 0); } catch (LinuxException ignored) { }
            }
            throw e;
        }
    }

    private int pid;

    /** The new process' host pid (the container's init, or the exec'd process): a child of this JVM. */
    int pid() { return pid; }

    /** Lets the process go on, with the hook states it needs (the second, if any, after Sync.GO_STATE_SEPARATOR). */
    void go(String creating, String created) {
        String text = Sync.GO + creating + (created == null ? "" : Sync.GO_STATE_SEPARATOR + created);
        try {
            sendMessage(sys, sock, text.getBytes(StandardCharsets.UTF_8));
        } catch (LinuxException e) {
            // Attached (the planner): nobody here waited for the helper, which may have failed after the
            // clone (rlimits, id maps), announced the pid, sent its error and closed the socket: that error,
            // still queued, is the reason, not the EPIPE (spawn() reads it when the helper's status says so).
            String queued = queuedError();
            if (queued != null) throw new JruncException(queued);
            throw e;
        }
    }

    /** An `error` message already queued on the socket (its sender gone), or null. */
    private String queuedError() {
        for (int i = 0; i < 4; i++) {
            byte[] m;
            try {
                m = sys.recv(sock, 0);
            } catch (LinuxException e) {
                return null;
            }
            if (m == null) return null;
            String s = new String(m, StandardCharsets.UTF_8);
            if (s.startsWith(Sync.ERROR_PREFIX)) return s.substring(Sync.ERROR_PREFIX.length());
        }
        return null;
    }

    /**
     * Waits for `ready`. On the way the init may send `seccomp` with the listener fd of a filter that has
     * SCMP_ACT_NOTIFY rules: it goes to the agent at listenerPath, and the init, waiting for us, is told
     * to go on only once the agent has it.
     */
    void awaitReady(String what, Spec.Seccomp seccomp, Map<String, Object> containerState) {
        int[] fd = {-1};
        String msg = receive(-1, what, fd);
        if (msg.equals(Sync.SECCOMP)) {
            if (fd[0] < 0) throw new JruncException("jrunc-init sent no seccomp listener fd");
            if (seccomp == null || seccomp.listenerPath() == null || seccomp.listenerPath().isEmpty()) {
                sys.close(fd[0]);
                throw new JruncException("jrunc-init sent a seccomp listener but the config has no listenerPath");
            }
            NotifyState.send(sys, seccomp, fd[0], pid, containerState);
            sys.send(sock, Sync.SECCOMP_OK.getBytes(StandardCharsets.UTF_8));
            msg = receive(-1, what, null);
        } else if (fd[0] >= 0) {
            sys.close(fd[0]);
        }
        if (!msg.equals(Sync.READY)) throw new JruncException("unexpected message from jrunc-init: " + msg);
    }

    /** One message from jrunc-init; `error <text>` and EOF become exceptions. */
    private String receive(int timeoutMs, String what, int[] fdOut) {
        byte[] m;
        try {
            m = fdOut == null ? sys.recv(sock, timeoutMs) : sys.recv(sock, timeoutMs, fdOut);
        } catch (LinuxException e) {
            // Attached (the planner): a helper that failed after the clone may have closed with our "go"
            // unread; the socket then reports ECONNRESET once, and the error it queued before is next.
            if (e.errno() != LinuxException.EAGAIN) {
                String queued = queuedError();
                if (queued != null) throw new JruncException(queued);
            }
            throw new JruncException("timed out " + what);
        }
        if (m == null) throw new JruncException("container init exited before it was ready (" + what + ")");
        String s = new String(m, StandardCharsets.UTF_8);
        if (s.startsWith(Sync.ERROR_PREFIX)) throw new JruncException(s.substring(Sync.ERROR_PREFIX.length()));
        return s;
    }

    @Override
    public void close() {
        if (sock >= 0) {
            sys.close(sock);
            sock = -1;
        }
    }


    /**
     * One message to jrunc-init of any size (docs/plan-format.md, "Transport"): one packet, or when larger
     * than a packet may be, a header "JRBG" + u32 big-endian length and then the bytes in MSG_CHUNK packets.
     * No socket buffer size limits a plan or a go message then (a 1.2 MB environment, large annotations).
     */
    static void sendMessage(Linux sys, int sock, byte[] msg) {
        if (msg.length <= Sync.MSG_CHUNK) {
            sys.send(sock, msg);
            return;
        }
        int n = msg.length;
        byte[] header = java.util.Arrays.copyOf(Sync.CHUNK_MAGIC.getBytes(StandardCharsets.US_ASCII), Sync.CHUNK_HEADER_SIZE);
        header[4] = (byte) (n >>> 24);
        header[5] = (byte) (n >>> 16);
        header[6] = (byte) (n >>> 8);
        header[7] = (byte) n;
        sys.send(sock, header);
        for (int off = 0; off < n; off += Sync.MSG_CHUNK)
            sys.send(sock, java.util.Arrays.copyOfRange(msg, off, Math.min(n, off + Sync.MSG_CHUNK)));
    }
}
