package io.jrunc.plan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** TLV encoder for the plan (docs/plan-format.md). Little-endian, no padding. */
public final class PlanWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private PlanWriter parent;
    private int parentTag;

    public static PlanWriter plan() {
        PlanWriter w = new PlanWriter();
        w.out.writeBytes(Sync.PLAN_MAGIC.getBytes(StandardCharsets.US_ASCII));
        return w;
    }

    public static PlanWriter group() { return new PlanWriter(); }

    private void header(int tag, int len) {
        le(tag, 2);
        le(0, 2);
        le(len, 4);
    }

    private void le(long v, int bytes) {
        for (int i = 0; i < bytes; i++) out.write((int) (v >>> (8 * i)) & 0xff);
    }

    public PlanWriter flag(int tag) { header(tag, 0); return this; }

    public PlanWriter u32(int tag, long v) { header(tag, 4); le(v, 4); return this; }

    public PlanWriter u64(int tag, long v) { header(tag, 8); le(v, 8); return this; }

    public PlanWriter str(int tag, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == 0) throw new IllegalArgumentException("NUL byte in plan string for tag " + tag);
        }
        return bytes(tag, b);
    }

    public PlanWriter bytes(int tag, byte[] b) {
        header(tag, b.length);
        out.writeBytes(b);
        return this;
    }

    public PlanWriter u32s(int tag, long[] values) {
        header(tag, values.length * 4);
        for (long v : values) le(v, 4);
        return this;
    }

    /**
     * Opens a group: the returned writer collects the group's fields, {@link #end()} writes it into this
     * one as one TLV. (Not a lambda: each lambda call site the AOT training missed costs milliseconds of
     * class spinning at run time; docs/design-notes.md.)
     */
    public PlanWriter begin(int tag) {
        PlanWriter g = new PlanWriter();
        g.parent = this;
        g.parentTag = tag;
        return g;
    }

    /** Closes a group opened by {@link #begin}; returns the enclosing writer. */
    public PlanWriter end() {
        return parent.bytes(parentTag, toBytes());
    }

    public byte[] toBytes() { return out.toByteArray(); }
}
