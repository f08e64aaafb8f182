package io.jrunc.cli;

import io.jrunc.state.Json;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * runc's logging contract. With --log FILE: every line goes to FILE in --log-format (text: logrus
 * `time="..." level=error msg="..."`; json: `{"level":..,"msg":..,"time":..}` with an RFC3339 time, which
 * containerd decodes into time.Time), and a fatal error is also printed plainly on stderr. Without
 * --log: lines go to stderr in the chosen format.
 *
 * One instance per call: the CLI makes one per process (on System.err), the planner one per request (on
 * the caller's stderr, passed over its socket), so one request's flags and lines never reach another's.
 */
public final class Log {
    /** --log (null: stderr only). */
    String path;
    boolean json;
    boolean debug;
    /** The caller's stderr. */
    private final PrintStream err;

    /** A log of the given stderr, text format, no --log, no --debug until {@link #configure}. */
    public Log(PrintStream err) { this.err = err; }

    void configure(String path, boolean json, boolean debug) {
        this.path = path;
        this.json = json;
        this.debug = debug;
    }

    public boolean debugEnabled() { return debug; }

    PrintStream err() { return err; }

    public void debug(String msg) { if (debug) line("debug", msg); }

    public void warn(String msg) { line("warning", msg); }

    public void info(String msg) { line("info", msg); }

    /** The one error of a failing command. */
    void fatal(String msg) {
        line("error", msg);
        if (path != null) {
            err.println(msg);
            err.flush();
        }
    }

    private void line(String level, String msg) {
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
            err.print(sb);
            err.flush();
            return;
        }
        // O_APPEND per line, as runc: several jrunc processes may share one log (containerd's log.json).
        try (OutputStream o = new FileOutputStream(path, true)) {
            o.write(b);
        } catch (IOException e) {
            err.print(sb);
        }
    }
}
