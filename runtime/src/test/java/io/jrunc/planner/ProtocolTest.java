package io.jrunc.planner;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner's request and reply frames: round trips and every way a frame can be malformed. */
class ProtocolTest {
    static final Protocol.Request REQ = new Protocol.Request(022,
            new byte[]{Protocol.ROLE_CWD, Protocol.ROLE_STDIN, Protocol.ROLE_STDOUT, Protocol.ROLE_STDERR, Protocol.ROLE_INIT},
            List.of("--root", "/run/x", "create", "-b", "bündle", "c1"), List.of("PATH=/bin", "EMPTY=", "X=a=b"));

    static byte[] body(byte[] frame) { return Arrays.copyOfRange(frame, Protocol.HEADER, frame.length); }

    @Test
    void requestRoundTrip() {
        byte[] f = Protocol.encode(REQ);
        assertEquals(f.length - 8, Protocol.bodyLength(f, Protocol.REQUEST_MAGIC));
        Protocol.Request r = Protocol.decodeRequest(body(f));
        assertEquals(022, r.umask());
        assertArrayEquals(REQ.roles(), r.roles());
        assertEquals(REQ.argv(), r.argv());
        assertEquals(REQ.env(), r.env());
        assertEquals(4, r.fd(Protocol.ROLE_INIT));
        assertEquals(-1, r.fd(Protocol.ROLE_PRESERVED));
    }

    @Test
    void replyRoundTrip() {
        Protocol.Reply r = new Protocol.Reply(Protocol.DONE, 255, 4242, List.of("jrunc-init", "wait", "4242", "--"), "");
        Protocol.Reply back = Protocol.decodeReply(body(Protocol.encode(r)));
        assertEquals(r, back);
        Protocol.Reply fb = Protocol.decodeReply(body(Protocol.encode(Protocol.Reply.fallback("command spec"))));
        assertEquals(Protocol.FALLBACK, fb.kind());
        assertEquals("command spec", fb.message());
        assertEquals(-1, Protocol.decodeReply(body(Protocol.encode(new Protocol.Reply(0, -1, 0, List.of(), null)))).exit());
    }

    @Test
    void emptyRequest() {
        Protocol.Request r = Protocol.decodeRequest(body(Protocol.encode(new Protocol.Request(0, new byte[0], List.of(), List.of()))));
        assertEquals(List.of(), r.argv());
        assertEquals(0, r.roles().length);
    }

    @Test
    void badHeaders() {
        byte[] f = Protocol.encode(REQ);
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.bodyLength(f, Protocol.REPLY_MAGIC));
        byte[] big = f.clone();
        big[4] = 0x7f;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.bodyLength(big, Protocol.REQUEST_MAGIC));
        byte[] neg = f.clone();
        neg[4] = (byte) 0x80;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.bodyLength(neg, Protocol.REQUEST_MAGIC));
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.bodyLength(new byte[3], Protocol.REQUEST_MAGIC));
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] b = body(Protocol.encode(REQ));
        for (int n = 0; n < b.length; n++) {
            byte[] cut = Arrays.copyOf(b, n);
            assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(cut), "cut at " + n);
        }
        byte[] longer = Arrays.copyOf(b, b.length + 1);
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(longer), "trailing byte");
    }

    @Test
    void hostileCountsAndValues() {
        // umask with bits beyond 0777, an unknown role, a string count far beyond the frame, NUL, bad UTF-8
        byte[] b = body(Protocol.encode(REQ));
        byte[] m = b.clone();
        m[2] = 0x10;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(m));
        byte[] role = b.clone();
        role[8] = 9;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(role));
        byte[] count = b.clone();
        int argc = 8 + REQ.roles().length;
        count[argc] = 0x7f;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(count));
        byte[] nfds = b.clone();
        nfds[7] = 65;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(nfds));
        assertThrows(Protocol.ProtocolException.class,
                () -> Protocol.encode(new Protocol.Request(0, new byte[0], List.of("a\0b"), List.of())));
        byte[] utf = body(Protocol.encode(new Protocol.Request(0, new byte[0], List.of("ab"), List.of())));
        int at = new String(utf, StandardCharsets.ISO_8859_1).indexOf("ab");
        utf[at] = (byte) 0xc3;
        utf[at + 1] = (byte) 0x28;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(utf));
        byte[] nul = body(Protocol.encode(new Protocol.Request(0, new byte[0], List.of("ab"), List.of())));
        nul[at] = 0;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeRequest(nul));
        byte[] kind = body(Protocol.encode(Protocol.Reply.fallback("x")));
        kind[0] = 7;
        assertThrows(Protocol.ProtocolException.class, () -> Protocol.decodeReply(kind));
    }
}
