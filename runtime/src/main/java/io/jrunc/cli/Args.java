package io.jrunc.cli;

import io.jrunc.JruncException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Flag parsing as urfave/cli (runc) does it: `--name value`, `--name=value`, `-name value`, `-n`
 * aliases, booleans as `--flag`, `--flag=true|false`; parsing stops at the first positional argument or
 * `--` (so `exec ID sh -c ...` keeps `-c` for the command).
 */
final class Args {
    /** spec: "bundle,b=" means value flag with alias b; "detach,d" is boolean; "env,e*" repeated value. */
    private final Map<String, String> canonical = new HashMap<>();
    private final Map<String, Character> kind = new HashMap<>();
    private final Map<String, List<String>> values = new HashMap<>();
    final List<String> positional = new ArrayList<>();
    private final String command;
    private boolean reorder = true;

    Args(String command, String... specs) {
        this.command = command;
        for (String s : specs) {
            char k = ' ';
            if (s.endsWith("=") || s.endsWith("*")) {
                k = s.charAt(s.length() - 1);
                s = s.substring(0, s.length() - 1);
            }
            String[] names = s.split(",");
            for (String n : names) {
                canonical.put(n, names[0]);
            }
            kind.put(names[0], k);
        }
        canonical.put("help", "help");
        canonical.put("h", "help");
        kind.put("help", ' ');
    }

    /** exec and ps keep their argument order (runc's SkipArgReorder): what follows the id is the command's. */
    Args keepOrder() {
        reorder = false;
        return this;
    }

    String command() { return command; }

    /** The flag names this parser knows, aliases included (help and h always). */
    java.util.Set<String> names() { return canonical.keySet(); }

    /**
     * urfave/cli 1.22's reorderArgs (runc 1.1's CLI): the command's known flags, wherever they are, move in
     * front of the other arguments, each with the next argument if it does not start with "-" and the flag
     * has no "=" (a quirk for booleans too: `kill --all ID KILL` is taken as `--all KILL ID`, in runc as
     * well); unknown "-x" words stay where they are; nothing after "--" moves.
     */
    List<String> reordered(List<String> argv) {
        List<String> flags = new ArrayList<>(), rest = new ArrayList<>();
        boolean mayBeValue = false;
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                rest.addAll(argv.subList(i, argv.size()));
                break;
            } else if (mayBeValue && !a.startsWith("-")) {
                mayBeValue = false;
                flags.add(a);
            } else if (isFlag(a)) {
                flags.add(a);
                mayBeValue = a.indexOf('=') < 0;
            } else {
                rest.add(a);
            }
        }
        flags.addAll(rest);
        return flags;
    }

    private boolean isFlag(String a) {
        if (a.equals("-") || !a.startsWith("-")) return false;
        String n = a.startsWith("--") ? a.substring(2) : a.substring(1);
        int eq = n.indexOf('=');
        return canonical.containsKey(eq >= 0 ? n.substring(0, eq) : n);
    }

    Args parse(List<String> argv) {
        if (reorder) argv = reordered(argv);
        int i = 0;
        for (; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) { i++; break; }
            if (!a.startsWith("-") || a.equals("-")) break;
            String name = a.startsWith("--") ? a.substring(2) : a.substring(1);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String c = canonical.get(name);
            if (c == null) throw new JruncException("flag provided but not defined: -" + name + " (see 'jrunc "
                    + (command.equals("jrunc") ? "" : command + " ") + "--help')");
            char k = kind.get(c);
            String v;
            if (k == ' ') {
                v = inline == null ? "true" : inline;
                if (!v.equals("true") && !v.equals("false"))
                    throw new JruncException("invalid boolean value \"" + v + "\" for -" + name);
            } else if (inline != null) {
                v = inline;
            } else {
                if (i + 1 >= argv.size()) throw new JruncException("flag needs an argument: -" + name);
                v = argv.get(++i);
            }
            List<String> l = values.get(c);
            if (l == null) values.put(c, l = new ArrayList<>());
            if (k != '*') l.clear();
            l.add(v);
        }
        for (; i < argv.size(); i++) positional.add(argv.get(i));
        return this;
    }

    boolean bool(String name) {
        List<String> l = values.get(name);
        return l != null && "true".equals(l.get(l.size() - 1));
    }

    String value(String name) {
        List<String> l = values.get(name);
        return l == null ? null : l.get(l.size() - 1);
    }

    String value(String name, String dflt) {
        String v = value(name);
        return v == null ? dflt : v;
    }

    List<String> all(String name) { return values.getOrDefault(name, List.of()); }

    int intValue(String name, int dflt) {
        String v = value(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new JruncException("invalid value \"" + v + "\" for flag --" + name + ": not a number");
        }
    }

    /** The single container id argument most commands take. */
    String id() {
        if (positional.isEmpty()) throw new JruncException("\"" + command + "\" requires a minimum of 1 argument");
        return positional.get(0);
    }

    void exactlyOne() {
        if (positional.size() != 1)
            throw new JruncException("\"" + command + "\" requires exactly 1 argument(s)");
    }
}
