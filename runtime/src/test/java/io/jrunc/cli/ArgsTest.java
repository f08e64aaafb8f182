package io.jrunc.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {
    private static Args create(String... argv) {
        return new Args("create", "bundle,b=", "pid-file=", "no-pivot", "preserve-fds=", "env,e*").parse(List.of(argv));
    }

    @Test
    void acceptsEveryFlagFormRuncAccepts() {
        for (List<String> form : List.of(List.of("--bundle", "/b"), List.of("--bundle=/b"), List.of("-bundle", "/b"),
                List.of("-b", "/b"), List.of("-b=/b"))) {
            Args a = new Args("create", "bundle,b=").parse(concat(form, List.of("id1")));
            assertEquals("/b", a.value("bundle"), form.toString());
            assertEquals(List.of("id1"), a.positional, form.toString());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        java.util.ArrayList<String> l = new java.util.ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    @Test
    void booleansTakeOptionalValueAndRepeatedFlagsAccumulate() {
        Args a = create("--no-pivot=false", "-e", "A=1", "--env=B=2", "id");
        assertFalse(a.bool("no-pivot"));
        assertEquals(List.of("A=1", "B=2"), a.all("env"));
        assertTrue(create("-no-pivot", "id").bool("no-pivot"));
    }

    @Test
    void parsingStopsAtFirstPositionalSoCommandFlagsSurvive() {
        Args a = new Args("exec", Commands.flags("exec")).keepOrder().parse(List.of("-t", "ctr", "sh", "-c", "echo", "-e", "X=1"));
        assertTrue(a.bool("tty"));
        assertEquals(List.of("ctr", "sh", "-c", "echo", "-e", "X=1"), a.positional);
    }

    @Test
    void unknownFlagAndMissingValueAreClearErrors() {
        JruncException e = assertThrows(JruncException.class, () -> create("--nope", "id"));
        assertTrue(e.getMessage().contains("flag provided but not defined: -nope"), e.getMessage());
        e = assertThrows(JruncException.class, () -> create("--pid-file"));
        assertTrue(e.getMessage().contains("flag needs an argument"), e.getMessage());
        e = assertThrows(JruncException.class, () -> create("--preserve-fds", "x", "id").intValue("preserve-fds", 0));
        assertTrue(e.getMessage().contains("preserve-fds"), e.getMessage());
    }

    @Test
    void listTableMatchesGoTabwriterLayout() {
        String t = ListCommand.table(List.of(new String[]{"ID", "PID", "OWNER"}, new String[]{"a-very-long-container-id", "1", "root"}));
        // cell width = max(12, longest + 3 padding); the last column is not padded
        assertEquals("ID" + " ".repeat(25) + "PID" + " ".repeat(9) + "OWNER\n"
                + "a-very-long-container-id" + " ".repeat(3) + "1" + " ".repeat(11) + "root\n", t);
    }
}
