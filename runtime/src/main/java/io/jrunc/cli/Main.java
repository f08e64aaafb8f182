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
                "version,v", "criu=");
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
            System.out.print(usage());
            return g.positional.isEmpty() && !g.bool("help") ? 1 : 0;
        }
        String root = g.value("root");
        if (root == null) {
            String xdg = System.getenv("XDG_RUNTIME_DIR");
            root = xdg != null && !xdg.isEmpty() && honorXdgRuntimeDir(io.jrunc.sys.Linux.get().geteuid()) ? xdg + "/jrunc" : "/run/jrunc";
        }
        String cmd = g.positional.get(0);
        List<String> rest = new ArrayList<>(g.positional.subList(1, g.positional.size()));
        Trace.mark("global args");
        Commands c = new Commands(root, g.value("log"), fmt, Log.debug);
        c.systemdCgroup(g.bool("systemd-cgroup"));
        return c.dispatch(cmd, rest);
    }

    /**
     * runc's shouldHonorXDGRuntimeDir: not root; or root of a user namespace that is not the initial one
     * (podman rootless runs the runtime so) unless $USER says root. The front (front.c) decides the same.
     */
    static boolean honorXdgRuntimeDir(int euid) {
        if (euid != 0) return true;
        if (!inUserNamespace()) return false;
        String user = System.getenv("USER");
        return user == null || !user.equals("root");
    }

    /** /proc/self/uid_map is not the initial namespace's identity map. */
    static boolean inUserNamespace() {
        try {
            String m = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/uid_map")).trim();
            return !m.matches("0\\s+0\\s+4294967295");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static String version() {
        return "jrunc version " + VERSION + "\nspec: " + io.jrunc.state.ContainerState.OCI_VERSION + "\njava: "
                + System.getProperty("java.version") + "\n";
    }

    static String usage() {
        return """
                jrunc: an OCI runtime (runc-compatible command line)

                USAGE: jrunc [global options] command [command options] [arguments...]

                COMMANDS:
                   create    create a container
                   start     executes the user defined process in a created container
                   run       create and run a container
                   state     output the state of a container
                   kill      kill sends the specified signal (default: SIGTERM) to the container's init process
                   delete    delete any resources held by the container often used with detached container
                   list      lists containers started by jrunc with the given root
                   pause     pause suspends all processes inside the container
                   resume    resumes all processes that have been previously paused
                   ps        ps displays the processes running inside a container
                   spec      create a new specification file
                   features  show the enabled features
                   validate  check a bundle's config.json (or a state) against runtime-spec 1.3

                GLOBAL OPTIONS:
                   --root value        root directory for storage of container state (default: "/run/jrunc")
                   --log value         set the log file to write jrunc logs to (default is stderr)
                   --log-format value  set the log format ('text' (default), or 'json')
                   --debug             enable debug logging
                   --systemd-cgroup    use the systemd cgroup driver (a transient unit per container)
                   --rootless value    ignore cgroup permission errors ('true', 'false', or 'auto')
                   --help, -h          show help
                   --version, -v       print the version
                """;
    }
}
