package io.jrunc.cgroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Hides the kernel's wait on the first cgroup migration of a create or exec. Writing a pid to
 * cgroup.procs takes cgroup_mutex and cgroup_threadgroup_rwsem for writing, and the first writer after a
 * quiet period waits there for an RCU grace period (rcu_sync_enter: 7-17 ms measured here, v1 and v2
 * alike; runc pays it too). A writer that comes while another is waiting, or within a grace period after
 * one, does not wait again. So `create`, `run` and `exec` start this thread first thing: it moves this
 * process into the cgroup it is already in (a migration that changes nothing; a pid that does not exist
 * fails before the lock and would not do) and so the grace period passes while the JVM parses, validates
 * and plans. The container's own migration comes 15-50 ms later (planning a seccomp profile takes 25 ms
 * of libseccomp): to find the grace period still passed then, the thread repeats its no-op write every
 * few milliseconds (each holds cgroup_mutex for microseconds once warm) until {@link #done} or a bound.
 *
 * <p>Only a cgroup.procs that lists this process is written, so a guessed path can never move it; every
 * failure (rootless, unusual mounts) is ignored and the real write then waits as before.
 */
public final class Prewarm extends Thread {
    private Prewarm() {
        super("jrunc-cgroup-prewarm");
        setDaemon(true);
    }

    /** Between two writes: shorter than the grace periods measured here (7-17 ms), so it stays passed. */
    private static final long INTERVAL_MS = 4;
    /** Create plans in 15-50 ms; past this the thread gives up and a late migration waits as before. */
    private static final long BOUND_MS = 400;
    private static volatile boolean done;

    public static void begin() {
        new Prewarm().start();
    }

    /** The container's process is in its cgroup (or never will be): the thread stops. */
    public static void done() {
        done = true;
    }

    @Override public void run() {
        try {
            // (this thread loads libjrunc, not main, which parses the bundle meanwhile)
            String procs = ownProcsFile(Files.readString(Path.of("/proc/self/cgroup")), "/sys/fs/cgroup",
                    io.jrunc.sys.Linux.get().getpid());
            if (procs == null) return;
            io.jrunc.sys.Trace.mark("prewarm: writing " + procs);
            // "0" is the writing thread's own thread group: the whole JVM, already in this cgroup
            try (FileChannel ch = FileChannel.open(Path.of(procs), StandardOpenOption.WRITE)) {
                ByteBuffer zero = ByteBuffer.wrap(new byte[]{'0'});
                ch.write(zero);
                io.jrunc.sys.Trace.mark("prewarm: grace period over");
                long end = System.nanoTime() + BOUND_MS * 1_000_000;
                while (!done && System.nanoTime() < end) {
                    Thread.sleep(INTERVAL_MS);
                    zero.rewind();
                    ch.write(zero);
                }
            }
        } catch (IOException | RuntimeException | InterruptedException ignored) {
            // only time is lost
        }
    }

    /**
     * The first cgroup.procs under the usual mount points (root/<controllers>, root, root/unified) of a
     * /proc/self/cgroup line that lists pid; null if none does. Reading it is the check, not the path.
     */
    public static String ownProcsFile(String procSelfCgroup, String root, long pid) {
        String me = Long.toString(pid);
        int at = 0;
        while (at < procSelfCgroup.length()) {
            int nl = procSelfCgroup.indexOf('\n', at);
            if (nl < 0) nl = procSelfCgroup.length();
            String line = procSelfCgroup.substring(at, nl);
            at = nl + 1;
            int c1 = line.indexOf(':'), c2 = c1 < 0 ? -1 : line.indexOf(':', c1 + 1);
            if (c2 < 0) continue;
            String ctrls = line.substring(c1 + 1, c2), path = line.substring(c2 + 1);
            if (!path.startsWith("/") || path.contains("/..")) continue;
            if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
            if (ctrls.isEmpty()) {
                if (lists(root + path + "/cgroup.procs", me)) return root + path + "/cgroup.procs";
                if (lists(root + "/unified" + path + "/cgroup.procs", me)) return root + "/unified" + path + "/cgroup.procs";
            } else {
                String dir = root + "/" + (ctrls.startsWith("name=") ? ctrls.substring(5) : ctrls) + path;
                if (lists(dir + "/cgroup.procs", me)) return dir + "/cgroup.procs";
            }
        }
        return null;
    }

    private static boolean lists(String procs, String pid) {
        String s;
        try {
            s = Files.readString(Path.of(procs));
        } catch (IOException | RuntimeException e) {
            return false;
        }
        int i = 0;
        while ((i = s.indexOf(pid, i)) >= 0) {
            int end = i + pid.length();
            if ((i == 0 || s.charAt(i - 1) == '\n') && (end == s.length() || s.charAt(end) == '\n')) return true;
            i = end;
        }
        return false;
    }
}
