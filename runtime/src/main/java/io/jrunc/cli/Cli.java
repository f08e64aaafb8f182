package io.jrunc.cli;

import io.jrunc.container.Engine;
import io.jrunc.container.InitLauncher;
import java.nio.file.Path;
import java.util.List;

/**
 * One CLI call's global flags (runc's --root, --log, --log-format, --debug, --systemd-cgroup, --rootless)
 * and the engine they configure, made on first use (commands that need none, such as `spec` or
 * `features`, never load libjrunc). In the CLI the call is the process; in the planner
 * (io.jrunc.planner) it is one request, which also sets {@link #cwd}, {@link #launcher} and
 * {@link #handover}.
 */
final class Cli {
    final String root;
    final String logPath;
    final String logFormat;
    final boolean debug;
    final boolean systemdCgroup;
    final String rootless;
    /** The CLI's cgroup prewarm (Main) ends once the new process is in its cgroup. */
    final boolean prewarm;
    /** This call's log (runc's --log, --log-format, --debug). */
    final Log log;
    /** The caller's cwd, against which relative paths of the command line resolve (null: this process'). */
    Path cwd;
    /** How jrunc-init is started (null: spawned by this process, as the CLI does). */
    InitLauncher launcher;
    /** The hooks' cwd and stdout (null: this process'). */
    io.jrunc.hooks.Hooks.Io hookIo;
    /** The planner's caller (the front's pid): its cgroups, not the planner's, place the container. */
    int caller;
    /** runc's --criu: the criu binary checkpoint and restore run (null: "criu" in PATH). */
    String criu;
    /** Where a foreground run or exec hands over to the C waiter (null: execve in place, as the CLI does). */
    Handover handover;
    private Engine engine;

    /** The foreground waiter's command line (jrunc-init wait PID ...), for a front that execs it itself. */
    interface Handover {
        void waiter(int pid, List<String> argv);

        /** Declines the call (nothing done yet): the front runs the direct JVM. Returned to be thrown. */
        RuntimeException decline(String why);
    }

    Cli(String root, String logPath, String logFormat, boolean debug, boolean systemdCgroup, String rootless, boolean prewarm, Log log) {
        this.root = root;
        this.logPath = logPath;
        this.logFormat = logFormat;
        this.debug = debug;
        this.systemdCgroup = systemdCgroup;
        this.rootless = rootless;
        this.prewarm = prewarm;
        this.log = log;
    }

    Engine engine() {
        if (engine == null) {
            final Log l = log;
            Engine.Builder b = Engine.builder(Path.of(root)).warnings(new java.util.function.Consumer<String>() {
                @Override public void accept(String m) { l.warn(m); }
            }).systemdCgroup(systemdCgroup).rootless(rootless);
            if (prewarm) b.onJoinedCgroup(new Runnable() {
                @Override public void run() { io.jrunc.cgroup.Prewarm.done(); }
            });
            if (launcher != null) b.initLauncher(launcher);
            if (hookIo != null) b.hookIo(hookIo);
            if (caller > 0) b.caller(caller);
            engine = b.build();
        }
        return engine;
    }

    /**
     * A path of the command line: as given in the CLI (the JVM resolves a relative one against its own cwd,
     * which is the caller's); in the planner, a relative one is resolved against the caller's cwd.
     */
    String path(String p) {
        if (p == null || cwd == null || p.startsWith("/")) return p;
        return cwd.resolve(p).toString();
    }

    /** `CMD --help` (or -h): the command's help from jrunc.md, as runc prints it. */
    static boolean help(Args a) {
        if (!a.bool("help")) return false;
        System.out.print(Help.command(a.command()));
        return true;
    }

    /** The caller's environment for the foreground waiter. */
    static String[] envp() {
        java.util.List<String> e = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, String> x : System.getenv().entrySet()) e.add(x.getKey() + "=" + x.getValue());
        return e.toArray(new String[0]);
    }
}
