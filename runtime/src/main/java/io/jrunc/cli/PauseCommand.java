package io.jrunc.cli;

import java.util.List;

/** {@code jrunc pause ID} and {@code jrunc resume ID}: the cgroup freezer. */
final class PauseCommand {
    private PauseCommand() {}

    static int run(Cli c, List<String> argv, boolean pause) {
        Args a = new Args(pause ? "pause" : "resume", Commands.flags("pause")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        if (pause) c.engine().pause(a.id());
        else c.engine().resume(a.id());
        return 0;
    }
}
