package io.jrunc.cli;

import java.util.List;

/** {@code jrunc delete [--force] ID}. */
final class DeleteCommand {
    private DeleteCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("delete", Commands.flags("delete")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        c.declineRuntimeHooks(a.id(), false, true);
        c.engine().delete(a.id(), a.bool("force"));
        return 0;
    }
}
