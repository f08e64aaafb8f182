package io.jrunc.sys;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the installation lives. The entry binary (native-helper/src/launch.c) passes -Djrunc.home=<checkout or install root>;
 * the native pieces are found at the layout `make` produces.
 */
public final class Home {
    private Home() {}

    public static Path root() {
        String h = System.getProperty("jrunc.home");
        if (h == null || h.isEmpty()) throw new IllegalStateException("jrunc.home is not set (start jrunc through bin/jrunc)");
        return Path.of(h).toAbsolutePath().normalize();
    }

    static Path nativeLib() { return find("libjrunc.so"); }

    public static Path initBinary() { return find("jrunc-init"); }

    /** The entry binary (bin/jrunc links to it), used when jrunc calls itself (the foreground waiter's cleanup). */
    public static Path launcher() { return find("jrunc"); }

    private static Path find(String name) {
        Path p = root().resolve("native-helper/target").resolve(name);
        if (Files.exists(p)) return p;
        Path q = root().resolve("lib").resolve(name);
        if (Files.exists(q)) return q;
        throw new IllegalStateException(name + " not found under " + root() + " (run mvn package)");
    }
}
