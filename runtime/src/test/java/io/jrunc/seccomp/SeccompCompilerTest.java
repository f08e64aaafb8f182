package io.jrunc.seccomp;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.sys.Seccomp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compiler's decisions, checked on the BPF it produces with a small interpreter ({@link Bpf}), so
 * that architectures this host cannot run (x86, x32) are covered too. {@link SeccompKernelTest} installs
 * filters for real.
 */
class SeccompCompilerTest {
    static final int AUDIT_X86_64 = 0xC000003E, AUDIT_I386 = 0x40000003, AUDIT_AARCH64 = 0xC00000B7, X32_BIT = 0x40000000;
    static final int ALLOW = 0x7fff0000, KILL_THREAD = 0, KILL_PROCESS = 0x80000000, TRAP = 0x00030000, LOG = 0x7ffc0000;

    static int errno(int e) { return 0x00050000 | e; }

    static int trace(int e) { return 0x7ff00000 | e; }

    static Spec.Seccomp sc(String json) {
        return ConfigReader.parse(("{\"linux\":{\"seccomp\":" + json + "}}").getBytes(StandardCharsets.UTF_8)).linux().seccomp();
    }

    static Spec.Seccomp resource(String name) throws IOException {
        try (InputStream in = SeccompCompilerTest.class.getResourceAsStream("/seccomp/" + name)) {
            assertNotNull(in, name);
            return sc(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static SeccompCompiler.Compiled compile(String json) { return SeccompCompiler.compile(sc(json)); }

    static int nr(String arch, String name) {
        Seccomp.load();
        int n = Seccomp.resolve(Seccomp.archToken(arch), name);
        assertTrue(n >= 0, name + " on " + arch);
        return n;
    }

    static int x86_64(String name) { return nr("x86_64", name); }

    static JruncException error(String json) {
        return assertThrows(JruncException.class, () -> compile(json));
    }

    @Test
    void wholeInstructionsAndFlags() {
        SeccompCompiler.Compiled c = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_TSYNC"],
                 "syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"}]}""");
        assertTrue(c.bpf().length > 0 && c.bpf().length % 8 == 0, "struct sock_filter[]");
        assertEquals(2, c.flags(), "LOG; TSYNC means nothing for a single-threaded init");
        assertEquals(4, compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}").flags(), "no flags at all: SPEC_ALLOW (runc 1.2+, crun)");
        assertEquals(0, compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[]}").flags(), "an empty set is an empty set");
        assertEquals(4, compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}").flags());
    }

    @Test
    void noDefaultActionAndNoSyscallsMeansNoFilter() {
        assertNull(compile("{}"));
        assertNull(compile("{\"architectures\":[\"SCMP_ARCH_X86_64\"]}"));
        assertEquals("/linux/seccomp/defaultAction",
                error("{\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}").pointer());
    }

    @Test
    void actionsAndErrnoDefaults() {
        byte[] p = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
                 {"names":["mkdir"],"action":"SCMP_ACT_ERRNO"},
                 {"names":["rmdir"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
                 {"names":["getppid"],"action":"SCMP_ACT_KILL"},
                 {"names":["getpgrp"],"action":"SCMP_ACT_KILL_PROCESS"},
                 {"names":["gettid"],"action":"SCMP_ACT_KILL_THREAD"},
                 {"names":["getsid"],"action":"SCMP_ACT_TRAP"},
                 {"names":["getuid"],"action":"SCMP_ACT_TRACE"},
                 {"names":["getgid"],"action":"SCMP_ACT_TRACE","errnoRet":5},
                 {"names":["geteuid"],"action":"SCMP_ACT_LOG"}]}""").bpf();
        assertEquals(errno(1), Bpf.run(p, x86_64("mkdir"), AUDIT_X86_64), "ERRNO without errnoRet is EPERM, as runc");
        assertEquals(errno(38), Bpf.run(p, x86_64("rmdir"), AUDIT_X86_64));
        assertEquals(KILL_THREAD, Bpf.run(p, x86_64("getppid"), AUDIT_X86_64));
        assertEquals(KILL_PROCESS, Bpf.run(p, x86_64("getpgrp"), AUDIT_X86_64));
        assertEquals(KILL_THREAD, Bpf.run(p, x86_64("gettid"), AUDIT_X86_64));
        assertEquals(TRAP, Bpf.run(p, x86_64("getsid"), AUDIT_X86_64));
        assertEquals(trace(1), Bpf.run(p, x86_64("getuid"), AUDIT_X86_64), "TRACE without errnoRet: EPERM too");
        assertEquals(trace(5), Bpf.run(p, x86_64("getgid"), AUDIT_X86_64));
        assertEquals(LOG, Bpf.run(p, x86_64("geteuid"), AUDIT_X86_64));
        assertEquals(ALLOW, Bpf.run(p, x86_64("getpid"), AUDIT_X86_64));
    }

    @Test
    void defaultErrnoRetAndRulesEqualToTheDefaultAreSkipped() {
        byte[] p = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":13,"syscalls":[
                 {"names":["getpid"],"action":"SCMP_ACT_ALLOW"},
                 {"names":["getpid","mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13},
                 {"names":["rmdir"],"action":"SCMP_ACT_ERRNO"}]}""").bpf();
        assertEquals(ALLOW, Bpf.run(p, x86_64("getpid"), AUDIT_X86_64));
        assertEquals(errno(13), Bpf.run(p, x86_64("uname"), AUDIT_X86_64));
        assertEquals(errno(13), Bpf.run(p, x86_64("mkdir"), AUDIT_X86_64));
        assertEquals(errno(1), Bpf.run(p, x86_64("rmdir"), AUDIT_X86_64), "ERRNO(EPERM) differs from the default ERRNO(13)");
    }

    @Test
    void unknownSyscallNamesAreSkipped() {
        byte[] p = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
                 {"names":["no_such_syscall","mkdir","sys_from_the_future"],"action":"SCMP_ACT_ERRNO"}]}""").bpf();
        assertEquals(errno(1), Bpf.run(p, x86_64("mkdir"), AUDIT_X86_64));
    }

    @Test
    void conditionsOnDistinctArgumentsAreAndedRepeatedIndexesOred() {
        byte[] p = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
                 {"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[
                   {"index":0,"value":8,"op":"SCMP_CMP_EQ"},{"index":0,"value":4294967295,"op":"SCMP_CMP_EQ"}]},
                 {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[
                   {"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":2,"op":"SCMP_CMP_NE"}]},
                 {"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[
                   {"index":0,"value":2114060288,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]},
                 {"names":["kill"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":10,"op":"SCMP_CMP_LT"}]},
                 {"names":["tkill"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":10,"op":"SCMP_CMP_LE"}]},
                 {"names":["tgkill"],"action":"SCMP_ACT_ALLOW","args":[{"index":2,"value":10,"op":"SCMP_CMP_GE"}]},
                 {"names":["getpriority"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_GT"}]}]}""").bpf();
        int pers = x86_64("personality"), sock = x86_64("socket"), clone = x86_64("clone");
        assertEquals(ALLOW, Bpf.run(p, pers, AUDIT_X86_64, 8));
        assertEquals(ALLOW, Bpf.run(p, pers, AUDIT_X86_64, 0xffffffffL));
        assertEquals(errno(1), Bpf.run(p, pers, AUDIT_X86_64, 0));
        assertEquals(ALLOW, Bpf.run(p, sock, AUDIT_X86_64, 1, 1));
        assertEquals(errno(1), Bpf.run(p, sock, AUDIT_X86_64, 1, 2), "both conditions must hold");
        assertEquals(errno(1), Bpf.run(p, sock, AUDIT_X86_64, 2, 1));
        // MASKED_EQ: value is the mask, valueTwo what the masked argument must equal (podman's clone rule)
        assertEquals(ALLOW, Bpf.run(p, clone, AUDIT_X86_64, 0x01200011L), "fork-like clone");
        assertEquals(errno(1), Bpf.run(p, clone, AUDIT_X86_64, 0x10000000L), "CLONE_NEWUSER");
        assertEquals(errno(1), Bpf.run(p, clone, AUDIT_X86_64, 0x20000L), "CLONE_NEWNS");
        assertEquals(ALLOW, Bpf.run(p, x86_64("kill"), AUDIT_X86_64, 1, 9));
        assertEquals(errno(1), Bpf.run(p, x86_64("kill"), AUDIT_X86_64, 1, 10));
        assertEquals(ALLOW, Bpf.run(p, x86_64("tkill"), AUDIT_X86_64, 1, 10));
        assertEquals(errno(1), Bpf.run(p, x86_64("tkill"), AUDIT_X86_64, 1, 11));
        assertEquals(ALLOW, Bpf.run(p, x86_64("tgkill"), AUDIT_X86_64, 1, 1, 10));
        assertEquals(errno(1), Bpf.run(p, x86_64("tgkill"), AUDIT_X86_64, 1, 1, 9));
        assertEquals(ALLOW, Bpf.run(p, x86_64("getpriority"), AUDIT_X86_64, 2));
        assertEquals(errno(1), Bpf.run(p, x86_64("getpriority"), AUDIT_X86_64, 1));
    }

    @Test
    void splitRuleAsRuncDoes() {
        Spec.SeccompArg a = new Spec.SeccompArg(0, 1, 0, "SCMP_CMP_EQ"), b = new Spec.SeccompArg(0, 2, 0, "SCMP_CMP_EQ"),
                c = new Spec.SeccompArg(1, 3, 0, "SCMP_CMP_EQ");
        assertEquals(List.of(List.of(a), List.of(b)), SeccompCompiler.groups(List.of(a, b)));
        assertEquals(List.of(List.of(a), List.of(b), List.of(c)), SeccompCompiler.groups(List.of(a, b, c)),
                "one repeated index splits every condition, as runc's hasMultipleArgs");
        assertEquals(List.of(List.of(a, c)), SeccompCompiler.groups(List.of(a, c)));
        assertEquals(List.of(List.of()), SeccompCompiler.groups(null));
    }

    @Test
    void architecturesGetTheirOwnNumbersAndTheNativeOneIsAlwaysThere() {
        byte[] p = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"architectures":["SCMP_ARCH_X86","SCMP_ARCH_X32"],
                 "syscalls":[{"names":["getpid","socketcall","arch_prctl"],"action":"SCMP_ACT_ALLOW"}]}""").bpf();
        assertEquals(ALLOW, Bpf.run(p, x86_64("getpid"), AUDIT_X86_64), "native x86_64 although not listed");
        assertEquals(ALLOW, Bpf.run(p, nr("x86", "getpid"), AUDIT_I386));
        assertEquals(20, nr("x86", "getpid"));
        // socketcall exists on x86 only: its rule must not be dropped because x86_64 lacks it
        assertEquals(ALLOW, Bpf.run(p, nr("x86", "socketcall"), AUDIT_I386));
        assertEquals(ALLOW, Bpf.run(p, X32_BIT | x86_64("getpid"), AUDIT_X86_64), "x32");
        assertEquals(errno(38), Bpf.run(p, nr("x86", "uname"), AUDIT_I386));
        int bad = Bpf.run(p, 0, AUDIT_AARCH64);
        assertTrue(bad == KILL_THREAD || bad == KILL_PROCESS, "an architecture not in the filter is killed: " + Integer.toHexString(bad));
    }

    @Test
    void everyFeatureArchitectureIsKnown() {
        // libseccomp cannot mix byte orders in one filter, and the native arch is always in it: on a
        // little-endian host the big-endian ones are refused (by runc too), with the field named
        List<String> bigEndian = List.of("SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_PPC",
                "SCMP_ARCH_PPC64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X");
        for (String a : SeccompCompiler.FEATURE_ARCHS) {
            String json = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"" + a + "\"],"
                    + "\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}";
            if (bigEndian.contains(a)) {
                JruncException e = error(json);
                assertEquals("/linux/seccomp/architectures/1", e.pointer(), a);
                assertTrue(e.getMessage().contains("byte order"), e.getMessage());
            } else {
                assertNotNull(compile(json), a);
            }
        }
    }

    @Test
    void enosysForSyscallsNewerThanTheProfile() {
        // Docker's profile: default ERRNO(EPERM); a syscall above every one the profile names is ENOSYS
        String profile = """
                {"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
                 "syscalls":[{"names":["read","write","getpid","openat","exit_group"],"action":"SCMP_ACT_ALLOW"},
                             {"names":["mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":5}]}""";
        byte[] p = compile(profile).bpf();
        int max64 = x86_64("mkdirat"), max32 = nr("x86", "mkdirat");
        assertEquals(258, max64);
        assertEquals(ALLOW, Bpf.run(p, x86_64("getpid"), AUDIT_X86_64));
        assertEquals(errno(5), Bpf.run(p, max64, AUDIT_X86_64));
        assertEquals(errno(1), Bpf.run(p, x86_64("uname"), AUDIT_X86_64), "below the highest: the default action");
        assertEquals(errno(38), Bpf.run(p, max64 + 1, AUDIT_X86_64), "above: ENOSYS");
        assertEquals(errno(38), Bpf.run(p, 452, AUDIT_X86_64), "fchmodat2 (6.6)");
        assertEquals(errno(1), Bpf.run(p, nr("x86", "uname"), AUDIT_I386));
        assertEquals(errno(38), Bpf.run(p, max32 + 1, AUDIT_I386));
        assertEquals(ALLOW, Bpf.run(p, X32_BIT | x86_64("getpid"), AUDIT_X86_64));
        assertEquals(errno(1), Bpf.run(p, X32_BIT | x86_64("uname"), AUDIT_X86_64));
        assertEquals(errno(38), Bpf.run(p, X32_BIT | 600, AUDIT_X86_64));

        // x86_64 without x32: x32 calls go to libseccomp's program (bad-arch for x32)
        byte[] q = compile(profile.replace(",\"SCMP_ARCH_X32\"", "")).bpf();
        assertEquals(errno(38), Bpf.run(q, max64 + 1, AUDIT_X86_64));
        int x32 = Bpf.run(q, X32_BIT | 600, AUDIT_X86_64);
        assertTrue(x32 == KILL_THREAD || x32 == KILL_PROCESS, Integer.toHexString(x32));

        // permissive defaults and ENOSYS defaults need no stub (same result), nor do profiles without architectures
        int plain = compile(profile.replace("\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],", "")).instructions();
        assertTrue(compile(profile).instructions() > plain + 10);
        assertEquals(errno(1), Bpf.run(compile(profile.replace("\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],", "")).bpf(),
                452, AUDIT_X86_64), "runc: no architectures, no stub");
        for (String d : List.of("\"SCMP_ACT_ALLOW\"", "\"SCMP_ACT_LOG\"", "\"SCMP_ACT_TRACE\""))
            assertNotEquals(errno(38), Bpf.run(compile(profile.replace("\"SCMP_ACT_ERRNO\",\"architectures\"", d + ",\"architectures\"")).bpf(),
                    452, AUDIT_X86_64), d);
        byte[] e = compile(profile.replace("\"SCMP_ACT_ERRNO\",\"architectures\"", "\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"architectures\"")).bpf();
        assertEquals(errno(38), Bpf.run(e, 452, AUDIT_X86_64));
        assertEquals(errno(38), Bpf.run(e, x86_64("uname"), AUDIT_X86_64));
        // KILL default: the stub too
        assertEquals(errno(38), Bpf.run(compile(profile.replace("\"SCMP_ACT_ERRNO\",\"architectures\"", "\"SCMP_ACT_KILL\",\"architectures\"")).bpf(),
                452, AUDIT_X86_64));
    }

    @Test
    void enosysStubOnOtherArchitectures() {
        byte[] p = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_AARCH64","SCMP_ARCH_ARM","SCMP_ARCH_RISCV64"],
                 "syscalls":[{"names":["read","write","openat","exit_group"],"action":"SCMP_ACT_ALLOW"}]}""").bpf();
        int auditArm = 0x40000028, auditRiscv64 = 0xC00000F3;
        assertEquals(ALLOW, Bpf.run(p, nr("aarch64", "openat"), AUDIT_AARCH64));
        assertEquals(errno(38), Bpf.run(p, nr("aarch64", "exit_group") + 1, AUDIT_AARCH64));
        assertEquals(errno(1), Bpf.run(p, nr("aarch64", "read") - 1, AUDIT_AARCH64));
        assertEquals(ALLOW, Bpf.run(p, nr("arm", "openat"), auditArm));
        assertEquals(errno(38), Bpf.run(p, nr("arm", "openat") + 1, auditArm));
        assertEquals(errno(38), Bpf.run(p, 452, auditRiscv64));
        assertEquals(ALLOW, Bpf.run(p, x86_64("read"), AUDIT_X86_64), "native, not listed: no stub, libseccomp's rules");
        assertEquals(errno(1), Bpf.run(p, 452, AUDIT_X86_64));
    }

    @Test
    void enosysStubForS390xMultiplexer() {
        // big-endian: cannot be compiled on this host; the stub itself is checked in front of a one-line filter
        int s390x = 0x80000016;
        byte[] retAllow = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder())
                .putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(ALLOW).array();
        byte[] p = EnosysStub.prepend(retAllow, java.util.Map.of(s390x, java.util.Map.of(s390x, 300)));
        assertEquals(errno(38), Bpf.run(p, 0, s390x), "syscall 0: the kernel's large-number multiplexer");
        assertEquals(ALLOW, Bpf.run(p, 300, s390x));
        assertEquals(errno(38), Bpf.run(p, 301, s390x));
        assertEquals(ALLOW, Bpf.run(p, 301, AUDIT_X86_64), "another arch: straight to the filter");
    }

    @Test
    void podmanDefaultProfileCompiles() throws IOException {
        Spec.Seccomp s = resource("podman-4.3-default.json");
        long names = s.syscalls().stream().mapToLong(c -> c.names().size()).sum();
        assertTrue(names > 400, "a real profile: " + names + " names");
        long t = System.nanoTime();
        SeccompCompiler.Compiled c = SeccompCompiler.compile(s);
        long ms = (System.nanoTime() - t) / 1_000_000;
        assertTrue(c.instructions() > 100 && c.instructions() <= 4096, c.instructions() + " instructions");
        assertEquals(4, c.flags());
        byte[] p = c.bpf();
        assertEquals(ALLOW, Bpf.run(p, x86_64("read"), AUDIT_X86_64));
        assertEquals(ALLOW, Bpf.run(p, x86_64("clone3"), AUDIT_X86_64));
        assertEquals(errno(1), Bpf.run(p, x86_64("kexec_load"), AUDIT_X86_64), "listed: ERRNO without errnoRet is EPERM");
        assertEquals(errno(38), Bpf.run(p, x86_64("add_key"), AUDIT_X86_64), "not listed: defaultErrnoRet 38");
        assertEquals(ALLOW, Bpf.run(p, x86_64("personality"), AUDIT_X86_64, 0xffffffffL));
        assertEquals(ALLOW, Bpf.run(p, x86_64("personality"), AUDIT_X86_64, 8));
        assertEquals(errno(38), Bpf.run(p, x86_64("personality"), AUDIT_X86_64, 0x0400000L), "READ_IMPLIES_EXEC");
        assertEquals(ALLOW, Bpf.run(p, x86_64("socket"), AUDIT_X86_64, 2, 1, 0));
        assertEquals(ALLOW, Bpf.run(p, x86_64("socket"), AUDIT_X86_64, 16, 3, 0), "netlink, not audit");
        assertEquals(errno(22), Bpf.run(p, x86_64("socket"), AUDIT_X86_64, 16, 3, 9), "NETLINK_AUDIT without CAP_AUDIT_WRITE");
        assertEquals(ALLOW, Bpf.run(p, nr("x86", "socketcall"), AUDIT_I386, 1));
        assertEquals(ALLOW, Bpf.run(p, nr("x86", "getpid"), AUDIT_I386));
        assertEquals(ALLOW, Bpf.run(p, X32_BIT | x86_64("getpid"), AUDIT_X86_64));
        System.out.println("podman default profile: " + names + " names, " + c.instructions() + " BPF instructions, " + ms + " ms");

        // Docker's variant: default EPERM; newer syscalls than the profile are ENOSYS through the stub
        Spec.Seccomp docker = new Spec.Seccomp(s.defaultAction(), 1L, s.architectures(), s.flags(), null, null, s.syscalls());
        byte[] d = SeccompCompiler.compile(docker).bpf();
        assertEquals(errno(1), Bpf.run(d, x86_64("add_key"), AUDIT_X86_64));
        assertEquals(errno(38), Bpf.run(d, 452, AUDIT_X86_64), "fchmodat2 is newer than the profile");
        assertEquals(errno(38), Bpf.run(d, 452, AUDIT_I386));
        assertEquals(ALLOW, Bpf.run(d, x86_64("read"), AUDIT_X86_64));
    }

    @Test
    void errorsNameTheField() {
        assertEquals("/linux/seccomp/syscalls/0/action",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_BOGUS\"}]}").pointer());
        assertEquals("/linux/seccomp/syscalls/0/action",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}").pointer());
        assertEquals("/linux/seccomp/defaultAction", error("{\"defaultAction\":\"SCMP_ACT_NOPE\"}").pointer());
        assertEquals("/linux/seccomp/architectures/1",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_NOT_REAL\"]}").pointer());
        assertEquals("/linux/seccomp/architectures/0",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}").pointer(), "runc takes SCMP_ARCH_ names only");
        assertEquals("/linux/seccomp/flags/1",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_NOPE\"]}").pointer());
        assertEquals("/linux/seccomp/syscalls/1/args/1/op", error("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO"},
                 {"names":["write"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"op":"SCMP_CMP_SAME"}]}]}""").pointer());
        JruncException e = error("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}""");
        assertEquals("/linux/seccomp/syscalls/0/args/0/index", e.pointer());
        assertEquals("/linux/seccomp/syscalls/0/names/1",
                error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\",\"\"],\"action\":\"SCMP_ACT_ERRNO\"}]}").pointer());
        // runc: libseccomp refuses the same conditions with another action ("file exists")
        e = error("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
                 {"names":["mkdir"],"action":"SCMP_ACT_KILL","args":[{"index":1,"value":1,"op":"SCMP_CMP_EQ"}]},
                 {"names":["mkdir"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":1,"op":"SCMP_CMP_EQ"}]}]}""");
        assertEquals("/linux/seccomp/syscalls/1/names/0", e.pointer());
        assertTrue(e.getMessage().contains("\"mkdir\""), e.getMessage());
        assertTrue(e.userMessage().startsWith("config.json /linux/seccomp/syscalls/1/names/0: "), e.userMessage());
    }

    @Test
    void notifyRulesAskForAListener() {
        SeccompCompiler.Compiled c = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock","syscalls":[
                 {"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"},{"names":["rmdir"],"action":"SCMP_ACT_ERRNO"}]}""");
        assertTrue(c.listener());
        assertEquals(SeccompCompiler.FLAG_SPEC_ALLOW | SeccompCompiler.FLAG_NEW_LISTENER, c.flags());
        byte[] p = c.bpf();
        assertEquals(0x7fc00000, Bpf.run(p, x86_64("mkdir"), AUDIT_X86_64), "SECCOMP_RET_USER_NOTIF");
        assertEquals(errno(1), Bpf.run(p, x86_64("rmdir"), AUDIT_X86_64));
        assertEquals(0x7fff0000, Bpf.run(p, x86_64("getpid"), AUDIT_X86_64));
        // WAIT_KILLABLE_RECV goes with a listener, and is dropped without one (the kernel would refuse it)
        c = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock","flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
                 "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}""");
        assertEquals(SeccompCompiler.FLAG_NEW_LISTENER | SeccompCompiler.FLAG_WAIT_KILLABLE_RECV, c.flags());
        c = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock","flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
                 "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}""");
        assertFalse(c.listener());
        assertEquals(0, c.flags());
        // a notify rule on a name libseccomp does not know is skipped like any other: no listener then
        c = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["no_such_call"],"action":"SCMP_ACT_NOTIFY"}]}""");
        assertFalse(c.listener());
    }

    @Test
    void notifyErrorsNameTheField() {
        assertEquals("/linux/seccomp/listenerPath", error("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}""").pointer());
        assertEquals("/linux/seccomp/listenerPath", error("""
                {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"run/a.sock","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}""").pointer());
        JruncException e = error("""
                {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/a.sock","syscalls":[{"names":["mkdir","write"],"action":"SCMP_ACT_NOTIFY"}]}""");
        assertEquals("/linux/seccomp/syscalls/0/names/1", e.pointer());
        assertTrue(e.getMessage().contains("SCMP_ACT_NOTIFY cannot be used for \"write\""), e.getMessage());
        assertEquals("/linux/seccomp/defaultAction", error("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}").pointer());
    }

    @Test
    void featureListsAreWhatWorks() {
        for (String a : SeccompCompiler.ACTIONS)
            assertNotNull(compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/a.sock\","
                    + "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"" + a + "\"}]}"), a);
        for (String op : SeccompCompiler.OPERATORS)
            assertNotNull(compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
                    + "\"args\":[{\"index\":1,\"value\":1,\"valueTwo\":1,\"op\":\"" + op + "\"}]}]}"), op);
        for (String f : SeccompCompiler.SUPPORTED_FLAGS)
            assertNotNull(compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"" + f + "\"]}"), f);
        assertTrue(SeccompCompiler.KNOWN_FLAGS.containsAll(SeccompCompiler.SUPPORTED_FLAGS));
        assertEquals(SeccompCompiler.ACTIONS.stream().sorted().toList(), SeccompCompiler.ACTIONS, "sorted, as runc prints them");
        assertEquals(SeccompCompiler.OPERATORS.stream().sorted().toList(), SeccompCompiler.OPERATORS);
        assertEquals(SeccompCompiler.FEATURE_ARCHS.stream().sorted().toList(), SeccompCompiler.FEATURE_ARCHS);
    }
}
