package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.container.Lifecycle;
import io.jrunc.container.Signals;
import io.jrunc.mount.MountOptions;
import io.jrunc.plan.Caps;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.StateStore;
import io.jrunc.sys.Home;
import io.jrunc.sys.Linux;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One method per runc command: flags in, Lifecycle calls, runc's output format out. */
final class Commands {
    private final String root;
    private final String logPath;
    private final String logFormat;
    private final boolean debug;
    private final StateStore store;
    private final Lifecycle life;

    Commands(String root, String logPath, String logFormat, boolean debug) {
        this.root = root;
        this.logPath = logPath;
        this.logFormat = logFormat;
        this.debug = debug;
        this.store = new StateStore(Path.of(root));
        io.jrunc.seccomp.SeccompCache.useDirectory(Path.of(root).resolve(StateStore.SECCOMP_CACHE));
        this.life = new Lifecycle(store, Log::warn);
    }

    /** The global --systemd-cgroup: containers created by this call get a systemd unit as their cgroup. */
    void systemdCgroup(boolean on) { life.systemdCgroup(on); }

    int dispatch(String cmd, List<String> argv) {
        return switch (cmd) {
            case "create" -> create(argv);
            case "start" -> start(argv);
            case "run" -> run(argv);
            case "state" -> state(argv);
            case "kill" -> kill(argv);
            case "delete" -> delete(argv);
            case "list" -> list(argv);
            case "pause" -> pause(argv, true);
            case "resume" -> pause(argv, false);
            case "ps" -> ps(argv);
            case "spec" -> spec(argv);
            case "features" -> features(argv);
            case "validate" -> ValidateCommand.run(argv);
            case "__aot-training" -> Training.run();
            case "__front-cache" -> FrontCache.write(argv);
            case "exec" -> exec(argv);
            case "update" -> update(argv);
            case "events" -> events(argv);
            case "checkpoint" -> CheckpointCommand.run(argv, store, life);
            case "restore" -> RestoreCommand.run(argv, store, life, logPath, logFormat);
            case "help", "h" -> help(argv);
            case "__man" -> Help.writeAll(argv);
            // runc (urfave/cli): exit 3, the same words as for an unknown help topic
            default -> throw new JruncException("No help topic for '" + cmd + "'").exitCode(3);
        };
    }

    /** `help` alone: the top-level help; `help CMD`: the command's. */
    private static int help(List<String> argv) {
        if (argv.isEmpty()) {
            System.out.print(Help.top());
            return 0;
        }
        String c = argv.get(0).equals("h") ? "help" : argv.get(0);
        if (!Help.has(c)) throw new JruncException("No help topic for '" + argv.get(0) + "'").exitCode(3);
        System.out.print(Help.command(c));
        return 0;
    }

    /**
     * Each command's flags for {@link Args}: "name,alias=" takes a value, "name,alias*" a repeated value,
     * plain "name" is boolean. jrunc.md documents the same set (HelpTest checks they agree).
     */
    static String[] flags(String cmd) {
        return switch (cmd) {
            case "create" -> new String[]{"bundle,b=", "console-socket=", "pidfd-socket=", "pid-file=", "no-pivot",
                    "no-new-keyring", "preserve-fds="};
            case "run" -> new String[]{"bundle,b=", "console-socket=", "pidfd-socket=", "pid-file=", "no-pivot",
                    "no-new-keyring", "preserve-fds=", "detach,d", "keep", "no-subreaper"};
            case "exec" -> new String[]{"console-socket=", "pidfd-socket=", "cwd=", "env,e*", "tty,t", "user,u=",
                    "additional-gids,g*", "process,p=", "detach,d", "pid-file=", "process-label=", "apparmor=",
                    "no-new-privs", "cap,c*", "preserve-fds=", "cgroup*", "ignore-paused"};
            case "update" -> new String[]{"resources,r=", "blkio-weight=", "cpu-period=", "cpu-quota=", "cpu-burst=",
                    "cpu-share=", "cpu-rt-period=", "cpu-rt-runtime=", "cpuset-cpus=", "cpuset-mems=", "memory=",
                    "memory-reservation=", "memory-swap=", "pids-limit=", "cpu-idle=", "l3-cache-schema=",
                    "mem-bw-schema=", "kernel-memory=", "kernel-memory-tcp="};
            case "events" -> new String[]{"stats", "interval="};
            case "kill" -> new String[]{"all,a"};
            case "delete" -> new String[]{"force,f"};
            case "ps" -> new String[]{"format,f="};
            case "list" -> new String[]{"format,f=", "quiet,q"};
            case "spec" -> new String[]{"bundle,b=", "rootless"};
            case "validate" -> new String[]{"bundle,b=", "state="};
            case "checkpoint" -> new String[]{"image-path=", "work-path=", "parent-path=", "leave-running",
                    "tcp-established", "tcp-skip-in-flight", "link-remap", "ext-unix-sk", "shell-job", "lazy-pages",
                    "status-fd=", "page-server=", "file-locks", "pre-dump", "manage-cgroups-mode=", "empty-ns=",
                    "auto-dedup"};
            case "restore" -> new String[]{"console-socket=", "image-path=", "work-path=", "tcp-established",
                    "tcp-close", "ext-unix-sk", "shell-job", "file-locks", "manage-cgroups-mode=", "bundle,b=",
                    "detach,d", "pid-file=", "no-subreaper", "no-pivot", "empty-ns=", "auto-dedup", "lazy-pages",
                    "lsm-profile=", "lsm-mount-context="};
            default -> new String[0];
        };
    }

    /** `CMD --help` (or -h): the command's help from jrunc.md, as runc prints it. */
    private static boolean help(Args a) {
        if (!a.bool("help")) return false;
        System.out.print(Help.command(a.command()));
        return true;
    }

    private Lifecycle.CreateOptions createOptions(Args a) {
        a.exactlyOne();
        String bundle = a.value("bundle");
        return new Lifecycle.CreateOptions(a.id(), bundle == null ? Path.of("").toAbsolutePath() : Path.of(bundle),
                a.value("pid-file"), a.value("console-socket"), a.bool("no-pivot"), a.bool("no-new-keyring"),
                a.intValue("preserve-fds", 0), a.value("pidfd-socket"));
    }

    private int create(List<String> argv) {
        Args a = new Args("create", flags("create")).parse(argv);
        if (help(a)) return 0;
        life.create(createOptions(a));
        return 0;
    }

    private int start(List<String> argv) {
        Args a = new Args("start", flags("start")).parse(argv);
        if (help(a)) return 0;
        a.exactlyOne();
        life.start(a.id());
        return 0;
    }

    private int run(List<String> argv) {
        Args a = new Args("run", flags("run")).parse(argv);
        if (help(a)) return 0;
        Lifecycle.CreateOptions o = createOptions(a);
        boolean detach = a.bool("detach");
        life.keepFailed = a.bool("keep");
        // Foreground with a terminal and no console socket: we are the console. Listen on a private
        // socket, the init sends the pty master there, the waiter relays it to our stdio.
        ConsoleRelay relay = null;
        if (!detach && o.consoleSocket() == null && life.savedTerminal(o.bundle())) {
            relay = ConsoleRelay.open();
            o = new Lifecycle.CreateOptions(o.id(), o.bundle(), o.pidFile(), relay.path(), o.noPivot(),
                    o.noNewKeyring(), o.preserveFds(), o.pidfdSocket());
        }
        ContainerState st;
        try {
            st = life.create(o);
        } finally {
            if (relay != null) relay.unlink();
        }
        try {
            life.startCreated(st);
        } catch (JruncException e) {
            // a failing poststart hook: runc 1.1.5 destroys the container even with --keep (measured);
            // --keep only keeps one whose process failed to start (create, Lifecycle.keepFailed)
            try { life.delete(o.id(), true); } catch (RuntimeException ignored) { }
            throw e;
        }
        if (detach) return 0;
        // Hand over to the C waiter (same pid, so it stays the parent of the init it has to reap).
        List<String> w = new ArrayList<>(List.of("jrunc-init", "wait", Integer.toString(st.pid())));
        if (relay != null) w.addAll(List.of("--pty-socket", Integer.toString(relay.fd())));
        w.add("--");
        if (!a.bool("keep")) {
            w.add(Home.launcher().toString());
            w.addAll(List.of("--root", store.root().toString()));
            if (logPath != null) w.addAll(List.of("--log", logPath, "--log-format", logFormat));
            w.addAll(List.of("delete", "-f", o.id()));
        }
        System.out.flush();
        System.err.flush();
        Linux.get().execve(Home.initBinary().toString(), w.toArray(new String[0]), envp(),
                relay == null ? new int[0] : new int[]{relay.fd()});
        throw new JruncException("execve of the waiter returned");
    }

    private int exec(List<String> argv) {
        Args a = new Args("exec", flags("exec")).keepOrder().parse(argv);
        if (help(a)) return 0;
        try {
            return exec(a);
        } catch (JruncException e) {
            throw JruncException.execFailed(e);
        }
    }

    private int exec(Args a) {
        String id = a.id();
        Map<String, String> subCgroups = subCgroups(a.all("cgroup"));
        Spec.Process p;
        if (a.value("process") != null) {
            try {
                p = ConfigReader.parseProcess(Files.readAllBytes(Path.of(a.value("process"))));
            } catch (IOException e) {
                throw new JruncException("cannot read process spec " + a.value("process") + ": " + JruncException.errno(e), e);
            }
        } else {
            if (a.positional.size() < 2) throw new JruncException("exec args cannot be empty");
            Spec.Process base = life.savedSpec(id).process();
            p = execProcess(base, a);
        }
        boolean detach = a.bool("detach");
        String console = a.value("console-socket");
        ConsoleRelay relay = null;
        if (p.terminal() && console == null && !detach) {
            relay = ConsoleRelay.open();
            console = relay.path();
        }
        int pid;
        try {
            pid = life.exec(new Lifecycle.ExecOptions(id, p, a.value("pid-file"), console,
                    a.value("pidfd-socket"), a.intValue("preserve-fds", 0), a.bool("ignore-paused"), subCgroups));
        } finally {
            if (relay != null) relay.unlink();
        }
        if (detach) return 0;
        System.out.flush();
        System.err.flush();
        List<String> w = new ArrayList<>(List.of("jrunc-init", "wait", Integer.toString(pid)));
        if (relay != null) w.addAll(List.of("--pty-socket", Integer.toString(relay.fd())));
        w.add("--");
        Linux.get().execve(Home.initBinary().toString(), w.toArray(new String[0]), envp(),
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
    private static Spec.Process execProcess(Spec.Process b, Args a) {
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

    private int update(List<String> argv) {
        Args a = new Args("update", flags("update")).parse(argv);
        if (help(a)) return 0;
        a.exactlyOne();
        ContainerState s = store.load(a.id());
        if (life.status(s).equals("stopped")) throw new JruncException("container not running");
        // runc 1.1+: kernel memory limits are gone from the kernel (cgroup v2, v1 since 5.16)
        if (a.value("kernel-memory") != null || a.value("kernel-memory-tcp") != null)
            Log.warn("Kernel memory settings are ignored and will be removed");
        Spec.Resources r;
        if (a.value("resources") != null) {
            byte[] raw;
            try {
                raw = a.value("resources").equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(a.value("resources")));
            } catch (IOException e) {
                throw new JruncException("cannot read resources " + a.value("resources") + ": " + JruncException.errno(e), e);
            }
            r = ConfigReader.parseResources(raw);
        } else {
            if (a.value("l3-cache-schema") != null || a.value("mem-bw-schema") != null)
                throw new JruncException("Intel RDT is not supported by jrunc");
            Spec.Memory mem = null;
            if (a.value("memory") != null || a.value("memory-reservation") != null || a.value("memory-swap") != null)
                mem = new Spec.Memory(bytes(a, "memory"), bytes(a, "memory-reservation"), bytes(a, "memory-swap"),
                        null, null, null, null, null, null);
            Spec.Cpu cpu = null;
            if (a.value("cpu-period") != null || a.value("cpu-quota") != null || a.value("cpu-share") != null
                    || a.value("cpu-burst") != null || a.value("cpu-rt-period") != null || a.value("cpu-rt-runtime") != null
                    || a.value("cpuset-cpus") != null || a.value("cpuset-mems") != null || a.value("cpu-idle") != null)
                cpu = new Spec.Cpu(num(a, "cpu-share"), num(a, "cpu-quota"), num(a, "cpu-burst"), num(a, "cpu-period"),
                        num(a, "cpu-rt-runtime"), num(a, "cpu-rt-period"), a.value("cpuset-cpus"), a.value("cpuset-mems"),
                        num(a, "cpu-idle"));
            Spec.Pids pids = a.value("pids-limit") == null ? null : new Spec.Pids(num(a, "pids-limit"));
            Spec.BlockIo blk = a.value("blkio-weight") == null ? null
                    : new Spec.BlockIo(num(a, "blkio-weight").intValue(), null, null, null, null, null, null);
            r = new Spec.Resources(null, mem, cpu, pids, blk, null, null, null, null);
        }
        Cgroup.load(s.cgroupPaths(), s.systemd()).apply(r);
        return 0;
    }

    /** runc events: `--stats` prints one stats event; otherwise stats every --interval plus OOM events. */
    private int events(List<String> argv) {
        Args a = new Args("events", flags("events")).parse(argv);
        if (help(a)) return 0;
        a.exactlyOne();
        String id = a.id();
        ContainerState s = store.load(id);
        long interval = durationMs(a.value("interval", "5s"));
        if (interval <= 0) throw new JruncException("duration interval must be greater than 0");
        if (life.status(s).equals("stopped")) throw new JruncException("container with id " + id + " is not running");
        Cgroup cg = Cgroup.load(s.cgroupPaths());
        if (a.bool("stats")) {
            System.out.println(event("stats", id, cg.stats()));
            return 0;
        }

        long oom = cg.oomKills();
        long next = 0;
        while (true) {
            long now = System.currentTimeMillis();
            if (now >= next) {
                System.out.println(event("stats", id, cg.stats()));
                next = now + interval;
            }
            long o = cg.oomKills();
            if (o > oom) {
                System.out.println(event("oom", id, null));
                oom = o;
            }
            System.out.flush();
            if (!life.status(s).equals("running") && !life.status(s).equals("paused")) return 0;
            try { Thread.sleep(Math.min(100, interval)); } catch (InterruptedException e) { return 0; }
        }
    }

    private static String event(String type, String id, Map<String, Object> data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("id", id);
        if (data != null) e.put("data", data);
        return Json.write(e);
    }

    /** Go's time.ParseDuration as runc's --interval takes it ("0", "500ms", "1m30s", "-1s"), in milliseconds. */
    static long durationMs(String v) {
        String t = v;
        boolean neg = t.startsWith("-");
        if (neg || t.startsWith("+")) t = t.substring(1);
        if (t.equals("0")) return 0;
        double total = 0;
        int i = 0;
        if (t.isEmpty()) i = -1;
        while (i >= 0 && i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) i++;
            if (i == start) { i = -1; break; }
            double n;
            try {
                n = Double.parseDouble(t.substring(start, i));
            } catch (NumberFormatException e) {
                i = -1;
                break;
            }
            int u = i;
            while (i < t.length() && !Character.isDigit(t.charAt(i)) && t.charAt(i) != '.') i++;
            double ms = switch (t.substring(u, i)) {
                case "ns" -> 1e-6;
                case "us", "\u00b5s", "\u03bcs" -> 1e-3;
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> -1;
            };
            if (ms < 0) { i = -1; break; }
            total += n * ms;
        }
        if (i < 0) throw new JruncException("invalid value \"" + v + "\" for flag -interval: parse error");
        long r = Math.max(1, Math.round(total)); // a positive duration under 1 ms stays positive
        return total == 0 ? 0 : neg ? -r : r;
    }

    private static Long num(Args a, String flag) {
        String v = a.value(flag);
        if (v == null) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new JruncException("invalid value \"" + v + "\" for flag --" + flag);
        }
    }

    /** Sizes as runc's units.RAMInBytes: 512, 512k, 64m, 1g (binary multiples); -1 means unlimited. */
    static Long bytes(Args a, String flag) {
        String v = a.value(flag);
        if (v == null) return null;
        String t = v.trim().toLowerCase();
        if (t.equals("-1")) return -1L;
        long mult = 1;
        if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.round(Double.parseDouble(t) * mult);
        } catch (NumberFormatException e) {
            throw new JruncException("invalid value \"" + v + "\" for flag --" + flag);
        }
    }

    static String[] envp() {
        List<String> e = new ArrayList<>();
        for (Map.Entry<String, String> x : System.getenv().entrySet()) e.add(x.getKey() + "=" + x.getValue());
        return e.toArray(new String[0]);
    }

    private int state(List<String> argv) {
        Args a = new Args("state", flags("state")).parse(argv);
        if (help(a)) return 0;
        a.exactlyOne();
        ContainerState s = store.load(a.id());
        System.out.print(Json.pretty(s.toOci(life.status(s))));
        return 0;
    }

    private int kill(List<String> argv) {
        Args a = new Args("kill", flags("kill")).parse(argv);
        if (help(a)) return 0;
        if (a.positional.isEmpty() || a.positional.size() > 2)
            throw new JruncException("\"kill\" requires a minimum of 1 and a maximum of 2 arguments");
        store.load(a.id()); // runc looks the container up before the signal: "container does not exist" first
        int sig = Signals.parse(a.positional.size() > 1 ? a.positional.get(1) : "SIGTERM");
        life.kill(a.id(), sig, a.bool("all"));
        return 0;
    }

    private int delete(List<String> argv) {
        Args a = new Args("delete", flags("delete")).parse(argv);
        if (help(a)) return 0;
        a.exactlyOne();
        life.delete(a.id(), a.bool("force"));
        return 0;
    }

    private int pause(List<String> argv, boolean pause) {
        Args a = new Args(pause ? "pause" : "resume", flags("pause")).parse(argv);
        if (help(a)) return 0;
        a.exactlyOne();
        ContainerState s = store.load(a.id());
        String status = life.status(s);
        // runc: a created container may be paused too; only a paused one can be resumed
        if (pause && !status.equals("running") && !status.equals("created")) throw new JruncException("container not running");
        if (!pause && !status.equals("paused")) throw new JruncException("container not paused");
        Cgroup cg = Cgroup.load(s.cgroupPaths());
        if (pause) cg.freeze(); else cg.thaw();
        return 0;
    }

    private int ps(List<String> argv) {
        Args a = new Args("ps", flags("ps")).keepOrder().parse(argv);
        if (help(a)) return 0;
        ContainerState s = store.load(a.id());
        List<Integer> pids = s.cgroupPaths() == null || s.cgroupPaths().isEmpty() ? List.of()
                : Cgroup.load(s.cgroupPaths()).pids();
        String fmt = a.value("format", "table");
        if (fmt.equals("json")) {
            System.out.print(Json.write(pids) + "\n");
            return 0;
        }
        if (!fmt.equals("table")) throw new JruncException("invalid format option");
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(a.positional.size() > 1 ? a.positional.subList(1, a.positional.size()) : List.of("-ef"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) { out = new String(in.readAllBytes()); }
            p.waitFor();
            String[] lines = out.split("\n");
            if (lines.length == 0) return 0;
            int pidCol = List.of(lines[0].trim().split("\\s+")).indexOf("PID");
            if (pidCol < 0) throw new JruncException("couldn't find PID field in ps output");
            System.out.println(lines[0]);
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split("\\s+");
                if (f.length > pidCol && pids.contains(Integer.parseInt(f[pidCol]))) System.out.println(lines[i]);
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            throw new JruncException("ps: " + e.getMessage(), e);
        }
        return 0;
    }

    private int list(List<String> argv) {
        Args a = new Args("list", flags("list")).parse(argv);
        if (help(a)) return 0;
        List<Map<String, Object>> all = new ArrayList<>();
        for (String id : store.ids()) {
            ContainerState s;
            try {
                s = store.load(id);
            } catch (JruncException e) {
                continue;
            }
            all.add(s.toList(life.status(s), store.owner(id).name()));
        }
        if (a.bool("quiet")) {
            for (Map<String, Object> m : all) System.out.println(m.get("id"));
            return 0;
        }
        String fmt = a.value("format", "table");
        if (fmt.equals("json")) {
            System.out.print(Json.write(all) + "\n");
            return 0;
        }
        if (!fmt.equals("table")) throw new JruncException("invalid format option");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
        for (Map<String, Object> m : all)
            rows.add(new String[]{(String) m.get("id"), String.valueOf(m.get("pid")), (String) m.get("status"),
                    (String) m.get("bundle"), (String) m.get("created"), (String) m.get("owner")});
        System.out.print(table(rows));
        return 0;
    }

    /** Go's tabwriter as runc configures it: minwidth 12, padding 3; the last column is not padded. */
    static String table(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) for (int i = 0; i < cols - 1; i++) w[i] = Math.max(w[i], Math.max(12, r[i].length() + 3));
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                sb.append(r[i]);
                if (i < cols - 1) sb.append(" ".repeat(w[i] - r[i].length()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private int spec(List<String> argv) {
        Args a = new Args("spec", flags("spec")).parse(argv);
        if (help(a)) return 0;
        Path dir = a.value("bundle") == null ? Path.of("") : Path.of(a.value("bundle"));
        Path target = dir.resolve("config.json");
        if (Files.exists(target)) throw new JruncException("File config.json exists. Remove it first");
        String res = a.bool("rootless") ? "spec-rootless.json" : "spec.json";
        try (InputStream in = Commands.class.getResourceAsStream(res)) {
            if (in == null) throw new JruncException("default spec " + res + " missing from the jar");
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            // a rootless spec maps container root to the caller's own uid and gid, as runc spec --rootless
            if (a.bool("rootless")) text = text.replaceFirst("(\"uidMappings\":\\s*\\[\\s*\\{\\s*\"containerID\":\\s*0,\\s*\"hostID\":\\s*)\\d+",
                    "$1" + ownId("Uid")).replaceFirst("(\"gidMappings\":\\s*\\[\\s*\\{\\s*\"containerID\":\\s*0,\\s*\"hostID\":\\s*)\\d+",
                    "$1" + ownId("Gid"));
            // runc's spec adds a cgroup namespace on a pure cgroup v2 host (IsCgroup2UnifiedMode). Not with
            // --rootless yet: its /sys is an rbind of the host's, over which the cgroup2 mount fails with EBUSY,
            // where runc falls back to a bind of the container's cgroup (mountCgroupV2) and jrunc does not yet.
            if (io.jrunc.cgroup.Cgroup.unifiedOnly() && !a.bool("rootless"))
                text = text.replaceFirst("(\t+)\\{\n(\t+)\"type\": \"mount\"\n\t+\\}",
                        "$0,\n$1{\n$2\"type\": \"cgroup\"\n$1}");
            Files.writeString(target, text);
        } catch (IOException e) {
            throw new JruncException("cannot write " + target + ": " + JruncException.errno(e), e);
        }
        return 0;
    }

    /** The effective uid or gid of this process ("Uid"/"Gid" line of /proc/self/status, second field). */
    private static String ownId(String which) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith(which + ":")) return l.split("\\s+")[2];
        } catch (IOException e) {
            throw new JruncException("cannot read /proc/self/status: " + JruncException.errno(e), e);
        }
        throw new JruncException("no " + which + " line in /proc/self/status");
    }

    /** runtime-spec features.md; every entry here is implemented (anything else is left out). */
    private int features(List<String> argv) {
        Args a = new Args("features", flags("features")).parse(argv);
        if (help(a)) return 0;
        System.out.print(featuresText());
        return 0;
    }

    /**
     * `features`' exact output, fixed per build: runtime-spec 1.3 features.md describes what the runtime
     * implements, "irrelevant to the availability ... on the host" (AppArmor, SELinux, idmap mounts are
     * supported by jrunc; whether this host has them decides at create). FrontCache stores it for the C front.
     */
    static String featuresText() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ociVersionMin", "1.0.0");
        f.put("ociVersionMax", ContainerState.OCI_VERSION);
        f.put("hooks", List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"));
        f.put("mountOptions", MountOptions.known());
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"));
        linux.put("capabilities", Caps.NAMES);
        Map<String, Object> cg = new LinkedHashMap<>();
        cg.put("v1", true);
        cg.put("v2", true);
        // the driver is built in (libsystemd is dlopen()ed when used), as runc reports it
        cg.put("systemd", true);
        cg.put("systemdUser", true);
        cg.put("rdma", false);
        linux.put("cgroup", cg);
        Map<String, Object> sc = new LinkedHashMap<>();
        sc.put("enabled", true);
        sc.put("actions", io.jrunc.seccomp.SeccompCompiler.ACTIONS);
        sc.put("operators", io.jrunc.seccomp.SeccompCompiler.OPERATORS);
        sc.put("archs", io.jrunc.seccomp.SeccompCompiler.FEATURE_ARCHS);
        sc.put("knownFlags", io.jrunc.seccomp.SeccompCompiler.KNOWN_FLAGS);
        sc.put("supportedFlags", io.jrunc.seccomp.SeccompCompiler.SUPPORTED_FLAGS);
        linux.put("seccomp", sc);
        linux.put("apparmor", Map.of("enabled", true));
        linux.put("selinux", Map.of("enabled", true));
        Map<String, Object> rdt = new LinkedHashMap<>();
        rdt.put("enabled", false);
        rdt.put("schemata", false);
        linux.put("intelRdt", rdt);
        linux.put("mountExtensions", Map.of("idmap", Map.of("enabled", true)));
        linux.put("netDevices", Map.of("enabled", false));
        f.put("linux", linux);
        f.put("annotations", Map.of("io.jrunc.version", Main.VERSION));
        // no annotation of config.json changes what jrunc does (runc: "bundle", "org.systemd.property.", ...)
        f.put("potentiallyUnsafeConfigAnnotations", List.of());
        return Json.pretty(f) + "\n";
    }
}
