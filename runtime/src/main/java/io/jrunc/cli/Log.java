package io.jrunc.cli;

import io.jrunc.state.Json;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * runc's logging contract. With --log FILE: every line goes to FILE in --log-format (text: logrus
 * `time="..." level=error msg="..."`; json: `{"level":..,"msg":..,"time":..}` with an RFC3339 time, which
 * containerd decodes into time.Time), and a fatal error is also printed plainly on stderr. Without
 * --log: lines go to stderr in the chosen format.
 */
public final class Log {
    private Log() {}

    static String path;
    static boolean json;
    static boolean debug;

    public static boolean debugEnabled() { return debug; }

    public static void debug(String msg) { if (debug) line("debug", msg); }

    public static void warn(String msg) { line("warning", msg); }

    public static void info(String msg) { line("info", msg); }

    /** The one error of a failing command. */
    static void fatal(String msg) {
        line("error", msg);
        if (path != null) {
            System.err.println(msg);
            System.err.flush();
        }
    }

    private static void line(String level, String msg) {
        String time = io.jrunc.state.Times.now();
        StringBuilder sb = new StringBuilder(96);
        if (json) {
            sb.append("{\"level\":\"").append(level).append("\",\"msg\":");
            Json.quote(sb, msg);
            sb.append(",\"time\":\"").append(time).append("\"}");
        } else {
            sb.append("time=\"").append(time).append("\" level=").append(level).append(" msg=");
            Json.quote(sb, msg);
        }
        sb.append('\n');
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (path == null) {
            System.err.print(sb);
            System.err.flush();
            return;
        }
        // O_APPEND per line, as runc: several jrunc processes may share one log (containerd's log.json).
        try (OutputStream o = new FileOutputStream(path, true)) {
            o.write(b);
        } catch (IOException e) {
            System.err.print(sb);
        }
    }
}
