package io.jrunc.mount;

import io.jrunc.bundle.Spec;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container without a mount namespace of its own shares the runtime's: jrunc-init makes the config's
 * mounts there, under the rootfs, and nothing unmounts them when the container dies. `delete` (and a
 * failed create) detach every mount under the rootfs, deepest first (runc leaves them on the host).
 */
public final class SharedNamespaceMounts {
    private SharedNamespaceMounts() {}

    /** True when the config neither creates nor joins a mount namespace. */
    public static boolean shared(Spec spec) {
        if (spec == null || spec.linux() == null || spec.linux().namespaces() == null) return true;
        for (Spec.Namespace ns : spec.linux().namespaces()) if (ns.type().equals("mount")) return false;
        return true;
    }

    /** Detaches every mount at or under rootfs in this mount namespace; returns the mount points. */
    public static List<String> unmountUnder(Linux sys, String rootfs) throws IOException {
        String root = rootfs.endsWith("/") && rootfs.length() > 1 ? rootfs.substring(0, rootfs.length() - 1) : rootfs;
        List<String> under = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length < 5) continue;
            String mp = unescape(f[4]);
            if (mp.equals(root) || mp.startsWith(root + "/")) under.add(mp);
        }
        // later lines are mounted on top of earlier ones: detach in reverse order
        List<String> done = new ArrayList<>();
        for (int i = under.size() - 1; i >= 0; i--) {
            try {
                sys.umount2(under.get(i), Linux.MNT_DETACH);
                done.add(under.get(i));
            } catch (LinuxException e) {
                // already gone with a parent detached before it
            }
        }
        return done;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
