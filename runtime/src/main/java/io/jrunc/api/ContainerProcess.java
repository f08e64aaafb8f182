package io.jrunc.api;

import io.jrunc.container.Engine;
import java.io.InputStream;
import java.io.OutputStream;

/** A process started in a container with {@link Container#exec}: a child of this JVM. */
public final class ContainerProcess {
    private final Engine engine;
    private final int pid;
    private final Pipes pipes;
    private final Terminal tty;
    private Integer exitCode;

    ContainerProcess(Engine engine, int pid, Pipes pipes, Terminal tty) {
        this.engine = engine;
        this.pid = pid;
        this.pipes = pipes;
        this.tty = tty;
    }

    /** Its host pid. */
    public int pid() { return pid; }

    /** Waits for it and returns its exit code (128 + signal when killed); reaps it. */
    public synchronized int waitFor() {
        if (exitCode == null) {
            exitCode = engine.waitFor(pid);
            if (pipes != null) pipes.closeChildEnds();
        }
        return exitCode;
    }

    public OutputStream stdin() { return tty != null ? tty.stdin : pipe().stdin; }

    public InputStream stdout() { return tty != null ? tty.stdout : pipe().stdout; }

    public InputStream stderr() { return pipe().stderr; }

    private Pipes pipe() {
        if (pipes == null) throw new IllegalStateException("process " + pid + " was not started with Stdio.pipes()");
        return pipes;
    }
}
