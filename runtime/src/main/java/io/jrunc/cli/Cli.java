package io.jrunc.cli;

import io.jrunc.container.Engine;
import java.nio.file.Path;

/**
 * One CLI call's global flags (runc's --root, --log, --log-format, --debug, --systemd-cgroup, --rootless)
 * and the engine they configure, made on first use (commands that need none, such as `spec` or
 * `features`, never load libjrunc).
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
    private Engine engine;

    Cli(String root, String logPath, String logFormat, boolean debug, boolean systemdCgroup, String rootless, boolean prewarm) {
        this.root = root;
        this.logPath = logPath;
        this.logFormat = logFormat;
        this.debug = debug;
        this.systemdCgroup = systemdCgroup;
        this.rootless = rootless;
        this.prewarm = prewarm;
    }

    Engine engine() {
        if (engine == null) {
            Engine.Builder b = Engine.builder(Path.of(root)).warnings(new java.util.function.Consumer<String>() {
                @Override public void accept(String m) { Log.warn(m); }
            }).systemdCgroup(systemdCgroup).rootless(rootless);
            if (prewarm) b.onJoinedCgroup(new Runnable() {
                @Override public void run() { io.jrunc.cgroup.Prewarm.done(); }
            });
            engine = b.build();
        }
        return engine;
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
