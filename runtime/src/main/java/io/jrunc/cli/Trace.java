package io.jrunc.cli;

/**
 * Start-up phase timing for measuring, and the steps `--debug` logs: with JRUNC_TRACE=1 in the environment each
 * {@link #mark} prints `jrunc-trace <ms since main> <phase>` on stderr. Costs one getenv per call
 * otherwise, and no class beyond this one.
 */
public final class Trace {
    private Trace() {}

    private static final boolean ON = System.getenv("JRUNC_TRACE") != null;
    private static final long T0 = System.nanoTime();

    /** Also runc's `--debug`: each step is logged at debug level (to --log, or stderr), as runc logs its steps. */
    public static void mark(String phase) {
        if (ON) System.err.println("jrunc-trace " + (System.nanoTime() - T0) / 100_000 / 10.0 + " " + phase);
        if (Log.debug) Log.debug(phase);
    }
}
