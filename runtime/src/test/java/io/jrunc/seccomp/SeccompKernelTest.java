package io.jrunc.seccomp;

import static io.jrunc.seccomp.SeccompCompilerTest.compile;
import static io.jrunc.seccomp.SeccompCompilerTest.resource;
import static io.jrunc.seccomp.SeccompCompilerTest.x86_64;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.bundle.Spec;
import io.jrunc.sys.Home;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiled filters installed by the kernel, as jrunc-init does (no_new_privs, then
 * seccomp(SECCOMP_SET_MODE_FILTER, flags)), in a throwaway process: native-helper/test/seccomp_apply.c
 * (built by `make check`) reads the BPF, installs it, makes one system call and prints `ok <ret>` or
 * `errno <n>`. Needs no root.
 */
class SeccompKernelTest {
    static final int SIGSYS_EXIT = 128 + 31;

    @TempDir Path tmp;

    record Out(int exit, String out, String err) {}

    /** Just what seccomp_apply needs after the filter is in: write and exit. */
    static final String BASICS = "{\"names\":[\"write\",\"exit_group\",\"exit\"],\"action\":\"SCMP_ACT_ALLOW\"}";

    Out run(SeccompCompiler.Compiled c, String... call) throws IOException, InterruptedException {
        Path bin = Home.root().resolve("native-helper/target/seccomp_apply");
        assertTrue(Files.isExecutable(bin), bin + " is missing: make -C native-helper check");
        Path bpf = Files.write(Files.createTempFile(tmp, "filter", ".bpf"), c.bpf());
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), bpf.toString(), Integer.toString(c.flags())));
        cmd.addAll(List.of(call));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "seccomp_apply hangs");
        Out o = new Out(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        assertNotEquals(2, o.exit(), "setup failed: " + o.err());
        return o;
    }

    String result(SeccompCompiler.Compiled c, String... call) throws Exception {
        Out o = run(c, call);
        assertEquals(0, o.exit(), o.toString());
        return o.out();
    }

    @Test
    void errnoActionsAndErrnoRet() throws Exception {
        SeccompCompiler.Compiled c = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
                 {"names":["mkdir"],"action":"SCMP_ACT_ERRNO"},{"names":["uname"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}""");
        String dir = tmp.resolve("made").toString();
        assertEquals("errno 1", result(c, "mkdir", "str:" + dir, "0755"), "EPERM by default, as runc");
        assertFalse(Files.exists(tmp.resolve("made")));
        assertEquals("errno 38", result(c, "uname", "0"));
        assertTrue(result(c, "getpid").matches("ok [1-9][0-9]*"));
        // without the filter the same call works
        assertEquals("ok 0", result(compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[]}"), "mkdir", "str:" + dir, "0755"));
        assertTrue(Files.isDirectory(tmp.resolve("made")));
    }

    @Test
    void defaultActionWithDefaultErrnoRet() throws Exception {
        SeccompCompiler.Compiled c = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":13,"syscalls":[%s,
                 {"names":["getpid"],"action":"SCMP_ACT_ALLOW"}]}""".formatted(BASICS));
        assertTrue(result(c, "getpid").startsWith("ok "));
        assertEquals("errno 13", result(c, "uname", "0"));
        assertEquals("errno 13", result(c, "getppid"));
    }

    @Test
    void argumentRules() throws Exception {
        SeccompCompiler.Compiled c = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[%s,
                 {"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_EQ"}]},
                 {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":255,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]},
                 {"names":["getpriority"],"action":"SCMP_ACT_ALLOW","args":[
                   {"index":0,"value":0,"op":"SCMP_CMP_EQ"},{"index":0,"value":2,"op":"SCMP_CMP_EQ"}]}]}""".formatted(BASICS));
        assertTrue(result(c, "personality", "0xffffffff").startsWith("ok "), "querying the persona is allowed");
        assertEquals("errno 1", result(c, "personality", "8"));
        assertTrue(result(c, "socket", "1", "1", "0").startsWith("ok "), "AF_UNIX: (1 & 0xff) == 1");
        assertEquals("errno 1", result(c, "socket", "2", "1", "0"), "AF_INET");
        assertTrue(result(c, "socket", "0x101", "1", "0").startsWith("errno "), "masked: passes the filter, the kernel refuses 257");
        assertNotEquals("errno 1", result(c, "socket", "0x101", "1", "0"));
        // the same index twice: either condition (runc), not both
        int getpriority = x86_64("getpriority");
        assertTrue(result(c, Integer.toString(getpriority), "0", "0").startsWith("ok "), "PRIO_PROCESS");
        assertTrue(result(c, Integer.toString(getpriority), "2", "0").startsWith("ok "), "PRIO_USER");
        assertEquals("errno 1", result(c, Integer.toString(getpriority), "1", "0"), "PRIO_PGRP");
    }

    @Test
    void killTrapLogTrace() throws Exception {
        for (String act : List.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP")) {
            SeccompCompiler.Compiled c = compile("""
                    {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"%s"}]}""".formatted(act));
            Out o = run(c, "getppid");
            assertEquals(SIGSYS_EXIT, o.exit(), act + ": " + o);
            assertEquals("", o.out(), act);
        }
        SeccompCompiler.Compiled log = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_LOG"}]}""");
        assertTrue(result(log, "getppid").startsWith("ok "));
        SeccompCompiler.Compiled trace = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["getppid"],"action":"SCMP_ACT_TRACE"}]}""");
        assertEquals("errno 38", result(trace, "getppid"), "no tracer: the kernel answers ENOSYS");
    }

    @Test
    void flagsAreAcceptedByTheKernel() throws Exception {
        SeccompCompiler.Compiled c = compile("""
                {"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_TSYNC"],
                 "syscalls":[{"names":["getppid"],"action":"SCMP_ACT_ERRNO","errnoRet":7}]}""");
        assertEquals(6, c.flags());
        assertEquals("errno 7", result(c, "getppid"));
    }

    @Test
    void newerSyscallsThanTheProfileAreEnosys() throws Exception {
        SeccompCompiler.Compiled c = compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
                 "syscalls":[%s,{"names":["getpid","mkdirat"],"action":"SCMP_ACT_ALLOW"}]}""".formatted(BASICS));
        assertEquals("errno 1", result(c, "uname", "0"), "known to the profile's range: the default action");
        assertEquals("errno 38", result(c, "452"), "fchmodat2 and later: ENOSYS, so libc falls back");
        assertEquals("errno 38", result(c, "1000"));
        assertTrue(result(c, "getpid").startsWith("ok "));
        // controls: the kernel has syscall 452 (so ENOSYS above came from the filter); without the stub
        // (no architectures listed, as in runc) it gets the default action
        assertNotEquals("errno 38", result(compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[]}"), "452", "-1", "0", "0", "0"));
        assertEquals("errno 1", result(compile("""
                {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[%s,{"names":["getpid","mkdirat"],"action":"SCMP_ACT_ALLOW"}]}""".formatted(BASICS)), "452"));
    }

    @Test
    void podmanDefaultProfileInstalls() throws Exception {
        Spec.Seccomp s = resource("podman-4.3-default.json");
        SeccompCompiler.Compiled c = SeccompCompiler.compile(s);
        assertTrue(result(c, "getpid").startsWith("ok "));
        assertEquals("errno 1", result(c, Integer.toString(x86_64("kexec_load")), "0", "0", "0", "0"));
        assertEquals("errno 38", result(c, Integer.toString(x86_64("add_key"))), "defaultErrnoRet");
        assertEquals("errno 38", result(c, "personality", "0x0400000"));
        assertTrue(result(c, "personality", "0xffffffff").startsWith("ok "));
        assertEquals("errno 22", result(c, "socket", "16", "3", "9"), "NETLINK_AUDIT");
        assertTrue(result(c, "socket", "16", "3", "0").startsWith("ok "), "NETLINK_ROUTE");

        Spec.Seccomp docker = new Spec.Seccomp(s.defaultAction(), 1L, s.architectures(), s.flags(), null, null, s.syscalls());
        SeccompCompiler.Compiled d = SeccompCompiler.compile(docker);
        assertEquals("errno 1", result(d, Integer.toString(x86_64("add_key"))));
        assertEquals("errno 38", result(d, "452"));
    }
}
