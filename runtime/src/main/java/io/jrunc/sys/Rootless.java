package io.jrunc.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * runc's rootless detection (main.go shouldHonorXDGRuntimeDir, rootless_linux.go
 * shouldUseRootlessCgroupManager). Rootless podman runs the runtime as uid 0 inside its user namespace:
 * that is not the host's root, it cannot write /run, and its cgroups are whatever the user was delegated.
 * runc does not look at podman's {@code _CONTAINERS_USERNS_CONFIGURED}, and neither does jrunc: the
 * user namespace itself and {@code USER} decide. The C front (native-helper/src/front.c) leaves every
 * call where this could apply to the JVM, so the two never disagree on the default root.
 */
public final class Rootless {
    private Rootless() {}

    /** runc's parseBoolOrAuto: Go's ParseBool spellings to "true"/"false", "auto", empty or anything else to null (auto). */
    public static String parseFlag(String v) {
        if (v == null) return null;
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> "true";
            case "0", "f", "F", "false", "FALSE", "False" -> "false";
            default -> null;
        };
    }

    /** runc's userns.RunningInUserNS: /proc/self/uid_map is anything but the initial namespace's "0 0 4294967295". */
    public static boolean inUserNs() {
        try {
            return inUserNs(Files.readString(Path.of("/proc/self/uid_map")));
        } catch (IOException e) {
            return false; // no user namespace support: the initial namespace
        }
    }

    static boolean inUserNs(String uidMap) {
        String[] lines = uidMap.strip().split("\n");
        if (lines.length != 1) return true;
        String[] f = lines[0].trim().split("\\s+");
        return !(f.length == 3 && f[0].equals("0") && f[1].equals("0") && f[2].equals("4294967295"));
    }

    /**
     * runc's shouldHonorXDGRuntimeDir: $XDG_RUNTIME_DIR set and either not euid 0, or euid 0 in a user
     * namespace whose $USER is unset or not "root" (rootless podman keeps the user's name there).
     */
    public static boolean honorXdgRuntimeDir(int euid, String xdg, String user, boolean inUserNs) {
        if (xdg == null || xdg.isEmpty()) return false;
        if (euid != 0) return true;
        if (!inUserNs) return false;
        return user == null || !user.equals("root");
    }

    /** The default --root: $XDG_RUNTIME_DIR/jrunc when runc would use $XDG_RUNTIME_DIR/runc, else /run/jrunc. */
    public static String defaultRoot(int euid) {
        return defaultRoot(euid, System.getenv("XDG_RUNTIME_DIR"), System.getenv("USER"));
    }

    /** As {@link #defaultRoot(int)} for a caller with this XDG_RUNTIME_DIR and USER (the planner's requests). */
    public static String defaultRoot(int euid, String xdg, String user) {
        if (xdg == null || xdg.isEmpty()) return "/run/jrunc";
        // the user namespace is only looked at for euid 0 with XDG_RUNTIME_DIR set
        boolean honor = euid != 0 ? true : honorXdgRuntimeDir(euid, xdg, user, inUserNs());
        return honor ? xdg + "/jrunc" : "/run/jrunc";
    }

    /**
     * runc's shouldUseRootlessCgroupManager: flag is --rootless as {@link #parseFlag} gives it: true/false as given; auto (null, the default): not
     * euid 0, or euid 0 in a user namespace. A rootless manager runs the container without a cgroup
     * when it cannot make one (a warning), instead of failing.
     */
    public static boolean cgroups(String flag, int euid) {
        String f = flag;
        if ("true".equals(f)) return true;
        if ("false".equals(f)) return false;
        return euid != 0 || inUserNs();
    }
}
