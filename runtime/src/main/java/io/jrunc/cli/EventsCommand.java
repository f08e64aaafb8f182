package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.container.Engine;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code jrunc events [--stats] [--interval D] ID}: runc's event stream (stats every interval, OOM kills). */
final class EventsCommand {
    private EventsCommand() {}

    /** runc events: `--stats` prints one stats event; otherwise stats every --interval plus OOM events. */
    static int run(Cli c, List<String> argv) {
        Args a = new Args("events", Commands.flags("events")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        String id = a.id();
        Engine engine = c.engine();
        ContainerState s = engine.load(id);
        long interval = durationMs(a.value("interval", "5s"));
        if (interval <= 0) throw new JruncException("duration interval must be greater than 0");
        if (engine.status(s) == Status.STOPPED) throw new JruncException("container with id " + id + " is not running");
        Cgroup cg = engine.cgroupFiles(s);
        if (a.bool("stats")) {
            System.out.println(event("stats", id, cg.stats()));
            return 0;
        }

        long oom = cg.oomKills();
        long next = 0;
        while (true) {
            long now = System.currentTimeMillis();
            if (now >= next) {
                System.out.println(event("stats", id, cg.stats()));
                next = now + interval;
            }
            long o = cg.oomKills();
            if (o > oom) {
                System.out.println(event("oom", id, null));
                oom = o;
            }
            System.out.flush();
            Status now2 = engine.status(s);
            if (now2 != Status.RUNNING && now2 != Status.PAUSED) return 0;
            try { Thread.sleep(Math.min(100, interval)); } catch (InterruptedException e) { return 0; }
        }
    }

    private static String event(String type, String id, Map<String, Object> data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("id", id);
        if (data != null) e.put("data", data);
        return Json.write(e);
    }

    /** Go's time.ParseDuration as runc's --interval takes it ("0", "500ms", "1m30s", "-1s"), in milliseconds. */
    static long durationMs(String v) {
        String t = v;
        boolean neg = t.startsWith("-");
        if (neg || t.startsWith("+")) t = t.substring(1);
        if (t.equals("0")) return 0;
        double total = 0;
        int i = 0;
        if (t.isEmpty()) i = -1;
        while (i >= 0 && i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) i++;
            if (i == start) { i = -1; break; }
            double n;
            try {
                n = Double.parseDouble(t.substring(start, i));
            } catch (NumberFormatException e) {
                i = -1;
                break;
            }
            int u = i;
            while (i < t.length() && !Character.isDigit(t.charAt(i)) && t.charAt(i) != '.') i++;
            double ms = switch (t.substring(u, i)) {
                case "ns" -> 1e-6;
                case "us", "\u00b5s", "\u03bcs" -> 1e-3;
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> -1;
            };
            if (ms < 0) { i = -1; break; }
            total += n * ms;
        }
        if (i < 0) throw new JruncException("invalid value \"" + v + "\" for flag -interval: parse error");
        long r = Math.max(1, Math.round(total)); // a positive duration under 1 ms stays positive
        return total == 0 ? 0 : neg ? -r : r;
    }

}
