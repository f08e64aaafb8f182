package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.sys.LinuxException;
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
        if (movesIntoCgroup(argv)) io.jrunc.cgroup.Prewarm.begin();
        int code;
        try {
            code = run(List.of(argv));
        } catch (JruncException e) {
            if (Log.debug && e.getCause() != null) e.printStackTrace();
            Log.fatal(e.userMessage());
            code = e.exitCode();
        } catch (LinuxException e) {
            if (Log.debug) e.printStackTrace();
            Log.fatal(e.getMessage());
            code = 1;
        } catch (RuntimeException e) {
            e.printStackTrace();
            Log.fatal("internal error: " + e);
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        Trace.mark("exit");
        // halt, not exit: jrunc registers no shutdown hook, and System.exit first asks System.Logger
        // whether to log the exit (JDK 21+, "java.lang.Runtime"), which initialises the logger
        // framework through a ServiceLoader scan: ~10 ms per call (docs/design-notes.md).
        Runtime.getRuntime().halt(code);
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

    static int run(List<String> argv) {
        Args g = new Args("jrunc", "root=", "log=", "log-format=", "debug", "systemd-cgroup", "rootless=",
                "version,v", "criu=").keepOrder();
        // Global flags stop at the command name; boolean --rootless is "true|false|auto" in runc.
        g.parse(argv);
        Log.path = g.value("log");
        String fmt = g.value("log-format", "text");
        if (!fmt.equals("text") && !fmt.equals("json")) throw new JruncException("invalid log-format: " + fmt);
        Log.json = fmt.equals("json");
        Log.debug = g.bool("debug");
        io.jrunc.cgroup.Cgroup.warnings(Log::warn);
        if (g.bool("version")) {
            System.out.print(version());
            return 0;
        }
        if (g.positional.isEmpty() || g.bool("help")) {
            // runc: no command shows the help and exits 0, as --help does
            System.out.print(Help.top());
            return 0;
        }
        io.jrunc.sys.Rootless.flag = io.jrunc.sys.Rootless.parseFlag(g.value("rootless"));
        io.jrunc.checkpoint.Criu.configured = g.value("criu");
        String root = g.value("root");
        if (root == null) root = io.jrunc.sys.Rootless.defaultRoot(io.jrunc.sys.Linux.get().geteuid());
        String cmd = g.positional.get(0);
        List<String> rest = new ArrayList<>(g.positional.subList(1, g.positional.size()));
        if (Log.debug) Log.debug("jrunc " + VERSION + ": " + cmd + " " + rest + " (root " + root + ")");
        Trace.mark("global args");
        Commands c = new Commands(root, g.value("log"), fmt, Log.debug);
        c.systemdCgroup(g.bool("systemd-cgroup"));
        return c.dispatch(cmd, rest);
    }

    static String version() {
        return "jrunc version " + VERSION + "\nspec: " + io.jrunc.state.ContainerState.OCI_VERSION + "\njava: "
                + System.getProperty("java.version") + "\n";
    }

}
