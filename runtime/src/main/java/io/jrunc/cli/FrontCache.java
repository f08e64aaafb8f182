package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.mount.MountOptions;
import io.jrunc.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `jrunc __front-cache DIR` (run by the build, runtime/pom.xml): writes next to the jar the exact output of
 * `--version` (version.txt) and of `features` (features.json), and front.stamp, the facts both depend on,
 * which the C front (native-helper/src/front.c) checks before printing either file instead of starting a
 * JVM: the jar's size, the JVM that wrote them (the inode of bin/java, the identity of lib/modules, where
 * java.version lives), and the three host facts `features` reads (AppArmor, SELinux, kernel >= 5.12 for
 * idmap). docs/state-format.md, "Build-time files", documents the format.
 */
final class FrontCache {
    private FrontCache() {}

    static final String VERSION = "version.txt", FEATURES = "features.json", STAMP = "front.stamp";

    static int write(List<String> argv) {
        if (argv.size() != 1) throw new JruncException("usage: jrunc __front-cache <directory of jrunc.jar>");
        Path dir = Path.of(argv.get(0)).toAbsolutePath();
        io.jrunc.lsm.Lsm lsm = io.jrunc.lsm.Lsm.host();
        boolean apparmor = lsm.apparmorEnabled(), selinux = lsm.selinuxEnabled(),
                idmap = MountOptions.idmapSupported(System.getProperty("os.version"));
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path java = javaHome.resolve("bin/java"), modules = javaHome.resolve("lib/modules");
        try {
            String stamp = "v1\njar " + Files.size(dir.resolve("jrunc.jar")) + "\n"
                    + "java " + attr(java, "dev") + " " + attr(java, "ino") + " " + path(java) + "\n"
                    + "modules " + attr(modules, "dev") + " " + attr(modules, "ino") + " " + Files.size(modules) + " "
                    + nanos(Files.getLastModifiedTime(modules)) + " " + path(modules) + "\n"
                    + "apparmor " + (apparmor ? 1 : 0) + "\nselinux " + (selinux ? 1 : 0) + "\nidmap " + (idmap ? 1 : 0) + "\n";
            // the outputs first, the stamp last: the front wants all three, none older than the jar
            StateStore.writeAtomically(dir.resolve(VERSION), ascii(Main.version()));
            StateStore.writeAtomically(dir.resolve(FEATURES), ascii(FeaturesCommand.featuresText()));
            StateStore.writeAtomically(dir.resolve(STAMP), ascii(stamp));
        } catch (IOException e) {
            throw new JruncException("front cache: " + e.getMessage(), e);
        }
        return 0;
    }

    private static String attr(Path p, String name) throws IOException {
        return String.valueOf(Files.getAttribute(p, "unix:" + name));
    }

    private static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    private static String path(Path p) {
        String s = p.toString();
        if (s.indexOf('\n') >= 0) throw new JruncException("front cache: a line break in " + s);
        return s;
    }

    /** What the JVM prints goes through stdout.encoding: only pure ASCII is certainly the same bytes. */
    private static byte[] ascii(String s) {
        for (int i = 0; i < s.length(); i++)
            if (s.charAt(i) >= 0x80) throw new JruncException("front cache: non-ASCII output");
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
