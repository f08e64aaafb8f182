package io.jrunc.sys;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the native pieces (libjrunc.so, jrunc-init, the jrunc entry binary) are. The entry binary
 * (native-helper/src/launch.c) passes -Djrunc.home=<checkout or install root>; a JVM application using
 * the library may set the same property, or leave it unset: then they are looked up next to the jar that
 * holds this class (an install: jar, libjrunc.so and jrunc-init in one directory, or the jar in lib/ of
 * the install root), and in a checkout's build layout (runtime/target/jrunc.jar beside
 * native-helper/target/).
 */
public final class Home {
    private Home() {}

    /** The installation root the entry binary names (-Djrunc.home): what `validate` finds the schema engine under. */
    public static Path root() {
        Path h = property();
        if (h == null) throw new IllegalStateException("jrunc.home is not set (start jrunc through bin/jrunc)");
        return h;
    }

    /** The jrunc.home property, or null when it is not set. */
    private static Path property() {
        String h = System.getProperty("jrunc.home");
        return h == null || h.isEmpty() ? null : Path.of(h).toAbsolutePath().normalize();
    }

    /** The directory of the jar (or class directory) this class was loaded from, or null. */
    private static Path jarDir() {
        try {
            var src = Home.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path p = Path.of(src.getLocation().toURI()).toAbsolutePath().normalize();
            return Files.isDirectory(p) ? p : p.getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static Path nativeLib() { return find("libjrunc.so"); }

    public static Path initBinary() { return find("jrunc-init"); }

    /** The entry binary (bin/jrunc links to it), used when jrunc calls itself (the foreground waiter's cleanup). */
    public static Path launcher() { return find("jrunc"); }

    /** Where name is looked for, in order. */
    static List<Path> candidates(String name, Path home, Path jarDir) {
        List<Path> c = new ArrayList<>();
        if (home != null) {
            c.add(home.resolve("native-helper/target").resolve(name));
            c.add(home.resolve("lib").resolve(name));
            return c; // an explicit home is the only place looked at
        }
        if (jarDir != null) {
            c.add(jarDir.resolve(name));
            c.add(jarDir.resolve("../lib").resolve(name).normalize());
            // a checkout: runtime/target/jrunc.jar (or runtime/target/classes) and native-helper/target
            c.add(jarDir.resolve("../../native-helper/target").resolve(name).normalize());
            c.add(jarDir.resolve("../../../native-helper/target").resolve(name).normalize());
        }
        return c;
    }

    private static Path find(String name) {
        Path home = property();
        List<Path> c = candidates(name, home, home == null ? jarDir() : null);
        for (Path p : c) if (Files.exists(p)) return p;
        throw new IllegalStateException(name + " not found (looked at " + c + "; build with mvn package, or set -Djrunc.home)");
    }
}
