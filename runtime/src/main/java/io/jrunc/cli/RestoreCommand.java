package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.checkpoint.Restore;
import io.jrunc.state.ContainerState;
import io.jrunc.sys.Home;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jrunc restore [flags] ID}: a new container from a bundle and a checkpoint (io.jrunc.checkpoint).
 * With --detach it returns once the process runs; without, it waits as `run` does (the C waiter, then
 * `delete -f`).
 */
final class RestoreCommand {
    private RestoreCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("restore", Commands.flags("restore")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        String bundle = a.value("bundle");
        Restore.Options o = new Restore.Options(a.id(), bundle == null ? Path.of("").toAbsolutePath() : Path.of(bundle),
                a.value("pid-file"), a.value("console-socket"), a.bool("no-pivot"), a.bool("no-subreaper"),
                CheckpointCommand.options(a));
        io.jrunc.container.Engine engine = c.engine();
        ContainerState st = Restore.restore(engine, o, c.criu);
        if (a.bool("detach")) return 0;
        // the restored init is our child (criu --restore-sibling): hand over to the C waiter, same pid
        List<String> w = new ArrayList<>(List.of("jrunc-init", io.jrunc.plan.Sync.MODE_WAIT, Integer.toString(st.pid()),
                io.jrunc.plan.Sync.WAIT_END));
        w.add(Home.launcher().toString());
        w.addAll(List.of("--root", engine.store().root().toString()));
        if (c.logPath != null) w.addAll(List.of("--log", c.logPath, "--log-format", c.logFormat));
        w.addAll(List.of("delete", "-f", st.id()));
        System.out.flush();
        System.err.flush();
        engine.kernel().execve(Home.initBinary().toString(), w.toArray(new String[0]), Cli.envp(), new int[0]);
        throw new JruncException("execve of the waiter returned");
    }
}
