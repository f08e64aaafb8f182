package io.jrunc.lsm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enabled/disabled decisions, against fake sysfs/procfs trees (no root needed). */
class LsmTest {
    @TempDir Path root;

    private void write(String abs, String text) throws Exception {
        Path p = root.resolve(abs.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void nothingMeansNeitherLsm() {
        Lsm l = new Lsm(root);
        assertFalse(l.apparmorEnabled());
        assertFalse(l.selinuxEnabled());
        assertEquals("exec", l.apparmorExecAttr());
    }

    @Test
    void apparmorNeedsSecurityfsAndTheModuleParameter() throws Exception {
        write("/sys/module/apparmor/parameters/enabled", "Y\n");
        assertFalse(new Lsm(root).apparmorEnabled(), "no /sys/kernel/security/apparmor");
        Files.createDirectories(root.resolve("sys/kernel/security/apparmor"));
        assertTrue(new Lsm(root).apparmorEnabled());
        write("/sys/module/apparmor/parameters/enabled", "N\n");
        assertFalse(new Lsm(root).apparmorEnabled());
    }

    @Test
    void apparmorPrefersItsOwnAttrDirectory() throws Exception {
        write("/proc/self/attr/exec", "");
        assertEquals("exec", new Lsm(root).apparmorExecAttr());
        write("/proc/self/attr/apparmor/exec", "");
        assertEquals("apparmor/exec", new Lsm(root).apparmorExecAttr());
    }

    @Test
    void selinuxNeedsSelinuxfsWithAPolicy() throws Exception {
        write("/proc/self/mountinfo", "22 1 0:20 / /sys rw - sysfs sysfs rw\n"
                + "30 22 0:25 / /sys/fs/selinux rw,relatime - selinuxfs selinuxfs rw\n");
        assertFalse(new Lsm(root).selinuxEnabled(), "mounted, but no enforce file: no policy loaded");
        write("/sys/fs/selinux/enforce", "1");
        assertTrue(new Lsm(root).selinuxEnabled());
        // selinuxfs elsewhere (old systems: /selinux)
        write("/proc/self/mountinfo", "30 22 0:25 / /selinux rw - selinuxfs selinuxfs rw\n");
        assertFalse(new Lsm(root).selinuxEnabled());
        write("/selinux/enforce", "0");
        assertTrue(new Lsm(root).selinuxEnabled(), "permissive is still enabled");
    }

    @Test
    void mountLabelIsContextDataOnTheMountsRuncLabels() {
        assertEquals("context=\"a:b:c:s0\"", Lsm.withMountLabel("", "a:b:c:s0"));
        assertEquals("mode=755,context=\"a:b:c:s0\"", Lsm.withMountLabel("mode=755", "a:b:c:s0"));
        assertTrue(Lsm.takesMountLabel("tmpfs"));
        assertTrue(Lsm.takesMountLabel("devpts"));
        for (String t : new String[]{"proc", "sysfs", "mqueue", "bind", "", "cgroup"}) assertFalse(Lsm.takesMountLabel(t), t);
    }
}
