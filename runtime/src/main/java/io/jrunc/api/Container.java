package io.jrunc.api;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.container.Engine;
import io.jrunc.container.ExecOptions;
import io.jrunc.container.Signals;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Status;
import io.jrunc.sys.LinuxException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A handle on one container. Every call reads the container's live state (another process may act on
 * it too); the handle itself holds only the id, the state recorded at create, and for a container this
 * JVM created, its stdio pipes and the right to reap its init. {@link #close()} deletes the container
 * (force), so try-with-resources leaves nothing behind.
 */
public final class Container implements AutoCloseable {
    private final Engine engine;
    private final ContainerState created;
    private final boolean ourChild;
    private final Pipes pipes;
    private final Terminal tty;
    private final Object reap = new Object();
    private Integer exitCode;

    Container(Engine engine, ContainerState created, boolean ourChild, Pipes pipes, Terminal tty) {
        this.engine = engine;
        this.created = created;
        this.ourChild = ourChild;
        this.pipes = pipes;
        this.tty = tty;
    }

    public String id() { return created.id(); }

    /** The init's host pid (as recorded at create). */
    public int pid() { return created.pid(); }

    public Status status() { return engine.status(created); }

    public State state() {
        ContainerState s = engine.load(id());
        Status st = engine.status(s);
        return new State(s.id(), st, st == Status.STOPPED ? 0 : s.pid(), Path.of(s.bundle()),
                s.rootfs() == null ? null : Path.of(s.rootfs()), s.created(),
                s.annotations() == null ? Map.of() : s.annotations());
    }

    /** Starts the container's process (runtime-spec `start`); poststart hooks have run when this returns. */
    public void start() { engine.start(id()); }

    /** Signals the init; signal as a number or a name (runc's kill: "KILL", "SIGTERM", "9"). */
    public void kill(int signal) { engine.kill(id(), signal, false); }

    public void kill(String signal) { engine.kill(id(), Signals.parse(signal), false); }

    /** Signals every process of the container's cgroup (runc's kill --all). */
    public void killAll(int signal) { engine.kill(id(), signal, true); }

    public void pause() { engine.pause(id()); }

    public void resume() { engine.resume(id()); }

    /** New limits (runc's update -r): null fields are left as they are. */
    public void update(Spec.Resources resources) { engine.update(id(), resources); }

    /** runc's `events --stats` data: cpu, memory, pids, blkio, hugetlb... from the container's cgroup. */
    public Map<String, Object> stats() { return engine.stats(id()); }

    /** Every pid in the container's cgroup. */
    public List<Integer> pids() { return engine.pids(id()); }

    /**
     * Waits until the container's init exits and returns its exit code (128 + signal when killed). For a
     * container this JVM created, the init is its child and is reaped here; for one found with
     * {@link Jrunc#get}, this polls until it is stopped and returns -1 (its parent reaps it).
     */
    public int waitFor() {
        if (!ourChild) {
            while (engine.status(created) != Status.STOPPED) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new JruncException("interrupted while waiting for " + id(), e);
                }
            }
            return -1;
        }
        synchronized (reap) {
            if (exitCode == null) exitCode = engine.waitFor(created.pid());
            return exitCode;
        }
    }

    /**
     * The container's stdin: with {@link Stdio#pipes()} close it to give the process end-of-file; with
     * {@link Stdio#terminal()} it writes to the terminal.
     */
    public OutputStream stdin() { return tty != null ? tty.stdin : pipe().stdin; }

    /** Its stdout (with {@link Stdio#terminal()}: the terminal's output, stderr included). */
    public InputStream stdout() { return tty != null ? tty.stdout : pipe().stdout; }

    public InputStream stderr() { return pipe().stderr; }

    private Pipes pipe() {
        if (pipes == null) throw new IllegalStateException("container " + id() + " was not created with Stdio.pipes()");
        return pipes;
    }

    /** Runs args in the container (runc exec) with the container's process settings, this JVM's stdio. */
    public ContainerProcess exec(String... args) {
        return exec(List.of(args), Stdio.inherit());
    }

    /** Runs args in the container with the container's process settings (user, env, cwd, caps...). */
    public ContainerProcess exec(List<String> args, Stdio stdio) {
        Spec.Process base = engine.savedSpec(id()).process();
        Spec.Process p = new Spec.Process(stdio.kind == Stdio.Kind.CONSOLE || stdio.kind == Stdio.Kind.TERMINAL, base.consoleSize(), base.user(),
                List.copyOf(args), null, base.env() == null ? List.of() : new ArrayList<>(base.env()), base.cwd(),
                base.capabilities(), base.rlimits(), base.noNewPrivileges(), base.apparmorProfile(), base.oomScoreAdj(),
                base.selinuxLabel(), base.scheduler(), base.ioPriority(), base.execCPUAffinity());
        return exec(p, stdio);
    }

    /** Runs a process described in full (runc exec --process). */
    public ContainerProcess exec(Spec.Process process, Stdio stdio) {
        Pipes p = stdio.kind == Stdio.Kind.PIPES ? Pipes.open(engine.kernel()) : null;
        Terminal t = stdio.kind == Stdio.Kind.TERMINAL ? Terminal.listen(engine.kernel()) : null;
        int[] fds = p != null ? p.childFds : stdio.kind == Stdio.Kind.FDS ? new int[]{stdio.in, stdio.out, stdio.err} : null;
        String console = stdio.kind == Stdio.Kind.CONSOLE ? stdio.consoleSocket : t != null ? t.path() : null;
        int pid;
        try {
            pid = engine.exec(new ExecOptions(id(), process, null, console, null, 0, false, null), null, fds);
            if (t != null) t.receive();
        } catch (RuntimeException e) {
            if (p != null) p.closeAll();
            if (t != null) t.close();
            throw e;
        }
        if (p != null) p.closeChildEnds();
        return new ContainerProcess(engine, pid, p, t);
    }

    /** Deletes the container (runc delete); force: kills it first if it is still running. */
    public void delete(boolean force) {
        engine.delete(id(), force);
        if (ourChild) reapIfExited();
        if (pipes != null) pipes.closeAll();
        if (tty != null) tty.close();
    }

    /** delete --force; nothing of the container is left afterwards. */
    @Override
    public void close() {
        delete(true);
    }

    /** A killed init of ours is a zombie until reaped: reap it without blocking (it is dead: delete waited). */
    private void reapIfExited() {
        synchronized (reap) {
            if (exitCode != null) return;
            try {
                int[] r = engine.kernel().waitpid(created.pid(), io.jrunc.sys.Linux.WNOHANG);
                if (r[0] == created.pid()) {
                    int st = r[1];
                    exitCode = (st & 0x7f) == 0 ? (st >> 8) & 0xff : 128 + (st & 0x7f);
                }
            } catch (LinuxException ignored) {
                // already reaped, or not our child after all
            }
        }
    }

    @Override public String toString() { return "Container[" + id() + ", pid " + pid() + "]"; }
}
