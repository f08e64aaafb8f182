package io.jrunc.cli;

import io.jrunc.container.CreateOptions;
import java.nio.file.Path;
import java.util.List;

/** {@code jrunc create [flags] ID}: the container waits for `start`. */
final class CreateCommand {
    private CreateCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("create", Commands.flags("create")).parse(argv);
        if (Cli.help(a)) return 0;
        CreateOptions o = options(c, a, false);
        if (c.handover == null) {
            c.engine().create(o);
            return 0;
        }
        // the planner: the bundle read here (as run does) to decline runtime hooks before anything is done
        final Log log = c.log;
        io.jrunc.container.Bundle b = io.jrunc.container.Bundle.load(o.bundle(), new java.util.function.Consumer<String>() {
            @Override public void accept(String m) { log.warn(m); }
        });
        c.declineRuntimeHooks(b.spec(), true, false, false);
        c.engine().create(o, b, null);
        return 0;
    }

    /**
     * create's and run's shared flags. --console-socket stays as given: only jrunc-init connects to it, before
     * any namespace changes, in the caller's cwd both when the JVM spawns it and when the planner's front does,
     * so a relative one means the same and its errors name it as the caller wrote it (resolved here it read
     * differently with the planner, and could pass sun_path's 108 bytes where the relative one did not).
     */
    static CreateOptions options(Cli c, Args a, boolean keep) {
        a.exactlyOne();
        String bundle = a.value("bundle");
        return new CreateOptions(a.id(), bundle == null ? (c.cwd != null ? c.cwd : Path.of("").toAbsolutePath()) : Path.of(c.path(bundle)),
                c.path(a.value("pid-file")), a.value("console-socket"), a.bool("no-pivot"), a.bool("no-new-keyring"),
                a.intValue("preserve-fds", 0), c.path(a.value("pidfd-socket")), keep);
    }
}
