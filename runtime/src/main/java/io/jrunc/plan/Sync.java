package io.jrunc.plan;

/**
 * The words Java and {@code jrunc-init} say to each other: the sync protocol on the socketpair
 * (docs/plan-format.md, "Transport and sync protocol"), the framing of large messages, the exec fifo byte and
 * jrunc-init's command line. Every constant here is {@code SYNC_<NAME>} in native-helper/src/sync.h with the same
 * value, which the C side uses instead of literals; {@code SyncVocabularyTest} parses that header and fails on a
 * name missing on either side or a value that differs. Wire values never change without both sides.
 */
public final class Sync {
    private Sync() {}

    /** Java → helper, the first message: the plan (io.jrunc.plan.PlanWriter) starts with these 4 bytes. */
    public static final String PLAN_MAGIC = "JRP1";

    /**
     * helper → Java, once the init is cloned (in every namespace, id maps and rlimits set) or, for exec, the
     * process forked: {@code "pid <host pid>"}. Always the first message Java reads.
     */
    public static final String PID_PREFIX = "pid ";

    /**
     * Java → init, when cgroups are joined and prestart/createRuntime hooks have run (create) or the process is in
     * the cgroup (exec): {@code GO} + the state JSON createContainer hooks get on stdin, optionally +
     * {@link #GO_STATE_SEPARATOR} + the one startContainer hooks get. The init also accepts a bare {@code "go"}.
     */
    public static final String GO = "go\n";

    /** Java → init: between the two state JSONs of the go message (compact JSON holds no raw line break). */
    public static final String GO_STATE_SEPARATOR = "\n";

    /** init → Java, once every step up to seccomp is done: the init now blocks opening the exec fifo. */
    public static final String READY = "ready";

    /**
     * init → Java, before {@link #READY}, with the seccomp listener fd attached (SCM_RIGHTS) when the filter has
     * SCMP_ACT_NOTIFY rules: Java hands the fd to the agent at listenerPath.
     */
    public static final String SECCOMP = "seccomp";

    /** Java → init, answering {@link #SECCOMP} once the agent has the listener fd: the init goes on. */
    public static final String SECCOMP_OK = "seccomp-ok";

    /** helper or init → Java, on any failure: {@code "error <text>"}; the sender then exits 1. */
    public static final String ERROR_PREFIX = "error ";

    /**
     * Java → helper/init, before a message (plan, go) of more than {@link #MSG_CHUNK} bytes: one packet of
     * {@link #CHUNK_HEADER_SIZE} bytes, this magic + the total length as a big-endian u32, then the bytes in
     * packets of at most {@link #MSG_CHUNK}.
     */
    public static final String CHUNK_MAGIC = "JRBG";

    /** The size of the {@link #CHUNK_MAGIC} header packet: the magic and a u32. */
    public static final int CHUNK_HEADER_SIZE = 8;

    /** The largest packet on the sync socket, either way (Java sends larger messages framed, see CHUNK_MAGIC). */
    public static final int MSG_CHUNK = 64 * 1024;

    /**
     * init → {@code jrunc start} (Java or the C front) through exec.fifo: the byte the init writes once it has
     * opened the write end; the reader takes one byte, whatever it is, and then waits for end-of-file (execve).
     */
    public static final String FIFO_BYTE = "0";

    /** Java → jrunc-init's argv[1]: {@code jrunc-init init <sync fd>}, the helper (then the container init). */
    public static final String MODE_INIT = "init";

    /**
     * Java → jrunc-init's argv[1] for a foreground run/exec, after the JVM has decided everything:
     * {@code jrunc-init wait <pid> [--pty-socket <fd>] -- <cleanup argv...>}.
     */
    public static final String MODE_WAIT = "wait";

    /** Java → {@code jrunc-init wait}: the option naming the listening socket the pty master arrives on. */
    public static final String WAIT_PTY_SOCKET = "--pty-socket";

    /** Java → {@code jrunc-init wait}: ends the options; the cleanup command line follows. */
    public static final String WAIT_END = "--";
}
