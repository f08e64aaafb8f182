package io.jrunc.seccomp;

import io.jrunc.bundle.Spec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Compiled seccomp programs kept between calls. libseccomp spends 20-25 ms on podman's default profile
 * (409 names, 3 architectures: 8 ms adding rules, 15 ms exporting), and engines send the same profile
 * with every container and every exec; runc pays that each time.
 *
 * <p>An entry is keyed by everything the compilation depends on: the linux.seccomp object in a canonical
 * form, libseccomp's version, the native architecture and this build (the jar's size and mtime). The key
 * is stored whole in the entry and compared byte for byte on a hit, so a file-name collision costs only
 * a miss. Only successful compilations are stored; errors are computed every time. Entries live in
 * {@code <state root>/@seccomp} (an '@' is never part of a container id, so no command mistakes it for
 * one), mode 0700, and are used only while the directory and the entry belong to this user and nobody
 * else can write them; at most {@link #MAX_ENTRIES}, then the directory is emptied. Any I/O
 * problem means a miss or an entry not written: never a failure.
 */
public final class SeccompCache {
    private SeccompCache() {}

    static final int MAX_ENTRIES = 64;
    private static final byte[] MAGIC = "jrunc-seccomp-cache 1\n".getBytes(StandardCharsets.US_ASCII);
    /** The key: input and everything else the output depends on, unambiguous (lengths before strings). */
    static byte[] key(Spec.Seccomp s, String libseccomp, int nativeArch, String build) {
        StringBuilder b = new StringBuilder(4096);
        str(b, build);
        str(b, libseccomp);
        b.append(nativeArch).append(';');
        str(b, s.defaultAction());
        num(b, s.defaultErrnoRet());
        strs(b, s.architectures());
        strs(b, s.flags());
        str(b, s.listenerPath());
        str(b, s.listenerMetadata());
        List<Spec.Syscall> calls = s.syscalls();
        if (calls == null) {
            b.append('~');
        } else {
            b.append('[').append(calls.size()).append(';');
            for (Spec.Syscall c : calls) {
                strs(b, c.names());
                str(b, c.action());
                num(b, c.errnoRet());
                if (c.args() == null) {
                    b.append('~');
                } else {
                    b.append('[').append(c.args().size()).append(';');
                    for (Spec.SeccompArg a : c.args())
                        b.append(a.index()).append(',').append(a.value()).append(',').append(a.valueTwo()).append(',');
                    for (Spec.SeccompArg a : c.args()) str(b, a.op());
                }
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void str(StringBuilder b, String s) {
        if (s == null) b.append('~');
        else b.append(s.length()).append(':').append(s);
    }

    private static void num(StringBuilder b, Long n) {
        if (n == null) b.append('~');
        else b.append(n).append(';');
    }

    private static void strs(StringBuilder b, List<String> l) {
        if (l == null) {
            b.append('~');
            return;
        }
        b.append('[').append(l.size()).append(';');
        for (String s : l) str(b, s);
    }

    /** This build's identity: the jar the JVM runs (a rebuilt jar has another size or mtime). */
    static String build() {
        String cp = System.getProperty("java.class.path", "");
        try {
            Path jar = Path.of(cp);
            return cp + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis();
        } catch (IOException | RuntimeException e) {
            return null; // not run from a jar: no cache
        }
    }

    static String fileName(byte[] key) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte x : key) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return Long.toHexString(h);
    }

    /**
     * Only a directory and an entry that this user owns, that are no symlinks and that nobody else may
     * write: a state root someone else can write to must not hand a container another seccomp program.
     */
    static boolean trusted(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            boolean dirOrFile = (mode & 0170000) == 0040000 || (mode & 0170000) == 0100000;
            return dirOrFile && (mode & 022) == 0 && (Integer) a.get("uid") == io.jrunc.sys.Linux.get().geteuid();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static SeccompCompiler.Compiled get(Path d, byte[] key) {
        byte[] raw;
        Path f = d.resolve(fileName(key));
        try {
            if (!trusted(d) || !trusted(f)) return null;
            raw = Files.readAllBytes(f);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(raw);
        if (raw.length < MAGIC.length + 12 || !Arrays.equals(raw, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) return null;
        in.position(MAGIC.length);
        int klen = in.getInt();
        if (klen != key.length || in.remaining() < klen + 8) return null;
        if (!Arrays.equals(raw, in.position(), in.position() + klen, key, 0, klen)) return null;
        in.position(in.position() + klen);
        int flags = in.getInt(), blen = in.getInt();
        if (blen <= 0 || blen % 8 != 0 || blen != in.remaining()) return null;
        byte[] bpf = new byte[blen];
        in.get(bpf);
        return new SeccompCompiler.Compiled(bpf, flags);
    }

    static void put(Path d, byte[] key, SeccompCompiler.Compiled c) {
        try {
            if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(d);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
            }
            if (!trusted(d)) return;
            int n = 0;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                for (Path p : ds) n++;
            }
            if (n >= MAX_ENTRIES) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                    for (Path p : ds) Files.deleteIfExists(p);
                }
            }
            ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 12 + key.length + c.bpf().length);
            out.put(MAGIC).putInt(key.length).put(key).putInt(c.flags()).putInt(c.bpf().length).put(c.bpf());
            Path f = d.resolve(fileName(key));
            Path tmp = d.resolve(f.getFileName() + ".tmp" + io.jrunc.sys.Linux.get().getpid());
            Files.write(tmp, out.array());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // a cache that cannot be written is only slower
        }
    }
}
