package io.jrunc.checkpoint;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.container.Engine;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * `checkpoint`: criu dumps the container's process tree into the image directory (runc's
 * libcontainer Checkpoint), then, unless --leave-running or --pre-dump, the container is destroyed as by
 * `delete --force` (criu has killed its processes).
 */
public final class Checkpoint {
    private Checkpoint() {}

    /** runc's default image directory: "checkpoint" in the current directory. */
    public static Path imageDir(String imagePath) {
        return Path.of(imagePath == null || imagePath.isEmpty() ? "checkpoint" : imagePath).toAbsolutePath().normalize();
    }

    /** criuPath: runc's --criu (null: "criu" in PATH). */
    public static void checkpoint(Engine e, String id, CriuOptions o, String criuPath) {
        StateStore store = e.store();
        Consumer<String> warn = e.warnings();
        ContainerState s = store.load(id);
        io.jrunc.state.Status status = e.status(s);
        if (status == io.jrunc.state.Status.CREATED || status == io.jrunc.state.Status.STOPPED)
            throw new io.jrunc.StatusException(status, "container " + id + " cannot be checkpointed in " + status + " state");
        Spec spec = e.savedSpec(id);
        refuseTerminal(spec, "checkpointed");
        io.jrunc.sys.Trace.mark("state and config read");
        Criu criu = Criu.forSpec(e, spec, criuPath);
        List<Spec.Namespace> ext = CriuArgs.externalNamespaces(spec);
        Path img = imageDir(o.imagePath());
        makeDir(img, "image path");
        Path work = o.workPath() == null || o.workPath().isEmpty() ? null : Path.of(o.workPath()).toAbsolutePath().normalize();
        if (work != null) makeDir(work, "work path");

        List<String> external = new ArrayList<>();
        for (Spec.Namespace n : ext) external.add(CriuArgs.externalNs(n.type(), inode(n.path())));
        Map<String, String> cp = s.cgroupPaths() == null ? Map.of() : s.cgroupPaths();
        String freezer = cp.containsKey("") ? cp.get("") : cp.get("freezer");
        CriuArgs.DumpFacts f = new CriuArgs.DumpFacts(s.pid(), s.rootfs(), img.toString(), work == null ? null : work.toString(),
                freezer, external, maskedFiles(spec, s.pid()), configFile(spec));
        List<String> args = CriuArgs.dump(o, spec, f);
        io.jrunc.sys.Trace.mark("criu arguments decided");
        try (StateStore.Lock lock = store.lock(id)) {
            // the init's stdio as restore will need to hand it over (runc's descriptors.json), before the dump
            if (!o.preDump())
                StateStore.writeAtomically(img.resolve(CriuArgs.DESCRIPTORS), Json.write(descriptors(s.pid())).getBytes(StandardCharsets.UTF_8));
            criu.run(args, new int[0], (work == null ? img : work).resolve(CriuArgs.DUMP_LOG), warn);
        }
        io.jrunc.sys.Trace.mark("criu done");
        if (!o.leaveRunning() && !o.preDump()) e.delete(id, true);
        io.jrunc.sys.Trace.mark("container deleted");
    }

    /**
     * A container with a terminal: its pty master is outside (a console socket's receiver); criu restores it
     * only through its RPC's orphan-pts-master, which the CLI jrunc drives does not have.
     */
    static void refuseTerminal(Spec spec, String what) {
        if (spec.process() != null && spec.process().terminal())
            throw new JruncException("a container with a terminal (process.terminal) cannot be " + what
                    + " by jrunc yet: docs/checkpoint.md");
    }

    /** mkdir (mode 0700) unless it exists; it must then be a writable directory. */
    static boolean makeDir(Path d, String what) {
        boolean made = false;
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            made = true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(d)) throw new JruncException(what + " " + d + " exists and is not a directory");
        } catch (IOException e) {
            throw new JruncException("cannot create " + what + " " + d + ": " + JruncException.errno(e), e);
        }
        if (!Files.isWritable(d)) {
            if (made) try { Files.deleteIfExists(d); } catch (IOException ignored) { }
            throw new JruncException(what + " " + d + " is not writable");
        }
        return made;
    }

    static long inode(String path) {
        try {
            return ((Number) Files.getAttribute(Path.of(path), "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            throw new JruncException("cannot stat namespace " + path + ": " + e.getMessage(), e);
        }
    }

    /** maskedPaths that are files inside the container (masked with a bind of /dev/null); directories are tmpfs. */
    static List<String> maskedFiles(Spec spec, int pid) {
        List<String> l = new ArrayList<>();
        if (spec.linux() == null || spec.linux().maskedPaths() == null) return l;
        for (String p : spec.linux().maskedPaths()) {
            Path in = Path.of("/proc/" + pid + "/root").resolve(p.startsWith("/") ? p.substring(1) : p);
            if (Files.exists(in) && !Files.isDirectory(in)) l.add(p);
        }
        return l;
    }

    /** runc: the org.criu.config annotation's file (none when it is empty), else /etc/criu/runc.conf; only if it exists. */
    static String configFile(Spec spec) {
        Map<String, String> ann = spec.annotations();
        String f = ann != null && ann.containsKey("org.criu.config") ? ann.get("org.criu.config") : "/etc/criu/runc.conf";
        return f == null || f.isEmpty() || !Files.isRegularFile(Path.of(f)) ? null : f;
    }

    /** /proc/PID/fd/0..2 link targets ("pipe:[123]", "/dev/null"); "" for a closed one. */
    static List<String> descriptors(int pid) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try {
                l.add(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + i)).toString());
            } catch (IOException | RuntimeException e) {
                l.add("");
            }
        }
        return l;
    }
}
