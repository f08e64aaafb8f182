package io.jrunc.api;

import io.jrunc.sys.Linux;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Three pipes for a container's stdio: the child's ends go to the spawn (then are closed here, so the
 * caller sees end-of-file when the container is done), this JVM's ends become streams that own them.
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
            OutputStream w = new FileOutputStream(sys.fileDescriptor(in[1], false));
            InputStream r = new FileInputStream(sys.fileDescriptor(out[0], false));
            InputStream e = new FileInputStream(sys.fileDescriptor(err[0], false));
            return new Pipes(sys, new int[]{in[0], out[1], err[1]}, w, r, e);
        } catch (RuntimeException x) {
            for (int[] p : new int[][]{in, out, err}) if (p != null) { sys.close(p[0]); sys.close(p[1]); }
            throw x;
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
