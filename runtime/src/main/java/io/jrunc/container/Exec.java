package io.jrunc.container;

import io.jrunc.JruncException;
import io.jrunc.StatusException;
import io.jrunc.bundle.Spec;
import io.jrunc.plan.Planner;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.Status;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import io.jrunc.sys.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One `exec`: plan, spawn into the container's namespaces, cgroup, go, ready; on failure the process is killed and reaped. */
final class Exec {
    private final Engine e;
    private final Linux sys;
    private final ExecOptions o;
    private final int[] stdio;
    private final Spec saved;

    Exec(Engine e, ExecOptions o, Spec saved, int[] stdio) {
        this.e = e;
        this.sys = e.sys();
        this.o = o;
        this.saved = saved;
        this.stdio = stdio;
    }

    int run() {
        ContainerState s = e.store.load(o.id());
        Status status = e.status(s);
        if (status == Status.STOPPED) throw new StatusException(status, "cannot exec in a stopped container");
        if (status == Status.PAUSED && !o.ignorePaused())
            throw new StatusException(status, "cannot exec in a paused container (use --ignore-paused to override)");
        Spec spec = saved != null ? saved : e.savedSpec(o.id());
        Trace.mark("exec: state and config read");
        List<String> nsTypes = new ArrayList<>();
        if (spec.linux() != null && spec.linux().namespaces() != null)
            for (Spec.Namespace ns : spec.linux().namespaces()) nsTypes.add(ns.type());
        if (o.process().args() == null || o.process().args().isEmpty())
            throw JruncException.config("/process/args", "args must not be empty");
        List<String> warnings = new ArrayList<>();
        // exec gets the container's seccomp filter, as in runc
        Spec.Seccomp seccomp = spec.linux() == null ? null : spec.linux().seccomp();
        byte[] plan = Planner.planExec(o.process(), nsTypes, s.pid(), Planner.Options.exec(o.consoleSocket(), o.preserveFds(),
                s.noNewKeyring() ? null : "_ses." + s.id(), io.jrunc.seccomp.SeccompCompiler.compile(seccomp, e.seccompCache)),
                e.host(), warnings);
        warnings.forEach(e.warn);
        Trace.mark("exec: planned");

        InitChannel ch = null;
        int pid = 0;
        try {
            ch = InitChannel.start(e, plan, o.preserveFds(), stdio, "reading the process' pid");
            pid = ch.pid();
            // The init we joined must still be the one we recorded, or we joined a stranger's namespaces.
            if (!sys.isAlive(s.pid(), s.initStartTime())) throw new StatusException(Status.STOPPED, "container not running");
            if (s.cgroupPaths() != null && !s.cgroupPaths().isEmpty())
                e.cgroups.load(o.subCgroups() == null ? s.cgroupPaths() : subCgroupPaths(s.cgroupPaths(), o.subCgroups()),
                        null, e.cgroupEnv()).addProcess(pid);
            if (e.inCgroup != null) e.inCgroup.run();
            Trace.mark("exec: in cgroup");
            ch.go(Json.write(s.toHookState(status.ociName())), null);
            ch.awaitReady("waiting for the process to be ready", seccomp, s.toHookState(status.ociName()));
            Trace.mark("exec: ready");
            ch.close();
            if (o.pidfdSocket() != null) Create.sendPidfd(sys, o.pidfdSocket(), pid);
            if (o.pidFile() != null) Create.writePidFile(Path.of(o.pidFile()), pid);
            return pid;
        } catch (RuntimeException x) {
            if (ch != null) ch.close();
            if (pid > 0) {
                ch.killAndReap();
            }
            throw x;
        }
    }

    /**
     * exec --cgroup: the container's cgroup directories with the sub-cgroup joined where one is given for
     * that controller (or for all, key ""). runc writes to the sub-cgroup as is: it must exist.
     */
    static Map<String, String> subCgroupPaths(Map<String, String> paths, Map<String, String> subs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> en : paths.entrySet()) {
            String sub = subs.get(en.getKey());
            if (sub == null) sub = subs.get("");
            String dir = en.getValue();
            if (sub != null) {
                dir = Path.of(dir).resolve(sub.startsWith("/") ? sub.substring(1) : sub).normalize().toString();
                if (!Files.isDirectory(Path.of(dir)))
                    throw new JruncException("--cgroup: sub-cgroup " + sub + " does not exist: " + dir);
            }
            m.put(en.getKey(), dir);
        }
        return m;
    }
}
