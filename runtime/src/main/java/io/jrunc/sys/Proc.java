package io.jrunc.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about a host process read from /proc. A pid alone proves nothing: pids are reused. */
public final class Proc {
    private Proc() {}

    /** The stat fields after "comm": index 0 is the state letter (field 3 of proc(5)). */
    private static String[] statFields(int pid) {
        if (pid <= 0) return null;
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int close = s.lastIndexOf(')');
            if (close < 0) return null;
            return s.substring(close + 2).trim().split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    /** Start time in clock ticks since boot (field 22), or -1 if the process does not exist. */
    public static long startTime(int pid) {
        String[] f = statFields(pid);
        return f == null ? -1 : Long.parseLong(f[19]);
    }

    /**
     * True if pid is the very process that had startTime, and it has not exited (a zombie or a dead
     * task counts as exited: it will never run the container's code again).
     */
    public static boolean isAlive(int pid, long startTime) {
        String[] f = statFields(pid);
        if (f == null) return false;
        if (Long.parseLong(f[19]) != startTime) return false;
        char state = f[0].charAt(0);
        return state != 'Z' && state != 'X' && state != 'x';
    }
}
