package io.jrunc.cgroup.systemd;

import io.jrunc.JruncException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * `org.systemd.property.NAME` annotations as unit properties (runc's specconv initSystemdProps): NAME has at
 * least 3 ASCII letters and nothing else; the value is GVariant text. Supported here: booleans, numbers
 * (a bare integer is int32 and a bare decimal a double, as GVariant reads them; a type keyword or "@t"
 * style annotation chooses another), single- or double-quoted strings, and arrays of strings. A name
 * ending in a lowercase letter + "Sec" becomes "...USec" with the value in microseconds (uint64), as runc
 * does. Errors name the annotation.
 */
public final class Annotations {
    private Annotations() {}

    public static final String PREFIX = "org.systemd.property.";

    /** Sorted by annotation name, so that the order systemd applies them in does not depend on a hash map. */
    public static List<Property> properties(Map<String, String> annotations) {
        List<Property> out = new ArrayList<>();
        if (annotations == null) return out;
        for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) continue;
            String name = e.getKey().substring(PREFIX.length());
            String ptr = "/annotations/" + e.getKey().replace("~", "~0").replace("/", "~1");
            if (name.length() < 3) throw JruncException.config(ptr, "systemd property name \"" + name + "\" too short");
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                    throw JruncException.config(ptr, "systemd property name \"" + name + "\" contains non-alphabetic character");
            }
            Property p;
            try {
                p = parse(name, e.getValue() == null ? "" : e.getValue());
            } catch (IllegalArgumentException x) {
                throw JruncException.config(ptr, "value \"" + e.getValue() + "\" parse error: " + x.getMessage());
            }
            char before = name.length() > 3 ? name.charAt(name.length() - 4) : 'A';
            if (name.endsWith("Sec") && before >= 'a' && before <= 'z') {
                p = new Property(name.substring(0, name.length() - 3) + "USec", "t", toUSec(p, ptr));
            }
            out.add(p);
        }
        return out;
    }

    private static long toUSec(Property p, String ptr) {
        if (p.value() instanceof Double d) return (long) (d * 1_000_000);
        if (p.value() instanceof Long l && !p.signature().equals("s") && !p.signature().equals("b")) return l * 1_000_000;
        throw JruncException.config(ptr, "value parse error: not a number");
    }

    /** One GVariant text value as the property name. */
    static Property parse(String name, String text) {
        String v = text.strip();
        if (v.isEmpty()) throw new IllegalArgumentException("empty value");
        String sig = null;
        if (v.startsWith("@")) { // "@t 5", "@as []"
            int sp = v.indexOf(' ');
            if (sp < 0) throw new IllegalArgumentException("type annotation without a value");
            sig = v.substring(1, sp);
            v = v.substring(sp + 1).strip();
        } else {
            int sp = v.indexOf(' ');
            if (sp > 0) {
                String kw = keyword(v.substring(0, sp));
                if (kw != null) {
                    sig = kw;
                    v = v.substring(sp + 1).strip();
                }
            }
        }
        if (v.startsWith("[")) {
            if (sig != null && !sig.equals("as")) throw new IllegalArgumentException("only arrays of strings are supported");
            if (!v.endsWith("]")) throw new IllegalArgumentException("unterminated array");
            List<String> items = new ArrayList<>();
            String inner = v.substring(1, v.length() - 1).strip();
            int[] pos = {0};
            while (pos[0] < inner.length()) {
                items.add(quoted(inner, pos));
                while (pos[0] < inner.length() && inner.charAt(pos[0]) == ' ') pos[0]++;
                if (pos[0] < inner.length()) {
                    if (inner.charAt(pos[0]) != ',') throw new IllegalArgumentException("expected ',' in array");
                    pos[0]++;
                    while (pos[0] < inner.length() && inner.charAt(pos[0]) == ' ') pos[0]++;
                }
            }
            if (items.isEmpty() && sig == null) throw new IllegalArgumentException("empty array needs a type (\"@as []\")");
            return new Property(name, "as", items);
        }
        if (v.startsWith("'") || v.startsWith("\"")) {
            if (sig != null && !sig.equals("s") && !sig.equals("o")) throw new IllegalArgumentException("a string is not " + sig);
            int[] pos = {0};
            String s = quoted(v, pos);
            if (pos[0] != v.length()) throw new IllegalArgumentException("text after the string");
            return new Property(name, sig == null ? "s" : sig, s);
        }
        if (v.equals("true") || v.equals("false")) {
            if (sig != null && !sig.equals("b")) throw new IllegalArgumentException("a boolean is not " + sig);
            return new Property(name, "b", v.equals("true"));
        }
        if (sig == null) sig = v.contains(".") || v.contains("e") || v.contains("E") ? "d" : "i";
        try {
            switch (sig) {
                case "d":
                    return new Property(name, "d", Double.parseDouble(v));
                case "t": case "u": case "q": case "y": {
                    long n = Long.parseUnsignedLong(v);
                    long max = sig.equals("t") ? -1 : sig.equals("u") ? 0xFFFFFFFFL : sig.equals("q") ? 0xFFFF : 0xFF;
                    if (!sig.equals("t") && Long.compareUnsigned(n, max) > 0) throw new IllegalArgumentException(v + " out of range for " + sig);
                    return new Property(name, sig, n);
                }
                case "x": case "i": case "n": {
                    long n = Long.parseLong(v);
                    long lim = sig.equals("x") ? Long.MAX_VALUE : sig.equals("i") ? Integer.MAX_VALUE : Short.MAX_VALUE;
                    if (n > lim || n < -lim - 1) throw new IllegalArgumentException(v + " out of range for " + sig);
                    return new Property(name, sig, n);
                }
                default:
                    throw new IllegalArgumentException("unsupported type " + sig);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a " + sig + " value: " + v);
        }
    }

    private static String keyword(String k) {
        return switch (k) {
            case "boolean" -> "b";
            case "byte" -> "y";
            case "int16" -> "n";
            case "uint16" -> "q";
            case "int32" -> "i";
            case "uint32" -> "u";
            case "int64" -> "x";
            case "uint64" -> "t";
            case "double" -> "d";
            case "string" -> "s";
            case "objectpath" -> "o";
            default -> null;
        };
    }

    /** A quoted GVariant string at pos (' or "), with backslash escapes; pos ends after the closing quote. */
    private static String quoted(String s, int[] pos) {
        char q = s.charAt(pos[0]);
        if (q != '\'' && q != '"') throw new IllegalArgumentException("expected a quoted string");
        StringBuilder sb = new StringBuilder();
        for (int i = pos[0] + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(switch (n) { case 'n' -> '\n'; case 't' -> '\t'; default -> n; });
            } else if (c == q) {
                pos[0] = i + 1;
                return sb.toString();
            } else {
                sb.append(c);
            }
        }
        throw new IllegalArgumentException("unterminated string");
    }
}
