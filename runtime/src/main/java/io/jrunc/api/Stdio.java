package io.jrunc.api;

/**
 * What a container's (or an exec'd process') stdin, stdout and stderr are.
 * <ul>
 * <li>{@link #inherit()}: this JVM's own 0, 1, 2 (as the CLI gives the caller's);</li>
 * <li>{@link #pipes()}: three new pipes, read and written through {@link Container#stdin()},
 *     {@link Container#stdout()}, {@link Container#stderr()};</li>
 * <li>{@link #fds(int, int, int)}: descriptors the caller owns (files, sockets; -1 keeps this JVM's);</li>
 * <li>{@link #terminal()}: a pseudo-terminal (the config's process.terminal must be true) whose master
 *     this JVM receives: {@link Container#stdin()} writes to it, {@link Container#stdout()} reads it
 *     (stderr is merged into it, as on any terminal);</li>
 * <li>{@link #consoleSocket(String)}: a pseudo-terminal whose master is sent to the caller's AF_UNIX
 *     socket at that path, as runc's --console-socket.</li>
 * </ul>
 */
public final class Stdio {
    enum Kind { INHERIT, PIPES, FDS, CONSOLE, TERMINAL }

    final Kind kind;
    final int in, out, err;
    final String consoleSocket;

    private Stdio(Kind kind, int in, int out, int err, String consoleSocket) {
        this.kind = kind;
        this.in = in;
        this.out = out;
        this.err = err;
        this.consoleSocket = consoleSocket;
    }

    private static final Stdio INHERIT = new Stdio(Kind.INHERIT, -1, -1, -1, null);
    private static final Stdio PIPES = new Stdio(Kind.PIPES, -1, -1, -1, null);
    private static final Stdio TERMINAL = new Stdio(Kind.TERMINAL, -1, -1, -1, null);

    public static Stdio inherit() { return INHERIT; }

    public static Stdio pipes() { return PIPES; }

    public static Stdio terminal() { return TERMINAL; }

    public static Stdio fds(int in, int out, int err) { return new Stdio(Kind.FDS, in, out, err, null); }

    public static Stdio consoleSocket(String path) {
        if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("console socket must be an absolute path: " + path);
        return new Stdio(Kind.CONSOLE, -1, -1, -1, path);
    }
}
