package io.jrunc.cli;

import io.jrunc.container.Engine;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import java.util.List;

/** {@code jrunc state ID}: runc's state JSON with the live status. */
final class StateCommand {
    private StateCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("state", Commands.flags("state")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        Engine e = c.engine();
        ContainerState s = e.load(a.id());
        System.out.print(Json.pretty(s.toOci(e.status(s).ociName())));
        return 0;
    }
}
