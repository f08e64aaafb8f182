package io.jrunc.checkpoint;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.cgroup.DeviceRules;
import io.jrunc.container.Bundle;
import io.jrunc.container.Engine;
import io.jrunc.container.Signals;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.StateStore;
import io.jrunc.state.Times;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * `restore`: a new container with the given id, from a bundle and a checkpoint. jrunc makes what create
 * would (state directory, saved config, cgroup with the bundle's limits), then criu recreates the process
 * tree inside that cgroup (--cgroup-root) from the bundle's rootfs, with the caller's stdio in place of
 * the checkpointed stdio pipes (descriptors.json), and the state is written as create writes it, so that
 * state, kill, exec and delete (the C front's included) work on the restored container. Any failure
 * undoes all of it. docs/checkpoint.md.
 */
public final class Restore {
    private Restore() {}

    public record Options(String id, Path bundle, String pidFile, String consoleSocket, boolean noPivot,
                          boolean noSubreaper, CriuOptions criu) {}

    /** The state directory's mount point for the rootfs while criu restores (criu wants its root to be a mount). */
    static final String CRIU_ROOT = "criu-root", CRIU_PID = "criu.pid";

    /** criuPath: runc's --criu (null: "criu" in PATH). */
    public static ContainerState restore(Engine e, Options r, String criuPath) {
        StateStore store = e.store();
        Consumer<String> warn = e.warnings();
        String id = r.id();
        CriuOptions o = r.criu();
        StateStore.checkId(id);
        if (store.exists(id) || Files.exists(store.dir(id)))
            throw new io.jrunc.ContainerExistsException(id);
        Bundle b = Bundle.load(r.bundle(), warn);
        Path bundle = b.dir();
        Spec spec = b.spec();
        if (spec.process() == null) throw JruncException.config("/process", "process is required to restore a container");
        Checkpoint.refuseTerminal(spec, "restored");
        if (io.jrunc.mount.SharedNamespaceMounts.shared(spec))
            throw JruncException.config("/linux/namespaces", "a container without a mount namespace of its own cannot be restored");
        Path rootfs = Engine.rootfs(spec, bundle);
        CriuArgs.joinNamespaces(spec); // refuses what criu cannot join before anything is made
        io.jrunc.sys.Trace.mark("bundle read");
        Criu criu = Criu.forSpec(e, spec, criuPath);
        List<Spec.Namespace> ext = CriuArgs.externalNamespaces(spec);
        Path img = Checkpoint.imageDir(o.imagePath());
        if (!Files.isDirectory(img))
            throw new JruncException("image path " + img + (Files.exists(img) ? " is not a directory" : " does not exist"));
        List<String> descriptors = descriptors(img);
        Path work = o.workPath() == null || o.workPath().isEmpty() ? null : Path.of(o.workPath()).toAbsolutePath().normalize();
        if (work != null) Checkpoint.makeDir(work, "work path");
        if (hasHooks(spec)) warn.accept("restore runs no hooks (prestart, createRuntime, createContainer, startContainer, poststart)");

        Linux sys = e.kernel();
        Path dir = store.createDir(id);
        Path criuRoot = dir.resolve(CRIU_ROOT), criuPid = dir.resolve(CRIU_PID);
        Cgroup cg = null;
        boolean[] mounted = {false};
        List<Integer> fds = new ArrayList<>();
        int pid = 0;
        try (StateStore.Lock lock = store.lock(id)) {
            Files.write(dir.resolve(StateStore.CONFIG), b.raw());
            Spec.Linux linux = spec.linux();
            Cgroup target = e.newCgroup(id, spec);
            // criu would put the restored tree next to another container's processes, and undoing a failed
            // restore would kill them: refused (and then not ours to remove)
            int busy = processes(target);
            if (busy > 0)
                throw new JruncException("cannot restore " + id + " into cgroup " + target.procsDir() + ": it holds " + busy
                        + " process(es) already (another container's cgroupsPath?)");
            cg = target;
            String created = Times.now();
            Map<String, String> ann = spec.annotations() == null ? Map.of() : spec.annotations();
            // saved before anything is made, so that `delete -f` can undo a restore that died half-way
            ContainerState st = new ContainerState(id, 0, -1, bundle.toString(), rootfs.toString(), created, "", ann,
                    cg.paths(), true, cg.systemd(), false);
            store.save(st);
            Spec.Resources res = DeviceRules.effective(linux == null ? null : linux.resources(), linux == null ? null : linux.devices());
            cg.create(res);
            cg.apply(res);
            io.jrunc.sys.Trace.mark("cgroup created and applied");
            Files.createDirectory(criuRoot);
            sys.bindMount(rootfs.toString(), criuRoot.toString());
            mounted[0] = true;
            Map<String, Integer> nsFds = new LinkedHashMap<>();
            for (Spec.Namespace n : ext) {
                int fd = sys.open(Path.of(n.path()), Linux.O_RDONLY, 0);
                fds.add(fd);
                nsFds.put(n.type(), fd);
            }
            List<String> args = CriuArgs.restore(o, spec, new CriuArgs.RestoreFacts(img.toString(),
                    work == null ? null : work.toString(), criuRoot.toString(), bundle, cgroupRoots(cg), descriptors, nsFds,
                    criuPid.toString(), Checkpoint.configFile(spec)));
            // the restored init is criu's sibling, our child; what it leaves orphaned comes to us too (runc)
            if (!r.noSubreaper()) sys.setChildSubreaper();
            int[] keep = fds.stream().mapToInt(Integer::intValue).toArray();
            try {
                criu.run(args, keep, (work == null ? img : work).resolve(CriuArgs.RESTORE_LOG), warn);
            } finally {
                pid = restoredPid(criuPid);
            }
            io.jrunc.sys.Trace.mark("criu done");
            if (pid <= 0) throw new JruncException("criu restored no process (no pid in " + criuPid + ")");
            long start = sys.startTime(pid);
            // the systemd driver starts its transient unit with the first pid (create does the same with
            // the init's), which also writes the limits kept for it; criu has put the tree in the unit's
            // cgroup path already (--cgroup-root)
            if (e.systemdCgroup()) cg.addProcess(pid);
            unmount(sys, criuRoot, mounted, warn);
            Files.deleteIfExists(criuPid);
            st = new ContainerState(id, pid, start, bundle.toString(), rootfs.toString(), created, "", ann, cg.paths(), true,
                    cg.systemd(), false);
            store.save(st);
            if (r.pidFile() != null) Engine.writePidFile(Path.of(r.pidFile()), pid);
            Spec.Hooks hk = spec.hooks();
            // as create writes them: the C front answers state/kill/delete from these
            store.saveFast(st, e.cgroupFiles(st).procsDir(), false,
                    hk != null && hk.poststop() != null && !hk.poststop().isEmpty());
            return st;
        } catch (RuntimeException | IOException | Error x) {
            if (pid > 0) {
                try { sys.kill(pid, Signals.SIGKILL); } catch (LinuxException ignored) { }
                try { sys.waitpid(pid, 0); } catch (LinuxException ignored) { }
            }
            unmount(sys, criuRoot, mounted, warn);
            if (cg != null) {
                try { cg.destroy(); } catch (RuntimeException c) { warn.accept("cleanup: " + c.getMessage()); }
            }
            try { store.removeDir(id); } catch (RuntimeException c) { warn.accept("cleanup: " + c.getMessage()); }
            if (x instanceof IOException io) throw new JruncException(io.getMessage(), io);
            if (x instanceof RuntimeException rt) throw rt;
            throw (Error) x;
        } finally {
            for (int fd : fds) sys.close(fd);
        }
    }

    private static int processes(Cgroup cg) {
        try {
            return cg.procsDir() == null || !Files.isDirectory(Path.of(cg.procsDir())) ? 0 : cg.pids().size();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static boolean hasHooks(Spec spec) {
        Spec.Hooks h = spec.hooks();
        return h != null && (notEmpty(h.prestart()) || notEmpty(h.createRuntime()) || notEmpty(h.createContainer())
                || notEmpty(h.startContainer()) || notEmpty(h.poststart()));
    }

    private static boolean notEmpty(List<?> l) { return l != null && !l.isEmpty(); }

    private static int restoredPid(Path f) {
        try {
            return Integer.parseInt(Files.readString(f).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static void unmount(Linux sys, Path criuRoot, boolean[] mounted, Consumer<String> warn) {
        if (mounted[0]) {
            try {
                sys.umount2(criuRoot.toString(), Linux.MNT_DETACH);
            } catch (LinuxException e) {
                warn.accept("cleanup: unmount " + criuRoot + ": " + e.getMessage());
            }
            mounted[0] = false;
        }
        try {
            Files.deleteIfExists(criuRoot);
        } catch (IOException e) {
            warn.accept("cleanup: " + criuRoot + ": " + JruncException.errno(e));
        }
    }

    /** criu's --cgroup-root values for the new cgroup: "/path" on v2, "controller:/path" per v1 controller. */
    static List<String> cgroupRoots(Cgroup cg) {
        List<String> l = new ArrayList<>();
        for (Cgroup.Hierarchy h : cg.hierarchies()) {
            String rel = "/" + Path.of(h.mountPoint()).relativize(Path.of(h.dir()));
            if (h.controllers().isEmpty()) l.add(rel);
            else for (String c : h.controllers().split(",")) l.add(c + ":" + rel);
        }
        return l;
    }

    /** descriptors.json of the image directory: the checkpointed init's fd 0, 1, 2. */
    @SuppressWarnings("unchecked")
    static List<String> descriptors(Path img) {
        Path f = img.resolve(CriuArgs.DESCRIPTORS);
        Object v;
        try {
            v = Json.parse(Files.readAllBytes(f));
        } catch (NoSuchFileException e) {
            throw new JruncException("no " + CriuArgs.DESCRIPTORS + " in " + img + ": not a checkpoint made by jrunc or runc"
                    + " (a pre-dump is not restorable; the final checkpoint is)");
        } catch (IOException e) {
            throw new JruncException("cannot read " + f + ": " + JruncException.errno(e), e);
        } catch (JruncException e) {
            throw new JruncException("cannot parse " + f + ": " + e.getMessage(), e);
        }
        if (!(v instanceof List<?> l)) throw new JruncException(f + " is not a JSON array of strings");
        List<String> out = new ArrayList<>();
        for (Object x : l) {
            if (x != null && !(x instanceof String)) throw new JruncException(f + " is not a JSON array of strings");
            out.add((String) x);
        }
        return out;
    }

}
