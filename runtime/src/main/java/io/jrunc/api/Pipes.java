package io.jrunc.api;

import io.jrunc.sys.Linux;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Three pipes for a container's stdio: the child's ends go to the spawn (then are closed here, so the
 * caller sees end-of-file when the container is done), this JVM's ends become streams. The streams are
 * opened through /proc/self/fd (Java has no stream over a bare descriptor) and the raw fds closed.
 */
final class Pipes {
    final int[] childFds;
    final OutputStream stdin;
    final InputStream stdout;
    final InputStream stderr;
    private final Linux sys;

    private Pipes(Linux sys, int[] childFds, OutputStream stdin, InputStream stdout, InputStream stderr) {
        this.sys = sys;
        this.childFds = childFds;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Pipes open(Linux sys) {
        int[] in = sys.pipe(), out = null, err = null;
        try {
            out = sys.pipe();
            err = sys.pipe();
            OutputStream w = new FileOutputStream("/proc/self/fd/" + in[1]);
            InputStream r = new FileInputStream("/proc/self/fd/" + out[0]);
            InputStream e = new FileInputStream("/proc/self/fd/" + err[0]);
            sys.close(in[1]);
            sys.close(out[0]);
            sys.close(err[0]);
            return new Pipes(sys, new int[]{in[0], out[1], err[1]}, w, r, e);
        } catch (FileNotFoundException x) {
            for (int[] p : new int[][]{in, out, err}) if (p != null) { sys.close(p[0]); sys.close(p[1]); }
            throw new UncheckedIOException(x);
        }
    }

    /** After the spawn: the child has its copies. */
    void closeChildEnds() {
        for (int i = 0; i < childFds.length; i++) {
            if (childFds[i] >= 0) sys.close(childFds[i]);
            childFds[i] = -1;
        }
    }

    void closeAll() {
        closeChildEnds();
        try { stdin.close(); } catch (java.io.IOException ignored) { }
        try { stdout.close(); } catch (java.io.IOException ignored) { }
        try { stderr.close(); } catch (java.io.IOException ignored) { }
    }
}
