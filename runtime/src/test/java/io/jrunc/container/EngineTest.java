package io.jrunc.container;

import static io.jrunc.container.FakeLinux.eof;
import static io.jrunc.container.FakeLinux.msg;
import static io.jrunc.container.FakeLinux.timeout;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.ConfigException;
import io.jrunc.ContainerExistsException;
import io.jrunc.JruncException;
import io.jrunc.NoSuchContainerException;
import io.jrunc.StatusException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.lsm.Lsm;
import io.jrunc.plan.HostFacts;
import io.jrunc.plan.PlanReader;
import io.jrunc.plan.Tag;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.StateStore;
import io.jrunc.state.Status;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * create, exec and delete on a recording fake kernel ({@link FakeLinux}) and cgroup driver
 * ({@link FakeCgroups}): no root, no native library. For each step of create that can fail: the error
 * the caller gets, and that exactly what existed was taken back (the init killed and reaped, the helper
 * reaped, every fd closed, the cgroup destroyed, the state directory removed).
 */
class EngineTest {
    static final Path INIT = Path.of("/nonexistent/jrunc-init");
    static final int INIT_PID = 4242, EXEC_PID = 5000, HELPER = 1000;

    @TempDir Path tmp;
    FakeLinux sys;
    FakeCgroups cgroups;
    Path root;
    List<String> warnings;
    int bundles;

    @BeforeEach
    void setUp() {
        sys = new FakeLinux();
        cgroups = new FakeCgroups(tmp.resolve("cgroup"), sys);
        root = tmp.resolve("root");
        warnings = Collections.synchronizedList(new ArrayList<>());
    }

    Engine engine() { return engine(false, false); }

    Engine engine(boolean rootless, boolean systemd) {
        return Engine.builder(root).kernel(sys).cgroups(cgroups).warnings(warnings::add)
                .rootlessCgroups(rootless).systemdCgroup(systemd)
                .hostFacts(new HostFacts(new Lsm(tmp.resolve("no-lsm")), rootless, false))
                .seccompCache(false).initBinary(INIT).build();
    }

    /** A bundle: config.json with a mount and a pid namespace (no seccomp, no hooks) plus extras, and an empty rootfs. */
    Path bundle(String linuxExtra, String topExtra) {
        String json = """
                {"ociVersion":"1.3.0","root":{"path":"rootfs"},
                 "process":{"args":["/bin/app","arg"],"cwd":"/","env":["PATH=/bin"],"user":{"uid":0,"gid":0}},
                 "linux":{"namespaces":[{"type":"mount"},{"type":"pid"}]%s}%s}
                """.formatted(linuxExtra.isEmpty() ? "" : "," + linuxExtra, topExtra.isEmpty() ? "" : "," + topExtra);
        // a /dev mount unless the test gives its own mounts (without one the planner warns)
        if (!topExtra.contains("\"mounts\"")) json = json.replace("\"root\":{", DEV + ",\"root\":{");
        return bundleOf(json);
    }

    static final String DEV = "\"mounts\":[{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]";

    Path bundle() { return bundle("", ""); }

    Path bundleOf(String json) {
        Path b = tmp.resolve("bundle" + bundles++);
        try {
            Files.createDirectories(b.resolve("rootfs"));
            Files.writeString(b.resolve("config.json"), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b;
    }

    Path dir(String id) { return root.resolve(id); }

    static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String cgdir(String id) { return tmp.resolve("cgroup").resolve(id).toString(); }

    static CreateOptions keep(String id, Path bundle) {
        return new CreateOptions(id, bundle, null, null, false, false, 0, null, true);
    }

    static CreateOptions pidFile(String id, Path bundle, Path pidFile) {
        return new CreateOptions(id, bundle, pidFile.toString(), null, false, false, 0, null, false);
    }

    // ---- what each undo must show --------------------------------------------------------------------

    /** Nothing of the container is left: state dir gone, every fd closed, every helper reaped, no live init. */
    void assertNothingLeft(String id) {
        assertFalse(Files.exists(dir(id)), "state directory removed");
        assertEquals(Set.of(), sys.openFds(), "every fd the kernel gave is closed");
        assertEquals(Set.of(), sys.unreaped(), "every process (helper, init) reaped: " + sys.calls());
        assertEquals(0, sys.blockingWaitsOnLive, "no wait on a live process");
    }

    /** The init existed: SIGKILLed, then reaped. */
    void assertInitKilledAndReaped(int pid) {
        int kill = sys.indexOf("kill", pid, Signals.SIGKILL);
        int wait = sys.indexOf("waitpid", pid, 0);
        assertTrue(kill >= 0, "SIGKILL sent to " + pid + ": " + sys.calls());
        assertTrue(wait > kill, "reaped after the kill: " + sys.calls());
        assertFalse(sys.alive(pid));
        assertTrue(sys.reaped(pid));
    }

    /** No container process was ever known: nothing to kill. */
    void assertNoInit() {
        assertTrue(sys.calls("kill").stream().allMatch(c -> (int) c.arg(0) == HELPER), "no init killed: " + sys.calls());
        assertTrue(sys.calls("startTime").isEmpty());
    }

    /** The cgroup was made and is destroyed, after it was made, and never given the container's processes. */
    void assertCgroupDestroyed(String id) {
        List<String> ev = cgroups.events();
        assertTrue(ev.contains("destroy " + cgdir(id)), "cgroup destroyed: " + ev);
        assertEquals("destroy " + cgdir(id), ev.get(ev.size() - 1), "destroy last: " + ev);
        assertFalse(Files.exists(Path.of(cgdir(id))));
    }

    /** The plan went out but no `go`: the engine's end of the sync socket got only the plan. */
    void assertNoGo() {
        int sock = sys.socketpairs().get(0)[0];
        assertTrue(sys.sentOn(sock).stream().noneMatch(m -> m.startsWith("go\n")), "no go sent");
    }

    String goMessage(int sock) {
        return sys.sentOn(sock).stream().filter(m -> m.startsWith("go\n")).findFirst().orElseThrow();
    }

    // ---- create: success ----------------------------------------------------------------------------

    @Nested
    class CreateSucceeds {
        @Test
        void writesStateFastFilesAndFifoSendsThePlanAndGoWithTheHookStates() throws IOException {
            Path b = bundle();
            Engine e = engine();
            ContainerState s = e.create(CreateOptions.of("c1", b));

            // the kernel calls, in order (the cgroup setup thread's create/apply run meanwhile: filtered out)
            List<String> kernel = sys.names().stream().filter(n -> !n.equals("cgroup.create") && !n.equals("cgroup.apply")).toList();
            assertEquals(List.of("mkfifo", "socketpair", "sealedCopy", "spawn", "close", "close", "send", "recv", "waitpid",
                    "startTime", "cgroup.addProcess", "send", "recv", "close"), kernel);
            int[] sp = sys.socketpairs().get(0);
            FakeLinux.Call spawn = sys.calls("spawn").get(0);
            int exe = (int) sys.calls("close").get(0).arg(0);
            assertEquals("/proc/self/fd/" + exe, spawn.arg(0), "spawned from the sealed copy");
            assertEquals(INIT.toString(), sys.calls("sealedCopy").get(0).arg(0));
            assertArrayEquals(new String[]{"jrunc-init", "init", Integer.toString(sp[1])}, (String[]) spawn.arg(1));
            assertArrayEquals(new int[]{sp[1]}, (int[]) spawn.arg(4), "only the child's socket end is kept");
            assertTrue(sys.called("waitpid", HELPER, 0), "helper reaped");
            assertEquals(Set.of(), sys.openFds());

            // the plan: the process and the fifo
            List<PlanReader.Rec> plan = PlanReader.plan(sys.sentBytesOn(sp[0]).get(0));
            assertEquals(List.of("/bin/app", "arg"), PlanReader.all(plan, Tag.ARG).stream().map(PlanReader.Rec::str).toList());
            assertEquals(dir("c1").resolve("exec.fifo").toString(), PlanReader.all(plan, Tag.FIFO_PATH).get(0).str());

            // go with the hook states: "creating" for createContainer, "created" for startContainer
            String[] go = goMessage(sp[0]).split("\n");
            assertEquals(3, go.length);
            Map<String, Object> creating = Json.parseObject(go[1].getBytes(StandardCharsets.UTF_8));
            Map<String, Object> created = Json.parseObject(go[2].getBytes(StandardCharsets.UTF_8));
            assertEquals("creating", creating.get("status"));
            assertEquals("created", created.get("status"));
            assertEquals(INIT_PID, ((Number) created.get("pid")).intValue());
            assertEquals("c1", created.get("id"));
            assertEquals(b.toString(), created.get("bundle"));

            // the state directory
            Path d = dir("c1");
            for (String f : List.of(StateStore.STATE, StateStore.CONFIG, StateStore.FIFO, StateStore.FAST,
                    StateStore.TEMPLATE, StateStore.LIST_TEMPLATE))
                assertTrue(Files.exists(d.resolve(f)), f);
            assertArrayEquals(Files.readAllBytes(b.resolve("config.json")), Files.readAllBytes(d.resolve(StateStore.CONFIG)));
            assertEquals(Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                    java.nio.file.attribute.PosixFilePermission.GROUP_WRITE, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE),
                    Files.getPosixFilePermissions(d.resolve(StateStore.FIFO)));
            ContainerState saved = e.load("c1");
            assertEquals(s, saved);
            assertEquals(INIT_PID, saved.pid());
            assertEquals(100_000L + INIT_PID, saved.initStartTime());
            assertEquals(Map.of("", cgdir("c1")), saved.cgroupPaths());
            assertTrue(saved.createdCgroup());
            String fast = Files.readString(d.resolve(StateStore.FAST));
            assertTrue(fast.contains("pid " + INIT_PID + "\n"), fast);
            assertTrue(fast.contains("cgroup " + cgdir("c1") + "\n"), fast);
            assertTrue(fast.startsWith(StateStore.FAST_VERSION + "\n"), fast);
            assertTrue(fast.contains("freezer " + cgdir("c1") + "/cgroup.freeze\nfrozen 1\nthawed 0\n"), fast);
            assertTrue(Files.readString(d.resolve(StateStore.TEMPLATE)).contains("\"pid\": @PID@"));
            assertEquals(Status.CREATED, e.status(saved));

            // the cgroup: made, limited, the init in it; nothing killed or destroyed
            assertEquals(List.of("create " + cgdir("c1"), "apply " + cgdir("c1"), "addProcess " + cgdir("c1") + " " + INIT_PID),
                    cgroups.events());
            assertTrue(sys.calls("kill").isEmpty());
            assertTrue(sys.alive(INIT_PID));
            assertEquals(List.of(), warnings);
        }

        @Test
        void pidFileHasTheInitsPid() throws IOException {
            Path pf = tmp.resolve("c1.pid");
            engine().create(pidFile("c1", bundle(), pf));
            assertEquals(Integer.toString(INIT_PID), Files.readString(pf));
        }

        @Test
        void rootlessMakesTheCgroupBeforeTheInitIsSpawned() {
            engine(true, false).create(CreateOptions.of("c1", bundle()));
            int made = sys.indexOf("cgroup.apply", cgdir("c1"));
            assertTrue(made >= 0 && made < sys.names().indexOf("spawn"), sys.calls().toString());
            assertEquals(List.of("c1", "null", false, true), cgroups.forContainerCalls.get(0));
            assertTrue(sys.called("cgroup.addProcess", cgdir("c1"), INIT_PID));
        }

        @Test
        void startReleasesTheFifoAndTheContainerRuns() {
            Engine e = engine();
            e.create(CreateOptions.of("c1", bundle()));
            e.start("c1");
            assertFalse(Files.exists(dir("c1").resolve(StateStore.FIFO)));
            assertEquals(Status.RUNNING, e.status(e.load("c1")));
            StatusException x = assertThrows(StatusException.class, () -> e.start("c1"));
            assertEquals(Status.RUNNING, x.status());
        }
    }

    // ---- create: each failure point --------------------------------------------------------------------

    @Nested
    class CreateFails {
        @Test
        void badConfigNamesTheFieldAndCreatesNothing() {
            Path b = bundleOf("""
                    {"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":{"args":[],"cwd":"/"},
                     "linux":{"namespaces":[{"type":"mount"}]}}""");
            ConfigException x = assertThrows(ConfigException.class, () -> engine().create(CreateOptions.of("c1", b)));
            assertEquals("/process/args", x.pointer());
            assertEquals("config.json /process/args: must not be empty", x.userMessage());

            Path noRootfs = bundle();
            try {
                Files.delete(noRootfs.resolve("rootfs"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            ConfigException r = assertThrows(ConfigException.class, () -> engine().create(CreateOptions.of("c1", noRootfs)));
            assertEquals("/root/path", r.pointer());

            Path noProcess = bundleOf("""
                    {"ociVersion":"1.3.0","root":{"path":"rootfs"},"linux":{"namespaces":[{"type":"mount"}]}}""");
            ConfigException p = assertThrows(ConfigException.class, () -> engine().create(CreateOptions.of("c1", noProcess)));
            assertEquals("/process", p.pointer());

            assertFalse(Files.exists(dir("c1")));
            assertEquals(List.of(), sys.calls(), "no kernel call");
            assertEquals(List.of(), cgroups.forContainerCalls, "no cgroup asked for");
        }

        @Test
        void invalidIdIsRefusedBeforeAnything() {
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("../x", bundle())));
            assertEquals("invalid id format: ../x", x.getMessage());
            assertFalse(Files.exists(root));
            assertEquals(List.of(), sys.calls());
        }

        @Test
        void anExistingIdIsRefusedAndItsContainerLeftAlone() throws IOException {
            Engine e = engine();
            e.create(CreateOptions.of("c1", bundle()));
            List<FakeLinux.Call> before = sys.calls();
            ContainerExistsException x = assertThrows(ContainerExistsException.class, () -> e.create(CreateOptions.of("c1", bundle())));
            assertEquals("container with given ID already exists: c1", x.getMessage());
            assertEquals("c1", x.id());
            assertEquals(before, sys.calls(), "no kernel call, no kill");
            assertFalse(cgroups.events().stream().anyMatch(ev -> ev.startsWith("destroy")));
            assertEquals(INIT_PID, e.load("c1").pid());
            assertTrue(Files.exists(dir("c1").resolve(StateStore.FAST)));

            // a directory without state.json (a create killed half-way) is taken too
            Files.createDirectories(dir("c2"));
            assertThrows(ContainerExistsException.class, () -> e.create(CreateOptions.of("c2", bundle())));
            assertTrue(Files.isDirectory(dir("c2")));
        }

        @Test
        void mkfifoFailsBeforeAnyCgroup() {
            sys.failOn("mkfifo", 1, LinuxException.EPERM);
            LinuxException x = assertThrows(LinuxException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("mkfifo", x.call());
            assertEquals(LinuxException.EPERM, x.errno());
            assertEquals(List.of(), cgroups.forContainerCalls);
            assertEquals(List.of("mkfifo"), sys.names());
            assertNothingLeft("c1");
        }

        @Test
        void keepOnFailureKeepsNothingWhenNoStateWasSaved() {
            sys.failOn("mkfifo", 1, LinuxException.EPERM);
            assertThrows(LinuxException.class, () -> engine().create(keep("c1", bundle())));
            assertNothingLeft("c1");
        }

        @Test
        void aCgroupPathTheDriverRefusesNamesTheField() {
            ConfigException x = assertThrows(ConfigException.class,
                    () -> engine().create(CreateOptions.of("c1", bundle("\"cgroupsPath\":\"/\"", ""))));
            assertEquals("/linux/cgroupsPath", x.pointer());
            assertEquals(List.of(), cgroups.events(), "no cgroup made, none destroyed");
            assertTrue(sys.calls("spawn").isEmpty());
            assertNothingLeft("c1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"create", "apply"})
        void asRootTheCgroupFailsOnTheSetupThreadAndTheSpawnedInitIsUndone(String op) {
            cgroups.fail(op, new JruncException("cannot " + op + " cgroup: permission denied"));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("cannot " + op + " cgroup: permission denied", x.getMessage());
            // the error is raised where the init joins its cgroup: after the spawn, before addProcess and go
            assertFalse(sys.called("cgroup.addProcess", cgdir("c1"), INIT_PID));
            assertNoGo();
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @ParameterizedTest
        @ValueSource(strings = {"create", "apply"})
        void rootlessWithoutADelegatedCgroupRunsWithoutOneAndWarns(String op) throws IOException {
            cgroups.fail(op, new JruncException("mkdir " + cgdir("c1") + ": permission denied"));
            Engine e = engine(true, false);
            ContainerState s = e.create(CreateOptions.of("c1", bundle()));
            assertEquals(List.of("rootless: running without a cgroup, resource limits are not applied (mkdir "
                    + cgdir("c1") + ": permission denied)"), warnings);
            // the half-made cgroup destroyed before the init is spawned, and the init put in none
            int destroyed = sys.indexOf("cgroup.destroy", cgdir("c1"));
            assertTrue(destroyed >= 0 && destroyed < sys.names().indexOf("spawn"), sys.calls().toString());
            assertFalse(sys.names().contains("cgroup.addProcess"));
            assertEquals(Map.of(), s.cgroupPaths());
            assertFalse(s.createdCgroup());
            assertEquals(s, e.load("c1"));
            assertFalse(Files.readString(dir("c1").resolve(StateStore.FAST)).contains("cgroup "));
            assertEquals(Status.CREATED, e.status(s));
        }

        @Test
        void rootlessWithSystemdCgroupDoesNotFallBack() {
            cgroups.fail("create", new JruncException("systemd: Access denied"));
            JruncException x = assertThrows(JruncException.class, () -> engine(true, true).create(CreateOptions.of("c1", bundle())));
            assertEquals("systemd: Access denied", x.getMessage());
            assertEquals(List.of("c1", "null", true, true), cgroups.forContainerCalls.get(0));
            assertEquals(List.of(), warnings);
            assertTrue(sys.calls("socketpair").isEmpty(), "nothing spawned");
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void aMissingBindSourceNamesItsMount() {
            String missing = tmp.resolve("no-such-dir").toString();
            Path b = bundle("", """
                    "mounts":[{"destination":"/dev","type":"tmpfs","source":"tmpfs"},
                              {"destination":"/data","type":"bind","source":"%s","options":["rbind"]}]""".formatted(missing));
            ConfigException x = assertThrows(ConfigException.class, () -> engine().create(CreateOptions.of("c1", b)));
            assertEquals("/mounts/1/source", x.pointer());
            assertEquals("bind mount source " + missing + " does not exist", x.getMessage());
            assertTrue(sys.calls("socketpair").isEmpty());
            assertNoInit();
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void aPlanningErrorNamesTheFieldAndUndoesTheCgroup() {
            Path b = bundle("\"personality\":{\"domain\":\"LINUX\",\"flags\":[\"SHORT_INODE\"]}", "");
            ConfigException x = assertThrows(ConfigException.class, () -> engine().create(CreateOptions.of("c1", b)));
            assertEquals("/linux/personality/flags", x.pointer());
            assertTrue(sys.calls("socketpair").isEmpty());
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void socketpairFails() {
            sys.failOn("socketpair", 1, 24);
            LinuxException x = assertThrows(LinuxException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("socketpair: Too many open files", x.getMessage());
            assertTrue(sys.calls("spawn").isEmpty());
            assertNoInit();
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void sealedCopyFailsAndBothSocketEndsAreClosed() {
            sys.failOn("sealedCopy", 1, LinuxException.ENOENT);
            LinuxException x = assertThrows(LinuxException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("sealedCopy", x.call());
            int[] sp = sys.socketpairs().get(0);
            assertTrue(sys.called("close", sp[0]));
            assertTrue(sys.called("close", sp[1]));
            assertTrue(sys.calls("spawn").isEmpty());
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void spawnFailsAndTheCopyAndSocketsAreClosed() {
            sys.failOn("spawn", 1, LinuxException.EAGAIN);
            LinuxException x = assertThrows(LinuxException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("spawn", x.call());
            assertEquals(3, sys.calls("close").size(), "memfd, child end, parent end: " + sys.calls());
            assertTrue(sys.calls("send").isEmpty(), "no plan sent");
            assertNoInit();
            assertTrue(sys.calls("waitpid").isEmpty(), "no helper to reap");
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void rootlessSpawnFailureDestroysTheCgroupMadeFirst() {
            sys.failOn("spawn", 1, LinuxException.EAGAIN);
            assertThrows(LinuxException.class, () -> engine(true, false).create(CreateOptions.of("c1", bundle())));
            assertTrue(sys.indexOf("cgroup.create", cgdir("c1")) < sys.names().indexOf("spawn"));
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void initSendsAnErrorBeforeItsPid() {
            sys.script(msg("error open exec fifo \"/x\": permission denied"));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("open exec fifo \"/x\": permission denied", x.getMessage());
            assertNoInit();
            assertTrue(sys.called("waitpid", HELPER, 0), "the helper is reaped: " + sys.calls());
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void theHelperFailingAfterTheCloneAnnouncesTheInitWhichIsReaped() {
            // helper.c: id maps or rlimits fail after the clone: it kills the init, sends "pid N", then the
            // error, and exits 1. The init is this JVM's child (CLONE_PARENT): it must be reaped, not left a zombie.
            sys.script(sys.pid(INIT_PID).then(() -> {
                sys.exit(INIT_PID, Signals.SIGKILL);
                sys.helperStatus(HELPER, 1 << 8);
            }), msg("error setrlimit RLIMIT_NOFILE: Operation not permitted"));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("setrlimit RLIMIT_NOFILE: Operation not permitted", x.getMessage());
            assertTrue(sys.reaped(INIT_PID), "the init is reaped: " + sys.calls());
            assertTrue(sys.reaped(HELPER));
            assertTrue(sys.calls("startTime").isEmpty(), "nothing of create went on with the dead init: " + sys.calls());
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void throughAPlannerTheHelpersErrorAfterTheCloneIsReportedNotTheBrokenPipe() {
            // The planner attaches to a helper the front spawned and does not wait for it: the helper's error,
            // sent after the pid and before it closed the socket, is still queued when "go" fails with EPIPE.
            sys.script(sys.pid(INIT_PID).then(() -> sys.exit(INIT_PID, Signals.SIGKILL)),
                    msg("error setrlimit RLIMIT_NOFILE: Operation not permitted"));
            int[] sp = sys.socketpair();
            sys.failOn("send", 2, 32 /* EPIPE */);
            Engine e = Engine.builder(root).kernel(sys).cgroups(cgroups).warnings(warnings::add).initLauncher(() -> sp[0]).build();
            JruncException x = assertThrows(JruncException.class, () -> e.create(CreateOptions.of("c1", bundle())));
            assertEquals("setrlimit RLIMIT_NOFILE: Operation not permitted", x.getMessage());
            assertTrue(sys.calls("spawn").isEmpty(), "the front spawned the helper, not the engine: " + sys.calls());
            assertCgroupDestroyed("c1");
            assertFalse(java.nio.file.Files.exists(root.resolve("c1")), "no state dir");
        }

        @Test
        void throughAPlannerTheHelpersErrorAfterAResetIsReported() {
            // The same, when "go" was sent but the helper closed with it unread: recv reports ECONNRESET once,
            // then the queued error (found by PlannerFrontTest: "timed out waiting for the container to be ready").
            sys.script(sys.pid(INIT_PID).then(() -> sys.exit(INIT_PID, Signals.SIGKILL)),
                    new FakeLinux.Reply(null, -1, new io.jrunc.sys.LinuxException("recv", 104, "Connection reset by peer"), null),
                    msg("error setrlimit RLIMIT_NOFILE: Operation not permitted"));
            int[] sp = sys.socketpair();
            Engine e = Engine.builder(root).kernel(sys).cgroups(cgroups).warnings(warnings::add).initLauncher(() -> sp[0]).build();
            JruncException x = assertThrows(JruncException.class, () -> e.create(CreateOptions.of("c1", bundle())));
            assertEquals("setrlimit RLIMIT_NOFILE: Operation not permitted", x.getMessage());
            assertCgroupDestroyed("c1");
            assertFalse(java.nio.file.Files.exists(root.resolve("c1")), "no state dir");
        }

        @Test
        void initClosesTheSocketBeforeItsPid() {
            sys.script(eof());
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("container init exited before it was ready (reading the container's pid)", x.getMessage());
            assertNoInit();
            assertTrue(sys.reaped(HELPER));
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void theHelperNeverAnswersAndIsKilledAndReaped() {
            sys.script(timeout());
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("timed out reading the container's pid", x.getMessage());
            int kill = sys.indexOf("kill", HELPER, Signals.SIGKILL);
            assertTrue(kill >= 0 && sys.indexOf("waitpid", HELPER, 0) > kill, sys.calls().toString());
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void anUnexpectedFirstMessage() {
            sys.script(msg("ready"));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("unexpected message from jrunc-init: ready", x.getMessage());
            assertNoInit();
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void initDiesAfterGo() {
            sys.script(sys.pid(INIT_PID), eof());
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("container init exited before it was ready (waiting for the container to be ready)", x.getMessage());
            assertFalse(x instanceof ConfigException, "no OOM kill: the error stands");
            assertTrue(sys.called("cgroup.oomKillCount", cgdir("c1")), "the OOM count was consulted");
            goMessage(sys.socketpairs().get(0)[0]);
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void initSendsAnErrorAfterGo() {
            sys.script(sys.pid(INIT_PID), msg("error exec: \"/bin/app\": executable file not found in $PATH"));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("exec: \"/bin/app\": executable file not found in $PATH", x.getMessage());
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void aSeccompListenerWithoutListenerPathIsRefusedAndItsFdClosed() {
            sys.script(sys.pid(INIT_PID), FakeLinux.msgWithFd("seccomp", 77));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("jrunc-init sent a seccomp listener but the config has no listenerPath", x.getMessage());
            assertTrue(sys.called("close", 77));
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void anOomKilledInitNamesTheMemoryLimit() {
            sys.script(sys.pid(INIT_PID), eof().then(() -> ((FakeCgroups.FakeCgroup) cgroups.at(Path.of(cgdir("c1")))).oomKills = 1));
            Path b = bundle("\"resources\":{\"memory\":{\"limit\":1048576}}", "");
            ConfigException x = assertThrows(ConfigException.class, () -> engine().create(CreateOptions.of("c1", b)));
            assertEquals("/linux/resources/memory/limit", x.pointer());
            assertEquals("config.json /linux/resources/memory/limit: the container init was killed by the OOM killer"
                    + " under the memory limit of 1048576 bytes (raise the limit)", x.userMessage());
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void aFailingPrestartHookStopsBeforeGo() {
            Path b = bundle("", "\"hooks\":{\"prestart\":[{\"path\":\"/bin/false\"}]}");
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", b)));
            assertTrue(x.getMessage().startsWith("error running prestart hook #0 (/bin/false): exit status 1"), x.getMessage());
            assertNoGo();
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void prestartHookGetsTheCreatedState() throws IOException {
            Path out = tmp.resolve("hook-stdin");
            Path b = bundle("", "\"hooks\":{\"createRuntime\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"cat > " + out + "\"]}]}");
            engine().create(CreateOptions.of("c1", b));
            Map<String, Object> st = Json.parseObject(Files.readAllBytes(out));
            assertEquals("created", st.get("status"));
            assertEquals(INIT_PID, ((Number) st.get("pid")).intValue());
            // the hook ran before go
            assertTrue(Files.exists(dir("c1").resolve(StateStore.FAST)));
        }

        @Test
        void anUnwritablePidFileUndoesAReadyContainer() {
            Path pf = tmp.resolve("no-such-dir").resolve("c1.pid");
            JruncException x = assertThrows(JruncException.class, () -> engine().create(pidFile("c1", bundle(), pf)));
            assertTrue(x.getMessage().startsWith("cannot write " + pf), x.getMessage());
            goMessage(sys.socketpairs().get(0)[0]);
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void theInitRefusedByItsCgroupIsUndone() {
            cgroups.fail("addProcess", new JruncException("cannot join cgroup: no space left on device"));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("cannot join cgroup: no space left on device", x.getMessage());
            assertNoGo();
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");
        }

        @Test
        void aPidfdSocketThatRefusesThePidfdUndoesAReadyContainerAndClosesThePidfd() {
            sys.failOn("sendFd", 1, 111);
            CreateOptions o = new CreateOptions("c1", bundle(), null, null, false, false, 0, tmp.resolve("pidfd.sock").toString(), false);
            LinuxException x = assertThrows(LinuxException.class, () -> engine().create(o));
            assertEquals("sendFd", x.call());
            assertEquals(INIT_PID, sys.calls("pidfdOpen").get(0).arg(0));
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1"); // the pidfd too
        }

        @Test
        void withoutAMountNamespaceTheMountsBeforeAreRecordedAndNothingIsUnmountedOnFailure() throws IOException {
            sys.script(sys.pid(INIT_PID), eof());
            Path b = bundleOf("""
                    {"ociVersion":"1.3.0","root":{"path":"rootfs"},"mounts":[{"destination":"/dev","type":"tmpfs","source":"tmpfs"}],
                     "process":{"args":["/bin/app"],"cwd":"/"},"linux":{"namespaces":[{"type":"pid"}]}}""");
            assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", b)));
            // nothing is mounted under the temp rootfs: the undo finds nothing of the container's to detach
            assertTrue(sys.calls("umount2").isEmpty(), sys.calls().toString());
            assertInitKilledAndReaped(INIT_PID);
            assertCgroupDestroyed("c1");
            assertNothingLeft("c1");

            Engine e = engine();
            e.create(CreateOptions.of("c2", bundleOf(new String(readAll(b.resolve("config.json")), StandardCharsets.UTF_8))));
            assertTrue(Files.exists(dir("c2").resolve(io.jrunc.mount.SharedNamespaceMounts.FILE)));
            assertTrue(Files.readString(dir("c2").resolve(StateStore.FAST)).contains("poststop 1\n"), "delete needs the JVM");
        }

        @Test
        void aFailingCleanupIsAWarningAndTheFirstErrorStands() {
            sys.script(sys.pid(INIT_PID), eof());
            cgroups.fail("destroy", new JruncException("rmdir " + cgdir("c1") + ": device or resource busy"));
            JruncException x = assertThrows(JruncException.class, () -> engine().create(CreateOptions.of("c1", bundle())));
            assertEquals("container init exited before it was ready (waiting for the container to be ready)", x.getMessage());
            assertEquals(List.of("cleanup: rmdir " + cgdir("c1") + ": device or resource busy"), warnings);
            assertInitKilledAndReaped(INIT_PID);
            assertNothingLeft("c1");
        }

        @Test
        void keepOnFailureKeepsTheStoppedContainerForDelete() {
            sys.script(sys.pid(INIT_PID), eof());
            Engine e = engine();
            assertThrows(JruncException.class, () -> e.create(keep("c1", bundle())));
            assertInitKilledAndReaped(INIT_PID);
            assertFalse(cgroups.events().stream().anyMatch(ev -> ev.startsWith("destroy")), "cgroup kept");
            assertTrue(Files.isDirectory(Path.of(cgdir("c1"))));
            ContainerState s = e.load("c1");
            assertEquals(INIT_PID, s.pid());
            assertEquals(Status.STOPPED, e.status(s));
            assertEquals(Set.of(), sys.openFds());

            e.delete("c1", false);
            assertCgroupDestroyed("c1");
            assertFalse(Files.exists(dir("c1")));
        }
    }

    // ---- exec ----------------------------------------------------------------------------------------

    @Nested
    class ExecTests {
        Engine e;

        @BeforeEach
        void created() {
            e = engine();
            e.create(CreateOptions.of("c1", bundle()));
        }

        ExecOptions exec(boolean ignorePaused, String... args) {
            StringBuilder a = new StringBuilder();
            for (String s : args) a.append(a.isEmpty() ? "" : ",").append('"').append(s).append('"');
            Spec spec = ConfigReader.parse(("{\"ociVersion\":\"1.3.0\",\"process\":{\"args\":[" + a + "],\"cwd\":\"/\",\"env\":[\"PATH=/bin\"]}}")
                    .getBytes(StandardCharsets.UTF_8));
            return new ExecOptions("c1", spec.process(), null, null, null, 0, ignorePaused, null);
        }

        int execSocket() { return sys.socketpairs().get(1)[0]; }

        @Test
        void execJoinsTheCgroupAndSendsGoWithTheContainersState() {
            sys.script(sys.pid(EXEC_PID), msg("ready"));
            assertEquals(EXEC_PID, e.exec(exec(false, "/bin/ps")));
            assertTrue(sys.called("cgroup.addProcess", cgdir("c1"), EXEC_PID));
            List<PlanReader.Rec> plan = PlanReader.plan(sys.sentBytesOn(execSocket()).get(0));
            assertEquals(List.of("/bin/ps"), PlanReader.all(plan, Tag.ARG).stream().map(PlanReader.Rec::str).toList());
            String go = goMessage(execSocket());
            assertEquals("created", Json.parseObject(go.substring(3).getBytes(StandardCharsets.UTF_8)).get("status"));
            assertTrue(sys.alive(EXEC_PID));
            assertEquals(Set.of(), sys.openFds());
        }

        @Test
        void aStoppedContainerIsRefused() {
            sys.exit(INIT_PID, 0);
            int spawns = sys.calls("spawn").size();
            StatusException x = assertThrows(StatusException.class, () -> e.exec(exec(false, "/bin/ps")));
            assertEquals(Status.STOPPED, x.status());
            assertEquals("cannot exec in a stopped container", x.getMessage());
            assertEquals(spawns, sys.calls("spawn").size());
        }

        @Test
        void aPausedContainerIsRefusedUnlessIgnorePaused() {
            e.pause("c1");
            assertEquals(Status.PAUSED, e.status(e.load("c1")));
            StatusException x = assertThrows(StatusException.class, () -> e.exec(exec(false, "/bin/ps")));
            assertEquals(Status.PAUSED, x.status());
            assertEquals("cannot exec in a paused container (use --ignore-paused to override)", x.getMessage());
            assertEquals(1, sys.calls("spawn").size());

            sys.script(sys.pid(EXEC_PID), msg("ready"));
            assertEquals(EXEC_PID, e.exec(exec(true, "/bin/ps")));
            assertEquals("paused", Json.parseObject(goMessage(execSocket()).substring(3).getBytes(StandardCharsets.UTF_8)).get("status"));
        }

        @Test
        void emptyArgsNameTheField() {
            ConfigException x = assertThrows(ConfigException.class, () -> e.exec(exec(false)));
            assertEquals("/process/args", x.pointer());
            assertEquals(1, sys.calls("spawn").size());
        }

        @Test
        void theInitGoneBetweenSpawnAndCgroupJoinKillsAndReapsTheProcess() {
            sys.script(sys.pid(EXEC_PID).then(() -> sys.exit(INIT_PID, 0)), msg("ready"));
            StatusException x = assertThrows(StatusException.class, () -> e.exec(exec(false, "/bin/ps")));
            assertEquals(Status.STOPPED, x.status());
            assertEquals("container not running", x.getMessage());
            assertFalse(sys.called("cgroup.addProcess", cgdir("c1"), EXEC_PID), "never joined the cgroup");
            assertTrue(sys.sentOn(execSocket()).stream().noneMatch(m -> m.startsWith("go\n")));
            assertInitKilledAndReaped(EXEC_PID);
            assertTrue(sys.reaped(HELPER + 1));
            assertEquals(Set.of(), sys.openFds());
            assertTrue(Files.exists(dir("c1").resolve(StateStore.STATE)), "the container's state is not exec's to remove");
        }

        @Test
        void theProcessFailingAfterGoIsKilledAndReapedAndTheContainerKept() {
            sys.script(sys.pid(EXEC_PID), msg("error exec: \"/bin/ps\": permission denied"));
            JruncException x = assertThrows(JruncException.class, () -> e.exec(exec(false, "/bin/ps")));
            assertEquals("exec: \"/bin/ps\": permission denied", x.getMessage());
            assertInitKilledAndReaped(EXEC_PID);
            assertTrue(sys.alive(INIT_PID));
            assertFalse(cgroups.events().stream().anyMatch(ev -> ev.startsWith("destroy")));
            assertEquals(Set.of(), sys.openFds());
        }

        @Test
        void anUnwritablePidFileKillsAndReapsTheReadyProcess() {
            sys.script(sys.pid(EXEC_PID), msg("ready"));
            ExecOptions o = exec(false, "/bin/ps");
            Path pf = tmp.resolve("no-such-dir").resolve("exec.pid");
            ExecOptions withPidFile = new ExecOptions(o.id(), o.process(), pf.toString(), null, null, 0, false, null);
            JruncException x = assertThrows(JruncException.class, () -> e.exec(withPidFile));
            assertTrue(x.getMessage().startsWith("cannot write " + pf), x.getMessage());
            assertInitKilledAndReaped(EXEC_PID);
            assertTrue(sys.alive(INIT_PID));
            assertEquals(Set.of(), sys.openFds());
        }

        @Test
        void aHelperErrorBeforeThePidReapsTheHelper() {
            sys.script(msg("error setns: operation not permitted"));
            JruncException x = assertThrows(JruncException.class, () -> e.exec(exec(false, "/bin/ps")));
            assertEquals("setns: operation not permitted", x.getMessage());
            assertTrue(sys.reaped(HELPER + 1));
            assertEquals(Set.of(), sys.openFds());
        }
    }

    // ---- delete --------------------------------------------------------------------------------------

    @Nested
    class DeleteTests {
        @Test
        void aCreatedContainerIsKilledByPidfdAndEverythingRemoved() {
            Engine e = engine();
            e.create(CreateOptions.of("c1", bundle()));
            e.delete("c1", false);
            FakeLinux.Call open = sys.calls("pidfdOpen").get(0);
            assertEquals(INIT_PID, open.arg(0));
            int pidfd = (int) sys.calls("pidfdSendSignal").get(0).arg(0);
            assertTrue(sys.called("pidfdSendSignal", pidfd, Signals.SIGKILL));
            assertTrue(sys.called("close", pidfd));
            assertTrue(sys.calls("kill").isEmpty(), "never kill(2) by pid");
            assertFalse(sys.alive(INIT_PID));
            assertTrue(sys.indexOf("cgroup.thaw", cgdir("c1")) > sys.indexOf("pidfdSendSignal", pidfd, Signals.SIGKILL));
            assertCgroupDestroyed("c1");
            assertFalse(Files.exists(dir("c1")));
            assertEquals(Set.of(), sys.openFds());
        }

        @Test
        void aRunningContainerIsRefusedWithoutForce() {
            Engine e = engine();
            e.create(CreateOptions.of("c1", bundle()));
            e.start("c1");
            StatusException x = assertThrows(StatusException.class, () -> e.delete("c1", false));
            assertEquals(Status.RUNNING, x.status());
            assertEquals("cannot delete container c1 that is not stopped: running", x.getMessage());
            assertTrue(sys.calls("pidfdSendSignal").isEmpty());
            assertTrue(sys.alive(INIT_PID));
            assertTrue(Files.exists(dir("c1").resolve(StateStore.STATE)));
            assertFalse(cgroups.events().stream().anyMatch(ev -> ev.startsWith("destroy")));

            e.delete("c1", true);
            assertFalse(sys.alive(INIT_PID));
            assertCgroupDestroyed("c1");
            assertFalse(Files.exists(dir("c1")));
        }

        @Test
        void aStoppedContainerIsRemovedWithoutSignals() {
            Engine e = engine();
            e.create(CreateOptions.of("c1", bundle()));
            sys.exit(INIT_PID, 0);
            e.delete("c1", false);
            assertTrue(sys.calls("pidfdOpen").isEmpty());
            assertTrue(sys.calls("kill").isEmpty());
            assertCgroupDestroyed("c1");
            assertFalse(Files.exists(dir("c1")));
        }

        @Test
        void aContainerWithoutACgroupOfItsOwnDestroysNone() {
            cgroups.fail("create", new JruncException("mkdir: permission denied"));
            Engine e = engine(true, false);
            e.create(CreateOptions.of("c1", bundle()));
            int destroys = (int) cgroups.events().stream().filter(ev -> ev.startsWith("destroy")).count();
            e.delete("c1", false);
            assertEquals(destroys, cgroups.events().stream().filter(ev -> ev.startsWith("destroy")).count());
            assertFalse(sys.alive(INIT_PID));
            assertFalse(Files.exists(dir("c1")));
        }

        @Test
        void aMissingContainer() {
            Engine e = engine();
            NoSuchContainerException x = assertThrows(NoSuchContainerException.class, () -> e.delete("nope", false));
            assertEquals("container does not exist", x.getMessage());
            e.delete("nope", true); // --force: nothing to do, no error
            assertEquals(List.of(), sys.calls());
        }

        @Test
        void forceRemovesAHalfCreatedDirectory() throws IOException {
            Files.createDirectories(dir("c2"));
            Files.writeString(dir("c2").resolve(StateStore.CONFIG), "{}");
            Engine e = engine();
            assertThrows(NoSuchContainerException.class, () -> e.delete("c2", false));
            assertTrue(Files.isDirectory(dir("c2")));
            e.delete("c2", true);
            assertFalse(Files.exists(dir("c2")));
            assertEquals(List.of(), sys.calls());
            assertEquals(List.of(), cgroups.events());
        }
    }
}
