package io.jrunc.seccomp;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.bundle.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compiled-seccomp cache: exact keys, byte-for-byte hits, bounded size, no failure on bad files. */
class SeccompCacheTest {
    @TempDir Path dir;

    static Spec.Seccomp profile(String name, Long errno, List<Spec.SeccompArg> args) {
        return new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), null, null, null,
                List.of(new Spec.Syscall(List.of(name), "SCMP_ACT_ERRNO", errno, args)));
    }

    static byte[] key(Spec.Seccomp s) { return SeccompCache.key(s, "2.5.4", 1, "jar|1|2"); }

    @Test
    void everyInputIsInTheKey() {
        Spec.Seccomp base = profile("mkdir", 13L, null);
        assertArrayEquals(key(base), key(profile("mkdir", 13L, null)));
        List<byte[]> others = new ArrayList<>(List.of(
                key(profile("mkdirat", 13L, null)),
                key(profile("mkdir", 14L, null)),
                key(profile("mkdir", null, null)),
                key(profile("mkdir", 13L, List.of())),
                key(profile("mkdir", 13L, List.of(new Spec.SeccompArg(0, 1, 0, "SCMP_CMP_EQ")))),
                key(profile("mkdir", 13L, List.of(new Spec.SeccompArg(0, 1, 0, "SCMP_CMP_NE")))),
                key(new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), List.of(), null, null, base.syscalls())),
                key(new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), null, "/run/agent.sock", null, base.syscalls())),
                key(new Spec.Seccomp("SCMP_ACT_LOG", null, List.of("SCMP_ARCH_X86_64"), null, null, null, base.syscalls())),
                SeccompCache.key(base, "2.5.5", 1, "jar|1|2"),
                SeccompCache.key(base, "2.5.4", 2, "jar|1|2"),
                SeccompCache.key(base, "2.5.4", 1, "jar|1|3")));
        // lengths before strings: ["ab","c"] and ["a","bc"] differ
        others.add(key(new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), null, null, null,
                List.of(new Spec.Syscall(List.of("ab", "c"), "SCMP_ACT_ERRNO", 1L, null)))));
        others.add(key(new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), null, null, null,
                List.of(new Spec.Syscall(List.of("a", "bc"), "SCMP_ACT_ERRNO", 1L, null)))));
        for (int i = 0; i < others.size(); i++) {
            assertFalse(java.util.Arrays.equals(key(base), others.get(i)), "variant " + i);
            for (int j = i + 1; j < others.size(); j++)
                assertFalse(java.util.Arrays.equals(others.get(i), others.get(j)), "variants " + i + " and " + j);
        }
    }

    @Test
    void roundTripAndExactKeyMatch() throws Exception {
        byte[] k = key(profile("mkdir", 13L, null));
        SeccompCompiler.Compiled c = new SeccompCompiler.Compiled(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 4);
        assertNull(SeccompCache.get(dir, k));
        SeccompCache.put(dir, k, c);
        SeccompCompiler.Compiled got = SeccompCache.get(dir, k);
        assertArrayEquals(c.bpf(), got.bpf());
        assertEquals(4, got.flags());
        // another key under the same file name (a hash collision) is a miss, not the other program
        Path f = dir.resolve(SeccompCache.fileName(k));
        byte[] other = key(profile("rmdir", 13L, null));
        Files.move(f, dir.resolve(SeccompCache.fileName(other)));
        assertNull(SeccompCache.get(dir, other));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void damagedEntriesAreMisses() throws Exception {
        byte[] k = key(profile("mkdir", 13L, null));
        SeccompCache.put(dir, k, new SeccompCompiler.Compiled(new byte[16], 0));
        Path f = dir.resolve(SeccompCache.fileName(k));
        byte[] good = Files.readAllBytes(f);
        for (int cut : new int[]{0, 5, 30, good.length - 1}) {
            Files.write(f, java.util.Arrays.copyOf(good, cut));
            assertNull(SeccompCache.get(dir, k), "truncated at " + cut);
        }
        byte[] odd = java.util.Arrays.copyOf(good, good.length + 3); // program length not a multiple of 8
        Files.write(f, odd);
        assertNull(SeccompCache.get(dir, k));
    }

    @Test
    void boundedNumberOfEntries() throws Exception {
        for (int i = 0; i <= SeccompCache.MAX_ENTRIES + 5; i++)
            SeccompCache.put(dir, key(profile("call" + i, 1L, null)), new SeccompCompiler.Compiled(new byte[8], 0));
        try (var s = Files.list(dir)) {
            assertTrue(s.count() <= SeccompCache.MAX_ENTRIES);
        }
    }

    /** Someone else's (or a group-writable) cache is not used: it could hand a container another program. */
    @Test
    void onlyAnEntryNobodyElseCanWrite() throws Exception {
        Path d = dir.resolve("@seccomp");
        byte[] k = key(profile("mkdir", 13L, null));
        SeccompCache.put(d, k, new SeccompCompiler.Compiled(new byte[16], 0));
        assertNotNull(SeccompCache.get(d, k));
        Path f = d.resolve(SeccompCache.fileName(k));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w----"));
        assertNull(SeccompCache.get(d, k), "group-writable entry");
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(SeccompCache.get(d, k), "world-writable directory");
        Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertNotNull(SeccompCache.get(d, k));
        org.junit.jupiter.api.Assumptions.assumeTrue(io.jrunc.sys.Linux.get().geteuid() == 0, "chown needs root");
        Files.setAttribute(f, "unix:uid", 65534);
        assertNull(SeccompCache.get(d, k), "an entry owned by nobody");
        Files.setAttribute(f, "unix:uid", 0);
        // a symlinked directory is not followed
        Path link = Files.createSymbolicLink(dir.resolve("link"), d);
        assertNull(SeccompCache.get(link, k));
    }
}
