package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.container.Signals;
import java.util.List;

/** {@code jrunc kill [--all] ID [SIGNAL]}. */
final class KillCommand {
    private KillCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("kill", Commands.flags("kill")).parse(argv);
        if (Cli.help(a)) return 0;
        if (a.positional.isEmpty() || a.positional.size() > 2)
            throw new JruncException("\"kill\" requires a minimum of 1 and a maximum of 2 arguments");
        c.engine().load(a.id()); // runc looks the container up before the signal: "container does not exist" first
        int sig = Signals.parse(a.positional.size() > 1 ? a.positional.get(1) : "SIGTERM");
        c.engine().kill(a.id(), sig, a.bool("all"));
        return 0;
    }
}
