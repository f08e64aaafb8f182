package io.jrunc.api;

import io.jrunc.JruncException;
import io.jrunc.NoSuchContainerException;
import io.jrunc.container.CreateOptions;
import io.jrunc.container.Engine;
import io.jrunc.state.ContainerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A container runtime over one state root: the entry point of the library. Thread-safe; make one per
 * root and share it. See the package documentation for who waits for containers and where the native
 * pieces are found.
 */
public final class Jrunc {
    private final Engine engine;

    private Jrunc(Engine engine) { this.engine = engine; }

    public static Builder builder() { return new Builder(); }

    /** Settings as runc's global flags have them; every one has runc's default. */
    public static final class Builder {
        private Path root = Path.of("/run/jrunc");
        private boolean systemdCgroup;
        private String rootless;
        private Consumer<String> warnings;

        private Builder() {}

        /** The state root (runc's --root; default /run/jrunc). Containers of different roots never meet. */
        public Builder root(Path p) { root = p; return this; }

        /** New containers' cgroups are systemd units (runc's --systemd-cgroup). */
        public Builder systemdCgroup(boolean on) { systemdCgroup = on; return this; }

        /** runc's --rootless: true, false, or null for auto (the default). */
        public Builder rootless(Boolean on) { rootless = on == null ? null : on.toString(); return this; }

        /** Where warnings go (unknown annotations, ignored settings...); default: stderr, as the CLI. */
        public Builder warnings(Consumer<String> sink) { warnings = sink; return this; }

        public Jrunc build() {
            Engine.Builder b = Engine.builder(root).systemdCgroup(systemdCgroup).rootless(rootless);
            if (warnings != null) b.warnings(warnings);
            return new Jrunc(b.build());
        }
    }

    /** The engine under this API (for code that needs runc's full option set: io.jrunc.container). */
    public Engine engine() { return engine; }

    /** Creates a container from a bundle directory (config.json + rootfs), with this JVM's stdio. */
    public Container create(String id, Path bundle) {
        return create(id, bundle, Stdio.inherit());
    }

    /**
     * Creates a container from a bundle: its process is set up and waits for {@link Container#start()}
     * (runtime-spec `create`). The returned handle can wait for it: its init is a child of this JVM.
     */
    public Container create(String id, Path bundle, Stdio stdio) {
        CreateOptions o = CreateOptions.of(id, bundle);
        if (stdio.kind == Stdio.Kind.CONSOLE) o = o.withConsoleSocket(stdio.consoleSocket);
        Terminal tty = stdio.kind == Stdio.Kind.TERMINAL ? Terminal.listen(engine.kernel()) : null;
        if (tty != null) o = o.withConsoleSocket(tty.path());
        Pipes pipes = stdio.kind == Stdio.Kind.PIPES ? Pipes.open(engine.kernel()) : null;
        int[] fds = pipes != null ? pipes.childFds : stdio.kind == Stdio.Kind.FDS ? new int[]{stdio.in, stdio.out, stdio.err} : null;
        ContainerState st;
        try {
            st = engine.create(o, null, fds);
        } catch (RuntimeException e) {
            if (pipes != null) pipes.closeAll();
            if (tty != null) tty.close();
            throw e;
        }
        if (pipes != null) pipes.closeChildEnds();
        Container c = new Container(engine, st, true, pipes, tty);
        if (tty != null) {
            try {
                tty.receive();
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /**
     * Runs a bundle's container to completion with this JVM's stdio: create, start, wait, delete (also
     * when waiting is interrupted or fails). Returns the exit code (128 + signal if it was killed).
     */
    public int run(String id, Path bundle) {
        return run(id, bundle, Stdio.inherit());
    }

    public int run(String id, Path bundle, Stdio stdio) {
        try (Container c = create(id, bundle, stdio)) {
            c.start();
            return c.waitFor();
        }
    }

    /** A container of this root, created by anyone. */
    public Container get(String id) {
        ContainerState st = engine.load(id);
        return new Container(engine, st, false, null, null);
    }

    /** Every container of this root (sorted by id); those whose state cannot be read are left out. */
    public List<Container> list() {
        List<Container> out = new ArrayList<>();
        for (String id : engine.store().ids()) {
            try {
                out.add(get(id));
            } catch (NoSuchContainerException e) {
                // half-created or being deleted
            } catch (JruncException e) {
                // unreadable state: `jrunc list` leaves it out too
            }
        }
        return out;
    }
}
