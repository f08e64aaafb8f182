package io.jrunc.cli;

import java.util.List;

/** {@code jrunc start ID}: releases a created container (the C front answers most calls without the JVM). */
final class StartCommand {
    private StartCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("start", Commands.flags("start")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        c.declineRuntimeHooks(a.id(), true, false);
        c.engine().start(a.id());
        return 0;
    }
}
