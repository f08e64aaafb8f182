package io.jrunc.planner;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.sys.Home;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One vocabulary for the planner's protocol on both sides (as SyncVocabularyTest for sync.h): every
 * `#define PLANNER_<NAME> value` of native-helper/src/planner.h (the C front's spelling, client.c) is
 * {@link Protocol}.NAME (byte[] magics compared as their ASCII text, ints) or {@link Server}.DIR/SOCKET/LOCK, with
 * the same value, and every public constant of Protocol (and those three of Server) is in planner.h. A name
 * missing on either side fails.
 */
class PlannerVocabularyTest {
    static final Pattern DEFINE = Pattern.compile("^#define\\s+PLANNER_(\\w+)\\s+(.*?)\\s*$");
    static final Pattern STRING = Pattern.compile("^\"([^\"\\\\]*)\"$");
    static final Pattern INT = Pattern.compile("^(\\d+)u?$");
    /** Server's names that planner.h spells (Server has other, private or package-private, fields). */
    static final List<String> SERVER_NAMES = List.of("DIR", "SOCKET", "LOCK");

    /** planner.h's PLANNER_* macros: string literals without escapes and decimal integers only, one a line. */
    static Map<String, Object> header(List<String> lines) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i), where = "planner.h:" + (i + 1);
            if (l.matches("^#define\\s+JRUNC_PLANNER_H\\s*$")) continue;
            if (!l.startsWith("#define")) continue;
            Matcher d = DEFINE.matcher(l);
            assertTrue(d.matches(), where + ": a #define that is no PLANNER_<NAME> constant: " + l);
            Matcher s = STRING.matcher(d.group(2)), n = INT.matcher(d.group(2));
            Object v = s.matches() ? s.group(1) : n.matches() ? (Object) Integer.parseInt(n.group(1)) : null;
            assertNotNull(v, where + ": PLANNER_" + d.group(1) + " is neither a plain string literal nor a decimal integer: "
                    + d.group(2));
            assertNull(m.put(d.group(1), v), where + ": PLANNER_" + d.group(1) + " defined twice");
        }
        return m;
    }

    /** The public static final constants of Protocol (byte[] as ASCII text, int) and Server's DIR, SOCKET, LOCK. */
    static Map<String, Object> java() throws Exception {
        Map<String, Object> m = new TreeMap<>();
        for (Field f : Protocol.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (f.isSynthetic() || !Modifier.isStatic(mod)) continue;
            assertTrue(Modifier.isPublic(mod) && Modifier.isFinal(mod), "Protocol." + f.getName() + " is a static field "
                    + "that is no public constant: planner.h could not spell it");
            Object v = f.get(null);
            if (v instanceof byte[] b) {
                for (byte x : b) assertTrue(x >= 0x20 && x < 0x7f, "Protocol." + f.getName() + " is not printable ASCII");
                v = new String(b, StandardCharsets.US_ASCII);
            } else {
                assertTrue(f.getType() == int.class, "Protocol." + f.getName() + " is neither byte[] nor int");
            }
            assertNull(m.put(f.getName(), v));
        }
        for (String name : SERVER_NAMES) {
            Field f = Server.class.getField(name);
            assertTrue(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers()) && f.getType() == String.class,
                    "Server." + name + " is not a String constant");
            assertNull(m.put(name, f.get(null)), "Server." + name + " and Protocol." + name + " both exist");
        }
        return m;
    }

    @Test
    void plannerHeaderIsTheJavaProtocol() throws Exception {
        Map<String, Object> c = header(Files.readAllLines(Home.root().resolve("native-helper/src/planner.h")));
        Map<String, Object> java = java();
        for (String k : java.keySet()) assertTrue(c.containsKey(k), k + " (Java) has no PLANNER_" + k + " in planner.h");
        for (String k : c.keySet()) assertTrue(java.containsKey(k), "planner.h's PLANNER_" + k + " is neither Protocol."
                + k + " nor Server." + k);
        for (String k : java.keySet()) assertEquals(java.get(k), c.get(k), k + ": Java vs planner.h's PLANNER_" + k);
        // what the C front cannot do without
        for (String k : List.of("REQUEST_MAGIC", "ACK", "REPLY_MAGIC", "HEADER", "ROLE_CWD", "ROLE_INIT", "DONE",
                "FALLBACK", "DIR", "SOCKET", "LOCK"))
            assertTrue(c.containsKey(k), "planner.h lost PLANNER_" + k);
    }

    @Test
    void theHeaderParserRefusesWhatItCannotRead() {
        assertThrows(AssertionError.class, () -> header(List.of("#define PLANNER_X (1 << 3)")));
        assertThrows(AssertionError.class, () -> header(List.of("#define OTHER 1")));
        assertThrows(AssertionError.class, () -> header(List.of("#define PLANNER_X \"a\\n\"")));
        assertThrows(AssertionError.class, () -> header(List.of("#define PLANNER_X \"a\"", "#define PLANNER_X \"b\"")));
        assertEquals(Map.of("A", "JRQ1", "B", 64), header(List.of("/* c */", "#define PLANNER_A \"JRQ1\"", "#define PLANNER_B 64")));
    }
}
