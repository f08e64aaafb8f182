package io.jrunc.sys;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** runc's shouldHonorXDGRuntimeDir and RunningInUserNS on the inputs rootless podman and a root shell give. */
class RootlessTest {

    @Test
    void userNamespaceFromUidMap() {
        assertFalse(Rootless.inUserNs("         0          0 4294967295\n"), "the initial namespace");
        assertTrue(Rootless.inUserNs("         0       1000          1\n         1     100000      65536\n"), "rootless podman");
        assertTrue(Rootless.inUserNs("         0          0      65536\n"), "a partial identity map is a user namespace");
    }

    @Test
    void xdgRuntimeDirAsRunc() {
        // a user: always, when set
        assertTrue(Rootless.honorXdgRuntimeDir(1000, "/run/user/1000", "u", false));
        assertFalse(Rootless.honorXdgRuntimeDir(1000, "", "u", false));
        assertFalse(Rootless.honorXdgRuntimeDir(1000, null, "u", false));
        // the host's root (sudo -E keeps a user's XDG_RUNTIME_DIR): never
        assertFalse(Rootless.honorXdgRuntimeDir(0, "/run/user/1000", "u", false));
        assertFalse(Rootless.honorXdgRuntimeDir(0, "/run/user/0", "root", false));
        // uid 0 in rootless podman's user namespace, USER kept as the user's name: yes
        assertTrue(Rootless.honorXdgRuntimeDir(0, "/run/user/1000", "u", true));
        assertTrue(Rootless.honorXdgRuntimeDir(0, "/run/user/1000", null, true));
        // root in a user namespace that calls itself root (a container's root): no
        assertFalse(Rootless.honorXdgRuntimeDir(0, "/run/user/0", "root", true));
    }

    @Test
    void rootlessFlagSpellings() {
        assertEquals("true", Rootless.parseFlag("1"));
        assertEquals("false", Rootless.parseFlag("False"));
        assertNull(Rootless.parseFlag("auto"));
        assertNull(Rootless.parseFlag(null));

        assertTrue(Rootless.cgroups("true", 0));
        assertFalse(Rootless.cgroups("false", 1000));
        assertTrue(Rootless.cgroups(null, 1000));
    }
}
