package io.jrunc.container;

import io.jrunc.ContainerExistsException;
import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.cgroup.DeviceRules;
import io.jrunc.hooks.Hooks;
import io.jrunc.mount.SharedNamespaceMounts;
import io.jrunc.plan.Planner;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.StateStore;
import io.jrunc.state.Times;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import io.jrunc.sys.Trace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One `create`, step by step (each step a method, in the order {@link #run()} calls them). What a step
 * makes is recorded in this object's fields, and {@link #undo} takes back exactly what exists when any
 * step fails: the init (killed and reaped), the mounts a shared-namespace container made, the cgroup,
 * the state directory. Nothing is left behind unless `run --keep` asked to keep the stopped container.
 * One instance per call: nothing here is shared.
 */
final class Create {
    private final Engine e;
    private final Linux sys;
    private final CreateOptions o;
    private final int[] stdio;
    private Bundle bundle;

    // what exists so far (undo takes these back)
    private Path dir;
    private Path rootfs;
    private Cgroup cg;
    private CgroupSetup setup;
    private Set<String> premounts;
    private InitChannel init;
    private int initPid;
    private ContainerState st;
    private String created;

    Create(Engine e, CreateOptions o, Bundle preloaded, int[] stdio) {
        this.e = e;
        this.sys = e.sys();
        this.o = o;
        this.stdio = stdio;
        Path b = o.bundle().toAbsolutePath().normalize();
        // `run` reads the bundle first (process.terminal): the same read, parse and checks serve here
        this.bundle = preloaded != null && preloaded.dir().equals(b) ? preloaded : null;
    }

    ContainerState run() {
        StateStore.checkId(o.id());
        if (bundle == null) bundle = Bundle.load(o.bundle(), e.warn);
        Spec spec = bundle.spec();
        if (spec.process() == null) throw JruncException.config("/process", "process is required to create a container");
        rootfs = rootfs(spec, bundle.dir());
        if (e.store.exists(o.id()) || Files.exists(e.store.dir(o.id()))) throw new ContainerExistsException(o.id());
        dir = e.store.createDir(o.id());
        StateStore.Lock lock;
        try {
            lock = e.store.lock(o.id());
        } catch (RuntimeException x) {
            e.store.removeDir(o.id());
            throw x;
        }
        // undo runs under the lock too: a `delete` waiting for it must not clean up alongside
        try (lock) {
            try {
                stateDir(spec);
                cgroup(spec);
                byte[] plan = plan(spec);
                spawn(plan);
                joinCgroup();
                hooksAndGo(spec);
                finish(spec);
                return st;
            } catch (RuntimeException | IOException | Error x) {
                undo();
                if (x instanceof IOException io) throw new JruncException(io.getMessage(), io);
                if (x instanceof RuntimeException r) throw r;
                throw (Error) x;
            }
        }
    }

    /** config.json as read, the exec fifo, and for a container without a mount namespace what is mounted already. */
    private void stateDir(Spec spec) throws IOException {
        Files.write(dir.resolve(StateStore.CONFIG), bundle.raw());
        Path fifo = dir.resolve(StateStore.FIFO);
        sys.mkfifo(fifo, 0622);
        Files.setPosixFilePermissions(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w--w-"));
        Trace.mark("state dir, fifo");
        if (SharedNamespaceMounts.shared(spec)) {
            // what is mounted under the rootfs already is not the container's to unmount later
            premounts = SharedNamespaceMounts.snapshot(rootfs.toString());
            SharedNamespaceMounts.save(dir, premounts);
        }
    }

    /**
     * The cgroup's paths, the first state.json (saved before anything is started so `delete -f` can undo a
     * create that died half-way), then the cgroup itself: as root on a second thread while this one plans
     * and clones (mkdir may wait for cgroup_mutex, which the CLI's prewarm migration holds through its RCU
     * grace period); rootless first, since running without a cgroup changes the plan.
     */
    private void cgroup(Spec spec) {
        Spec.Linux linux = spec.linux();
        cg = e.cgroups.forContainer(o.id(), linux == null ? null : linux.cgroupsPath(), spec.annotations(),
                e.systemdCgroup, e.cgroupEnv());
        Trace.mark("cgroup paths");
        created = Times.now();
        st = state(0, -1, true);
        e.store.save(st);
        Spec.Resources resources = DeviceRules.effective(linux == null ? null : linux.resources(),
                linux == null ? null : linux.devices());
        if (!e.rootlessCgroups()) {
            setup = CgroupSetup.begin(cg, resources);
            return;
        }
        try {
            cg.create(resources);
            cg.apply(resources);
            Trace.mark("cgroup created and applied");
        } catch (JruncException x) {
            if (e.systemdCgroup) throw x; // asked for systemd: no silent fallback
            // Rootless without a delegated cgroup: run without one, as runc does, and say so.
            e.warn.accept("rootless: running without a cgroup, resource limits are not applied (" + x.getMessage() + ")");
            try { cg.destroy(); } catch (RuntimeException ignored) { }
            cg = e.cgroups.none();
            st = state(0, -1, false);
            e.store.save(st);
        }
    }

    private byte[] plan(Spec spec) {
        for (Planner.BindSource b : Planner.bindSources(spec, bundle.dir()))
            if (!Files.exists(Path.of(b.path())))
                throw JruncException.config(b.pointer(), "bind mount source " + b.path() + " does not exist");
        Spec.Linux linux = spec.linux();
        List<String> warnings = new ArrayList<>();
        byte[] plan = Planner.plan(spec, new Planner.Options(rootfs, bundle.dir(), dir.resolve(StateStore.FIFO), o.noPivot(),
                o.consoleSocket(), o.preserveFds(), cgroupBinds(cg), cg.isV2(), o.noNewKeyring() ? null : "_ses." + o.id(),
                io.jrunc.seccomp.SeccompCompiler.compile(linux == null ? null : linux.seccomp(), e.seccompCache)), e.host(), warnings);
        // (an unknown capability name never gets here: the Validator refuses it, naming its pointer)
        for (String w : warnings) e.warn.accept(w);
        Trace.mark("planned");
        return plan;
    }

    private void spawn(byte[] plan) {
        init = InitChannel.start(e, plan, o.preserveFds(), stdio, "reading the container's pid");
        initPid = init.pid();
    }

    /** The init into its cgroup (made meanwhile on the setup thread), and state.json with its pid. */
    private void joinCgroup() {
        long start = sys.startTime(initPid);
        if (setup != null) {
            setup.finish();
            Trace.mark("cgroup created and applied");
        }
        cg.addProcess(initPid);
        if (e.inCgroup != null) e.inCgroup.run();
        Trace.mark("init in cgroup");
        // createdCgroup: false when rootless create fell back to no cgroup (as the first state.json says)
        st = new ContainerState(o.id(), initPid, start, bundle.dir().toString(), rootfs.toString(), created, "",
                annotations(), cg.paths(), !cg.paths().isEmpty(), cg.systemd(), o.noNewKeyring());
        e.store.save(st);
    }

    private void hooksAndGo(Spec spec) {
        if (spec.hooks() != null) {
            // "created": the environment is complete when the runtime-namespace hooks run (crun; what
            // runtime-tools' hooks_stdin checks; runc says "creating"). docs/conformance.md, decisions.
            String hookState = Json.write(st.toHookState("created"));
            Hooks.run("prestart", spec.hooks().prestart(), hookState, e.hookIo);
            Hooks.run("createRuntime", spec.hooks().createRuntime(), hookState, e.hookIo);
        }
        // createContainer hooks run while the container is being created; startContainer hooks run at
        // `start` of a created container, so they get status "created" (as runc does), on a second line.
        init.go(Json.write(st.toHookState("creating")), Json.write(st.toHookState("created")));
        Spec.Linux linux = spec.linux();
        try {
            init.awaitReady("waiting for the container to be ready", linux == null ? null : linux.seccomp(),
                    st.toHookState("creating"));
        } catch (JruncException x) {
            throw oomOr(x, cg, linux);
        }
        Trace.mark("init ready");
        init.close();
    }

    /** --pidfd-socket, --pid-file, and last the files the C front answers from (their presence: fully created). */
    private void finish(Spec spec) {
        if (o.pidfdSocket() != null) sendPidfd(sys, o.pidfdSocket(), initPid);
        if (o.pidFile() != null) writePidFile(Path.of(o.pidFile()), initPid);
        Spec.Hooks hk = spec.hooks();
        Cgroup files = e.cgroups.load(st.cgroupPaths(), null, e.cgroupEnv());
        // the freeze facts the front reads come from the recorded paths (StateStore.freezeFacts)
        e.store.saveFast(st, files.procsDir(),
                hk != null && hk.poststart() != null && !hk.poststart().isEmpty(),
                // "poststop" tells the front that delete needs the JVM: also to unmount what a container
                // without a mount namespace of its own mounted in the runtime's
                hk != null && hk.poststop() != null && !hk.poststop().isEmpty() || SharedNamespaceMounts.shared(spec));
        Trace.mark("state saved");
    }

    /** Takes back what the steps made, newest first; each failure here is a warning, the first error stands. */
    private void undo() {
        if (init != null) init.close();
        if (initPid > 0) {
            init.killAndReap();
        }
        if (setup != null) setup.await(); // its failure, if any, is the one being reported or a lesser one
        if (initPid > 0 && premounts != null) e.unmountShared(rootfs.toString(), premounts);
        boolean keep = o.keepOnFailure() && e.store.exists(o.id());
        if (cg != null && !keep) {
            try { cg.destroy(); } catch (RuntimeException c) { e.warn.accept("cleanup: " + c.getMessage()); }
        }
        if (!keep) {
            try { e.store.removeDir(o.id()); } catch (RuntimeException c) { e.warn.accept("cleanup: " + c.getMessage()); }
        }
    }

    private ContainerState state(int pid, long start, boolean createdCgroup) {
        return new ContainerState(o.id(), pid, start, bundle.dir().toString(), rootfs.toString(), created, "",
                annotations(), cg.paths(), createdCgroup, cg.systemd(), o.noNewKeyring());
    }

    private Map<String, String> annotations() {
        return bundle.spec().annotations() == null ? Map.of() : bundle.spec().annotations();
    }

    /** The container's cgroup directories as the planner binds them into a `cgroup` mount. */
    static List<Planner.CgroupBind> cgroupBinds(Cgroup cg) {
        List<Planner.CgroupBind> binds = new ArrayList<>();
        for (Cgroup.Hierarchy h : cg.hierarchies()) {
            String name = Path.of(h.mountPoint()).getFileName().toString();
            binds.add(new Planner.CgroupBind(name, h.dir(), h.controllers().isEmpty()));
        }
        return binds;
    }

    static Path rootfs(Spec spec, Path bundle) {
        if (spec.root() == null || spec.root().path() == null)
            throw JruncException.config("/root/path", "root.path is required");
        Path p = bundle.resolve(spec.root().path()).normalize();
        try {
            p = p.toRealPath();
        } catch (IOException x) {
            throw JruncException.config("/root/path", "rootfs " + p + " does not exist");
        }
        if (!Files.isDirectory(p)) throw JruncException.config("/root/path", "rootfs " + p + " is not a directory");
        return p;
    }

    /**
     * The init died silently: if the memory limit was too small for even it (the kernel OOM-killed it
     * in its cgroup), say so and name the field instead of "exited before it was ready".
     */
    private static JruncException oomOr(JruncException x, Cgroup cg, Spec.Linux linux) {
        long kills;
        try {
            kills = cg.oomKillCount();
        } catch (RuntimeException ignored) {
            return x;
        }
        if (kills == 0) return x;
        Long limit = linux == null || linux.resources() == null || linux.resources().memory() == null ? null
                : linux.resources().memory().limit();
        return JruncException.config("/linux/resources/memory/limit", "the container init was killed by the OOM killer"
                + (limit == null ? "" : " under the memory limit of " + limit + " bytes"), "raise the limit");
    }

    /** --pidfd-socket: a pidfd of the process over SCM_RIGHTS, so the caller can signal it race-free. */
    static void sendPidfd(Linux sys, String socket, int pid) {
        int fd = sys.pidfdOpen(pid);
        try {
            sys.sendFd(socket, "pidfd".getBytes(StandardCharsets.US_ASCII), fd);
        } finally {
            sys.close(fd);
        }
    }

    static void writePidFile(Path target, int pid) {
        StateStore.writeAtomically(target.toAbsolutePath(), Integer.toString(pid).getBytes(StandardCharsets.US_ASCII));
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
            } catch (RuntimeException | Error x) {
                failed = x;
            }
        }

        void await() {
            boolean interrupted = false;
            while (isAlive()) {
                try {
                    join();
                } catch (InterruptedException x) {
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
            if (f instanceof Error x) throw x;
        }
    }
}
