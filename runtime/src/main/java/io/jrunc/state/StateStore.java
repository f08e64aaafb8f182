package io.jrunc.state;

import io.jrunc.JruncException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The state directory: {@code <root>/<id>/} holding state.json, config.json (the effective config saved
 * at create), exec.fifo while the container is created-but-not-started, and a lock file.
 */
public final class StateStore {
    public static final String STATE = "state.json", CONFIG = "config.json", FIFO = "exec.fifo", LOCK = ".lock",
            FAST = "fast", TEMPLATE = "state.tmpl", LIST_TEMPLATE = "list.tmpl";
    private static final Pattern ID = Pattern.compile("^[\\w+.-]+$");

    private final Path root;

    public StateStore(Path root) { this.root = root.toAbsolutePath().normalize(); }

    public Path root() { return root; }

    public Path dir(String id) { return root.resolve(id); }

    public static void checkId(String id) {
        if (id == null || id.isEmpty()) throw new JruncException("container id cannot be empty");
        if (!ID.matcher(id).matches() || id.equals(".") || id.equals(".."))
            throw new JruncException("invalid id format: " + id);
    }

    /** Creates {@code <root>/<id>} exclusively; "already exists" when taken. */
    public Path createDir(String id) {
        checkId(id);
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path d = dir(id);
            Files.createDirectory(d);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
            return d;
        } catch (FileAlreadyExistsException e) {
            throw new io.jrunc.ContainerExistsException(id); // lost a race with another create of this id
        } catch (IOException e) {
            throw new JruncException("cannot create state directory for " + id + ": " + JruncException.errno(e), e);
        }
    }

    public boolean exists(String id) {
        return ID.matcher(id).matches() && Files.isRegularFile(dir(id).resolve(STATE));
    }

    public ContainerState load(String id) {
        checkId(id);
        try {
            return ContainerState.fromFile(Json.parseObject(Files.readAllBytes(dir(id).resolve(STATE))));
        } catch (NoSuchFileException e) {
            throw new io.jrunc.NoSuchContainerException(id);
        } catch (IOException e) {
            throw new JruncException("cannot read state of " + id + ": " + JruncException.errno(e), e);
        }
    }

    public void save(ContainerState s) {
        writeAtomically(dir(s.id()).resolve(STATE), Json.write(s.toFile()).getBytes(StandardCharsets.UTF_8));
    }

    /** The first line of `fast`: a reader refuses any other (docs/state-format.md). */
    public static final String FAST_VERSION = "v2";

    /**
     * The files the C front (native-helper/src/front.c) answers state/kill/start/delete/list/ps from without a
     * JVM (docs/state-format.md, docs/front.md): `fast` (flat key/value lines), `state.tmpl` (this class's exact
     * `state` output with "@STATUS@" and @PID@ to fill in) and `list.tmpl` (the container's element of
     * `list --format json`, likewise). Written last in create, so their presence means the container is fully
     * created. A value with a line break cannot be a `fast` line: then no `fast` is written and the front leaves
     * every command on this container to the JVM.
     * The freeze facts come from {@link #freezeFacts}: the same cgroup paths Java's own `paused` test reads.
     */
    public void saveFast(ContainerState s, String procsDir, boolean poststartHooks, boolean poststopHooks) {
        String tmpl = Json.pretty(s.toOci("@STATUS@"));
        String pid = "\"pid\": " + s.pid() + ",";
        int at = tmpl.indexOf(pid);
        if (at < 0) throw new IllegalStateException("state output without pid");
        tmpl = tmpl.substring(0, at) + "\"pid\": @PID@," + tmpl.substring(at + pid.length());
        writeAtomically(dir(s.id()).resolve(TEMPLATE), tmpl.getBytes(StandardCharsets.UTF_8));
        Path d = dir(s.id());
        Owner owner = owner(s.id());
        String list = Json.write(s.toList("@STATUS@", owner.name()));
        String lpid = "\"pid\":" + s.pid() + ",";
        at = list.indexOf(lpid);
        if (at < 0) throw new IllegalStateException("list output without pid");
        list = list.substring(0, at) + "\"pid\":@PID@," + list.substring(at + lpid.length());
        // no temp + rename: written once, and no reader looks at it before `fast` (atomic, last) exists
        try {
            Files.write(d.resolve(LIST_TEMPLATE), list.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new JruncException("cannot write " + d.resolve(LIST_TEMPLATE) + ": " + JruncException.errno(e), e);
        }
        StringBuilder fast = new StringBuilder(512).append(FAST_VERSION).append('\n');
        FreezeFacts fz = freezeFacts(s.cgroupPaths());
        boolean ok = line(fast, "pid", Integer.toString(s.pid()))
                & line(fast, "starttime", Long.toString(s.initStartTime()))
                & line(fast, "freezer", fz.file() == null ? "-" : fz.file())
                & line(fast, "frozen", fz.frozen())
                & line(fast, "thawed", fz.thawed())
                & (fz.self() == null || line(fast, "freezer-self", fz.self()))
                & line(fast, "poststart", poststartHooks ? "1" : "0")
                & line(fast, "poststop", poststopHooks ? "1" : "0")
                & line(fast, "procs", procsDir == null ? "-" : procsDir)
                & line(fast, "bundle", s.bundle())
                & line(fast, "created", s.created());
        if (owner.uid() >= 0) ok &= line(fast, "owner", owner.uid() + " " + owner.name());
        // a systemd unit holds the cgroup: the front leaves delete to the JVM, which stops the unit
        if (s.systemd() != null) ok &= line(fast, "systemd", s.systemd().get("unit"));
        // the cgroup directories delete removes, deepest hierarchy paths as recorded (one per line)
        if (s.createdCgroup() && s.cgroupPaths() != null)
            for (String c : new java.util.LinkedHashSet<>(s.cgroupPaths().values())) ok &= line(fast, "cgroup", c);
        if (ok) writeAtomically(d.resolve(FAST), fast.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * How the front tells `paused` (the FROZEN test of {@link #STATUS_RULES}) without knowing cgroup versions: read
     * {@code file} (null: no freezer, never frozen; missing: not frozen), strip white space; {@code frozen} means
     * frozen, unless {@code self} (v1: freezer.self_freezing) reads "0" (frozen through an ancestor, as runc's
     * GetState); {@code thawed} means not frozen; anything else (v1's FREEZING) is the JVM's, which settles it.
     * The same reading as Java's {@code Cgroup.load(paths).isFrozen()} (V1Cgroup, V2Cgroup); FrontRulesTest
     * checks the two agree on v1 and v2 directories.
     */
    public record FreezeFacts(String file, String frozen, String thawed, String self) {}

    /** {@link FreezeFacts} for a container's recorded cgroup paths, with Cgroup.load's choice of driver. */
    public static FreezeFacts freezeFacts(Map<String, String> paths) {
        if (paths != null && paths.size() == 1 && paths.containsKey(""))
            return new FreezeFacts(paths.get("") + "/cgroup.freeze", "1", "0", null); // V2Cgroup.isFrozen
        String f = paths == null ? null : paths.get("freezer");
        if (f == null) return new FreezeFacts(null, "-", "-", null); // no freezer hierarchy: never paused
        return new FreezeFacts(f + "/freezer.state", "FROZEN", "THAWED", f + "/freezer.self_freezing"); // V1Cgroup
    }

    /** The tests a {@link StatusRule} can make; the C front makes the same ones (docs/front.md). */
    public enum StatusTest {
        /** the init is gone: no /proc/pid/stat, another start time, or a zombie (io.jrunc.sys.Linux#isAlive) */
        DEAD,
        /** the container's cgroup is frozen ({@link FreezeFacts}) */
        FROZEN,
        /** exec.fifo exists in the state directory: the init waits for `start` */
        FIFO,
        /** always holds */
        ALWAYS
    }

    /** The status whose test holds first. */
    public record StatusRule(Status status, StatusTest test) {}

    /**
     * The status rules, in order: {@link #status} applies them, and the build writes them to front.facts for the C
     * front (io.jrunc.cli.FrontCache), which applies the same table. Frozen comes before the fifo: runc pauses
     * created containers too, and reports them paused.
     */
    public static final List<StatusRule> STATUS_RULES = List.of(new StatusRule(Status.STOPPED, StatusTest.DEAD),
            new StatusRule(Status.PAUSED, StatusTest.FROZEN), new StatusRule(Status.CREATED, StatusTest.FIFO),
            new StatusRule(Status.RUNNING, StatusTest.ALWAYS));

    /** Appends "key value\n"; false (and nothing appended) if the value is missing or would break the line. */
    private static boolean line(StringBuilder sb, String key, String value) {
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) return false;
        sb.append(key).append(' ').append(value).append('\n');
        return true;
    }

    /** The state directory's owner: uid (-1 if unknown) and user name (numeric when it has none, "" if unknown). */
    public record Owner(int uid, String name) {}

    /** The owner `list` shows (one stat: the name is the one Files.getOwner would give). */
    public Owner owner(String id) {
        try {
            Map<String, Object> a = Files.readAttributes(dir(id), "unix:uid,owner");
            return new Owner((Integer) a.get("uid"), ((java.nio.file.attribute.UserPrincipal) a.get("owner")).getName());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException
                 | NullPointerException e) {
            return new Owner(-1, "");
        }
    }

    /** temp file + rename in the same directory, so readers never see a half-written file. */
    public static void writeAtomically(Path target, byte[] data) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.write(tmp, data);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
            throw new JruncException("cannot write " + target + ": " + JruncException.errno(e), e);
        }
    }

    /**
     * Serialises lifecycle operations on one container (create vs delete vs start). An fcntl lock on
     * {@code <dir>/.lock}; released when the JVM exits even if it crashes.
     */
    public Lock lock(String id) {
        try {
            FileChannel ch = FileChannel.open(dir(id).resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new Lock(ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new io.jrunc.NoSuchContainerException(id);
        } catch (IOException e) {
            throw new JruncException("cannot lock container " + id + ": " + JruncException.errno(e), e);
        }
    }

    /** Held for the duration of a lifecycle operation; closing releases the lock and the fd. */
    public record Lock(FileLock lock) implements AutoCloseable {
        @Override public void close() {
            try {
                lock.channel().close();
            } catch (IOException ignored) {
                // closing a lock file cannot lose data
            }
        }
    }

    /** The seccomp cache's directory in the root (io.jrunc.seccomp.SeccompCache): '@' is in no container id. */
    public static final String SECCOMP_CACHE = "@seccomp";

    public List<String> ids() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds)
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith("@")) out.add(p.getFileName().toString());
        } catch (IOException e) {
            throw new JruncException("cannot list " + root + ": " + JruncException.errno(e), e);
        }
        out.sort(null);
        return out;
    }

    /**
     * created / running / paused / stopped from the live facts the caller read (alive: the init is the
     * recorded process and has not exited; frozen: its cgroup is frozen), never from the file alone: the
     * first of {@link #STATUS_RULES} that holds.
     */
    public Status status(ContainerState s, boolean alive, java.util.function.BooleanSupplier frozen) {
        for (StatusRule r : STATUS_RULES) {
            boolean holds = switch (r.test()) {
                case DEAD -> !alive;
                case FROZEN -> frozen.getAsBoolean();
                case FIFO -> Files.exists(dir(s.id()).resolve(FIFO));
                case ALWAYS -> true;
            };
            if (holds) return r.status();
        }
        throw new IllegalStateException("STATUS_RULES end without ALWAYS");
    }

    public void removeDir(String id) {
        Path d = dir(id);
        try {
            if (!Files.exists(d)) return;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                for (Path p : ds) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(d);
        } catch (IOException e) {
            throw new JruncException("cannot remove state directory " + d + ": " + JruncException.errno(e), e);
        }
    }
}
