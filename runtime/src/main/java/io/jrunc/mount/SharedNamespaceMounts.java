package io.jrunc.mount;

import io.jrunc.bundle.Spec;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A container without a mount namespace of its own shares the runtime's: jrunc-init makes the config's
 * mounts there, under the rootfs, and nothing unmounts them when the container dies. `delete` (and a
 * failed create) detach the mounts under the rootfs that were not there before create (runc leaves them
 * on the host). What was mounted under the rootfs before create is recorded by mount id, which stays
 * unique while a mount exists, and is never touched.
 */
public final class SharedNamespaceMounts {
    private SharedNamespaceMounts() {}

    /** The state directory's record of the mounts under the rootfs before create: one mount id a line. */
    public static final String FILE = "premounts";

    /** True when the config neither creates nor joins a mount namespace. */
    public static boolean shared(Spec spec) {
        if (spec == null || spec.linux() == null || spec.linux().namespaces() == null) return true;
        for (Spec.Namespace ns : spec.linux().namespaces()) if (ns.type().equals("mount")) return false;
        return true;
    }

    /** Mount ids and mount points at or under rootfs in this mount namespace, in mountinfo order. */
    static List<String[]> under(String rootfs) throws IOException {
        String root = rootfs.endsWith("/") && rootfs.length() > 1 ? rootfs.substring(0, rootfs.length() - 1) : rootfs;
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length < 5) continue;
            String mp = unescape(f[4]);
            if (mp.equals(root) || mp.startsWith(root + "/")) out.add(new String[] {f[0], mp});
        }
        return out;
    }

    /** The ids of what is mounted under rootfs now (before create). */
    public static Set<String> snapshot(String rootfs) throws IOException {
        Set<String> ids = new HashSet<>();
        for (String[] m : under(rootfs)) ids.add(m[0]);
        return ids;
    }

    public static void save(Path stateDir, Set<String> ids) throws IOException {
        Files.write(stateDir.resolve(FILE), String.join("\n", ids).getBytes(StandardCharsets.UTF_8));
    }

    /** The snapshot create saved; null when there is none (then nothing may be unmounted). */
    public static Set<String> load(Path stateDir) {
        try {
            Set<String> ids = new HashSet<>();
            for (String l : Files.readAllLines(stateDir.resolve(FILE), StandardCharsets.UTF_8)) if (!l.isBlank()) ids.add(l.trim());
            return ids;
        } catch (IOException e) {
            return null;
        }
    }

    /** Detaches every mount under rootfs whose id is not in before, the latest first; returns their mount points. */
    public static List<String> unmountNew(Linux sys, String rootfs, Set<String> before) throws IOException {
        List<String[]> now = under(rootfs);
        List<String> done = new ArrayList<>();
        // later lines are mounted on top of earlier ones: detach in reverse order
        for (int i = now.size() - 1; i >= 0; i--) {
            if (before.contains(now.get(i)[0])) continue;
            try {
                sys.umount2(now.get(i)[1], Linux.MNT_DETACH);
                done.add(now.get(i)[1]);
            } catch (LinuxException e) {
                // already gone with a mount detached before it
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
