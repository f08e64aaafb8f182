package io.jrunc.planner;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner's wire format (docs/planner.md, "Protocol"): one request from the front, an acknowledgement,
 * one reply, on a unix stream socket. Frames are a 4-byte magic, a u32 big-endian body length and the
 * body; integers are u32 big-endian, strings a u32 length and that many UTF-8 bytes (no NUL: they end as C
 * strings). The request's fds travel as SCM_RIGHTS with its first bytes, in the order of their roles.
 * Everything read is bounds-checked; a malformed frame is a {@link ProtocolException}.
 */
public final class Protocol {
    private Protocol() {}

    public static final byte[] REQUEST_MAGIC = {'J', 'R', 'Q', '1'};
    public static final byte[] ACK = {'J', 'R', 'A', '1'};
    public static final byte[] REPLY_MAGIC = {'J', 'R', 'R', '1'};
    /** Largest body accepted (an environment of a few MB is possible; more is a mistake or an attack). */
    public static final int MAX_BODY = 16 << 20;
    /** Most fds one request may carry (the JNI side refuses more as a whole). */
    public static final int MAX_FDS = 64;
    public static final int HEADER = 8;

    /** Roles of the fds a request carries. */
    public static final int ROLE_CWD = 1, ROLE_STDIN = 2, ROLE_STDOUT = 3, ROLE_STDERR = 4, ROLE_INIT = 5, ROLE_PRESERVED = 6;

    /** Reply kinds. */
    public static final int DONE = 0, FALLBACK = 1;

    /**
     * A call: umask of the caller, the roles of the fds it carries (in SCM_RIGHTS order), the command line
     * without argv[0] (global flags, command, its flags and arguments), the caller's environment.
     */
    public record Request(int umask, byte[] roles, List<String> argv, List<String> env) {
        /** Index of the first fd with this role, or -1. */
        public int fd(int role) {
            for (int i = 0; i < roles.length; i++) if (roles[i] == role) return i;
            return -1;
        }
    }

    /**
     * DONE: the command ran, exit is its exit code; pid and waiter: for a foreground run or exec, the process
     * the front waits for as `jrunc-init wait` (waiter is that argv; empty: exit with exit). FALLBACK: nothing
     * was done, the front runs the direct JVM; message says why.
     */
    public record Reply(int kind, int exit, int pid, List<String> waiter, String message) {
        public static Reply fallback(String why) { return new Reply(FALLBACK, 0, 0, List.of(), why); }
    }

    public static final class ProtocolException extends RuntimeException {
        public ProtocolException(String msg) { super(msg); }
    }

    // ---- encode -------------------------------------------------------------------------------------

    public static byte[] encode(Request r) {
        Out o = new Out(REQUEST_MAGIC);
        o.u32(r.umask());
        if (r.roles().length > MAX_FDS) throw new ProtocolException("too many fds: " + r.roles().length);
        o.u32(r.roles().length);
        o.b.write(r.roles(), 0, r.roles().length);
        o.strings(r.argv());
        o.strings(r.env());
        return o.frame();
    }

    public static byte[] encode(Reply r) {
        Out o = new Out(REPLY_MAGIC);
        o.b.write(r.kind());
        o.u32(r.exit());
        o.u32(r.pid());
        o.strings(r.waiter());
        o.string(r.message() == null ? "" : r.message());
        return o.frame();
    }

    // ---- decode -------------------------------------------------------------------------------------

    /** The body length a frame header announces, after checking its magic and bound. */
    public static int bodyLength(byte[] header, byte[] magic) {
        if (header.length < HEADER) throw new ProtocolException("short header");
        for (int i = 0; i < 4; i++) if (header[i] != magic[i]) throw new ProtocolException("bad magic");
        int n = In.u32(header, 4);
        if (n < 0 || n > MAX_BODY) throw new ProtocolException("body of " + Integer.toUnsignedString(n) + " bytes");
        return n;
    }

    public static Request decodeRequest(byte[] body) {
        In in = new In(body);
        int umask = in.u32();
        if ((umask & ~0777) != 0) throw new ProtocolException("bad umask " + Integer.toOctalString(umask));
        int n = in.count(1);
        if (n > MAX_FDS) throw new ProtocolException("too many fds: " + n);
        byte[] roles = in.bytes(n);
        for (byte role : roles) if (role < ROLE_CWD || role > ROLE_PRESERVED) throw new ProtocolException("bad fd role " + role);
        List<String> argv = in.strings();
        List<String> env = in.strings();
        in.end();
        return new Request(umask, roles, argv, env);
    }

    public static Reply decodeReply(byte[] body) {
        In in = new In(body);
        int kind = in.bytes(1)[0];
        if (kind != DONE && kind != FALLBACK) throw new ProtocolException("bad reply kind " + kind);
        int exit = in.u32();
        int pid = in.u32();
        List<String> waiter = in.strings();
        String message = in.string();
        in.end();
        return new Reply(kind, exit, pid, waiter, message);
    }

    private static final class Out {
        final ByteArrayOutputStream b = new ByteArrayOutputStream(256);

        Out(byte[] magic) {
            b.write(magic, 0, 4);
            u32(0); // length, filled in by frame()
        }

        void u32(int v) {
            b.write(v >>> 24);
            b.write(v >>> 16);
            b.write(v >>> 8);
            b.write(v);
        }

        void string(String s) {
            if (s.indexOf('\0') >= 0) throw new ProtocolException("NUL in a string");
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            u32(x.length);
            b.write(x, 0, x.length);
        }

        void strings(List<String> l) {
            u32(l.size());
            for (String s : l) string(s);
        }

        byte[] frame() {
            byte[] f = b.toByteArray();
            int n = f.length - HEADER;
            if (n > MAX_BODY) throw new ProtocolException("body of " + n + " bytes");
            f[4] = (byte) (n >>> 24);
            f[5] = (byte) (n >>> 16);
            f[6] = (byte) (n >>> 8);
            f[7] = (byte) n;
            return f;
        }
    }

    private static final class In {
        final byte[] b;
        int p;

        In(byte[] b) { this.b = b; }

        static int u32(byte[] b, int p) {
            return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | b[p + 3] & 0xff;
        }

        void need(long n) {
            if (n < 0 || p + n > b.length) throw new ProtocolException("truncated frame");
        }

        int u32() {
            need(4);
            int v = u32(b, p);
            p += 4;
            return v;
        }

        /** A count of items of at least minSize bytes each: never more than the bytes left could hold. */
        int count(int minSize) {
            int n = u32();
            if (n < 0 || (long) n * minSize > b.length - p) throw new ProtocolException("count " + Integer.toUnsignedString(n) + " beyond the frame");
            return n;
        }

        byte[] bytes(int n) {
            need(n);
            byte[] x = java.util.Arrays.copyOfRange(b, p, p + n);
            p += n;
            return x;
        }

        String string() {
            int n = u32();
            need(n & 0xffffffffL);
            for (int i = p; i < p + n; i++) if (b[i] == 0) throw new ProtocolException("NUL in a string");
            String s;
            try {
                // strict: a path that is not UTF-8 is left to the direct JVM (its own argv decoding)
                s = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b, p, n)).toString();
            } catch (java.nio.charset.CharacterCodingException x) {
                throw new ProtocolException("a string that is not UTF-8");
            }
            p += n;
            return s;
        }

        List<String> strings() {
            int n = count(4);
            List<String> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) l.add(string());
            return l;
        }

        void end() {
            if (p != b.length) throw new ProtocolException((b.length - p) + " bytes after the frame's fields");
        }
    }
}
