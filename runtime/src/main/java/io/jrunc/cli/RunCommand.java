package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.container.Bundle;
import io.jrunc.container.CreateOptions;
import io.jrunc.container.Engine;
import io.jrunc.state.ContainerState;
import io.jrunc.sys.Home;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jrunc run [flags] ID}: create and start; in the foreground this process then becomes the C
 * waiter (execve, same pid: it stays the parent of the init it reaps), which relays a terminal and
 * deletes the container afterwards unless --keep.
 */
final class RunCommand {
    private RunCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("run", Commands.flags("run")).parse(argv);
        if (Cli.help(a)) return 0;
        Engine engine = c.engine();
        CreateOptions o = CreateCommand.options(c, a, a.bool("keep"));
        boolean detach = a.bool("detach");
        // Foreground with a terminal and no console socket: we are the console. Listen on a private
        // socket, the init sends the pty master there, the waiter relays it to our stdio. The bundle is
        // read once, here, and create takes it as read (in the planner always: runtime hooks are declined).
        ConsoleRelay relay = null;
        Bundle bundle = null;
        if (!detach && o.consoleSocket() == null || c.handover != null) {
            final Log log = c.log;
            bundle = Bundle.load(o.bundle(), new java.util.function.Consumer<String>() {
                @Override public void accept(String m) { log.warn(m); }
            });
            c.declineRuntimeHooks(bundle.spec(), true, true, false);
            if (bundle.terminal() && !detach && o.consoleSocket() == null) {
                if (c.handover != null) throw c.handover.decline("a foreground terminal without --console-socket");
                relay = ConsoleRelay.open();
                o = o.withConsoleSocket(relay.path());
            }
        }
        ContainerState st;
        try {
            st = engine.create(o, bundle, null);
        } finally {
            if (relay != null) relay.unlink();
        }
        try {
            engine.start(st, bundle == null ? null : bundle.spec());
        } catch (JruncException e) {
            // a failing poststart hook: runc 1.1.5 destroys the container even with --keep (measured);
            // --keep only keeps one whose process failed to start (CreateOptions.keepOnFailure)
            try { engine.delete(o.id(), true); } catch (RuntimeException ignored) { }
            throw e;
        }
        if (detach) return 0;
        List<String> w = new ArrayList<>(List.of("jrunc-init", io.jrunc.plan.Sync.MODE_WAIT, Integer.toString(st.pid())));
        if (relay != null) w.addAll(List.of(io.jrunc.plan.Sync.WAIT_PTY_SOCKET, Integer.toString(relay.fd())));
        w.add(io.jrunc.plan.Sync.WAIT_END);
        if (!a.bool("keep")) {
            w.add(Home.launcher().toString());
            w.addAll(List.of("--root", engine.store().root().toString()));
            if (c.logPath != null) w.addAll(List.of("--log", c.logPath, "--log-format", c.logFormat));
            w.addAll(List.of("delete", "-f", o.id()));
        }
        if (c.handover != null) {
            c.handover.waiter(st.pid(), w);
            return 0;
        }
        System.out.flush();
        System.err.flush();
        engine.kernel().execve(Home.initBinary().toString(), w.toArray(new String[0]), Cli.envp(),
                relay == null ? new int[0] : new int[]{relay.fd()});
        throw new JruncException("execve of the waiter returned");
    }
}
