package io.jrunc.cgroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Hides the kernel's wait on the first cgroup migration of a create or exec. Writing to cgroup.procs
 * takes cgroup_threadgroup_rwsem for writing, and its first writer after a quiet period waits for an RCU
 * grace period (rcu_sync_enter: 14-17 ms measured here, on v1 and v2 alike; runc pays it too). A writer
 * that comes while another is waiting, or within a grace period after one, does not wait again. So
 * `create`, `run` and `exec` start this thread first: it moves this process into the cgroup it is already
 * in (a migration that changes nothing) and so starts the grace period while the JVM parses, validates
 * and plans; the real write into the container's cgroup, 15-25 ms later, then finds it passed.
 * Root only (a rootless caller cannot write its own cgroup.procs in general); every failure is ignored:
 * the real write pays the wait as before. Hosts mounted with favordynmods never wait in the first place.
 */
public final class Prewarm extends Thread {
    private Prewarm() {
        super("jrunc-cgroup-prewarm");
        setDaemon(true);
    }

    public static void start(boolean root) {
        if (root) new Prewarm().start();
    }

    @Override public void run() {
        try {
            String procs = Host.current().ownProcsFile();
            if (procs == null) return;
            // "0" is the writing thread's own thread group: the whole JVM, already in this cgroup
            try (FileChannel ch = FileChannel.open(Path.of(procs), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[]{'0'}));
            }
        } catch (IOException | RuntimeException ignored) {
            // only time is lost
        }
    }
}
