package io.jrunc.plan;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.sys.Home;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One vocabulary on both sides of the plan and the sync protocol: {@link Sync} against native-helper/src/sync.h and
 * {@link Tag} against the enums of native-helper/src/plan.h, every name and value, failing on anything missing on
 * either side; and the C sources use sync.h's names, not the words themselves.
 */
class SyncVocabularyTest {
    static Path src() { return Home.root().resolve("native-helper/src"); }

    /** Java's public static final String/int constants of a class, by name (a field of another kind fails). */
    static Map<String, Object> javaConstants(Class<?> c) throws IllegalAccessException {
        Map<String, Object> m = new TreeMap<>();
        for (Field f : c.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (f.isSynthetic()) continue;
            assertTrue(Modifier.isPublic(mod) && Modifier.isStatic(mod) && Modifier.isFinal(mod),
                    c.getSimpleName() + "." + f.getName() + " is not a public static final constant");
            assertTrue(f.getType() == String.class || f.getType() == int.class,
                    c.getSimpleName() + "." + f.getName() + " is neither a String nor an int");
            m.put(f.getName(), f.get(null));
        }
        return m;
    }

    /** A C string literal's value: the escapes sync.h may use (\n \t \\ \" and octal/hex are refused). */
    static String unescape(String lit, String where) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lit.length(); i++) {
            char ch = lit.charAt(i);
            if (ch != '\\') {
                sb.append(ch);
                continue;
            }
            char e = lit.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                default -> fail(where + ": escape \\" + e + " this test does not read");
            }
        }
        return sb.toString();
    }

    static final Pattern DEFINE = Pattern.compile("^#define\\s+SYNC_(\\w+)\\s+(.*?)\\s*$");
    static final Pattern STRING = Pattern.compile("^\"((?:[^\"\\\\]|\\\\.)*)\"$");
    static final Pattern INT = Pattern.compile("^(\\d+)u?$");

    /** sync.h's SYNC_* macros: only string literals and decimal integers, one a line. */
    static Map<String, Object> syncHeader(List<String> lines) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i), where = "sync.h:" + (i + 1);
            if (l.matches("^#define\\s+JRUNC_SYNC_H\\s*$")) continue;
            if (!l.startsWith("#define")) continue;
            Matcher d = DEFINE.matcher(l);
            assertTrue(d.matches(), where + ": a #define that is no SYNC_<NAME> constant: " + l);
            Matcher s = STRING.matcher(d.group(2)), n = INT.matcher(d.group(2));
            Object v = s.matches() ? unescape(s.group(1), where) : n.matches() ? (Object) Integer.parseInt(n.group(1)) : null;
            assertNotNull(v, where + ": SYNC_" + d.group(1) + " is neither a string literal nor a decimal integer: " + d.group(2));
            assertNull(m.put(d.group(1), v), where + ": SYNC_" + d.group(1) + " defined twice");
        }
        return m;
    }

    static final Pattern ENUM = Pattern.compile("enum\\s*\\{([^}]*)\\}", Pattern.DOTALL);
    static final Pattern ENTRY = Pattern.compile("^(\\w+)\\s*=\\s*(\\d+)$");

    /** The entries of every `enum { NAME = n, ... }` in plan.h. */
    static Map<String, Object> planEnums(String text) {
        Map<String, Object> m = new TreeMap<>();
        String noComments = text.replaceAll("(?s)/\\*.*?\\*/", "");
        Matcher e = ENUM.matcher(noComments);
        int enums = 0;
        while (e.find()) {
            enums++;
            for (String entry : e.group(1).split(",")) {
                String t = entry.strip();
                if (t.isEmpty()) continue;
                Matcher x = ENTRY.matcher(t);
                assertTrue(x.matches(), "plan.h: an enum entry this test does not read: " + t);
                assertNull(m.put(x.group(1), Integer.parseInt(x.group(2))), "plan.h: " + x.group(1) + " twice");
            }
        }
        assertTrue(enums >= 2, "plan.h has no tag enums");
        return m;
    }

    @Test
    void syncConstantsAreSyncHeaderDefinitions() throws Exception {
        Map<String, Object> c = syncHeader(Files.readAllLines(src().resolve("sync.h")));
        Map<String, Object> java = javaConstants(Sync.class);
        for (String k : java.keySet()) assertTrue(c.containsKey(k), "Sync." + k + " has no SYNC_" + k + " in sync.h");
        for (String k : c.keySet()) assertTrue(java.containsKey(k), "sync.h's SYNC_" + k + " has no Sync." + k);
        for (String k : java.keySet()) assertEquals(java.get(k), c.get(k), "Sync." + k + " vs SYNC_" + k);
        assertTrue(java.size() >= 8, java.toString());
    }

    @Test
    void planTagsArePlanHeaderEnums() throws Exception {
        Map<String, Object> c = planEnums(Files.readString(src().resolve("plan.h")));
        // T_MAX_ is the parser's bound, no tag: it must be the largest top-level tag
        Object max = c.remove("T_MAX_");
        assertNotNull(max, "plan.h lost T_MAX_");
        Map<String, Object> named = new TreeMap<>();
        int top = 0;
        for (var e : c.entrySet()) {
            String k = e.getKey().startsWith("T_") ? e.getKey().substring(2) : e.getKey();
            if (e.getKey().startsWith("T_")) top = Math.max(top, (Integer) e.getValue());
            assertNull(named.put(k, e.getValue()), "plan.h: " + k + " both as a tag and a sub-tag");
        }
        assertEquals(top, max, "T_MAX_ is not the largest top-level tag");
        Map<String, Object> java = javaConstants(Tag.class);
        for (String k : java.keySet()) assertTrue(named.containsKey(k), "Tag." + k + " is missing in plan.h");
        for (String k : named.keySet()) assertTrue(java.containsKey(k), "plan.h's " + k + " is missing in Tag");
        for (String k : java.keySet()) assertEquals(java.get(k), named.get(k), "Tag." + k + " vs plan.h");
        // Java's top-level tags are the T_ ones: the same set on both sides
        assertTrue(java.containsKey("CLONE_FLAGS") && c.containsKey("T_CLONE_FLAGS"));
    }

    @Test
    void thePlanStartsWithTheMagic() {
        byte[] p = PlanWriter.plan().u32(Tag.UID, 0).toBytes();
        assertEquals(Sync.PLAN_MAGIC, new String(p, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, PlanReader.plan(p).size());
    }

    /**
     * The C sources say the protocol's words only through sync.h: no string literal equal to one of them. Words
     * shorter than 3 characters ("0", "--", a line break) are left out: as literals they mean other things too (a
     * flag value of `fast`, the CLI's end of options, a line of output).
     */
    @Test
    void noSyncWordAsALiteralInTheCSources() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(src())) {
            files = s.filter(p -> p.toString().endsWith(".c") || p.toString().endsWith(".h"))
                    .filter(p -> !p.getFileName().toString().equals("sync.h")).sorted().toList();
        }
        assertEquals(List.of(), syncLiterals(files));
    }

    /**
     * The Java side says them only through Sync too: the engine (io.jrunc.container, which drives the sync
     * socket) and the CLI classes that exec the waiter. (Elsewhere "seccomp" or "init" are ordinary words.)
     */
    @Test
    void noSyncWordAsALiteralInTheEngine() throws Exception {
        Path main = Home.root().resolve("runtime/src/main/java/io/jrunc");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(main.resolve("container"))) { files.addAll(s.sorted().toList()); }
        files.add(main.resolve("cli/RunCommand.java"));
        files.add(main.resolve("cli/ExecCommand.java"));
        assertEquals(List.of(), syncLiterals(files));
    }

    /**
     * Every string literal (outside comments) in files equal to a Sync word of 3+ characters, except the
     * ALLOWED coincidences: "file: "literal" is Sync.NAME".
     */
    static List<String> syncLiterals(List<Path> files) throws Exception {
        Map<String, Object> java = javaConstants(Sync.class);
        List<String> hits = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            Matcher lit = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"").matcher(text);
            while (lit.find()) {
                String v;
                try {
                    v = unescapeLoose(lit.group(1));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                for (var e : java.entrySet())
                    if (e.getValue() instanceof String w && w.length() >= 3 && w.equals(v)
                            && !ALLOWED.contains(f.getFileName() + ":" + w))
                        hits.add(f.getFileName() + ": \"" + lit.group(1) + "\" is Sync." + e.getKey());
            }
        }
        return hits;
    }

    /** Equal to a protocol word by coincidence: process.c's `die_errno(errno, "seccomp")` names the failed step. */
    static final java.util.Set<String> ALLOWED = java.util.Set.of("process.c:seccomp");

    static String unescapeLoose(String lit) {
        if (lit.matches(".*\\\\[0-7xu].*")) throw new IllegalArgumentException();
        return lit.replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    @Test
    void theParsersRefuseWhatTheyCannotRead() {
        assertThrows(AssertionError.class, () -> syncHeader(List.of("#define SYNC_X (1 << 3)")));
        assertThrows(AssertionError.class, () -> syncHeader(List.of("#define OTHER 1")));
        assertThrows(AssertionError.class, () -> syncHeader(List.of("#define SYNC_X \"a\"", "#define SYNC_X \"b\"")));
        assertEquals(Map.of("A", "go\n", "B", 65536), syncHeader(List.of("#define SYNC_A \"go\\n\"", "#define SYNC_B 65536u")));
        assertThrows(AssertionError.class, () -> planEnums("enum { A = 1 << 2 }; enum { B = 1 };"));
        assertThrows(AssertionError.class, () -> planEnums("enum { A = 1, A = 2 }; enum { B = 1 };"));
    }
}
