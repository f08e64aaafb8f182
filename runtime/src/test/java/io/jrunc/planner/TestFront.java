package io.jrunc.planner;

import io.jrunc.sys.Linux;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The C front's part of the planner protocol, played from Java (docs/planner.md, "What the front does"):
 * spawn jrunc-init from a sealed copy with a socketpair as InitChannel does (so the container's init is
 * this JVM's child, as it is the front's), connect, send the request with the fds, read ACK and reply.
 */
final class TestFront {
    static final int O_DIRECTORY = 0200000, O_CREAT = 0100, O_TRUNC = 01000;

    record Answer(boolean acked, Protocol.Reply reply, int helper) {}

    /** stdio: fds for the call's 0, 1, 2 (also the container's); init: spawn jrunc-init (create/run/exec). */
    static Answer call(Linux sys, Path socket, Path cwd, int[] stdio, List<String> argv, Path initBinary) {
        // as the C front: the whole environment; here PATH and what the planner compares with its own
        List<String> env = new ArrayList<>(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
        for (String k : io.jrunc.cli.Served.PROCESS_ENV) if (System.getenv(k) != null) env.add(k + "=" + System.getenv(k));
        return call(sys, socket, cwd, stdio, argv, initBinary, env);
    }

    static Answer call(Linux sys, Path socket, Path cwd, int[] stdio, List<String> argv, Path initBinary, List<String> env) {
        // connect first: with no planner the front falls back before it has spawned anything
        int conn;
        try {
            conn = sys.connectUnix(socket.toString());
        } catch (io.jrunc.sys.LinuxException e) {
            return new Answer(false, null, -1);
        }
        List<Integer> fds = new ArrayList<>();
        List<Byte> roles = new ArrayList<>();
        int cwdFd = sys.open(cwd, Linux.O_RDONLY | O_DIRECTORY, 0);
        fds.add(cwdFd);
        roles.add((byte) Protocol.ROLE_CWD);
        for (int i = 0; i < 3; i++) {
            fds.add(stdio[i]);
            roles.add((byte) (Protocol.ROLE_STDIN + i));
        }
        int helper = -1, parentEnd = -1;
        if (initBinary != null) {
            int[] sp = sys.socketpair();
            int exe = sys.sealedCopy(initBinary.toString());
            try {
                helper = sys.spawn("/proc/self/fd/" + exe, new String[]{"jrunc-init", "init", Integer.toString(sp[1])},
                        new String[0], stdio, new int[]{sp[1]});
            } finally {
                sys.close(exe);
                sys.close(sp[1]);
            }
            parentEnd = sp[0];
            fds.add(parentEnd);
            roles.add((byte) Protocol.ROLE_INIT);
        }
        byte[] r = new byte[roles.size()];
        for (int i = 0; i < r.length; i++) r[i] = roles.get(i);
        int[] f = new int[fds.size()];
        for (int i = 0; i < f.length; i++) f[i] = fds.get(i);
        try {
            byte[] frame = Protocol.encode(new Protocol.Request(umask(), r, argv, env));
            try {
                sendAll(sys, conn, frame, f);
            } catch (io.jrunc.sys.LinuxException e) {
                // EPIPE/ECONNRESET: the planner refused the connection before reading it (peer check): as EOF
                return new Answer(false, null, helper);
            }
            return read(sys, conn, helper);
        } finally {
            sys.close(conn);
            sys.close(cwdFd);
            if (parentEnd >= 0) sys.close(parentEnd);
            // the front reaps its helper once the planner has answered (or is gone)
            if (helper > 0) sys.waitpid(helper, 0);
        }
    }

    static void sendAll(Linux sys, int conn, byte[] frame, int[] fds) {
        int n = sys.sendFds(conn, frame, 0, frame.length, fds);
        while (n < frame.length) n += sys.sendFds(conn, frame, n, frame.length - n, null);
    }

    /** ACK (optional), then the reply frame; a connection closed before it: reply null. */
    static Answer read(Linux sys, int conn, int helper) {
        byte[] head = new byte[Protocol.HEADER];
        boolean acked = false;
        int n = readSome(sys, conn, head, 0, 4);
        if (n < 4) return new Answer(false, null, helper);
        if (java.util.Arrays.equals(java.util.Arrays.copyOf(head, 4), Protocol.ACK)) {
            acked = true;
            n = readSome(sys, conn, head, 0, 4);
            if (n < 4) return new Answer(true, null, helper);
        }
        if (readSome(sys, conn, head, 4, 4) < 4) return new Answer(acked, null, helper);
        byte[] body = new byte[Protocol.bodyLength(head, Protocol.REPLY_MAGIC)];
        if (readSome(sys, conn, body, 0, body.length) < body.length) return new Answer(acked, null, helper);
        return new Answer(acked, Protocol.decodeReply(body), helper);
    }

    /** Reads exactly len bytes unless EOF comes first; returns what it got. */
    static int readSome(Linux sys, int fd, byte[] b, int off, int len) {
        int got = 0;
        while (got < len) {
            int r;
            try {
                r = sys.recvFds(fd, b, off + got, len - got, 120_000, null);
            } catch (io.jrunc.sys.LinuxException e) {
                break; // ECONNRESET: the planner closed with our request unread, as good as EOF
            }
            if (r <= 0) break;
            got += r;
        }
        return got;
    }

    static int umask() { return Server.ownUmask(); }
}
