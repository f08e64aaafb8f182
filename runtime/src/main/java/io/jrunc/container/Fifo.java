package io.jrunc.container;

import io.jrunc.JruncException;
import io.jrunc.StatusException;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Status;
import io.jrunc.sys.Linux;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The exec fifo: the created container's init blocks opening its write end until `start` reads it. */
final class Fifo {
    private Fifo() {}

    /**
     * Opening the fifo for reading releases the init, which is blocked opening it for writing. If the
     * init died meanwhile nobody will ever open the write end: open in a helper thread and keep checking
     * that the init is still alive, so `start` never hangs (runc#2828).
     */
    static void release(Path fifo, ContainerState s, Linux sys) {
        // A plain thread, not CompletableFuture and lambdas: `run` passes here on every call, and the AOT
        // training does not (docs/design-notes.md).
        Reader r = new Reader(fifo);
        r.setDaemon(true);
        r.start();
        while (true) {
            try {
                r.join(50);
            } catch (InterruptedException e) {
                throw new JruncException("interrupted", e);
            }
            if (!r.isAlive()) {
                if (r.failure != null) throw r.failure;
                if (r.result < 0) throw new JruncException("container init exited before start");
                return;
            }
            if (!sys.isAlive(s.pid(), s.initStartTime())) {
                // Released (the byte was read) and already done: a short-lived process may exit before
                // the reader has seen end-of-file. Stopped before the release is an error.
                try { r.join(100); } catch (InterruptedException e) { throw new JruncException("interrupted", e); }
                if (r.result >= 0) return;
                throw new StatusException(Status.STOPPED, "cannot start a container that has stopped");
            }
        }
    }

    private static final class Reader extends Thread {
        private final Path fifo;
        volatile int result = -1;
        volatile JruncException failure;

        Reader(Path fifo) {
            super("fifo");
            this.fifo = fifo;
        }

        @Override
        public void run() {
            try (InputStream in = Files.newInputStream(fifo)) {
                result = in.read();
                // then end-of-file: the init holds the write end until its execve (or death), so the
                // poststart hooks after this run once the container's process is executed
                if (result >= 0) while (in.read() >= 0) { }
            } catch (IOException e) {
                failure = new JruncException("cannot open " + fifo + ": " + JruncException.errno(e), e);
            } catch (RuntimeException e) {
                failure = new JruncException(e.toString(), e);
            }
        }
    }
}
