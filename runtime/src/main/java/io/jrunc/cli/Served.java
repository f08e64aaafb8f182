package io.jrunc.cli;

import io.jrunc.container.InitLauncher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One command run for the resident planner (io.jrunc.planner, docs/planner.md): the same global flags,
 * command classes and exit codes as {@link Main}, but everything per request: its own {@link Log} on the
 * caller's stderr, relative paths resolved against the caller's cwd, jrunc-init given by the front
 * (InitLauncher), and a foreground run or exec handed back as the waiter's command line instead of an
 * execve. Calls it does not serve identically are declined before anything is done ({@link Outcome#fallback}):
 * the front then runs the direct JVM.
 */
public final class Served {
    private Served() {}

    /** The commands the planner runs; every other one (and help, --version, --debug) goes to the direct JVM. */
    static final Set<String> COMMANDS = Set.of("create", "run", "exec", "start", "delete", "kill", "pause", "resume");
    /** Environment the planner's own process uses (sd-bus): a call must have the same values to be served. */
    public static final List<String> PROCESS_ENV = List.of("DBUS_SYSTEM_BUS_ADDRESS", "DBUS_SESSION_BUS_ADDRESS");
    /** The commands that start a process through jrunc-init, which the front must have spawned. */
    static final Set<String> SPAWNING = Set.of("create", "run", "exec");

    /** Declines a request once inside a command, before it has changed anything. */
    static final class Fallback extends RuntimeException {
        Fallback(String why) { super(why, null, false, false); }
    }

    /**
     * What became of a call. fallback != null: declined, nothing done (why). Otherwise exit is the exit code,
     * and for a foreground run/exec pid and waiter are the process to wait for and the waiter's argv.
     */
    public record Outcome(String fallback, int exit, int pid, List<String> waiter) {
        static Outcome declined(String why) { return new Outcome(why, 0, 0, List.of()); }
    }

    /** What a request gives. env: the caller's environment (the default --root reads XDG_RUNTIME_DIR, USER). */
    /** out: the caller's stdout (the hooks' stdout is copied there; null: discarded). */
    /** pid: the caller's (the front's), whose cgroups place a container with a relative cgroupsPath; 0 none. */
    public record Call(List<String> argv, List<String> env, Path cwd, java.io.OutputStream out, PrintStream err,
                       InitLauncher launcher, Path root, int euid, int pid) {
        public Call(List<String> argv, List<String> env, Path cwd, java.io.OutputStream out, PrintStream err,
                    InitLauncher launcher, Path root, int euid) {
            this(argv, env, cwd, out, err, launcher, root, euid, 0);
        }
    }

    /**
     * Runs the call. taken runs once the call is accepted, just before the first step that may change
     * anything (the planner acknowledges the request there).
     */
    public static Outcome run(Call call, Runnable taken) {
        Log log = new Log(call.err());
        Args g = new Args("jrunc", "root=", "log=", "log-format=", "debug", "systemd-cgroup", "rootless=",
                "version,v", "criu=", "no-planner").keepOrder();
        try {
            g.parse(call.argv());
        } catch (RuntimeException e) {
            return Outcome.declined("global flags: " + e.getMessage());
        }
        if (g.bool("version") || g.bool("help") || g.positional.isEmpty()) return Outcome.declined("help or version");
        // Trace's --debug sink is process-wide: a debug call runs in its own JVM
        if (g.bool("debug")) return Outcome.declined("--debug");
        if (g.bool("no-planner")) return Outcome.declined("--no-planner");
        String fmt = g.value("log-format", "text");
        if (!fmt.equals("text") && !fmt.equals("json")) return Outcome.declined("log format");
        String cmd = g.positional.get(0);
        if (!COMMANDS.contains(cmd)) return Outcome.declined("command " + cmd);
        List<String> rest = new ArrayList<>(g.positional.subList(1, g.positional.size()));
        for (String a : rest) {
            if (a.equals("--")) break;
            if (a.equals("-h") || a.equals("--help") || a.equals("-help") || a.startsWith("--help=")) return Outcome.declined("help");
        }
        boolean spawning = SPAWNING.contains(cmd);
        if (spawning != (call.launcher() != null))
            return Outcome.declined(spawning ? "no jrunc-init from the front" : "a jrunc-init for a command that starts none");
        String rootless;
        try {
            rootless = io.jrunc.sys.Rootless.parseFlag(g.value("rootless"));
        } catch (RuntimeException e) {
            return Outcome.declined("--rootless");
        }
        // the rootless systemd driver reads the caller's session bus from the environment
        if (g.bool("systemd-cgroup") && call.euid() != 0) return Outcome.declined("rootless --systemd-cgroup");
        // What this process reads from its own environment where the direct JVM reads the caller's: the
        // bus sd-bus connects to. A caller with another one goes direct (systemd.sh: a bad address must fail).
        for (String k : PROCESS_ENV)
            if (!java.util.Objects.equals(env(call.env(), k), System.getenv(k))) return Outcome.declined(k + " differs");
        String root = g.value("root");
        if (root == null) root = io.jrunc.sys.Rootless.defaultRoot(call.euid(), env(call.env(), "XDG_RUNTIME_DIR"), env(call.env(), "USER"));
        Path r = call.cwd().resolve(root).normalize();
        if (!r.equals(call.root())) return Outcome.declined("root " + r + " is not this planner's");
        Cli c = new Cli(r.toString(), g.value("log") == null ? null : call.cwd().resolve(g.value("log")).toString(), fmt,
                false, g.bool("systemd-cgroup"), rootless, false, log);
        log.configure(c.logPath, fmt.equals("json"), false);
        c.cwd = call.cwd();
        c.launcher = call.launcher();
        c.caller = call.pid();
        c.hookIo = new io.jrunc.hooks.Hooks.Io(call.cwd().toFile(),
                call.out() != null ? call.out() : java.io.OutputStream.nullOutputStream());
        final int[] pid = {0};
        final List<String> waiter = new ArrayList<>();
        c.handover = new Cli.Handover() {
            @Override public void waiter(int p, List<String> argv) {
                pid[0] = p;
                waiter.addAll(argv);
            }

            @Override public RuntimeException decline(String why) { return new Fallback(why); }
        };
        taken.run();
        int code;
        try {
            code = Commands.dispatch(c, cmd, rest);
        } catch (Fallback f) {
            return Outcome.declined(f.getMessage());
        } catch (RuntimeException e) {
            code = Main.failed(e, log);
        }
        call.err().flush();
        return new Outcome(null, code, pid[0], List.copyOf(waiter));
    }

    private static String env(List<String> env, String key) {
        String k = key + "=";
        String v = null;
        for (String e : env) if (e.startsWith(k)) return e.substring(k.length()); // the first, as getenv(3)
        return v;
    }
}
