package io.jrunc.container;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.cgroup.CgroupDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A cgroup driver for unit tests: pure-v2-shaped cgroups whose directories live under a temp dir
 * ({@code <base>/<cgroupsPath or id>}), every operation recorded as "op dir [arg]" in {@link #events},
 * failures injected per operation. As the host driver, a cgroupsPath of "/" is refused naming
 * /linux/cgroupsPath. {@link #load} returns the cgroup made for the same directory (so frozen, OOM
 * counts and records are shared), or a new one.
 */
final class FakeCgroups implements CgroupDriver {
    final Path base;
    private final List<String> events = new ArrayList<>();
    private final Map<String, RuntimeException> failures = new HashMap<>();
    private final Map<String, FakeCgroup> byDir = new HashMap<>();
    /** forContainer's arguments: id, cgroupsPath, systemd, env.rootless. */
    final List<List<Object>> forContainerCalls = new ArrayList<>();

    /** Where each cgroup operation is also noted as "cgroup.OP"(dir[, arg]), to order it among the kernel's calls. */
    private final FakeLinux timeline;

    FakeCgroups(Path base, FakeLinux timeline) {
        this.base = base;
        this.timeline = timeline;
    }

    /** op ("create", "apply", "addProcess", "destroy", "thaw", "oomKillCount", ...) throws x every time. */
    synchronized FakeCgroups fail(String op, RuntimeException x) {
        failures.put(op, x);
        return this;
    }

    synchronized List<String> events() { return List.copyOf(events); }

    synchronized boolean has(String event) { return events.contains(event); }

    synchronized FakeCgroup at(Path dir) { return byDir.get(dir.toString()); }

    private synchronized void record(String op, FakeCgroup cg, Object arg) {
        events.add(op + " " + cg.dir + (arg == null ? "" : " " + arg));
        if (timeline != null) {
            if (arg == null) timeline.note("cgroup." + op, cg.dir);
            else timeline.note("cgroup." + op, cg.dir, arg);
        }
        RuntimeException x = failures.get(op);
        if (x != null) throw x;
    }

    @Override
    public synchronized Cgroup forContainer(String id, String cgroupsPath, Map<String, String> annotations, boolean systemd, Cgroup.Env env) {
        forContainerCalls.add(List.of(id, String.valueOf(cgroupsPath), systemd, env.rootless()));
        RuntimeException x = failures.get("forContainer");
        if (x != null) throw x;
        String inner = cgroupsPath == null || cgroupsPath.isEmpty() ? id : cgroupsPath;
        while (inner.startsWith("/")) inner = inner.substring(1);
        if (inner.isEmpty()) throw JruncException.config("/linux/cgroupsPath", "the container's cgroup cannot be a hierarchy's root");
        return byDir.computeIfAbsent(base.resolve(inner).toString(), d -> new FakeCgroup(this, d, systemd ? Map.of("unit", id + ".scope") : null));
    }

    @Override
    public synchronized Cgroup load(Map<String, String> paths, Map<String, String> systemd, Cgroup.Env env) {
        if (paths == null || paths.isEmpty()) return none();
        return byDir.computeIfAbsent(paths.get(""), d -> new FakeCgroup(this, d, systemd));
    }

    /** One fake cgroup (the v2 shape: paths {"": dir}). */
    static final class FakeCgroup implements Cgroup {
        private final FakeCgroups owner;
        final String dir;
        private final Map<String, String> systemd;
        volatile boolean frozen;
        volatile long oomKills;
        volatile Spec.Resources applied;

        FakeCgroup(FakeCgroups owner, String dir, Map<String, String> systemd) {
            this.owner = owner;
            this.dir = dir;
            this.systemd = systemd;
        }

        @Override public Map<String, String> paths() { return Map.of("", dir); }
        @Override public Map<String, String> systemd() { return systemd; }
        @Override public boolean isV2() { return true; }

        @Override public void create() {
            owner.record("create", this, null);
            try {
                Files.createDirectories(Path.of(dir));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override public void create(Spec.Resources r) { create(); }

        @Override public void apply(Spec.Resources r) {
            owner.record("apply", this, null);
            applied = r;
        }

        @Override public void addProcess(int pid) { owner.record("addProcess", this, pid); }
        @Override public List<Integer> pids() { owner.record("pids", this, null); return List.of(); }
        @Override public String procsDir() { return dir; }
        @Override public void freeze() { owner.record("freeze", this, null); frozen = true; }
        @Override public void thaw() { owner.record("thaw", this, null); frozen = false; }
        @Override public boolean isFrozen() { return frozen; }
        @Override public void killAll(int signal) { owner.record("killAll", this, signal); }

        @Override public void destroy() {
            owner.record("destroy", this, null);
            try {
                Files.deleteIfExists(Path.of(dir));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override public Map<String, Object> stats() { return Map.of(); }

        @Override public long oomKillCount() {
            owner.record("oomKillCount", this, null);
            return oomKills;
        }

        @Override public List<Hierarchy> hierarchies() {
            return List.of(new Hierarchy(owner.base.toString(), "", dir));
        }
    }
}
