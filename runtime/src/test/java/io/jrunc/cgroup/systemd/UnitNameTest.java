package io.jrunc.cgroup.systemd;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import org.junit.jupiter.api.Test;

/** cgroupsPath "slice:prefix:name" to the unit and its cgroup, with runc's rules (no root, no systemd). */
class UnitNameTest {

    @Test
    void emptyPathIsTheDefaultScopeInTheDefaultSlice() {
        assertEquals(new UnitName("system.slice", "jrunc-c1.scope"), UnitName.parse("", "c1", false));
        assertEquals(new UnitName("system.slice", "jrunc-c1.scope"), UnitName.parse(null, "c1", false));
        assertEquals(new UnitName("user.slice", "jrunc-c1.scope"), UnitName.parse("", "c1", true));
        assertEquals("/system.slice/jrunc-c1.scope", UnitName.parse("", "c1", false).cgroup(""));
    }

    @Test
    void sliceColonPrefixColonName() {
        UnitName n = UnitName.parse("machine.slice:libpod:abc", "id", false);
        assertEquals(new UnitName("machine.slice", "libpod-abc.scope"), n);
        assertFalse(n.isSlice());
        assertEquals("/machine.slice/libpod-abc.scope", n.cgroup(""));
        assertEquals("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-abc.scope",
                UnitName.parse("user.slice:libpod:abc", "id", true).cgroup("/user.slice/user-1000.slice/user@1000.service"));
    }

    @Test
    void emptyPartsTakeTheDefaults() {
        assertEquals(new UnitName("system.slice", "ctr-x.scope"), UnitName.parse(":ctr:x", "id", false));
        assertEquals(new UnitName("user.slice", "ctr-x.scope"), UnitName.parse(":ctr:x", "id", true));
        assertEquals(new UnitName("system.slice", "ctr-id.scope"), UnitName.parse("system.slice:ctr:", "id", false), "empty name: the id");
        assertEquals(new UnitName("system.slice", "-x.scope"), UnitName.parse("system.slice::x", "id", false), "runc: prefix + '-' + name");
    }

    @Test
    void nestedSlicesExpand() {
        assertEquals("/a.slice/a-b.slice/a-b-c.slice", UnitName.expandSlice("a-b-c.slice"));
        assertEquals("/system.slice", UnitName.expandSlice("system.slice"));
        assertEquals("/", UnitName.expandSlice("-.slice"));
        assertEquals("/a.slice/a-b.slice/jrunc-x.scope", UnitName.parse("a-b.slice:jrunc:x", "id", false).cgroup(""));
        assertEquals("/x.scope".replace("/x", "/p-x"), UnitName.parse("-.slice:p:x", "id", false).cgroup(""));
    }

    @Test
    void aSliceNameIsTheUnitItselfAndThePrefixIsIgnored() {
        UnitName n = UnitName.parse("system.slice:ignored:system-pods.slice", "id", false);
        assertEquals("system-pods.slice", n.unit());
        assertTrue(n.isSlice());
        assertEquals("/system.slice/system-pods.slice", n.cgroup(""));
    }

    @Test
    void malformedPathsNameTheField() {
        for (String bad : new String[]{"x", "a:b", "a:b:c:d", "/sys/fs/cgroup/x"}) {
            JruncException e = assertThrows(JruncException.class, () -> UnitName.parse(bad, "id", false), bad);
            assertEquals("/linux/cgroupsPath", e.pointer(), bad);
            assertTrue(e.getMessage().contains("slice:prefix:name"), e.getMessage());
        }
        for (String bad : new String[]{"system:p:n", "a--b.slice:p:n", "-a.slice:p:n", "a-.slice:p:n", ".slice:p:n",
                "a/b.slice:p:n", "system.slice:p:bad--.slice"}) {
            JruncException e = assertThrows(JruncException.class, () -> UnitName.parse(bad, "id", false), bad);
            assertEquals("/linux/cgroupsPath", e.pointer(), bad);
            assertTrue(e.getMessage().startsWith("invalid slice name"), e.getMessage());
        }
        JruncException e = assertThrows(JruncException.class, () -> UnitName.parse("system.slice:p:a/b", "id", false));
        assertEquals("/linux/cgroupsPath", e.pointer());
        assertTrue(e.getMessage().contains("invalid character '/'"), e.getMessage());
        e = assertThrows(JruncException.class, () -> UnitName.parse("system.slice:p:" + "x".repeat(250), "id", false));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }
}
