package io.jrunc.plan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a plan (or a group inside one) back into records: the inverse of {@link PlanWriter}, used by
 * tests and to show a plan to a human. Bounds are checked exactly as the C reader checks them.
 */
public final class PlanReader {
    private PlanReader() {}

    public record Rec(int tag, byte[] value) {
        public String str() { return new String(value, StandardCharsets.UTF_8); }

        public long u64() { return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(); }

        public long u32() { return Integer.toUnsignedLong(ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt()); }

        public List<Rec> group() { return records(value, 0); }

        /** First sub-record with this tag, or null. */
        public Rec sub(int tag) {
            for (Rec r : group()) if (r.tag == tag) return r;
            return null;
        }
    }

    public static List<Rec> plan(byte[] plan) {
        byte[] magic = Sync.PLAN_MAGIC.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (plan.length < magic.length || !java.util.Arrays.equals(plan, 0, magic.length, magic, 0, magic.length))
            throw new IllegalArgumentException("not a plan: bad magic");
        return records(plan, magic.length);
    }

    static List<Rec> records(byte[] b, int off) {
        List<Rec> out = new ArrayList<>();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int p = off;
        while (p < b.length) {
            if (b.length - p < 8) throw new IllegalArgumentException("truncated record header at " + p);
            int tag = Short.toUnsignedInt(bb.getShort(p));
            long len = Integer.toUnsignedLong(bb.getInt(p + 4));
            if (len > b.length - p - 8) throw new IllegalArgumentException("record " + tag + " overruns the plan");
            byte[] v = new byte[(int) len];
            System.arraycopy(b, p + 8, v, 0, (int) len);
            out.add(new Rec(tag, v));
            p += 8 + (int) len;
        }
        return out;
    }

    public static List<Rec> all(List<Rec> recs, int tag) {
        List<Rec> out = new ArrayList<>();
        for (Rec r : recs) if (r.tag == tag) out.add(r);
        return out;
    }
}
