package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.sys.LinuxException;
import io.jrunc.sys.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point: runc's global flags, then one command. Every failure ends here and becomes one log line
 * and exit code 1, as in runc's fatal().
 */
public final class Main {
    private Main() {}

    static final String VERSION = "0.1.0";

    public static void main(String[] argv) {
        Trace.mark("main");
        // before anything else: the kernel's grace period for the cgroup migration runs meanwhile (Prewarm)
        boolean prewarm = movesIntoCgroup(argv);
        if (prewarm) io.jrunc.cgroup.Prewarm.begin();
        Log log = new Log(System.err);
        int code;
        try {
            code = run(List.of(argv), prewarm, log);
        } catch (RuntimeException e) {
            code = failed(e, log);
        }
        System.out.flush();
        System.err.flush();
        Trace.mark("exit");
        // halt, not exit: jrunc registers no shutdown hook, and System.exit first asks System.Logger
        // whether to log the exit (JDK 21+, "java.lang.Runtime"), which initialises the logger
        // framework through a ServiceLoader scan: ~10 ms per call (docs/design-notes.md).
        Runtime.getRuntime().halt(code);
    }

    /** runc's fatal(): the one log line of a failed command, and its exit code. */
    static int failed(RuntimeException x, Log log) {
        if (x instanceof JruncException e) {
            if (log.debug && e.getCause() != null) e.printStackTrace(log.err());
            log.fatal(e.userMessage());
            return ExitCodes.of(e);
        }
        if (x instanceof LinuxException e) {
            if (log.debug) e.printStackTrace(log.err());
            log.fatal(e.getMessage());
            return 1;
        }
        x.printStackTrace(log.err());
        log.fatal("internal error: " + x);
        return 1;
    }

    /** The command word (after runc's global flags) is create, run or exec. */
    static boolean movesIntoCgroup(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("-")) return a.equals("create") || a.equals("run") || a.equals("exec");
            if (a.indexOf('=') < 0 && (a.equals("--root") || a.equals("--log") || a.equals("--log-format")
                    || a.equals("--criu") || a.equals("--rootless") || a.equals("-root") || a.equals("-log"))) i++;
        }
        return false;
    }

    static int run(List<String> argv, boolean prewarm, Log log) {
        // --no-planner is the C front's (docs/planner.md): accepted here and without effect
        Args g = new Args("jrunc", "root=", "log=", "log-format=", "debug", "systemd-cgroup", "rootless=",
                "version,v", "criu=", "no-planner").keepOrder();
        // Global flags stop at the command name; boolean --rootless is "true|false|auto" in runc.
        g.parse(argv);
        String fmt = g.value("log-format", "text");
        if (!fmt.equals("text") && !fmt.equals("json")) throw new JruncException("invalid log-format: " + fmt);
        log.configure(g.value("log"), fmt.equals("json"), g.bool("debug"));
        if (log.debug) Trace.debugTo(new java.util.function.Consumer<String>() {
            @Override public void accept(String phase) { log.debug(phase); }
        });
        if (g.bool("version")) {
            System.out.print(version());
            return 0;
        }
        if (g.positional.isEmpty() || g.bool("help")) {
            // runc: no command shows the help and exits 0, as --help does
            System.out.print(Help.top());
            return 0;
        }
        String rootless = io.jrunc.sys.Rootless.parseFlag(g.value("rootless"));
        String root = g.value("root");
        if (root == null) root = io.jrunc.sys.Rootless.defaultRoot(io.jrunc.sys.Linux.get().geteuid());
        String cmd = g.positional.get(0);
        List<String> rest = new ArrayList<>(g.positional.subList(1, g.positional.size()));
        if (log.debug) log.debug("jrunc " + VERSION + ": " + cmd + " " + rest + " (root " + root + ")");
        Trace.mark("global args");
        Cli c = new Cli(root, g.value("log"), fmt, log.debug, g.bool("systemd-cgroup"), rootless, prewarm, log);
        c.criu = g.value("criu");
        return Commands.dispatch(c, cmd, rest);
    }

    static String version() {
        return "jrunc version " + VERSION + "\nspec: " + io.jrunc.state.ContainerState.OCI_VERSION + "\njava: "
                + System.getProperty("java.version") + "\n";
    }

}
