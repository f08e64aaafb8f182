package io.jrunc.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The CLI's help source (jrunc.md) against the parsers, urfave/cli's argument order, Go durations. */
class HelpTest {
    static final List<String> COMMANDS = List.of("checkpoint", "create", "delete", "events", "exec", "features", "help",
            "kill", "list", "pause", "ps", "restore", "resume", "run", "spec", "start", "state", "update", "validate");

    @Test
    void everyCommandIsDocumentedWithExactlyTheFlagsItsParserTakes() {
        Map<String, Help.Section> s = Help.sections();
        assertEquals(new TreeSet<>(COMMANDS), new TreeSet<>(s.keySet().stream().filter(k -> !k.isEmpty()).toList()));
        for (String c : COMMANDS) {
            TreeSet<String> documented = new TreeSet<>(), parsed = new TreeSet<>();
            for (String[] o : s.get(c).options()) documented.addAll(Help.names(o[0]));
            parsed.addAll(new Args(c, Commands.flags(c)).names());
            parsed.removeAll(List.of("help", "h"));
            assertEquals(parsed, documented, c);
            assertNotNull(s.get(c).summary(), c);
            assertTrue(Help.command(c).contains("USAGE:\n   jrunc " + c), c);
        }
        TreeSet<String> global = new TreeSet<>();
        for (String[] o : s.get("").options()) global.addAll(Help.names(o[0]));
        assertEquals(new TreeSet<>(List.of("debug", "log", "log-format", "root", "criu", "systemd-cgroup", "rootless",
                "no-planner", "help", "h", "version", "v")), global);
    }

    @Test
    void topLevelHelpListsEveryCommandAndOptionDescriptionsArePrinted() {
        String top = Help.top();
        for (String c : COMMANDS) assertTrue(top.contains("\n   " + (c.equals("help") ? "help, h" : c) + " "), c);
        assertTrue(Help.command("create").contains("--bundle value, -b value  path to the root of the bundle directory"));
        assertTrue(Help.command("kill").contains("--all, -a  send the specified signal to all processes"));
    }

    @Test
    void manPagesAndCompletionCoverEveryCommand() {
        for (Help.Section s : Help.sections().values()) {
            String page = Help.man(s);
            assertTrue(page.startsWith(".TH \"JRUNC"), page);
            for (String[] o : s.options()) assertTrue(page.contains(o[0].replace("-", "\\-")), s.name() + " " + o[0]);
        }
        String bash = Help.bash();
        assertTrue(bash.contains("complete -o default -F _jrunc jrunc"));
        assertTrue(bash.contains("create) flags=\"--help --bundle -b --console-socket"), bash);
    }

    private static Args parse(String cmd, String... argv) {
        return new Args(cmd, Commands.flags(cmd)).parse(List.of(argv));
    }

    /** urfave/cli 1.22's reorderArgs, as runc 1.1 parses commands other than exec and ps. */
    @Test
    void flagsAfterTheIdAreTakenAsRuncDoes() {
        Args d = parse("delete", "ID", "--force");
        assertTrue(d.bool("force"));
        assertEquals(List.of("ID"), d.positional);
        Args r = parse("run", "ID", "-d", "--bundle", "/b", "--pid-file=/p");
        assertTrue(r.bool("detach"));
        assertEquals("/b", r.value("bundle"));
        assertEquals("/p", r.value("pid-file"));
        assertEquals(List.of("ID"), r.positional);
        // the quirk: a boolean takes the next word along (runc's `kill --all ID KILL` works, `kill ID --all KILL` kills "KILL")
        assertEquals(List.of("KILL", "ID"), parse("kill", "ID", "--all", "KILL").positional);
        assertEquals(List.of("ID", "KILL"), parse("kill", "--all", "ID", "KILL").positional);
        // unknown words stay where they are (runc: `state x --foo` -> "requires exactly 1 argument")
        assertEquals(List.of("x", "--foo"), parse("state", "x", "--foo").positional);
        // nothing after "--" moves
        assertEquals(List.of("--", "-d"), new ArrayList<>(parse("run", "ID", "--", "-d").positional.subList(1, 3)));
        assertTrue(parse("start", "ID", "--help").bool("help"));
    }

    @Test
    void execAndPsKeepTheirOrder() {
        Args e = new Args("exec", Commands.flags("exec")).keepOrder().parse(List.of("ID", "sh", "-c", "true", "-t"));
        assertFalse(e.bool("tty"));
        assertEquals(List.of("ID", "sh", "-c", "true", "-t"), e.positional);
        Args p = new Args("ps", Commands.flags("ps")).keepOrder().parse(List.of("ID", "-f", "json"));
        assertNull(p.value("format"));
    }

    @Test
    void globalFlagErrorNamesJruncHelpOnce() {
        JruncException e = assertThrows(JruncException.class,
                () -> new Args("jrunc", "root=").keepOrder().parse(List.of("--foo")));
        assertTrue(e.getMessage().endsWith("(see 'jrunc --help')"), e.getMessage());
        e = assertThrows(JruncException.class, () -> parse("create", "--foo", "id"));
        assertTrue(e.getMessage().endsWith("(see 'jrunc create --help')"), e.getMessage());
    }

    @Test
    void intervalIsAGoDuration() {
        assertEquals(5000, EventsCommand.durationMs("5s"));
        assertEquals(90_000, EventsCommand.durationMs("1m30s"));
        assertEquals(500, EventsCommand.durationMs("500ms"));
        assertEquals(1, EventsCommand.durationMs("100us"));
        assertEquals(3_600_000, EventsCommand.durationMs("1h"));
        assertEquals(0, EventsCommand.durationMs("0"));
        assertEquals(0, EventsCommand.durationMs("0s"));
        assertEquals(-1000, EventsCommand.durationMs("-1s"));
        for (String bad : List.of("", "5", "s", "5x", "1.2.3s", "abc"))
            assertThrows(JruncException.class, () -> EventsCommand.durationMs(bad), bad);
    }

    @Test
    void execCgroupArgumentsAsRunc() {
        assertEquals(Map.of("", "sub"), ExecCommand.subCgroups(List.of("sub")));
        assertEquals(Map.of("cpu", "a", "memory", "a", "pids", "b"), ExecCommand.subCgroups(List.of("cpu,memory:a", "pids:b")));
        for (List<String> bad : List.of(List.of("a:b:c"), List.of("a", "b"), List.of(":x"), List.of("cpu:a", "cpu:b"),
                List.of("../x"), List.of("cpu:a/../../x")))
            assertThrows(JruncException.class, () -> ExecCommand.subCgroups(bad), bad.toString());
    }

    @Test
    void featuresDescribeTheRuntimeNotTheHost() {
        String f = FeaturesCommand.featuresText();
        assertTrue(f.contains("\"apparmor\" : {\n      \"enabled\" : true") || f.matches("(?s).*\"apparmor\"\\s*:\\s*\\{\\s*\"enabled\"\\s*:\\s*true.*"), f);
        assertTrue(f.matches("(?s).*\"selinux\"\\s*:\\s*\\{\\s*\"enabled\"\\s*:\\s*true.*"), f);
        assertTrue(f.matches("(?s).*\"idmap\"\\s*:\\s*\\{\\s*\"enabled\"\\s*:\\s*true.*"), f);
        assertTrue(f.matches("(?s).*\"potentiallyUnsafeConfigAnnotations\"\\s*:\\s*\\[\\s*\\].*"), f);
        assertTrue(f.matches("(?s).*\"netDevices\"\\s*:\\s*\\{\\s*\"enabled\"\\s*:\\s*false.*"), f);
    }
}
