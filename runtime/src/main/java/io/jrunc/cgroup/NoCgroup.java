package io.jrunc.cgroup;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import java.util.List;
import java.util.Map;

/** The container has no cgroup (rootless without delegation): nothing to limit, freeze or remove. */
enum NoCgroup implements Cgroup {
    INSTANCE;

    @Override public Map<String, String> paths() { return Map.of(); }
    @Override public boolean isV2() { return false; }
    @Override public void create() { }
    @Override public void apply(Spec.Resources r) { }
    @Override public void addProcess(int pid) { }
    @Override public List<Integer> pids() { return List.of(); }
    @Override public String procsDir() { return null; }
    @Override public void freeze() { throw new JruncException("cannot toggle freezer: cgroups not configured for container"); }
    @Override public void thaw() { }
    @Override public boolean isFrozen() { return false; }
    @Override public void killAll(int signal) { }
    @Override public void destroy() { }
    @Override public Map<String, Object> stats() { return Map.of(); }
    @Override public long oomKillCount() { return 0; }
    @Override public List<Hierarchy> hierarchies() { return List.of(); }
}
