package io.jrunc.container;

import io.jrunc.JruncException;
import java.util.List;

/** Signal names as runc accepts them: a number, NAME or SIGNAME (x86-64/aarch64 numbering). */
public final class Signals {
    private Signals() {}

    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS",
            "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP",
            "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    public static final int SIGKILL = 9, SIGTERM = 15;

    /** The largest signal number {@link #parse} accepts. */
    public static final int MAX = 64;

    /**
     * Every name {@link #parse} accepts, in its canonical spelling without the SIG prefix (HUP, IOT, RTMIN+1,
     * RTMAX-1, ...), with the number parse gives it: the C front's signal table (io.jrunc.cli.FrontCache writes it to
     * front.facts), so the front repeats none of these rules. Built by calling parse, so it cannot disagree with it.
     */
    public static java.util.Map<String, Integer> table() {
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        List<String> names = new java.util.ArrayList<>(NAMES.subList(1, NAMES.size()));
        names.addAll(List.of("IOT", "POLL", "CLD", "RTMIN", "RTMAX"));
        for (int i = 1; i <= 30; i++) {
            names.add("RTMIN+" + i);
            names.add("RTMAX-" + i);
        }
        for (String n : names) m.put(n, parse(n));
        return m;
    }

    public static int parse(String s) {
        if (s == null || s.isEmpty()) return SIGTERM;
        if (Character.isDigit(s.charAt(0))) {
            try {
                int n = Integer.parseInt(s);
                if (n >= 0 && n <= MAX) return n; // 0: only probes that the init is there (runc allows it)
            } catch (NumberFormatException ignored) { }
            throw new JruncException("invalid signal \"" + s + "\"");
        }
        String n = s.toUpperCase(java.util.Locale.ROOT);
        if (n.startsWith("SIG")) n = n.substring(3);
        if (n.equals("IOT")) return 6;
        if (n.equals("POLL")) return 29;
        if (n.equals("CLD")) return 17;
        int i = NAMES.indexOf(n);
        if (i > 0) return i;
        if (n.startsWith("RTMIN")) return rt(n, "RTMIN", 34, 1);
        if (n.startsWith("RTMAX")) return rt(n, "RTMAX", 64, -1);
        throw new JruncException("unknown signal \"" + s + "\"");
    }

    private static int rt(String n, String base, int at, int dir) {
        String rest = n.substring(base.length());
        if (rest.isEmpty()) return at;
        try {
            int off = Integer.parseInt(rest);
            int v = at + off;
            if ((dir > 0 && off > 0 && v <= 64) || (dir < 0 && off < 0 && v >= 34)) return v;
        } catch (NumberFormatException ignored) { }
        throw new JruncException("unknown signal \"SIG" + n + "\"");
    }
}
