package io.jrunc.state;

import io.jrunc.JruncException;
import io.jrunc.json.JsonException;
import io.jrunc.json.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small JSON tree for the documents jrunc writes and reads itself (state.json, hook stdin, features,
 * list/state output). Objects are LinkedHashMaps (order is kept: runc's output order matters to humans
 * diffing it), numbers are Long or Double. Writing is hand-rolled: it is tiny and loads no classes.
 */
public final class Json {
    private Json() {}

    public static Object parse(byte[] json) {
        try {
            JsonParser p = new JsonParser(json);
            int t = p.nextToken();
            if (t == JsonParser.NONE) throw new JruncException("empty JSON document");
            return value(p, t);
        } catch (JsonException e) {
            throw new JruncException("invalid JSON" + e.where() + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(byte[] json) {
        Object o = parse(json);
        if (!(o instanceof Map)) throw new JruncException("expected a JSON object");
        return (Map<String, Object>) o;
    }

    private static Object value(JsonParser p, int t) {
        switch (t) {
            case JsonParser.START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonParser.FIELD_NAME) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken()));
                }
                return m;
            }
            case JsonParser.START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while ((t = p.nextToken()) != JsonParser.END_ARRAY) l.add(value(p, t));
                return l;
            }
            case JsonParser.VALUE_STRING: return p.getText();
            case JsonParser.VALUE_NUMBER_INT:
                // Keep the bits of unsigned 64-bit values (seccomp masks); bigger ones: their low 64 bits.
                return p.longValue();
            case JsonParser.VALUE_NUMBER_FLOAT: return p.doubleValue();
            case JsonParser.VALUE_TRUE: return Boolean.TRUE;
            case JsonParser.VALUE_FALSE: return Boolean.FALSE;
            case JsonParser.VALUE_NULL: return null;
            default: throw new JruncException("invalid JSON: unexpected token " + t);
        }
    }

    /** Compact JSON. */
    public static String write(Object v) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, v, -1, 0);
        return sb.toString();
    }

    /** Indented with two spaces, as Go's json.MarshalIndent(v, "", "  ") (runc's state/list output). */
    public static String pretty(Object v) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, v, 2, 0);
        return sb.toString();
    }

    private static void newline(StringBuilder sb, int indent, int depth) {
        if (indent < 0) return;
        sb.append('\n');
        for (int i = 0; i < indent * depth; i++) sb.append(' ');
    }

    private static void write(StringBuilder sb, Object v, int indent, int depth) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) { sb.append("{}"); return; }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, indent, depth + 1);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(indent < 0 ? ":" : ": ");
                write(sb, e.getValue(), indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append('}');
        } else if (v instanceof Iterable<?> l) {
            if (!l.iterator().hasNext()) { sb.append("[]"); return; }
            sb.append('[');
            boolean first = true;
            for (Object o : l) {
                if (!first) sb.append(',');
                first = false;
                newline(sb, indent, depth + 1);
                write(sb, o, indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append(']');
        } else {
            throw new IllegalArgumentException("not JSON: " + v.getClass());
        }
    }

    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                // Go escapes these too; keeps the output safe to embed in HTML-ish log viewers.
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
