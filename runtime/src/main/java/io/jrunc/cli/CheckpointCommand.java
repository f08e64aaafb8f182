package io.jrunc.cli;

import io.jrunc.checkpoint.Checkpoint;
import io.jrunc.checkpoint.CriuOptions;
import java.util.List;

/** {@code jrunc checkpoint [flags] ID}: runc's flags, io.jrunc.checkpoint does the work (docs/checkpoint.md). */
final class CheckpointCommand {
    private CheckpointCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("checkpoint", Commands.flags("checkpoint")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        Checkpoint.checkpoint(c.engine(), a.id(), options(a), c.criu);
        return 0;
    }

    /** The criu flags of either command (the other command's are absent, so false/null). */
    static CriuOptions options(Args a) {
        return new CriuOptions(a.value("image-path"), a.value("work-path"), a.value("parent-path"),
                a.bool("leave-running"), a.bool("tcp-established"), a.bool("tcp-skip-in-flight"), a.bool("tcp-close"),
                a.bool("link-remap"), a.bool("ext-unix-sk"), a.bool("shell-job"), a.bool("file-locks"),
                a.bool("pre-dump"), a.value("manage-cgroups-mode"), CriuOptions.parseEmptyNs(a.value("empty-ns")),
                a.bool("auto-dedup"), a.bool("lazy-pages"), a.intValue("status-fd", -1), a.value("page-server"),
                a.value("lsm-profile"), a.value("lsm-mount-context"));
    }
}
