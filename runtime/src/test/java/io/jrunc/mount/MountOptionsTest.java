package io.jrunc.mount;

import static io.jrunc.mount.MountOptions.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
    @Test
    void flagsPropagationAttributesAndData() {
        Parsed p = MountOptions.parse(List.of("rbind", "ro", "nosuid", "rprivate", "rro", "rnoexec", "size=1m", "mode=755"));
        assertEquals(MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID, p.flags());
        assertEquals(MS_PRIVATE | MS_REC, p.propagation());
        assertEquals(ATTR_RDONLY | ATTR_NOEXEC, p.attrSet());
        assertEquals(0, p.attrClr());
        assertEquals("size=1m,mode=755", p.data());
        assertTrue(p.isBind());
    }

    @Test
    void laterOptionsOverrideEarlierOnes() {
        Parsed p = MountOptions.parse(List.of("ro", "rw", "noexec", "exec", "rro", "rrw"));
        assertEquals(0, p.flags());
        assertEquals(0, p.attrSet());
        assertEquals(ATTR_RDONLY, p.attrClr());
    }

    @Test
    void recursiveAtimeClearsTheWholeAtimeField() {
        Parsed p = MountOptions.parse(List.of("rnoatime"));
        assertEquals(ATTR_NOATIME, p.attrSet());
        assertEquals(ATTR__ATIME, p.attrClr());
    }
}
