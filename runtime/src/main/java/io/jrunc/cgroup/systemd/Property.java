package io.jrunc.cgroup.systemd;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One systemd unit property as it goes over D-Bus: name, signature, value. Values by signature: "b"
 * Boolean; "y" "n" "q" "i" "u" "x" "t" Long (unsigned 64-bit values as their bits, -1 is "infinity");
 * "d" Double; "s" "o" String; "ay" byte[]; "au" int[]; "as" List of String; "a(ss)" List of String[2].
 */
public record Property(String name, String signature, Object value) {

    public static Property bool(String name, boolean v) { return new Property(name, "b", v); }

    public static Property u64(String name, long v) { return new Property(name, "t", v); }

    public static Property str(String name, String v) { return new Property(name, "s", v); }

    /** systemd's text for the value, as `systemctl show` prints most of them (tests, messages). */
    @Override public String toString() {
        Object v = value;
        if (v instanceof byte[] b) v = java.util.HexFormat.of().formatHex(b);
        else if (v instanceof int[] a) v = java.util.Arrays.toString(a);
        else if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String[]) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) sb.append(sb.length() > 1 ? ", " : "").append(String.join(" ", (String[]) o));
            v = sb.append(']');
        } else if (signature.equals("t") && v instanceof Long n && n < 0) v = Long.toUnsignedString(n);
        return name + "=" + v;
    }

    /** The flat encoding io.jrunc.sys.SdBus documents, for a list of properties. */
    static byte[] encode(List<Property> props) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (Property p : props) p.encodeTo(out);
        return out.toByteArray();
    }

    private void encodeTo(ByteArrayOutputStream out) {
        cstr(out, name);
        cstr(out, signature);
        switch (signature) {
            case "b" -> out.write((Boolean) value ? 1 : 0);
            case "y" -> out.write(((Long) value).intValue());
            case "n", "q" -> num(out, 2, (Long) value);
            case "i", "u" -> num(out, 4, (Long) value);
            case "x", "t" -> num(out, 8, (Long) value);
            case "d" -> num(out, 8, Double.doubleToRawLongBits((Double) value));
            case "s", "o" -> cstr(out, (String) value);
            case "ay" -> {
                byte[] b = (byte[]) value;
                num(out, 4, b.length);
                out.writeBytes(b);
            }
            case "au" -> {
                int[] a = (int[]) value;
                num(out, 4, a.length);
                for (int x : a) num(out, 4, x);
            }
            case "as" -> {
                List<?> l = (List<?>) value;
                num(out, 4, l.size());
                for (Object s : l) cstr(out, (String) s);
            }
            case "a(ss)" -> {
                List<?> l = (List<?>) value;
                num(out, 4, l.size());
                for (Object o : l) {
                    String[] pair = (String[]) o;
                    cstr(out, pair[0]);
                    cstr(out, pair[1]);
                }
            }
            default -> throw new IllegalArgumentException("unsupported D-Bus signature " + signature + " of " + name);
        }
    }

    private static void cstr(ByteArrayOutputStream out, String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL in D-Bus string");
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static void num(ByteArrayOutputStream out, int size, long v) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        switch (size) {
            case 2 -> b.putShort((short) v);
            case 4 -> b.putInt((int) v);
            default -> b.putLong(v);
        }
        out.write(b.array(), 0, size);
    }
}
