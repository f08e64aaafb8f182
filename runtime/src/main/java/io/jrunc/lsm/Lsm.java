package io.jrunc.lsm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which Linux security module jrunc may label a container with, read from sysfs and procfs under a root
 * directory ("/" on a host; a fake tree in tests). Only read when a config asks for a label, so ordinary
 * containers pay nothing.
 *
 * <ul>
 * <li>AppArmor is enabled when securityfs has an apparmor directory and
 * /sys/module/apparmor/parameters/enabled starts with "Y" (runc's apparmor.IsEnabled).</li>
 * <li>SELinux is enabled when selinuxfs is mounted (a "selinuxfs" line in /proc/self/mountinfo, or
 * /sys/fs/selinux) and has an "enforce" file, i.e. a policy is loaded (go-selinux's GetEnabled).</li>
 * </ul>
 */
public final class Lsm {
    private final Path root;

    public Lsm(Path root) {
        this.root = root;
    }

    public static Lsm host() {
        return new Lsm(Path.of("/"));
    }

    private Path at(String abs) {
        return root.resolve(abs.substring(1));
    }

    public boolean apparmorEnabled() {
        if (!Files.isDirectory(at("/sys/kernel/security/apparmor"))) return false;
        try {
            return Files.readString(at("/sys/module/apparmor/parameters/enabled")).startsWith("Y");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The file under /proc/self/attr the AppArmor exec profile goes to: the LSM-specific
     * "apparmor/exec" where the kernel has it (5.8+, stacking), else the shared "exec", as runc does.
     */
    public String apparmorExecAttr() {
        return Files.exists(at("/proc/self/attr/apparmor/exec")) ? "apparmor/exec" : "exec";
    }

    /** The selinuxfs mount point, or null. */
    String selinuxfs() {
        try {
            for (String l : Files.readAllLines(at("/proc/self/mountinfo"))) {
                int dash = l.indexOf(" - ");
                if (dash < 0) continue;
                String[] after = l.substring(dash + 3).split(" ");
                String[] before = l.substring(0, dash).split(" ");
                if (after.length > 0 && after[0].equals("selinuxfs") && before.length > 4) return before[4];
            }
        } catch (IOException e) {
            // no mountinfo: fall through to the usual place
        }
        return Files.isDirectory(at("/sys/fs/selinux")) ? "/sys/fs/selinux" : null;
    }

    public boolean selinuxEnabled() {
        String fs = selinuxfs();
        return fs != null && fs.startsWith("/") && Files.exists(at(fs).resolve("enforce"));
    }

    /** runc's label.FormatMountLabel: `context="<label>"` appended to a mount's data. */
    public static String withMountLabel(String data, String label) {
        String c = "context=\"" + label + "\"";
        return data == null || data.isEmpty() ? c : data + "," + c;
    }

    /**
     * Whether runc gives a mount of this filesystem type the mount label as data: every non-bind mount
     * but proc, sysfs, mqueue (labelled with setxattr instead) and cgroup (its v1 tmpfs is labelled
     * where it is made).
     */
    public static boolean takesMountLabel(String fstype) {
        return switch (fstype) {
            case "", "bind", "proc", "sysfs", "mqueue", "cgroup", "cgroup2" -> false;
            default -> true;
        };
    }
}
