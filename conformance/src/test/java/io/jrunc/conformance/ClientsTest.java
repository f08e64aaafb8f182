package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real callers from Debian drive each runtime: podman (through conmon) with a private storage root,
 * and containerd (runc shim, `ctr --runc-binary`) as a private instance. The image is made here from
 * busybox-static: no registry. Each check asserts what the user sees: output, exit code, limits.
 */
class ClientsTest {
    static Path work;
    static Process containerd;
    /** The callers run jrunc with its default root, where it keeps compiled seccomp programs (SeccompCache). */
    static final Path DEFAULT_CACHE = Path.of("/run/jrunc/@seccomp");
    static boolean cacheExisted;

    static Stream<String> runtimes() { return ConformanceBase.runtimes(); }

    static String which(String cmd) { return Rt.binaryOf(cmd); }

    record Out(int code, String out) {}

    static Out sh(String... cmd) throws Exception {
        Path o = Files.createTempFile(work, "out", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(o.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("timed out: " + String.join(" ", cmd));
        }
        String s = Files.readString(o);
        Files.delete(o);
        return new Out(p.exitValue(), s);
    }

    static List<String> podman(String runtime, String... args) {
        List<String> c = new ArrayList<>(List.of("podman", "--root", work.resolve("podman").toString(), "--runroot",
                work.resolve("podman-run").toString(), "--cgroup-manager", "cgroupfs", "--events-backend", "file",
                "--runtime", Rt.binaryOf(runtime)));
        c.addAll(List.of(args));
        return c;
    }

    static Out p(String runtime, String... args) throws Exception { return sh(podman(runtime, args).toArray(String[]::new)); }

    static List<String> ctr(String... args) {
        List<String> c = new ArrayList<>(List.of("ctr", "-a", work.resolve("ctd/ctd.sock").toString(), "-n", "jrunc-test"));
        c.addAll(List.of(args));
        return c;
    }

    static Out c(String... args) throws Exception { return sh(ctr(args).toArray(String[]::new)); }

    // This host's root lacks CAP_SYS_RESOURCE and podman's default ulimits exceed the hard limits here:
    // every runtime fails without these (checked with runc).
    static final String[] LIMITS = {"--ulimit", "nofile=4096:4096", "--ulimit", "nproc=1000:1000"};

    static String[] run(String... rest) {
        List<String> a = new ArrayList<>(List.of("run"));
        a.addAll(List.of(LIMITS));
        a.addAll(List.of(rest));
        return a.toArray(String[]::new);
    }

    @BeforeAll
    static void image() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        work = Files.createTempDirectory("jrunc-clients");
        cacheExisted = Files.exists(DEFAULT_CACHE);
        Path rootfs = Files.createDirectories(work.resolve("image/rootfs"));
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String a : List.of("sh", "ls", "cat", "echo", "true", "sleep", "id", "ps", "grep", "touch", "tty", "head", "tr"))
            Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        for (String d : List.of("etc", "proc", "sys", "dev", "tmp")) Files.createDirectories(rootfs.resolve(d));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\n");
        Path tar = work.resolve("image/rootfs.tar");
        assertEquals(0, sh("tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".").code());
        if (which("podman") != null) {
            Out imp = sh(podman("runc", "import", tar.toString(), "localhost/jrunc-bb:latest").toArray(String[]::new));
            assertEquals(0, imp.code(), imp.out());
        }
        if (which("containerd") != null && which("ctr") != null && which("podman") != null) {
            Path ctd = Files.createDirectories(work.resolve("ctd"));
            Files.writeString(ctd.resolve("config.toml"), "version = 2\nroot = \"" + ctd.resolve("root") + "\"\nstate = \""
                    + ctd.resolve("state") + "\"\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = \""
                    + ctd.resolve("ctd.sock") + "\"\n");
            containerd = new ProcessBuilder("containerd", "--config", ctd.resolve("config.toml").toString())
                    .redirectErrorStream(true).redirectOutput(ctd.resolve("log").toFile()).start();
            for (int i = 0; i < 100 && !Files.exists(ctd.resolve("ctd.sock")); i++) Thread.sleep(50);
            Path oci = work.resolve("image/bb-oci.tar");
            assertEquals(0, sh(podman("runc", "save", "--format", "oci-archive", "-o", oci.toString(), "localhost/jrunc-bb:latest")
                    .toArray(String[]::new)).code());
            Out imp = c("images", "import", "--base-name", "localhost/jrunc-bb", oci.toString());
            assertEquals(0, imp.code(), imp.out());
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (work == null) return;
        if (which("podman") != null) {
            sh(podman("runc", "rm", "-af").toArray(String[]::new));
            sh(podman("runc", "rmi", "-af").toArray(String[]::new));
        }
        if (containerd != null) {
            containerd.destroy();
            containerd.waitFor(10, TimeUnit.SECONDS);
            containerd.destroyForcibly().waitFor();
        }
        // podman's storage leaves overlay mounts under its root until unmounted
        for (String l : Files.readAllLines(Path.of("/proc/self/mounts")))
            if (l.split(" ")[1].startsWith(work.toString())) sh("umount", "-l", l.split(" ")[1]);
        try (Stream<Path> w = Files.walk(work)) {
            w.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
        // a cache these tests made is theirs to remove; one that was there before is the machine's
        if (!cacheExisted && Files.isDirectory(DEFAULT_CACHE)) {
            try (Stream<Path> w = Files.walk(DEFAULT_CACHE)) {
                w.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
        // The callers' own parent cgroups (containerd's namespace, podman's libpod_parent): removed when
        // empty, so the machine is as we found it. rmdir of a busy cgroup fails and leaves it alone.
        for (int attempt = 0;; attempt++) {
            try (Stream<Path> s = Files.find(Path.of("/sys/fs/cgroup"), 5, (x, a) -> a.isDirectory()
                    && (x.getFileName().toString().equals("jrunc-test") || x.getFileName().toString().equals("libpod_parent")))) {
                for (Path d : s.sorted(Comparator.reverseOrder()).toList()) {
                    try (Stream<Path> kids = Files.walk(d)) {
                        kids.sorted(Comparator.reverseOrder()).filter(Files::isDirectory).forEach(x -> x.toFile().delete());
                    }
                }
                break;
            } catch (java.io.UncheckedIOException e) {
                // other containers' cgroups (other tests, other users of the host) come and go during the walk
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt >= 5) throw e;
            }
        }
        // the planners bin/jrunc started for the callers' roots under work (containerd's, podman's, buildah's)
        Planners.killUnder(work, 500);
    }

    private static void needPodman() { Assumptions.assumeTrue(which("podman") != null, "podman not installed"); }

    @ParameterizedTest @MethodSource("runtimes")
    void podmanRunExecTopPauseKillRm(String rt) throws Exception {
        needPodman();
        Out r = p(rt, run("--rm", "localhost/jrunc-bb:latest", "sh", "-c", "echo hello; exit 3"));
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("hello"), r.out());
        String n = "pd-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(0, p(rt, run("-d", "--name", n, "localhost/jrunc-bb:latest", "sleep", "1000")).code());
        try {
            Out ex = p(rt, "exec", n, "sh", "-c", "echo exec-ok; exit 4");
            assertEquals(4, ex.code(), ex.out());
            assertTrue(ex.out().contains("exec-ok"));
            assertEquals(127, p(rt, "exec", n, "no-such-cmd").code(), "podman maps 'executable file not found' to 127");
            Out top = p(rt, "top", n);
            assertEquals(0, top.code(), top.out());
            assertTrue(top.out().contains("sleep 1000"), top.out());
            assertEquals(0, p(rt, "pause", n).code());
            assertEquals("paused", p(rt, "inspect", "-f", "{{.State.Status}}", n).out().trim());
            assertEquals(0, p(rt, "unpause", n).code());
            assertEquals("running", p(rt, "inspect", "-f", "{{.State.Status}}", n).out().trim());
            assertEquals(0, p(rt, "stop", "-t", "2", n).code());
            assertEquals("exited", p(rt, "inspect", "-f", "{{.State.Status}}", n).out().trim());
        } finally {
            assertEquals(0, p(rt, "rm", "-f", n).code());
        }
        assertEquals(127, p(rt, run("--rm", "localhost/jrunc-bb:latest", "no-such-cmd")).code());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void podmanLimitsAndOptions(String rt) throws Exception {
        needPodman();
        Out lim = p(rt, run("--rm", "--memory", "64m", "--pids-limit", "30",
                "localhost/jrunc-bb:latest", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max"));
        assertEquals(0, lim.code(), lim.out());
        assertTrue(lim.out().contains("67108864") && lim.out().contains("30"), lim.out());
        Out opt = p(rt, run("--rm", "--read-only", "-v", work.resolve("image") + ":/mnt:ro",
                "--user", "1000:1000", "--cap-drop", "all", "localhost/jrunc-bb:latest", "sh", "-c",
                "id -u; ls /mnt; touch /x 2>/dev/null || echo ro-ok; touch /mnt/y 2>/dev/null || echo vol-ro; grep CapEff /proc/self/status"));
        assertEquals(0, opt.code(), opt.out());
        assertTrue(opt.out().contains("1000\n"), opt.out());
        assertTrue(opt.out().contains("rootfs.tar"), opt.out());
        assertTrue(opt.out().contains("ro-ok") && opt.out().contains("vol-ro"), opt.out());
        assertTrue(opt.out().contains("CapEff:\t0000000000000000"), opt.out());
        // --tmpfs asks for runc's tmpcopyup: the tmpfs over /etc starts with the image's /etc
        Out tmp = p(rt, run("--rm", "--tmpfs", "/etc", "localhost/jrunc-bb:latest", "sh", "-c",
                "grep ' /etc ' /proc/self/mountinfo | cut -d' ' -f9; cat /etc/group"));
        assertEquals(0, tmp.code(), tmp.out());
        assertTrue(tmp.out().startsWith("tmpfs") && tmp.out().contains("root:x:0:"), "--tmpfs copies up: " + tmp.out());
        Out cpus = p(rt, run("--rm", "--cpus", "0.5", "--init", "localhost/jrunc-bb:latest", "sh", "-c",
                "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us; cat /proc/1/cmdline | tr '\\0' ' '"));
        assertEquals(0, cpus.code(), cpus.out());
        assertTrue(cpus.out().contains("50000"), "--cpus 0.5 is a 50% quota: " + cpus.out());
        assertTrue(cpus.out().contains("/run/podman-init --"), "--init runs podman's init as pid 1: " + cpus.out());
        // -t: a pty through conmon's console socket; `script` gives podman a terminal of its own
        Out tty = sh("script", "-qec", String.join(" ", podman(rt, run("--rm", "-t", "localhost/jrunc-bb:latest", "tty"))), "/dev/null");
        assertEquals(0, tty.code(), tty.out());
        assertTrue(tty.out().contains("/dev/pts/"), tty.out());
        String n = "pl-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(0, p(rt, run("--name", n, "localhost/jrunc-bb:latest", "sh", "-c", "echo logged-line")).code());
        assertTrue(p(rt, "logs", n).out().contains("logged-line"));
        assertEquals(0, p(rt, "rm", n).code());
    }

    private static void needContainerd() {
        Assumptions.assumeTrue(containerd != null && containerd.isAlive(), "containerd not installed or not started");
    }

    @ParameterizedTest @MethodSource("runtimes")
    void containerdTasks(String rt) throws Exception {
        needContainerd();
        String bin = Rt.binaryOf(rt);
        String n = "ctd-" + UUID.randomUUID().toString().substring(0, 8);
        Out r = c("run", "--rm", "--runc-binary", bin, "localhost/jrunc-bb:latest", n + "-a", "sh", "-c", "echo hi-ctr; exit 6");
        assertEquals(6, r.code(), r.out());
        assertTrue(r.out().contains("hi-ctr"));
        assertEquals(0, c("run", "-d", "--runc-binary", bin, "--memory-limit", "67108864", "localhost/jrunc-bb:latest", n, "sleep", "1000").code());
        try {
            Out ex = c("tasks", "exec", "--exec-id", "e1", n, "sh", "-c", "echo in-exec; exit 2");
            assertEquals(2, ex.code(), ex.out());
            assertTrue(ex.out().contains("in-exec"));
            Out ps = c("tasks", "ps", n);
            assertEquals(0, ps.code(), ps.out());
            assertEquals(0, c("tasks", "pause", n).code());
            assertTrue(c("tasks", "ls").out().lines().anyMatch(l -> l.startsWith(n + " ") && l.contains("PAUSED")));
            assertEquals(0, c("tasks", "resume", n).code());
            Out m = c("tasks", "metrics", n);
            assertEquals(0, m.code(), m.out());
            assertTrue(m.out().contains("67108864") || m.out().contains("memory"), m.out());
            assertEquals(0, c("tasks", "kill", "-s", "SIGKILL", n).code());
            for (int i = 0; i < 100 && !c("tasks", "ls").out().lines().anyMatch(l -> l.startsWith(n + " ") && l.contains("STOPPED")); i++)
                Thread.sleep(50);
        } finally {
            c("tasks", "delete", "-f", n);
            assertEquals(0, c("containers", "rm", n).code());
        }
        Out tty = sh("script", "-qec", String.join(" ", ctr("run", "--rm", "--tty", "--runc-binary", bin,
                "localhost/jrunc-bb:latest", n + "-t", "tty")), "/dev/null");
        assertEquals(0, tty.code(), tty.out());
        assertTrue(tty.out().contains("/dev/pts/"), tty.out());
        Out ro = c("run", "--rm", "--runc-binary", bin, "--read-only", "--mount", "type=bind,src=" + work.resolve("image") + ",dst=/mnt,options=rbind:ro",
                "localhost/jrunc-bb:latest", n + "-m", "sh", "-c", "ls /mnt; touch /x 2>/dev/null || echo ro-ok");
        assertEquals(0, ro.code(), ro.out());
        assertTrue(ro.out().contains("rootfs.tar") && ro.out().contains("ro-ok"), ro.out());
        // containerd's default seccomp profile (what Kubernetes' RuntimeDefault gives) denies keyctl with
        // EPERM; without noNewPrivileges (--allow-new-privs, as Kubernetes by default) the keyring must be
        // joined before the filter
        Out sc = c("run", "--rm", "--seccomp", "--allow-new-privs", "--runc-binary", bin, "localhost/jrunc-bb:latest", n + "-s",
                "sh", "-c", "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status");
        assertEquals(0, sc.code(), sc.out());
        assertTrue(sc.out().contains("Seccomp:\t2") && sc.out().contains("NoNewPrivs:\t0"), sc.out());
    }

    @ParameterizedTest @MethodSource("runtimes")
    void buildahRun(String rt) throws Exception {
        needPodman();
        Assumptions.assumeTrue(which("buildah") != null, "buildah not installed");
        List<String> b = List.of("buildah", "--root", work.resolve("podman").toString(), "--runroot", work.resolve("podman-run").toString());
        List<String> from = new ArrayList<>(b);
        from.addAll(List.of("from", "localhost/jrunc-bb:latest"));
        Out f = sh(from.toArray(String[]::new));
        assertEquals(0, f.code(), f.out());
        String ctr = f.out().trim().lines().reduce((x, y) -> y).orElseThrow();
        try {
            List<String> run = new ArrayList<>(b);
            run.addAll(List.of("run", "--runtime", Rt.binaryOf(rt), ctr, "--", "sh", "-c", "echo built-by-buildah; id -u"));
            Out r = sh(run.toArray(String[]::new));
            assertEquals(0, r.code(), r.out());
            assertTrue(r.out().contains("built-by-buildah\n0"), r.out());
        } finally {
            List<String> rm = new ArrayList<>(b);
            rm.addAll(List.of("rm", ctr));
            sh(rm.toArray(String[]::new));
        }
    }
}
