package io.jrunc.container;

import io.jrunc.JruncException;
import io.jrunc.StatusException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.cgroup.CgroupDriver;
import io.jrunc.hooks.Hooks;
import io.jrunc.plan.HostFacts;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.StateStore;
import io.jrunc.state.Status;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The container engine: create, start, state, kill, pause, resume, update, exec, delete (runtime-spec
 * "Lifecycle") over one state root. Everything it needs is given at construction (the kernel, the cgroup
 * drivers, where warnings go, the global flags of the call) and nothing is kept between operations, so
 * one engine serves concurrent calls from many threads, and two engines on different roots in one JVM
 * never see each other. Decisions come from the planner, execution from jrunc-init, the kernel through
 * {@link Linux}. The public API (io.jrunc.api) and the CLI (io.jrunc.cli) are layers over this class.
 */
public final class Engine {
    final StateStore store;
    /** The kernel as given, or null for the JNI one (libjrunc is loaded only when a call needs the kernel). */
    private final Linux givenSys;
    private volatile Linux sys;
    final CgroupDriver cgroups;
    final Consumer<String> warn;
    final boolean systemdCgroup;
    /** The rootless cgroup manager (runc's shouldUseRootlessCgroupManager), decided once for this engine. */
    private final Boolean givenRootless;
    private final String rootlessFlag;
    private volatile Boolean rootless;
    /** Where compiled seccomp filters are cached (null: no cache). */
    final Path seccompCache;
    /** Called once the new process is in its cgroup (the CLI ends its cgroup prewarm there); may be null. */
    final Runnable inCgroup;
    /** jrunc-init (null: {@link io.jrunc.sys.Home#initBinary()}, looked up when first spawned). */
    private final Path initBinary;
    /** Who starts jrunc-init (null: this engine spawns it, as the CLI does). */
    final InitLauncher launcher;
    /** The hooks' cwd and stdout (null: this process', as in the CLI). */
    final Hooks.Io hookIo;
    /** Whose cgroups a relative cgroupsPath goes under (0: this process'; the planner: its caller's). */
    private final int caller;
    private volatile HostFacts host;

    private Engine(Builder b) {
        this.store = new StateStore(b.root);
        this.givenSys = b.sys;
        this.cgroups = b.cgroups != null ? b.cgroups : CgroupDriver.HOST;
        this.warn = b.warn != null ? b.warn : Engine::stderrWarning;
        this.systemdCgroup = b.systemdCgroup;
        this.givenRootless = b.rootlessCgroups;
        this.rootlessFlag = b.rootlessFlag;
        this.seccompCache = b.seccompCache ? store.root().resolve(StateStore.SECCOMP_CACHE) : null;
        this.inCgroup = b.inCgroup;
        this.initBinary = b.initBinary;
        this.launcher = b.launcher;
        this.hookIo = b.hookIo;
        this.caller = b.caller;
        this.host = b.host;
    }

    public static Builder builder(Path root) { return new Builder(root); }

    /** How an engine is made; every setting has the CLI's default. */
    public static final class Builder {
        private final Path root;
        private Linux sys;
        private CgroupDriver cgroups;
        private Consumer<String> warn;
        private boolean systemdCgroup;
        private String rootlessFlag;
        private Boolean rootlessCgroups;
        private boolean seccompCache = true;
        private Runnable inCgroup;
        private HostFacts host;
        private Path initBinary;
        private InitLauncher launcher;
        private Hooks.Io hookIo;
        private int caller;

        private Builder(Path root) { this.root = root; }

        /** The process whose cgroups a relative or empty cgroupsPath goes under, as runc's own (0: this one). */
        public Builder caller(int pid) { caller = pid; return this; }

        /** The kernel: a fake in unit tests; default the JNI library. */
        public Builder kernel(Linux l) { sys = l; return this; }
        public Builder cgroups(CgroupDriver d) { cgroups = d; return this; }
        /** Where warnings go (default: logrus-like lines on stderr). */
        public Builder warnings(Consumer<String> w) { warn = w; return this; }
        /** runc's --systemd-cgroup: new containers' cgroups are systemd units. */
        public Builder systemdCgroup(boolean on) { systemdCgroup = on; return this; }
        /** runc's --rootless: "true", "false", or null for auto. */
        public Builder rootless(String flag) { rootlessFlag = flag; return this; }
        /** The rootless cgroup manager on or off, without looking at the process (tests). */
        public Builder rootlessCgroups(boolean on) { rootlessCgroups = on; return this; }
        /** Cache compiled seccomp filters under the root (default on). */
        public Builder seccompCache(boolean on) { seccompCache = on; return this; }
        public Builder onJoinedCgroup(Runnable r) { inCgroup = r; return this; }
        /** The host's facts for the planner (default: read from this host when first needed). */
        public Builder hostFacts(HostFacts h) { host = h; return this; }
        /** The jrunc-init binary to spawn (default: found by io.jrunc.sys.Home; a fake kernel takes any path). */
        public Builder initBinary(Path p) { initBinary = p; return this; }
        /**
         * jrunc-init is started by someone else, who passes its sync socket (a resident planner serving a C
         * front; InitLauncher). Such an engine serves one create or exec: the launcher gives one socket.
         */
        public Builder initLauncher(InitLauncher l) { launcher = l; return this; }
        /** The runtime-namespace hooks' cwd and stdout, when they are not this process' (the planner's callers). */
        public Builder hookIo(Hooks.Io io) { hookIo = io; return this; }
        public Engine build() { return new Engine(this); }
    }

    public StateStore store() { return store; }

    /** Where this engine's warnings go. */
    public Consumer<String> warnings() { return warn; }

    /** --systemd-cgroup: new containers' cgroups are systemd units. */
    public boolean systemdCgroup() { return systemdCgroup; }

    /** A new container's cgroup as create would make it (nothing is created yet): for restore. */
    public Cgroup newCgroup(String id, Spec spec) {
        Spec.Linux linux = spec.linux();
        return cgroups.forContainer(id, linux == null ? null : linux.cgroupsPath(), spec.annotations(), systemdCgroup, cgroupEnv());
    }

    /** The bundle's root.path, resolved and checked as create does (pointer /root/path). */
    public static java.nio.file.Path rootfs(Spec spec, java.nio.file.Path bundle) { return Create.rootfs(spec, bundle); }

    /** A pid file as create writes it (atomically). */
    public static void writePidFile(java.nio.file.Path target, int pid) { Create.writePidFile(target, pid); }

    /** The container's cgroup directories as the planner binds them into a `cgroup` mount. */
    public static List<io.jrunc.plan.Planner.CgroupBind> cgroupBinds(Cgroup cg) { return Create.cgroupBinds(cg); }

    public Linux kernel() { return sys(); }

    Linux sys() {
        Linux l = sys;
        if (l == null) sys = l = givenSys != null ? givenSys : Linux.get();
        return l;
    }

    /** The rootless cgroup manager (runc's shouldUseRootlessCgroupManager), decided once, when first needed. */
    boolean rootlessCgroups() {
        Boolean r = rootless;
        if (r == null) rootless = r = givenRootless != null ? givenRootless : io.jrunc.sys.Rootless.cgroups(rootlessFlag, sys().geteuid());
        return r;
    }

    Path initBinary() { return initBinary != null ? initBinary : io.jrunc.sys.Home.initBinary(); }

    Cgroup.Env cgroupEnv() { return new Cgroup.Env(warn, rootlessCgroups(), caller); }

    HostFacts host() {
        HostFacts h = host;
        if (h == null) host = h = HostFacts.read(sys().geteuid());
        return h;
    }

    private static void stderrWarning(String msg) {
        System.err.println("time=\"" + io.jrunc.state.Times.now() + "\" level=warning msg=\"" + msg.replace("\"", "\\\"") + "\"");
    }

    // ---- create, start, run ------------------------------------------------------------------------

    /** Creates the container (runtime-spec `create`): its process waits for {@link #start}. */
    public ContainerState create(CreateOptions o) {
        return create(o, null, null);
    }

    /**
     * As {@link #create(CreateOptions)}; bundle: the bundle already loaded by the caller (foreground `run`
     * reads it first to learn process.terminal), or null; stdio: the fds for the container's 0, 1, 2, or
     * null to give it the caller's.
     */
    public ContainerState create(CreateOptions o, Bundle bundle, int[] stdio) {
        return new Create(this, o, bundle, stdio).run();
    }

    /** Starts a created container (runtime-spec `start`). */
    public void start(String id) {
        ContainerState s = store.load(id);
        start(s, null);
    }

    /**
     * Starts a container this caller has just created: the state it holds, and the spec create parsed
     * (null: read the saved one). The status is still the live one.
     */
    public void start(ContainerState s, Spec spec) {
        String id = s.id();
        try (StateStore.Lock lock = store.lock(id)) {
            Status status = status(s);
            switch (status) {
                case CREATED -> { }
                case STOPPED -> throw new StatusException(status, "cannot start a container that has stopped");
                case RUNNING -> throw new StatusException(status, "cannot start an already running container");
                default -> throw new StatusException(status, "cannot start a container in the " + status + " state");
            }
            if (spec == null) spec = savedSpec(id);
            Fifo.release(store.dir(id).resolve(StateStore.FIFO), s, sys());
            Files.deleteIfExists(store.dir(id).resolve(StateStore.FIFO));
        } catch (IOException e) {
            throw new JruncException("start: " + e.getMessage(), e);
        }
        if (spec.hooks() != null && spec.hooks().poststart() != null) {
            try {
                Hooks.run("poststart", spec.hooks().poststart(), Json.write(s.toHookState("running")), hookIo);
            } catch (JruncException e) {
                // runtime-spec 1.3: a failing poststart hook fails the operation; runc also kills the container.
                try { sys().kill(s.pid(), Signals.SIGKILL); } catch (LinuxException ignored) { }
                throw e;
            }
        }
    }

    /**
     * Waits for a container process this JVM is the parent of (every init it created: jrunc-init clones it
     * with CLONE_PARENT; every exec'd process) and returns its exit code, or 128+signal as a shell does.
     */
    public int waitFor(int pid) {
        int[] r = sys().waitpid(pid, 0);
        int st = r[1];
        if ((st & 0x7f) == 0) return (st >> 8) & 0xff;
        return 128 + (st & 0x7f);
    }

    // ---- state ---------------------------------------------------------------------------------------

    public ContainerState load(String id) { return store.load(id); }

    /** The live status: the init's pid and start time, its cgroup's freezer, the exec fifo. */
    public Status status(ContainerState s) {
        boolean alive = sys().isAlive(s.pid(), s.initStartTime());
        if (!alive) return Status.STOPPED;
        // an anonymous class, not a lambda: start/exec/run pass here, the AOT training does not
        return store.status(s, true, new java.util.function.BooleanSupplier() {
            @Override
            public boolean getAsBoolean() { return frozen(s); }
        });
    }

    private boolean frozen(ContainerState s) {
        if (s.cgroupPaths() == null || s.cgroupPaths().isEmpty()) return false;
        try {
            return cgroupFiles(s).isFrozen();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The container's config.json as create saved it (it never changes afterwards). */
    public Spec savedSpec(String id) {
        try {
            return ConfigReader.parse(Files.readAllBytes(store.dir(id).resolve(StateStore.CONFIG)));
        } catch (NoSuchFileException e) {
            throw new io.jrunc.NoSuchContainerException(id);
        } catch (IOException e) {
            throw new JruncException("cannot read the saved config of " + id + ": " + JruncException.errno(e), e);
        }
    }

    /** The container's cgroup as state.json recorded it, its systemd unit included (update, destroy). */
    public Cgroup cgroup(ContainerState s) {
        return cgroups.load(s.cgroupPaths(), s.systemd(), cgroupEnv());
    }

    /** The container's cgroup directories alone: freeze, thaw, signals, stats go to the files, as in runc. */
    public Cgroup cgroupFiles(ContainerState s) {
        return cgroups.load(s.cgroupPaths(), null, cgroupEnv());
    }

    /** Every pid in the container's cgroup (runc's `ps --format json`); none without a cgroup. */
    public List<Integer> pids(String id) {
        ContainerState s = store.load(id);
        return s.cgroupPaths() == null || s.cgroupPaths().isEmpty() ? List.of() : cgroupFiles(s).pids();
    }

    // ---- kill, pause, resume, update -------------------------------------------------------------

    public void kill(String id, int sig, boolean all) {
        ContainerState s = store.load(id);
        Status status = status(s);
        if (status == Status.STOPPED) {
            if (all) {
                // runc 1.1-1.5: --all of a stopped container signals what is left in its cgroup and exits 0
                // (containerd's shim calls it while cleaning up)
                if (s.cgroupPaths() != null && !s.cgroupPaths().isEmpty()) {
                    Cgroup cg = cgroupFiles(s);
                    if (!cg.pids().isEmpty()) cg.killAll(sig);
                }
                return;
            }
            throw new StatusException(status, "container not running");
        }
        if (all) {
            cgroupFiles(s).killAll(sig);
            return;
        }
        signalInit(s, sig);
    }

    /** pidfd first, then re-check the start time: the signal can only reach the process we recorded. */
    void signalInit(ContainerState s, int sig) {
        int pidfd;
        try {
            pidfd = sys().pidfdOpen(s.pid());
        } catch (LinuxException e) {
            throw new StatusException(Status.STOPPED, "container not running");
        }
        try {
            if (!sys().isAlive(s.pid(), s.initStartTime())) throw new StatusException(Status.STOPPED, "container not running");
            sys().pidfdSendSignal(pidfd, sig);
        } catch (LinuxException e) {
            if (e.errno() == LinuxException.ESRCH) throw new StatusException(Status.STOPPED, "container not running");
            throw new JruncException("kill: " + e.getMessage());
        } finally {
            sys().close(pidfd);
        }
    }

    /** runc: a created container may be paused too. */
    public void pause(String id) {
        ContainerState s = store.load(id);
        Status status = status(s);
        if (status != Status.RUNNING && status != Status.CREATED) throw new StatusException(status, "container not running");
        cgroupFiles(s).freeze();
    }

    /** Only a paused container can be resumed. */
    public void resume(String id) {
        ContainerState s = store.load(id);
        Status status = status(s);
        if (status != Status.PAUSED) throw new StatusException(status, "container not paused");
        cgroupFiles(s).thaw();
    }

    /** runc update: the same writer as create's (null fields are left as they are). */
    public void update(String id, Spec.Resources r) {
        ContainerState s = store.load(id);
        Status status = status(s);
        if (status == Status.STOPPED) throw new StatusException(status, "container not running");
        cgroup(s).apply(r);
    }

    /** runc's `events --stats` data of a running or paused container. */
    public Map<String, Object> stats(String id) {
        ContainerState s = store.load(id);
        Status status = status(s);
        if (status == Status.STOPPED) throw new StatusException(status, "container with id " + id + " is not running");
        return cgroupFiles(s).stats();
    }

    // ---- exec ----------------------------------------------------------------------------------------

    /**
     * Starts a process in a running container and returns its host pid (a child of this JVM: the caller
     * waits for it). The pid file is written only on success: conmon reads a missing pid file as failure.
     */
    public int exec(ExecOptions o) {
        return exec(o, null, null);
    }

    /**
     * As {@link #exec(ExecOptions)}; saved: the container's saved spec if the caller has read it already
     * ({@link #savedSpec}), else null; stdio: the fds for the process' 0, 1, 2, or null for the caller's.
     */
    public int exec(ExecOptions o, Spec saved, int[] stdio) {
        return new Exec(this, o, saved, stdio).run();
    }

    // ---- delete --------------------------------------------------------------------------------------

    public void delete(String id, boolean force) {
        StateStore.checkId(id);
        Path dir = store.dir(id);
        if (!store.exists(id)) {
            // A create killed before it saved any state leaves only the directory: --force removes it.
            if (Files.isDirectory(dir) && force) { store.removeDir(id); return; }
            if (force) return;
            throw new io.jrunc.NoSuchContainerException(id);
        }
        ContainerState s = store.load(id);
        try (StateStore.Lock lock = store.lock(id)) {
            Status status = status(s);
            switch (status) {
                case STOPPED -> { }
                case CREATED -> killAndWait(s);
                default -> {
                    if (!force) throw new StatusException(status, "cannot delete container " + id + " that is not stopped: " + status);
                    killAndWait(s);
                }
            }
            destroy(s);
        }
    }

    private void killAndWait(ContainerState s) {
        Cgroup cg = s.cgroupPaths() == null || s.cgroupPaths().isEmpty() ? null : cgroupFiles(s);
        try { signalInit(s, Signals.SIGKILL); } catch (JruncException ignored) { }
        // A frozen init cannot die: thaw after the signal is queued.
        if (cg != null) { try { cg.thaw(); } catch (RuntimeException ignored) { } }
        for (int i = 0; i < 1000 && sys().isAlive(s.pid(), s.initStartTime()); i++) {
            try { Thread.sleep(10); } catch (InterruptedException e) { break; }
        }
        if (sys().isAlive(s.pid(), s.initStartTime()))
            throw new JruncException("container init " + s.pid() + " did not die after SIGKILL");
    }

    /** The mounts a container without a mount namespace of its own made in the runtime's. */
    void unmountShared(String rootfs, java.util.Set<String> before) {
        try {
            io.jrunc.mount.SharedNamespaceMounts.unmountNew(sys(), rootfs, before);
        } catch (IOException | RuntimeException e) {
            warn.accept("cleanup: unmount what the container mounted under " + rootfs + ": " + e.getMessage());
        }
    }

    private void destroy(ContainerState s) {
        if (s.cgroupPaths() != null && !s.cgroupPaths().isEmpty() && s.createdCgroup()) cgroup(s).destroy();
        Spec spec = null;
        try {
            spec = savedSpec(s.id());
        } catch (RuntimeException e) {
            warn.accept("poststop hooks skipped: " + e.getMessage());
        }
        if (spec != null && io.jrunc.mount.SharedNamespaceMounts.shared(spec) && s.rootfs() != null) {
            java.util.Set<String> before = io.jrunc.mount.SharedNamespaceMounts.load(store.dir(s.id()));
            if (before != null) unmountShared(s.rootfs(), before);
            else warn.accept("cleanup: no record of the mounts under " + s.rootfs() + " before create: left as they are");
        }
        if (spec != null && spec.hooks() != null && spec.hooks().poststop() != null)
            Hooks.runAll("poststop", spec.hooks().poststop(), Json.write(s.toHookState("stopped")), warn, hookIo);
        store.removeDir(s.id());
    }
}
