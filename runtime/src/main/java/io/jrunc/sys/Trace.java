package io.jrunc.sys;

import java.util.function.Consumer;

/**
 * Start-up phase timing for measuring, and the steps `--debug` logs: with JRUNC_TRACE=1 in the environment each
 * {@link #mark} prints `jrunc-trace <ms since start> <phase>` on stderr. Costs one getenv per process
 * otherwise, and no class beyond this one. Process-wide on purpose, like a logger: it observes, it never
 * changes what the engine does, so two containers created from one JVM cannot interfere through it.
 */
public final class Trace {
    private Trace() {}

    private static final boolean ON = System.getenv("JRUNC_TRACE") != null;
    private static final long T0 = System.nanoTime();

    /** The CLI's `--debug`: each step is also logged at debug level, as runc logs its steps (null: off). */
    private static volatile Consumer<String> debug;

    public static void debugTo(Consumer<String> sink) { debug = sink; }

    public static void mark(String phase) {
        if (ON) System.err.println("jrunc-trace " + (System.nanoTime() - T0) / 100_000 / 10.0 + " " + phase);
        Consumer<String> d = debug;
        if (d != null) d.accept(phase);
    }
}
