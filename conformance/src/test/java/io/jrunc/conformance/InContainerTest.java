package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the container sees from inside, read from /proc and the filesystem, for each runtime. */
class InContainerTest extends ConformanceBase {


    static long capMask(List<String> names) {
        List<String> all = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
                "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
                "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
                "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN");
        long m = 0;
        for (String n : names) m |= 1L << all.indexOf(n);
        return m;
    }


    @ParameterizedTest @MethodSource("runtimes")
    void processIdentityCapsAndLimits(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo host=$(hostname); echo pid=$$; echo id=$(id); echo cwd=$(pwd); echo foo=$FOO; "
                + "echo umask=$(umask); grep -E '^(CapBnd|CapEff|CapPrm|CapAmb|NoNewPrivs):' /proc/self/status; "
                + "echo nofile=$(grep 'Max open files' /proc/self/limits | tr -s ' ' | cut -d' ' -f4,5); "
                + "echo oom=$(cat /proc/self/oom_score_adj)");
        b.config.put("hostname", "conf-host");
        ObjectNode user = b.process().putObject("user");
        user.put("uid", 1000).put("gid", 1000).put("umask", 0077);
        user.putArray("additionalGids").add(10).add(20);
        b.process().put("cwd", "/tmp");
        ((ArrayNode) b.process().get("env")).add("FOO=bar baz");
        b.process().put("noNewPrivileges", true);
        b.process().put("oomScoreAdj", 123);
        ObjectNode caps = b.process().putObject("capabilities");
        // A non-root process keeps capabilities across execve only through the ambient set.
        for (String set : List.of("bounding", "effective", "permitted", "inheritable", "ambient"))
            caps.putArray(set).add("CAP_KILL").add("CAP_NET_RAW");
        ArrayNode rl = b.process().putArray("rlimits");
        rl.addObject().put("type", "RLIMIT_NOFILE").put("hard", 2048).put("soft", 1000);
        String out = runIn(r, b);
        assertEquals("conf-host", line(out, "host="));
        assertEquals("1", line(out, "pid="));
        assertEquals("uid=1000 gid=1000 groups=10,20", line(out, "id="));
        assertEquals("/tmp", line(out, "cwd="));
        assertEquals("bar baz", line(out, "foo="));
        assertEquals("0077", line(out, "umask="));
        long want = capMask(List.of("CAP_KILL", "CAP_NET_RAW"));
        assertEquals(want, Long.parseLong(line(out, "CapBnd:"), 16));
        assertEquals(want, Long.parseLong(line(out, "CapEff:"), 16));
        assertEquals(want, Long.parseLong(line(out, "CapPrm:"), 16));
        assertEquals(want, Long.parseLong(line(out, "CapAmb:"), 16));
        assertEquals("1", line(out, "NoNewPrivs:"));
        assertEquals("1000 2048", line(out, "nofile="));
        assertEquals("123", line(out, "oom="));
    }

    @ParameterizedTest @MethodSource("runtimes")
    void filesystemMountsMasksAndReadonly(String name) throws Exception {
        Rt r = rt(name);
        Path host = Files.createDirectories(tmp.resolve("hostdir"));
        Files.writeString(host.resolve("file"), "from-host");
        TestBundle b = bundle().sh("cat /mnt/host/file; echo; touch /mnt/host/x 2>/dev/null && echo bindrw || echo bindro; "
                + "touch /x 2>/dev/null && echo rootrw || echo rootro; "
                + "touch /data/x && echo tmpfsrw; grep ' /data ' /proc/self/mountinfo; "
                + "echo kcore=$(cat /proc/kcore 2>/dev/null | wc -c); "
                + "touch /proc/sys/kernel/x 2>/dev/null && echo sysrw || echo sysro; "
                + "stat -c 'dev %n %F %t:%T %a' /dev/null /dev/zero /dev/urandom /dev/tty; "
                + "ls /dev/pts >/dev/null && echo pts-ok; readlink /dev/fd");
        ArrayNode m = b.mounts();
        ObjectNode bind = m.addObject();
        bind.put("destination", "/mnt/host").put("type", "bind").put("source", host.toString());
        bind.putArray("options").add("rbind").add("ro");
        ObjectNode t = m.addObject();
        t.put("destination", "/data").put("type", "tmpfs").put("source", "tmpfs");
        t.putArray("options").add("size=1m").add("mode=755").add("nosuid");
        b.config.with("root").put("readonly", true);
        String out = runIn(r, b);
        assertTrue(out.contains("from-host"), out);
        assertTrue(out.contains("bindro"), out);
        assertTrue(out.contains("rootro"), out);
        assertTrue(out.contains("tmpfsrw"), out);
        String data = line(out, "");
        assertTrue(out.lines().anyMatch(l -> l.contains(" /data ") && l.contains("nosuid") && l.contains("- tmpfs ") && l.contains("size=1024k")), out);
        assertEquals("0", line(out, "kcore="), "masked /proc/kcore reads empty");
        assertTrue(out.contains("sysro"), out);
        assertTrue(out.contains("dev /dev/null character special file 1:3 666"), out);
        assertTrue(out.contains("dev /dev/zero character special file 1:5 666"), out);
        assertTrue(out.contains("dev /dev/urandom character special file 1:9 666"), out);
        assertTrue(out.contains("dev /dev/tty character special file 5:0 666"), out);
        assertTrue(out.contains("pts-ok"), out);
        assertTrue(out.contains("/proc/self/fd"), out);
        assertNotNull(data);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void namespacesSysctlAndCgroupLimits(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo fwd=$(cat /proc/sys/net/ipv4/ip_forward); "
                + "echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); echo pids=$(cat /sys/fs/cgroup/pids/pids.max); "
                + "for n in net ipc uts mnt pid; do echo ns-$n=$(readlink /proc/self/ns/$n); done");
        b.linux().putObject("sysctl").put("net.ipv4.ip_forward", "1");
        ObjectNode res = b.linux().with("resources");
        res.putObject("memory").put("limit", 50 * 1024 * 1024);
        res.putObject("pids").put("limit", 33);
        String out = runIn(r, b);
        assertEquals("1", line(out, "fwd="));
        assertEquals(Long.toString(50L * 1024 * 1024), line(out, "mem="));
        assertEquals("33", line(out, "pids="));
        for (String n : List.of("net", "ipc", "uts", "mnt", "pid")) {
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns/" + n)).toString();
            assertNotEquals(host, line(out, "ns-" + n + "="), n + " namespace must be new");
        }
    }

    /** runc's tmpcopyup (podman's default for --tmpfs): the new tmpfs starts with a copy of what it covers. */
    @ParameterizedTest @MethodSource("runtimes")
    void tmpfsCopyUp(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("grep ' /data ' /proc/self/mountinfo | cut -d' ' -f9; cat /data/file; "
                + "stat -c 'st %n %u:%g %a %F' /data /data/file /data/sub /data/sub/deep /data/link; readlink /data/link; "
                + "cat /data/sub/deep; echo more >> /data/sub/deep && echo written");
        Path data = Files.createDirectories(b.dir.resolve("rootfs/data/sub"));
        Files.writeString(data.getParent().resolve("file"), "from-image\n");
        Files.writeString(data.resolve("deep"), "deep-file\n");
        Files.createSymbolicLink(data.getParent().resolve("link"), Path.of("sub/deep"));
        for (Path p : List.of(data.getParent(), data.getParent().resolve("file"), data, data.resolve("deep")))
            Files.setAttribute(p, "unix:uid", 1000);
        Files.setPosixFilePermissions(data.getParent().resolve("file"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(data.getParent(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        Files.setPosixFilePermissions(data.resolve("deep"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        ObjectNode m = b.mounts().addObject();
        m.put("destination", "/data").put("type", "tmpfs").put("source", "tmpfs");
        m.putArray("options").add("nosuid").add("tmpcopyup");
        String out = runIn(r, b);
        assertTrue(out.startsWith("tmpfs\n"), name + ": /data is a tmpfs: " + out);
        assertTrue(out.contains("from-image") && out.contains("deep-file"), name + ": content copied: " + out);
        assertEquals("0:0 750 directory", line(out, "st /data "), out + ": the tmpfs root keeps root's ownership, gets the mode");
        assertEquals("1000:0 640 regular file", line(out, "st /data/file "), out);
        assertEquals("1000:0 755 directory", line(out, "st /data/sub "), out);
        assertEquals("1000:0 666 regular file", line(out, "st /data/sub/deep "), out);
        assertEquals("symbolic link", line(out, "st /data/link ").replaceFirst("^\\S+ \\S+ ", ""), out);
        assertEquals("sub/deep", out.lines().filter(l -> l.equals("sub/deep")).findFirst().orElse(""), out);
        assertTrue(out.contains("written"), out);
        assertEquals("deep-file\n", Files.readString(data.resolve("deep")), name + ": writes go to the tmpfs, not to the image");
    }

    @ParameterizedTest @MethodSource("runtimes")
    void userNamespaceMapsIds(String name) throws Exception {
        Rt r = rt(name);
        // mknod is refused in a user namespace: the default devices must be bind mounts of the host's nodes
        TestBundle b = bundle().sh("cat /proc/self/uid_map; cat /proc/self/gid_map; echo id=$(id -u); "
                + "stat -c 'dev %n %t:%T %u' /dev/null /dev/zero /dev/urandom; echo x > /dev/null && echo devnull-ok; "
                + "echo zero=$(head -c 4 /dev/zero | wc -c); echo setgroups=$(cat /proc/self/setgroups)");
        b.linux().withArray("namespaces").addObject().put("type", "user");
        b.linux().putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        b.linux().putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        // The mapped root (host uid 100000) must be able to reach the rootfs: temp dirs are 0700.
        for (Path p = b.dir.resolve("rootfs"); p.startsWith(tmp); p = p.getParent())
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String out = runIn(r, b);
        assertTrue(out.lines().anyMatch(l -> l.trim().replaceAll("\\s+", " ").equals("0 100000 65536")), out);
        assertEquals("0", line(out, "id="));
        // host-owned nodes, seen through the mapping as the overflow uid
        assertEquals("1:3 65534", line(out, "dev /dev/null"), out);
        assertEquals("1:5 65534", line(out, "dev /dev/zero"), out);
        assertEquals("1:9 65534", line(out, "dev /dev/urandom"), out);
        assertTrue(out.contains("devnull-ok"), out);
        assertEquals("4", line(out, "zero="));
        assertEquals("allow", line(out, "setgroups="), "root on the host may keep setgroups (runc)");
    }

    @ParameterizedTest @MethodSource("runtimes")
    void timeNamespaceOffsets(String name) throws Exception {
        Assumptions.assumeTrue(name.equals("jrunc"), "runc 1.1 has no time namespace support");
        Rt r = rt(name);
        TestBundle b = bundle().sh("cat /proc/self/timens_offsets");
        b.linux().withArray("namespaces").addObject().put("type", "time");
        b.linux().putObject("timeOffsets").putObject("monotonic").put("secs", 86400).put("nanosec", 0);
        String out = runIn(r, b);
        assertTrue(out.lines().anyMatch(l -> l.trim().replaceAll("\\s+", " ").equals("monotonic 86400 0")), out);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void noPivotDomainnameDevicesAndNoLeakedFds(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("echo dom=$(cat /proc/sys/kernel/domainname); stat -c 'dev %n %F %t:%T %a %u:%g' /dev/fuse-like; "
                + "echo fds=$(ls /proc/self/fd | tr '\\n' ' '); echo root=$(grep ' / / ' /proc/self/mountinfo | wc -l)");
        b.config.put("domainname", "example.org");
        ObjectNode d = b.linux().putArray("devices").addObject();
        d.put("path", "/dev/fuse-like").put("type", "c").put("major", 10).put("minor", 229).put("fileMode", 0640).put("uid", 7).put("gid", 8);
        b.write();
        Rt.Result res = r.run("run", "--no-pivot", "-b", b.dir.toString(), id);
        assertEquals(0, res.code(), r + ": " + res);
        String out = res.out();
        // runc 1.1.5 (Debian 12) predates domainname support (runc 1.2): only checked where supported.
        if (!name.equals("runc")) assertEquals("example.org", line(out, "dom="));
        assertTrue(out.contains("dev /dev/fuse-like character special file a:e5 640 7:8"), out);
        // ls itself holds one directory fd (3): nothing of the runtime is inherited.
        assertEquals("0 1 2 3", line(out, "fds="));
    }

    @ParameterizedTest @MethodSource("runtimes")
    void preservedFdsReachTheContainer(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("cat <&3; echo fds=$(ls /proc/self/fd | tr '\\n' ' ')");
        b.write();
        Path f = tmp.resolve("fd3");
        Files.writeString(f, "through-fd-3\n");
        // The shell opens fd 3 for the runtime, which must hand exactly it (and stdio) to the container.
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "exec 3<\"$0\"; exec \"$@\"", f.toString(), r.binary,
                "--root", r.root.toString(), "run", "--preserve-fds", "1", "-b", b.dir.toString(), id)
                .redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("through-fd-3"), out);
        assertEquals("0 1 2 3 4", line(out, "fds="), "fd 3 preserved, 4 is ls's own");
    }

    @ParameterizedTest @MethodSource("runtimes")
    void containerHooksRunInsideTheContainer(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("cat /tmp/started");
        ObjectNode hooks = b.config.putObject("hooks");
        ObjectNode cc = hooks.putArray("createContainer").addObject();
        cc.put("path", "/bin/sh");
        cc.putArray("args").add("sh").add("-c").add("readlink /proc/self/ns/uts > " + tmp.resolve("cc-uts") + "; cat > " + tmp.resolve("cc-state"));
        ObjectNode sc = hooks.putArray("startContainer").addObject();
        sc.put("path", "/bin/sh");
        sc.putArray("args").add("sh").add("-c").add("hostname > /tmp/started; cat >> /tmp/started");
        b.config.put("hostname", "hooked");
        b.config.with("root").put("readonly", false);
        b.write();
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        assertEquals(0, res.code(), r + ": " + res);
        // startContainer ran in the container (its hostname, its /tmp); createContainer in its uts namespace.
        String[] out = res.out().trim().split("\n", 2);
        assertEquals("hooked", out[0]);
        String hostUts = Files.readSymbolicLink(Path.of("/proc/self/ns/uts")).toString();
        assertNotEquals(hostUts, Files.readString(tmp.resolve("cc-uts")).trim());
        // The state on stdin: createContainer runs during create, startContainer at start of a created container (runc).
        assertEquals("creating", TestBundle.parse(Files.readString(tmp.resolve("cc-state"))).get("status").asText());
        assertEquals(2, out.length, "startContainer got no state on stdin: " + res);
        assertEquals("created", TestBundle.parse(out[1]).get("status").asText(), out[1]);
        assertEquals(id, TestBundle.parse(out[1]).get("id").asText());
    }

    /**
     * No mount namespace in the config: the container shares the runtime's (config-linux.md: an unlisted
     * namespace is inherited), its mounts are made there under the rootfs, and jrunc's delete unmounts them
     * (runc 1.1.5 leaves them on the host: the test detaches them after runc). Masked paths need a mount
     * namespace of the container's own: refused, naming the field, leaving nothing.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void noMountNamespaceSharesTheRuntimesAndLeavesNoMount(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = bundle().sh("readlink /proc/self/ns/mnt; cat /proc/self/mountinfo | wc -l");
        com.fasterxml.jackson.databind.node.ArrayNode nss = b.linux().putArray("namespaces");
        nss.addObject().put("type", "pid");
        nss.addObject().put("type", "uts");
        b.linux().remove("maskedPaths");
        b.linux().remove("readonlyPaths");
        b.config.with("root").put("readonly", false); // needs a namespace of its own (runc ignores it then)
        // a mount the host had under the rootfs before create is not the container's: it stays
        String rootfs = b.dir.resolve("rootfs").toString();
        Files.createDirectories(Path.of(rootfs, "premounted"));
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "pre", rootfs + "/premounted").start().waitFor());
        String out = runIn(r, b);
        assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString(), out.split("\n")[0], out);
        List<String> left = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mp = l.split(" ")[4];
            if (mp.startsWith(rootfs)) left.add(mp);
        }
        assertTrue(left.contains(rootfs + "/premounted"), name + ": " + left);
        if (!name.equals("runc")) assertEquals(List.of(rootfs + "/premounted"), left, name + " left mounts on the host");
        java.util.Collections.reverse(left);
        for (String mp : left) new ProcessBuilder("umount", "-l", mp).start().waitFor();

        TestBundle masked = bundle().sh("true");
        com.fasterxml.jackson.databind.node.ArrayNode mnss = masked.linux().putArray("namespaces");
        mnss.addObject().put("type", "pid");
        mnss.addObject().put("type", "uts");
        masked.config.with("root").put("readonly", false);
        masked.write();
        Rt.Result res = r.run("run", "-b", masked.dir.toString(), id + "-m");
        assertNotEquals(0, res.code(), res.toString());
        if (name.equals("jrunc")) assertTrue(res.err().contains("/linux/maskedPaths"), res.toString());
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo")))
            assertFalse(l.split(" ")[4].startsWith(masked.dir.toString()), name + " left a mount: " + l);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void seccompFilterReturnsTheConfiguredErrno(String name) throws Exception {
        Rt r = rt(name);
        TestBundle b = mkdirDenied(bundle().sh("grep -E '^Seccomp:' /proc/self/status; mkdir /tmp/x 2>&1; echo pid=$$"), 13);
        ObjectNode sc = (ObjectNode) b.linux().get("seccomp");
        ((ArrayNode) sc.get("syscalls").get(0).get("names")).add("not_a_syscall_here");
        // an argument rule: personality(0xffffffff) (a query) allowed, anything else EPERM
        ObjectNode p = sc.withArray("syscalls").addObject();
        p.putArray("names").add("personality");
        p.put("action", "SCMP_ACT_ERRNO");
        p.putArray("args").addObject().put("index", 0).put("value", 4294967295L).put("op", "SCMP_CMP_NE");
        String out = runIn(r, b);
        assertEquals("2", line(out, "Seccomp:"), "filter mode");
        assertTrue(out.contains("Permission denied"), "mkdir gets errnoRet 13 (EACCES): " + out);
        assertEquals("1", line(out, "pid="));
    }

    private static TestBundle mkdirDenied(TestBundle b, int errno) {
        b.config.with("root").put("readonly", false);
        ObjectNode sc = b.linux().putObject("seccomp");
        sc.put("defaultAction", "SCMP_ACT_ALLOW");
        sc.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86");
        ObjectNode rule = sc.putArray("syscalls").addObject();
        rule.putArray("names").add("mkdir").add("mkdirat");
        rule.put("action", "SCMP_ACT_ERRNO").put("errnoRet", errno);
        return b;
    }

    private static List<Path> entries(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * jrunc keeps compiled seccomp programs in <root>/@seccomp: the same profile again runs the stored
     * program (one entry, not rewritten), and what runs is the stored program: an entry given another
     * profile's program shows that program's errno in the container.
     */
    @ParameterizedTest @MethodSource("runtimes")
    void seccompProgramsComeFromTheCacheTheSecondTime(String name) throws Exception {
        Assumptions.assumeTrue(name.equals("jrunc"), "jrunc's own cache");
        Rt r = rt(name);
        String sh = "mkdir /tmp/x 2>&1; grep -E '^Seccomp:' /proc/self/status";
        TestBundle a = mkdirDenied(bundle().sh(sh), 13);
        assertTrue(runIn(r, a).contains("Permission denied"));
        Path cache = r.root.resolve("@seccomp");
        List<Path> first = entries(cache);
        assertEquals(1, first.size(), "one profile, one entry: " + first);
        long written = Files.getLastModifiedTime(first.get(0)).toMillis();
        Thread.sleep(20);
        String again = runIn(r, a);
        assertTrue(again.contains("Permission denied"), again);
        assertEquals("2", line(again, "Seccomp:"));
        assertEquals(first, entries(cache), "a hit adds nothing");
        assertEquals(written, Files.getLastModifiedTime(first.get(0)).toMillis(), "a hit rewrites nothing");

        TestBundle b = mkdirDenied(bundle().sh(sh), 39); // ENOTEMPTY
        assertTrue(runIn(r, b).contains("Directory not empty"));
        List<Path> both = entries(cache);
        assertEquals(2, both.size());
        Path ea = first.get(0), eb = both.get(both.get(0).equals(ea) ? 1 : 0);
        // entry: magic line, key length, key, flags, program length, program (SeccompCache)
        java.nio.ByteBuffer x = java.nio.ByteBuffer.wrap(Files.readAllBytes(ea)), y = java.nio.ByteBuffer.wrap(Files.readAllBytes(eb));
        int magic = "jrunc-seccomp-cache 1\n".length();
        int ka = x.getInt(magic), kb = y.getInt(magic);
        byte[] headA = java.util.Arrays.copyOf(x.array(), magic + 4 + ka);
        byte[] tailB = java.util.Arrays.copyOfRange(y.array(), magic + 4 + kb, y.capacity());
        byte[] swapped = new byte[headA.length + tailB.length];
        System.arraycopy(headA, 0, swapped, 0, headA.length);
        System.arraycopy(tailB, 0, swapped, headA.length, tailB.length);
        Files.write(ea, swapped);
        String fromCache = runIn(r, a);
        assertTrue(fromCache.contains("Directory not empty"), "profile A ran the program stored for it: " + fromCache);
    }
}
