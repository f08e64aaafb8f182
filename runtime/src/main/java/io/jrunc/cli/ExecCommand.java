package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.container.Engine;
import io.jrunc.container.ExecOptions;
import io.jrunc.sys.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jrunc exec [flags] ID CMD...}: a process in a running container; in the foreground this process
 * then becomes the C waiter. Any failure exits 255 with "exec failed: ", as runc.
 */
final class ExecCommand {
    private ExecCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("exec", Commands.flags("exec")).keepOrder().parse(argv);
        if (Cli.help(a)) return 0;
        try {
            return exec(c, c.engine(), a);
        } catch (JruncException e) {
            throw new ExecFailedException(e);
        }
    }

    private static int exec(Cli c, Engine engine, Args a) {
        String id = a.id();
        Map<String, String> subCgroups = subCgroups(a.all("cgroup"));
        Spec.Process p;
        Spec saved = null;
        if (a.value("process") != null) {
            try {
                p = ConfigReader.parseProcess(Files.readAllBytes(Path.of(c.path(a.value("process")))));
            } catch (IOException e) {
                throw new JruncException("cannot read process spec " + a.value("process") + ": " + JruncException.errno(e), e);
            }
        } else {
            if (a.positional.size() < 2) throw new JruncException("exec args cannot be empty");
            saved = engine.savedSpec(id);
            p = process(saved.process(), a);
        }
        boolean detach = a.bool("detach");
        String console = a.value("console-socket");
        ConsoleRelay relay = null;
        if (p.terminal() && console == null && !detach) {
            if (c.handover != null) throw c.handover.decline("a foreground terminal without --console-socket");
            relay = ConsoleRelay.open();
            console = relay.path();
        }
        int pid;
        try {
            pid = engine.exec(new ExecOptions(id, p, c.path(a.value("pid-file")), console, c.path(a.value("pidfd-socket")),
                    a.intValue("preserve-fds", 0), a.bool("ignore-paused"), subCgroups), saved, null);
        } finally {
            if (relay != null) relay.unlink();
        }
        if (detach) return 0;
        System.out.flush();
        System.err.flush();
        List<String> w = new ArrayList<>(List.of("jrunc-init", io.jrunc.plan.Sync.MODE_WAIT, Integer.toString(pid)));
        if (relay != null) w.addAll(List.of(io.jrunc.plan.Sync.WAIT_PTY_SOCKET, Integer.toString(relay.fd())));
        w.add(io.jrunc.plan.Sync.WAIT_END);
        if (c.handover != null) {
            c.handover.waiter(pid, w);
            return 0;
        }
        engine.kernel().execve(Home.initBinary().toString(), w.toArray(new String[0]), Cli.envp(),
                relay == null ? new int[0] : new int[]{relay.fd()});
        throw new JruncException("execve of the waiter returned");
    }

    /**
     * exec --cgroup [CONTROLLER[,CONTROLLER]:]PATH, as runc's getSubCgroupPaths: controller -> sub-cgroup of
     * the container's ("" for all, only alone). The path stays under the container's cgroup: no "..".
     */
    static Map<String, String> subCgroups(List<String> args) {
        if (args.isEmpty()) return null;
        Map<String, String> m = new LinkedHashMap<>();
        for (String c : args) {
            String[] cs = c.split(":", 3);
            if (cs.length > 2) throw new JruncException("invalid --cgroup argument: " + c);
            String path = cs[cs.length - 1];
            for (String seg : path.split("/"))
                if (seg.equals("..")) throw new JruncException("invalid --cgroup argument: " + c + " (\"..\" would leave the container's cgroup)");
            if (path.indexOf('\0') >= 0) throw new JruncException("invalid --cgroup argument: contains a NUL byte");
            if (cs.length == 1) {
                if (args.size() != 1) throw new JruncException("invalid --cgroup argument: " + c + " (missing <controller>: prefix)");
                m.put("", path);
            } else {
                for (String ctrl : cs[0].split(",", -1)) {
                    if (ctrl.isEmpty()) throw new JruncException("invalid --cgroup argument: " + c + " (empty <controller> prefix)");
                    if (m.containsKey(ctrl))
                        throw new JruncException("invalid --cgroup argument(s): controller " + ctrl + " specified multiple times");
                    m.put(ctrl, path);
                }
            }
        }
        return m;
    }

    /** runc's exec without --process: the container's process with the command line's overrides. */
    static Spec.Process process(Spec.Process b, Args a) {
        List<String> args = a.positional.subList(1, a.positional.size());
        List<String> env = new ArrayList<>(b.env() == null ? List.of() : b.env());
        env.addAll(a.all("env"));
        Spec.User u = b.user() == null ? new Spec.User(0, 0, null, null, null) : b.user();
        if (a.value("user") != null) {
            String[] ug = a.value("user").split(":", 2);
            try {
                u = new Spec.User(Long.parseLong(ug[0]), ug.length > 1 ? Long.parseLong(ug[1]) : 0, u.umask(), null, null);
            } catch (NumberFormatException e) {
                throw new JruncException("exec --user: only numeric uid[:gid] is supported, got \"" + a.value("user") + "\"");
            }
        }
        if (!a.all("additional-gids").isEmpty()) {
            List<Long> gids = new ArrayList<>();
            for (String g : a.all("additional-gids")) {
                try {
                    gids.add(Long.parseLong(g));
                } catch (NumberFormatException e) {
                    throw new JruncException("invalid additional-gids value " + g);
                }
            }
            u = new Spec.User(u.uid(), u.gid(), u.umask(), gids, u.username());
        }
        Spec.Capabilities c = b.capabilities();
        if (!a.all("cap").isEmpty()) {
            c = new Spec.Capabilities(plus(c == null ? null : c.bounding(), a.all("cap")),
                    plus(c == null ? null : c.effective(), a.all("cap")), c == null ? null : c.inheritable(),
                    plus(c == null ? null : c.permitted(), a.all("cap")), c == null ? null : c.ambient());
        }
        return new Spec.Process(a.bool("tty"), b.consoleSize(), u, List.copyOf(args), null, env,
                a.value("cwd", b.cwd()), c, b.rlimits(), b.noNewPrivileges() || a.bool("no-new-privs"),
                a.value("apparmor", b.apparmorProfile()), b.oomScoreAdj(), a.value("process-label", b.selinuxLabel()),
                b.scheduler(), b.ioPriority(), b.execCPUAffinity());
    }

    private static List<String> plus(List<String> base, List<String> more) {
        List<String> l = new ArrayList<>(base == null ? List.of() : base);
        for (String m : more) if (!l.contains(m)) l.add(m);
        return l;
    }
}
