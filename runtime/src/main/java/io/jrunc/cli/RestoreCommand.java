package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.checkpoint.Restore;
import io.jrunc.container.Lifecycle;
import io.jrunc.state.ContainerState;
import io.jrunc.state.StateStore;
import io.jrunc.sys.Home;
import io.jrunc.sys.Linux;
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

    static int run(List<String> argv, StateStore store, Lifecycle life, String logPath, String logFormat) {
        Args a = new Args("restore", Commands.flags("restore")).parse(argv);
        if (a.bool("help")) {
            System.out.print(Help.command("restore"));
            return 0;
        }
        a.exactlyOne();
        String bundle = a.value("bundle");
        Restore.Options o = new Restore.Options(a.id(), bundle == null ? Path.of("").toAbsolutePath() : Path.of(bundle),
                a.value("pid-file"), a.value("console-socket"), a.bool("no-pivot"), a.bool("no-subreaper"),
                CheckpointCommand.options(a));
        ContainerState st = Restore.restore(store, life, o, Log::warn);
        if (a.bool("detach")) return 0;
        // the restored init is our child (criu --restore-sibling): hand over to the C waiter, same pid
        List<String> w = new ArrayList<>(List.of("jrunc-init", "wait", Integer.toString(st.pid()), "--"));
        w.add(Home.launcher().toString());
        w.addAll(List.of("--root", store.root().toString()));
        if (logPath != null) w.addAll(List.of("--log", logPath, "--log-format", logFormat));
        w.addAll(List.of("delete", "-f", st.id()));
        System.out.flush();
        System.err.flush();
        Linux.get().execve(Home.initBinary().toString(), w.toArray(new String[0]), Commands.envp(), new int[0]);
        throw new JruncException("execve of the waiter returned");
    }
}
