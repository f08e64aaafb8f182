package io.jrunc.container;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.bundle.Validator;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.cgroup.DeviceRules;
import io.jrunc.hooks.Hooks;
import io.jrunc.plan.Planner;
import io.jrunc.seccomp.NotifyState;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.Proc;
import io.jrunc.state.StateStore;
import io.jrunc.state.Times;
import io.jrunc.sys.Home;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The container lifecycle: create, start, kill, delete (runtime-spec "Lifecycle"). Orchestration only:
 * decisions come from the Planner, execution from jrunc-init, the kernel through {@link Linux}.
 */
public final class Lifecycle {
    private final StateStore store;
    private final Consumer<String> warn;

    /**
     * `run --keep`: a create that fails once its state is saved leaves the container stopped (its state
     * and cgroup) for `delete`, as runc's run keeps it; the init is killed all the same.
     */
    public boolean keepFailed;

    /** --systemd-cgroup: new containers' cgroups are systemd units (io.jrunc.cgroup.systemd). */
    private boolean systemdCgroup;

    public Lifecycle(StateStore store, Consumer<String> warn) {
        this.store = store;
        this.warn = warn;
    }

    public void systemdCgroup(boolean on) { systemdCgroup = on; }

    /** Whether --systemd-cgroup was given (restore makes the cgroup as create would). */
    public boolean systemdCgroup() { return systemdCgroup; }

    public record CreateOptions(String id, Path bundle, String pidFile, String consoleSocket, boolean noPivot,
                                boolean noNewKeyring, int preserveFds, String pidfdSocket) {}

    /**
     * Loads and checks the bundle's config.json; returns the raw bytes too (saved as the effective config).
     * What the checks only warn about goes to warn (null: dropped).
     */
    public static Spec loadBundle(Path bundle, byte[][] rawOut, Consumer<String> warn) {
        Path cfg = bundle.resolve("config.json");
        byte[] raw;
        io.jrunc.cli.Trace.mark("loading bundle");
        try {
            raw = Files.readAllBytes(cfg);
            io.jrunc.cli.Trace.mark("read config.json");
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(bundle))
                throw new JruncException("bundle directory " + bundle + (Files.exists(bundle) ? " is not a directory" : " does not exist"));
            throw new JruncException("JSON specification file config.json not found in " + bundle);
        } catch (IOException e) {
            throw new JruncException("cannot read " + cfg + ": " + JruncException.errno(e), e);
        }
        Spec spec = ConfigReader.parse(raw);
        io.jrunc.cli.Trace.mark("parsed");
        List<String> warnings = Validator.validate(spec, bundle);
        if (warn != null) warnings.forEach(warn);
        io.jrunc.cli.Trace.mark("validated");
        if (rawOut != null) rawOut[0] = raw;
        return spec;
    }

    /** The container's cgroup directories as the planner binds them into a `cgroup` mount. */
    public static List<Planner.CgroupBind> cgroupBinds(Cgroup cg) {
        List<Planner.CgroupBind> binds = new ArrayList<>();
        for (Cgroup.Hierarchy h : cg.hierarchies()) {
            String name = Path.of(h.mountPoint()).getFileName().toString();
            binds.add(new Planner.CgroupBind(name, h.dir(), h.controllers().isEmpty()));
        }
        return binds;
    }

    /** process.terminal of a bundle's config (foreground `run` needs to know before creating). */
    public boolean savedTerminal(Path bundle) {
        Path b = bundle.toAbsolutePath().normalize();
        byte[][] raw = new byte[1][];
        Spec s = loadBundle(b, raw, warn);
        // `run` then creates from the same bundle: read, parse and validate it once (one consistent read, too)
        loadedBundle = b;
        loadedSpec = s;
        loadedRaw = raw[0];
        return s.process() != null && s.process().terminal();
    }

    private Path loadedBundle;
    private Spec loadedSpec;
    private byte[] loadedRaw;

    public ContainerState create(CreateOptions o) {
        StateStore.checkId(o.id());
        Path bundle = o.bundle().toAbsolutePath().normalize();
        byte[][] raw = new byte[1][];
        Spec spec;
        if (bundle.equals(loadedBundle)) {
            spec = loadedSpec;
            raw[0] = loadedRaw;
        } else {
            spec = loadBundle(bundle, raw, warn);
        }
        if (spec.process() == null) throw JruncException.config("/process", "process is required to create a container");
        Path rootfs = rootfs(spec, bundle);
        if (store.exists(o.id()) || Files.exists(store.dir(o.id())))
            throw new JruncException("container with given ID already exists: " + o.id());
        // the saved config.json below is these bytes: `run`'s start needs not read and parse it again
        savedId = o.id();
        saved = spec;

        Path dir = store.createDir(o.id());
        Linux sys = Linux.get();
        Cgroup cg = null;
        int initPid = 0;
        int sock = -1;
        CgroupSetup setup = null;
        java.util.Set<String> premounts = null;
        try (StateStore.Lock lock = store.lock(o.id())) {
            Files.write(dir.resolve(StateStore.CONFIG), raw[0]);
            Path fifo = dir.resolve(StateStore.FIFO);
            sys.mkfifo(fifo, 0622);
            Files.setPosixFilePermissions(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w--w-"));
            io.jrunc.cli.Trace.mark("state dir, fifo");
            if (io.jrunc.mount.SharedNamespaceMounts.shared(spec)) {
                // what is mounted under the rootfs already is not the container's to unmount later
                premounts = io.jrunc.mount.SharedNamespaceMounts.snapshot(rootfs.toString());
                io.jrunc.mount.SharedNamespaceMounts.save(dir, premounts);
            }

            Spec.Linux linux = spec.linux();
            // The systemd driver's classes (and libsystemd) load only on this branch.
            cg = systemdCgroup
                    ? io.jrunc.cgroup.systemd.SystemdCgroup.forContainer(o.id(), linux == null ? null : linux.cgroupsPath(),
                            spec.annotations(), io.jrunc.sys.Rootless.cgroups(sys.geteuid()), warn)
                    : Cgroup.forContainer(o.id(), linux == null ? null : linux.cgroupsPath());
            io.jrunc.cli.Trace.mark("cgroup paths");
            String created = Times.now();
            Map<String, String> ann = spec.annotations() == null ? Map.of() : spec.annotations();
            // Saved before anything is started so `delete -f` can undo a create that died half-way.
            ContainerState st = new ContainerState(o.id(), 0, -1, bundle.toString(), rootfs.toString(), created, "",
                    ann, cg.paths(), true, cg.systemd(), o.noNewKeyring());
            store.save(st);
            Spec.Resources resources = DeviceRules.effective(linux == null ? null : linux.resources(),
                    linux == null ? null : linux.devices());
            // As root the cgroup is made on a second thread while this one plans and clones (mkdir may
            // wait for cgroup_mutex, which the Prewarm thread's migration holds through its RCU grace
            // period). Rootless may have to run without a cgroup, which changes the plan: made first then.
            boolean cgroupFirst = io.jrunc.sys.Rootless.cgroups(sys.geteuid());
            if (!cgroupFirst) {
                setup = CgroupSetup.begin(cg, resources);
            } else {
                try {
                    cg.create(resources);
                    cg.apply(resources);
                    io.jrunc.cli.Trace.mark("cgroup created and applied");
                } catch (JruncException e) {
                    if (systemdCgroup) throw e; // asked for systemd: no silent fallback
                    // Rootless without a delegated cgroup: run without one, as runc does, and say so.
                    warn.accept("rootless: running without a cgroup, resource limits are not applied (" + e.getMessage() + ")");
                    try { cg.destroy(); } catch (RuntimeException ignored) { }
                    cg = Cgroup.none();
                    st = new ContainerState(o.id(), 0, -1, bundle.toString(), rootfs.toString(), created, "", ann, cg.paths(), false, cg.systemd(), o.noNewKeyring());
                    store.save(st);
                }
            }

            List<Planner.CgroupBind> binds = cgroupBinds(cg);
            List<String> warnings = new ArrayList<>();
            byte[] plan = Planner.plan(spec, new Planner.Options(rootfs, bundle, fifo, o.noPivot(), o.consoleSocket(),
                    o.preserveFds(), binds, cg.isV2()), warnings,
                    o.noNewKeyring() ? null : "_ses." + o.id(), sys.geteuid() != 0);
            // (an unknown capability name never gets here: the Validator refuses it, naming its pointer)
            for (String w : warnings) warn.accept(w);

            int[] sp = sys.socketpair();
            io.jrunc.cli.Trace.mark("planned");
            sock = sp[0];
            int[] keep = new int[1 + o.preserveFds()];
            keep[0] = sp[1];
            for (int i = 0; i < o.preserveFds(); i++) keep[1 + i] = 3 + i;
            int helper = spawnInit(sys, sp[1], keep);
            sys.close(sp[1]);
            sendMessage(sys, sock, plan);
            String msg = receive(sys, sock, 60_000, "reading the container's pid");
            io.jrunc.cli.Trace.mark("init pid received");
            sys.waitpid(helper, 0);
            if (!msg.startsWith("pid ")) throw new JruncException("unexpected message from jrunc-init: " + msg);
            initPid = Integer.parseInt(msg.substring(4).trim());
            long start = Proc.startTime(initPid);
            if (setup != null) {
                setup.finish();
                io.jrunc.cli.Trace.mark("cgroup created and applied");
            }
            cg.addProcess(initPid);
            io.jrunc.cgroup.Prewarm.done();
            io.jrunc.cli.Trace.mark("init in cgroup");
            st = new ContainerState(o.id(), initPid, start, bundle.toString(), rootfs.toString(), created, "", ann,
                    cg.paths(), true, cg.systemd(), o.noNewKeyring());
            store.save(st);

            if (spec.hooks() != null) {
                // "created": the environment is complete when the runtime-namespace hooks run (crun; what
                // runtime-tools' hooks_stdin checks; runc says "creating"). docs/conformance.md, decisions.
                String hookState = Json.write(st.toHookState("created"));
                Hooks.run("prestart", spec.hooks().prestart(), hookState);
                Hooks.run("createRuntime", spec.hooks().createRuntime(), hookState);
            }
            // createContainer hooks run while the container is being created; startContainer hooks run at
            // `start` of a created container, so they get status "created" (as runc does), on a second line.
            sendMessage(sys, sock, ("go\n" + Json.write(st.toHookState("creating")) + "\n" + Json.write(st.toHookState("created")))
                    .getBytes(StandardCharsets.UTF_8));
            try {
                awaitReady(sys, sock, "waiting for the container to be ready", linux == null ? null : linux.seccomp(),
                        initPid, st.toHookState("creating"));
            } catch (JruncException e) {
                throw oomOr(e, cg, linux);
            }
            io.jrunc.cli.Trace.mark("init ready");
            sys.close(sock);
            sock = -1;
            if (o.pidfdSocket() != null) sendPidfd(sys, o.pidfdSocket(), initPid);
            if (o.pidFile() != null) writePidFile(Path.of(o.pidFile()), initPid);
            Map<String, String> cp = cg.paths();
            String freezer = cp.containsKey("freezer") ? cp.get("freezer") + "/freezer.state"
                    : cp.containsKey("") ? cp.get("") + "/cgroup.events" : null;
            Spec.Hooks hk = spec.hooks();
            store.saveFast(st, freezer, Cgroup.load(st.cgroupPaths()).procsDir(), hk != null && hk.poststart() != null && !hk.poststart().isEmpty(),
                    // "poststop" tells the front that delete needs the JVM: also to unmount what a container
                    // without a mount namespace of its own mounted in the runtime's
                    hk != null && hk.poststop() != null && !hk.poststop().isEmpty()
                            || io.jrunc.mount.SharedNamespaceMounts.shared(spec));
            io.jrunc.cli.Trace.mark("state saved");
            return st;
        } catch (RuntimeException | IOException | Error e) {
            if (sock >= 0) sys.close(sock);
            if (initPid > 0) {
                try { sys.kill(initPid, Signals.SIGKILL); } catch (LinuxException ignored) { }
                try { sys.waitpid(initPid, 0); } catch (LinuxException ignored) { }
            }
            if (setup != null) setup.await(); // its failure, if any, is the one being reported or a lesser one
            if (initPid > 0 && premounts != null) unmountShared(sys, rootfs.toString(), premounts);
            boolean keep = keepFailed && store.exists(o.id());
            if (cg != null && !keep) {
                try { cg.destroy(); } catch (RuntimeException c) { warn.accept("cleanup: " + c.getMessage()); }
            }
            if (!keep) {
                try { store.removeDir(o.id()); } catch (RuntimeException c) { warn.accept("cleanup: " + c.getMessage()); }
            }
            if (e instanceof IOException io) throw new JruncException(io.getMessage(), io);
            if (e instanceof RuntimeException r) throw r;
            throw (Error) e;
        }
    }

    /** Makes the container's cgroup and writes its limits on a second thread (create as root). */
    private static final class CgroupSetup extends Thread {
        private final Cgroup cg;
        private final Spec.Resources resources;
        private volatile Throwable failed;

        private CgroupSetup(Cgroup cg, Spec.Resources resources) {
            super("jrunc-cgroup-setup");
            this.cg = cg;
            this.resources = resources;
            setDaemon(true);
        }

        static CgroupSetup begin(Cgroup cg, Spec.Resources resources) {
            CgroupSetup t = new CgroupSetup(cg, resources);
            t.start();
            return t;
        }

        @Override public void run() {
            try {
                cg.create(resources);
                cg.apply(resources);
            } catch (RuntimeException | Error e) {
                failed = e;
            }
        }

        void await() {
            boolean interrupted = false;
            while (isAlive()) {
                try {
                    join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        /** Waits, then throws what the thread threw (field-naming JruncExceptions included). */
        void finish() {
            await();
            Throwable f = failed;
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
        }
    }

    /**
     * Starts jrunc-init from a sealed memfd copy (CVE-2019-5736): whatever enters the container runs code
     * that no process can rewrite, and /proc/<pid>/exe leads to no host file.
     */
    private static int spawnInit(Linux sys, int syncFd, int[] keep) {
        int exe = sys.sealedCopy(Home.initBinary().toString());
        try {
            return sys.spawn("/proc/self/fd/" + exe, new String[]{"jrunc-init", "init", Integer.toString(syncFd)}, new String[0], keep);
        } finally {
            sys.close(exe);
        }
    }

    /**
     * Waits for `ready`. On the way the init may send `seccomp` with the listener fd of a filter that has
     * SCMP_ACT_NOTIFY rules: it goes to the agent at listenerPath, and the init, waiting for us, is told
     * to go on only once the agent has it.
     */
    private static void awaitReady(Linux sys, int sock, String what, Spec.Seccomp seccomp, int pid,
                                   Map<String, Object> containerState) {
        int[] fd = {-1};
        String msg = receive(sys, sock, -1, what, fd);
        if (msg.equals("seccomp")) {
            if (fd[0] < 0) throw new JruncException("jrunc-init sent no seccomp listener fd");
            if (seccomp == null || seccomp.listenerPath() == null || seccomp.listenerPath().isEmpty()) {
                sys.close(fd[0]);
                throw new JruncException("jrunc-init sent a seccomp listener but the config has no listenerPath");
            }
            NotifyState.send(sys, seccomp, fd[0], pid, containerState);
            sys.send(sock, "seccomp-ok".getBytes(StandardCharsets.UTF_8));
            msg = receive(sys, sock, -1, what);
        } else if (fd[0] >= 0) {
            sys.close(fd[0]);
        }
        if (!msg.equals("ready")) throw new JruncException("unexpected message from jrunc-init: " + msg);
    }

    /**
     * The init died silently: if the memory limit was too small for even it (the kernel OOM-killed it
     * in its cgroup), say so and name the field instead of "exited before it was ready".
     */
    private static JruncException oomOr(JruncException e, Cgroup cg, Spec.Linux linux) {
        long kills;
        try {
            kills = cg.oomKillCount();
        } catch (RuntimeException ignored) {
            return e;
        }
        if (kills == 0) return e;
        Long limit = linux == null || linux.resources() == null || linux.resources().memory() == null ? null
                : linux.resources().memory().limit();
        return JruncException.config("/linux/resources/memory/limit", "the container init was killed by the OOM killer"
                + (limit == null ? "" : " under the memory limit of " + limit + " bytes"), "raise the limit");
    }

    private static String receive(Linux sys, int sock, int timeoutMs, String what) {
        return receive(sys, sock, timeoutMs, what, null);
    }

    /** One message from jrunc-init; `error <text>` and EOF become exceptions. fdOut: see {@link Linux#recv(int, int, int[])}. */
    private static String receive(Linux sys, int sock, int timeoutMs, String what, int[] fdOut) {
        byte[] m;
        try {
            m = fdOut == null ? sys.recv(sock, timeoutMs) : sys.recv(sock, timeoutMs, fdOut);
        } catch (LinuxException e) {
            throw new JruncException("timed out " + what);
        }
        if (m == null) throw new JruncException("container init exited before it was ready (" + what + ")");
        String s = new String(m, StandardCharsets.UTF_8);
        if (s.startsWith("error ")) throw new JruncException(s.substring(6));
        return s;
    }

    public record ExecOptions(String id, Spec.Process process, String pidFile, String consoleSocket,
                              String pidfdSocket, int preserveFds, boolean ignorePaused, Map<String, String> subCgroups) {}

    /**
     * Starts a process in a running container and returns its host pid (a child of this JVM, so the
     * caller can hand over to the waiter). The pid file is written only on success: conmon reads a
     * missing pid file as failure.
     */
    public int exec(ExecOptions o) {
        ContainerState s = store.load(o.id());
        String status = status(s);
        if (status.equals("stopped")) throw new JruncException("cannot exec in a stopped container");
        if (status.equals("paused") && !o.ignorePaused())
            throw new JruncException("cannot exec in a paused container (use --ignore-paused to override)");
        Spec spec = savedSpec(o.id());
        io.jrunc.cli.Trace.mark("exec: state and config read");
        List<String> nsTypes = new ArrayList<>();
        if (spec.linux() != null && spec.linux().namespaces() != null)
            for (Spec.Namespace ns : spec.linux().namespaces()) nsTypes.add(ns.type());
        if (o.process().args() == null || o.process().args().isEmpty())
            throw JruncException.config("/process/args", "args must not be empty");
        List<String> warnings = new ArrayList<>();
        // exec gets the container's seccomp filter, as in runc
        byte[] plan = Planner.planExec(o.process(), nsTypes, s.pid(), new Planner.Options(null, null, null, false,
                o.consoleSocket(), o.preserveFds(), List.of(), false), warnings,
                spec.linux() == null ? null : spec.linux().seccomp(), io.jrunc.lsm.Lsm.host(),
                s.noNewKeyring() ? null : "_ses." + s.id());
        warnings.forEach(warn);
        io.jrunc.cli.Trace.mark("exec: planned");

        Linux sys = Linux.get();
        int sock = -1, pid = 0;
        try {
            int[] sp = sys.socketpair();
            sock = sp[0];
            int[] keep = new int[1 + o.preserveFds()];
            keep[0] = sp[1];
            for (int i = 0; i < o.preserveFds(); i++) keep[1 + i] = 3 + i;
            int helper = spawnInit(sys, sp[1], keep);
            sys.close(sp[1]);
            sendMessage(sys, sock, plan);
            String msg = receive(sys, sock, 60_000, "reading the process' pid");
            io.jrunc.cli.Trace.mark("exec: pid received");
            sys.waitpid(helper, 0);
            if (!msg.startsWith("pid ")) throw new JruncException("unexpected message from jrunc-init: " + msg);
            pid = Integer.parseInt(msg.substring(4).trim());
            // The init we joined must still be the one we recorded, or we joined a stranger's namespaces.
            if (!Proc.isAlive(s.pid(), s.initStartTime())) throw new JruncException("container not running");
            if (s.cgroupPaths() != null && !s.cgroupPaths().isEmpty())
                Cgroup.load(o.subCgroups() == null ? s.cgroupPaths() : subCgroupPaths(s.cgroupPaths(), o.subCgroups())).addProcess(pid);
            io.jrunc.cgroup.Prewarm.done();
            io.jrunc.cli.Trace.mark("exec: in cgroup");
            sendMessage(sys, sock, ("go\n" + Json.write(s.toHookState(status))).getBytes(StandardCharsets.UTF_8));
            awaitReady(sys, sock, "waiting for the process to be ready", spec.linux() == null ? null : spec.linux().seccomp(),
                    pid, s.toHookState(status));
            io.jrunc.cli.Trace.mark("exec: ready");
            sys.close(sock);
            sock = -1;
            if (o.pidfdSocket() != null) sendPidfd(sys, o.pidfdSocket(), pid);
            if (o.pidFile() != null) writePidFile(Path.of(o.pidFile()), pid);
            return pid;
        } catch (RuntimeException e) {
            if (sock >= 0) sys.close(sock);
            if (pid > 0) {
                try { sys.kill(pid, Signals.SIGKILL); } catch (LinuxException ignored) { }
                try { sys.waitpid(pid, 0); } catch (LinuxException ignored) { }
            }
            throw e;
        }
    }

    /** --pidfd-socket: a pidfd of the init over SCM_RIGHTS, so the caller can signal it race-free. */
    private static void sendPidfd(Linux sys, String socket, int pid) {
        int fd = sys.pidfdOpen(pid);
        try {
            sys.sendFd(socket, "pidfd".getBytes(StandardCharsets.US_ASCII), fd);
        } finally {
            sys.close(fd);
        }
    }

    public static Path rootfs(Spec spec, Path bundle) {
        if (spec.root() == null || spec.root().path() == null)
            throw JruncException.config("/root/path", "root.path is required");
        Path p = bundle.resolve(spec.root().path()).normalize();
        try {
            p = p.toRealPath();
        } catch (IOException e) {
            throw JruncException.config("/root/path", "rootfs " + p + " does not exist");
        }
        if (!Files.isDirectory(p)) throw JruncException.config("/root/path", "rootfs " + p + " is not a directory");
        return p;
    }

    public static void writePidFile(Path target, int pid) {
        Path abs = target.toAbsolutePath();
        StateStore.writeAtomically(abs, Integer.toString(pid).getBytes(StandardCharsets.US_ASCII));
    }

    public String status(ContainerState s) {
        // an anonymous class, not a lambda: start/exec/run pass here, the AOT training does not
        return store.status(s, new java.util.function.BooleanSupplier() {
            @Override
            public boolean getAsBoolean() { return frozen(s); }
        });
    }

    private static boolean frozen(ContainerState s) {
        if (s.cgroupPaths() == null || s.cgroupPaths().isEmpty()) return false;
        try {
            return Cgroup.load(s.cgroupPaths()).isFrozen();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public void start(String id) {
        start(store.load(id));
    }

    /**
     * `run`'s start of the container it has just created: the state it already holds (and, through
     * savedSpec, the spec create parsed), not read again. The status is still the live one.
     */
    public void startCreated(ContainerState created) {
        start(created);
    }

    private void start(ContainerState s) {
        String id = s.id();
        Spec spec;
        try (StateStore.Lock lock = store.lock(id)) {
            String status = status(s);
            switch (status) {
                case "created" -> { }
                case "stopped" -> throw new JruncException("cannot start a container that has stopped");
                case "running" -> throw new JruncException("cannot start an already running container");
                default -> throw new JruncException("cannot start a container in the " + status + " state");
            }
            spec = savedSpec(id);
            openFifo(store.dir(id).resolve(StateStore.FIFO), s);
            Files.deleteIfExists(store.dir(id).resolve(StateStore.FIFO));
        } catch (IOException e) {
            throw new JruncException("start: " + e.getMessage(), e);
        }
        if (spec.hooks() != null && spec.hooks().poststart() != null) {
            try {
                Hooks.run("poststart", spec.hooks().poststart(), Json.write(s.toHookState("running")));
            } catch (JruncException e) {
                // runtime-spec 1.3: a failing poststart hook fails the operation; runc also kills the container.
                try { Linux.get().kill(s.pid(), Signals.SIGKILL); } catch (LinuxException ignored) { }
                throw e;
            }
        }
    }

    /**
     * Opening the fifo for reading releases the init, which is blocked opening it for writing. If the
     * init died meanwhile nobody will ever open the write end: open in a helper thread and keep checking
     * that the init is still alive, so `start` never hangs (runc#2828).
     */
    private static void openFifo(Path fifo, ContainerState s) {
        // A plain thread, not CompletableFuture and lambdas: `run` passes here on every call, and the AOT
        // training does not (docs/design-notes.md).
        FifoReader r = new FifoReader(fifo);
        r.setDaemon(true);
        r.start();
        while (true) {
            try {
                r.join(50);
            } catch (InterruptedException e) {
                throw new JruncException("interrupted", e);
            }
            if (!r.isAlive()) {
                if (r.failure != null) throw r.failure;
                if (r.result < 0) throw new JruncException("container init exited before start");
                return;
            }
            if (!Proc.isAlive(s.pid(), s.initStartTime())) {
                // Released (the byte was read) and already done: a short-lived process may exit before
                // the reader has seen end-of-file. Stopped before the release is an error.
                try { r.join(100); } catch (InterruptedException e) { throw new JruncException("interrupted", e); }
                if (r.result >= 0) return;
                throw new JruncException("cannot start a container that has stopped");
            }
        }
    }

    private static final class FifoReader extends Thread {
        private final Path fifo;
        volatile int result = -1;
        volatile JruncException failure;

        FifoReader(Path fifo) {
            super("fifo");
            this.fifo = fifo;
        }

        @Override
        public void run() {
            try (InputStream in = Files.newInputStream(fifo)) {
                result = in.read();
                // then end-of-file: the init holds the write end until its execve (or death), so the
                // poststart hooks after this run once the container's process is executed
                if (result >= 0) while (in.read() >= 0) { }
            } catch (IOException e) {
                failure = new JruncException("cannot open " + fifo + ": " + JruncException.errno(e), e);
            } catch (RuntimeException e) {
                failure = new JruncException(e.toString(), e);
            }
        }
    }

    /** The last spec read or created (exec asks twice: base process, then namespaces and seccomp; run's start once). */
    private String savedId;
    private Spec saved;

    /** The container's config.json as create saved it; it never changes afterwards, so one read per call. */
    public Spec savedSpec(String id) {
        if (id.equals(savedId)) return saved;
        try {
            Spec s = ConfigReader.parse(Files.readAllBytes(store.dir(id).resolve(StateStore.CONFIG)));
            savedId = id;
            saved = s;
            return s;
        } catch (NoSuchFileException e) {
            throw new JruncException("container does not exist");
        } catch (IOException e) {
            throw new JruncException("cannot read the saved config of " + id + ": " + JruncException.errno(e), e);
        }
    }

    /**
     * exec --cgroup: the container's cgroup directories with the sub-cgroup joined where one is given for
     * that controller (or for all, key ""). runc writes to the sub-cgroup as is: it must exist.
     */
    static Map<String, String> subCgroupPaths(Map<String, String> paths, Map<String, String> subs) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : paths.entrySet()) {
            String sub = subs.get(e.getKey());
            if (sub == null) sub = subs.get("");
            String dir = e.getValue();
            if (sub != null) {
                dir = Path.of(dir).resolve(sub.startsWith("/") ? sub.substring(1) : sub).normalize().toString();
                if (!Files.isDirectory(Path.of(dir)))
                    throw new JruncException("--cgroup: sub-cgroup " + sub + " does not exist: " + dir);
            }
            m.put(e.getKey(), dir);
        }
        return m;
    }

    /** Packets of at most this many bytes on the sync socket (MSG_CHUNK in native-helper/src/util.h). */
    static final int MSG_CHUNK = 64 * 1024;

    /**
     * One message to jrunc-init of any size (docs/plan-format.md, "Transport"): one packet, or when larger
     * than a packet may be, a header "JRBG" + u32 big-endian length and then the bytes in MSG_CHUNK packets.
     * No socket buffer size limits a plan or a go message then (a 1.2 MB environment, large annotations).
     */
    static void sendMessage(Linux sys, int sock, byte[] msg) {
        if (msg.length <= MSG_CHUNK) {
            sys.send(sock, msg);
            return;
        }
        int n = msg.length;
        sys.send(sock, new byte[]{'J', 'R', 'B', 'G', (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        for (int off = 0; off < n; off += MSG_CHUNK)
            sys.send(sock, java.util.Arrays.copyOfRange(msg, off, Math.min(n, off + MSG_CHUNK)));
    }

    public void kill(String id, int sig, boolean all) {
        ContainerState s = store.load(id);
        String status = status(s);
        if (status.equals("stopped")) {
            if (all) {
                // runc 1.1-1.5: --all of a stopped container signals what is left in its cgroup and exits 0
                // (containerd's shim calls it while cleaning up)
                if (s.cgroupPaths() != null && !s.cgroupPaths().isEmpty()) {
                    Cgroup cg = Cgroup.load(s.cgroupPaths());
                    if (!cg.pids().isEmpty()) cg.killAll(sig);
                }
                return;
            }
            throw new JruncException("container not running");
        }
        if (all) {
            Cgroup.load(s.cgroupPaths()).killAll(sig);
            return;
        }
        signalInit(s, sig);
    }

    /** pidfd first, then re-check the start time: the signal can only reach the process we recorded. */
    private static void signalInit(ContainerState s, int sig) {
        Linux sys = Linux.get();
        int pidfd;
        try {
            pidfd = sys.pidfdOpen(s.pid());
        } catch (LinuxException e) {
            throw new JruncException("container not running");
        }
        try {
            if (!Proc.isAlive(s.pid(), s.initStartTime())) throw new JruncException("container not running");
            sys.pidfdSendSignal(pidfd, sig);
        } catch (LinuxException e) {
            throw new JruncException(e.errno() == LinuxException.ESRCH ? "container not running"
                    : "kill: " + e.getMessage());
        } finally {
            sys.close(pidfd);
        }
    }

    public void delete(String id, boolean force) {
        StateStore.checkId(id);
        Path dir = store.dir(id);
        if (!store.exists(id)) {
            // A create killed before it saved any state leaves only the directory: --force removes it.
            if (Files.isDirectory(dir) && force) { store.removeDir(id); return; }
            if (force) return;
            throw new JruncException("container does not exist");
        }
        ContainerState s = store.load(id);
        try (StateStore.Lock lock = store.lock(id)) {
            String status = status(s);
            switch (status) {
                case "stopped" -> { }
                case "created" -> killAndWait(s);
                default -> {
                    if (!force) throw new JruncException("cannot delete container " + id + " that is not stopped: " + status);
                    killAndWait(s);
                }
            }
            destroy(s);
        }
    }

    private void killAndWait(ContainerState s) {
        Cgroup cg = s.cgroupPaths() == null || s.cgroupPaths().isEmpty() ? null : Cgroup.load(s.cgroupPaths());
        try { signalInit(s, Signals.SIGKILL); } catch (JruncException ignored) { }
        // A frozen init cannot die: thaw after the signal is queued.
        if (cg != null) { try { cg.thaw(); } catch (RuntimeException ignored) { } }
        for (int i = 0; i < 1000 && Proc.isAlive(s.pid(), s.initStartTime()); i++) {
            try { Thread.sleep(10); } catch (InterruptedException e) { break; }
        }
        if (Proc.isAlive(s.pid(), s.initStartTime()))
            throw new JruncException("container init " + s.pid() + " did not die after SIGKILL");
    }

    /** The mounts a container without a mount namespace of its own made in the runtime's. */
    private void unmountShared(Linux sys, String rootfs, java.util.Set<String> before) {
        try {
            io.jrunc.mount.SharedNamespaceMounts.unmountNew(sys, rootfs, before);
        } catch (IOException | RuntimeException e) {
            warn.accept("cleanup: unmount what the container mounted under " + rootfs + ": " + e.getMessage());
        }
    }

    private void destroy(ContainerState s) {
        if (s.cgroupPaths() != null && !s.cgroupPaths().isEmpty() && s.createdCgroup()) {
            Cgroup.load(s.cgroupPaths(), s.systemd()).destroy();
        }
        Spec spec = null;
        try {
            spec = savedSpec(s.id());
        } catch (RuntimeException e) {
            warn.accept("poststop hooks skipped: " + e.getMessage());
        }
        if (spec != null && io.jrunc.mount.SharedNamespaceMounts.shared(spec) && s.rootfs() != null) {
            java.util.Set<String> before = io.jrunc.mount.SharedNamespaceMounts.load(store.dir(s.id()));
            if (before != null) unmountShared(Linux.get(), s.rootfs(), before);
            else warn.accept("cleanup: no record of the mounts under " + s.rootfs() + " before create: left as they are");
        }
        if (spec != null && spec.hooks() != null && spec.hooks().poststop() != null)
            Hooks.runAll("poststop", spec.hooks().poststop(), Json.write(s.toHookState("stopped")), warn);
        store.removeDir(s.id());
    }
}
