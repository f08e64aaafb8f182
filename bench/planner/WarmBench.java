import io.jrunc.container.CreateOptions;
import io.jrunc.planner.Protocol;
import io.jrunc.sys.Linux;
import io.jrunc.container.Engine;
import io.jrunc.state.ContainerState;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a warm planner can reach (docs/planner.md, "Measured"): in this one JVM, after warm-up, the engine
 * (io.jrunc.container.Engine, as the planner runs it) does create + start + wait + delete of /bin/true,
 * interleaved round by round with runc (and jrunc's CLI) doing the same through their command lines as
 * bench/run does; then 100 runs 10 in parallel each way. Prints medians, quartiles and the load.
 * With planner=PATH (bin/jrunc) among the runtimes, a planner process is started on its own root and this
 * JVM plays the C front for it (spawns jrunc-init, sends the request with its fds): a foreground `run`
 * through the planner (the reply's pid waited for here, as the front's waiter would) and a `delete`.
 * Usage (root): java -cp jrunc.jar:. WarmBench BUNDLE N [planner=PATH] RUNTIME=PATH...
 */
public class WarmBench {
    static Path bundle;

    public static void main(String[] a) throws Exception {
        bundle = Path.of(a[0]);
        int n = Integer.parseInt(a[1]);
        Map<String, String> rts = new TreeMap<>();
        for (int i = 2; i < a.length; i++) rts.put(a[i].substring(0, a[i].indexOf('=')), a[i].substring(a[i].indexOf('=') + 1));
        Path work = Files.createTempDirectory("warmbench");
        String plannerLauncher = rts.remove("planner");
        Process planner = null;
        if (plannerLauncher != null) {
            front = new Front(Files.createDirectories(work.resolve("root-planner")));
            planner = new ProcessBuilder(plannerLauncher, "--root", front.root.toString(), "__planner", "--idle-ms", "600000")
                    .redirectInput(NULL).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            front.awaitUp();
            plannerPid = planner.pid();
            for (int i = 0; i < 30; i++) front.cycle("w" + i);
        }
        Engine engine = Engine.builder(work.resolve("root-warm")).build();
        // warm-up: the JIT compiles the create path (the planner's steady state)
        for (int i = 0; i < 30; i++) warmCycle(engine, "w" + i);
        Map<String, List<Double>> cycle = new TreeMap<>();
        cycle.put("warm engine", new ArrayList<>());
        if (front != null) cycle.put("through the planner (this JVM as the front)", new ArrayList<>());
        for (String r : rts.keySet()) {
            cycle.put(r, new ArrayList<>());
            cycle.put(r + " run (one foreground call)", new ArrayList<>());
        }
        double[] load0 = load();
        for (int i = 0; i < n; i++) {
            quiet();
            long t = System.nanoTime();
            warmCycle(engine, "c" + i);
            cycle.get("warm engine").add((System.nanoTime() - t) / 1e6);
            if (front != null) {
                quiet();
                t = System.nanoTime();
                front.cycle("c" + i);
                cycle.get("through the planner (this JVM as the front)").add((System.nanoTime() - t) / 1e6);
            }
            for (Map.Entry<String, String> r : rts.entrySet()) {
                quiet();
                cycle.get(r.getKey()).add(cliCycle(r.getValue(), work.resolve("root-" + r.getKey()), "c" + i));
                quiet();
                long t1 = System.nanoTime();
                check(run(List.of(r.getValue(), "--root", work.resolve("root-" + r.getKey()).toString(), "run", "-b", bundle.toString(), "r" + i), true), "r" + i);
                cycle.get(r.getKey() + " run (one foreground call)").add((System.nanoTime() - t1) / 1e6);
            }
        }
        double[] load1 = load();
        System.out.printf("warm planner bench, %d interleaved rounds (+30 warm-up cycles), load %.2f -> %.2f, %d cores%n",
                n, load0[0], load1[0], Runtime.getRuntime().availableProcessors());
        System.out.println("| create+start+wait+delete of /bin/true (CLIs: create, start, poll state, delete; \"run\": one foreground run) | median ms | p25 | p75 | min |");
        System.out.println("|---|---|---|---|---|");
        for (Map.Entry<String, List<Double>> e : cycle.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("| %s | %.1f | %.1f | %.1f | %.1f |%n", e.getKey(), q(v, .5), q(v, .25), q(v, .75), v[0]);
        }
        // 100 runs, 10 in parallel: wall time and CPU of the whole process tree (this JVM's own CPU for the
        // warm engine, the children's for the CLIs)
        System.out.println("| 100 runs of /bin/true, 10 in parallel | wall ms | CPU ms (this JVM / children) | failures |");
        System.out.println("|---|---|---|---|");
        for (int round = 0; round < 2; round++) {
            par("warm engine", null, engine, work);
            if (front != null) par("through the planner", "planner", null, work);
            for (Map.Entry<String, String> r : rts.entrySet()) par(r.getKey(), r.getValue(), null, work.resolve("root-" + r.getKey()));
        }
        if (planner != null) {
            for (String l : Files.readAllLines(Path.of("/proc/" + planner.pid() + "/status")))
                if (l.startsWith("VmRSS") || l.startsWith("VmHWM") || l.startsWith("Threads"))
                    System.out.println("planner after the runs (launch.c's __planner flags): " + l.replaceAll("\\s+", " "));
            planner.destroy();
            planner.waitFor();
        }
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("VmRSS") || l.startsWith("VmHWM") || l.startsWith("Threads"))
                System.out.println("bench JVM after the runs (warm engine; no AOT cache, SerialGC): " + l.replaceAll("\\s+", " "));
    }

    static void par(String name, String rt, Engine engine, Path root) throws Exception {
        long cpu0 = selfCpu(), kids0 = childCpu(), pl0 = plannerCpu();
        long t = System.nanoTime();
        ExecutorService ex = Executors.newFixedThreadPool(10);
        List<Future<Boolean>> fs = new ArrayList<>();
        String tag = Long.toString(System.nanoTime() % 100000);
        for (int i = 0; i < 100; i++) {
            String id = "p" + tag + "-" + i;
            fs.add(ex.submit(() -> {
                if ("planner".equals(rt)) {
                    try {
                        front.cycle(id);
                        return true;
                    } catch (RuntimeException e) {
                        System.err.println(e);
                        return false;
                    }
                }
                if (engine != null) {
                    try {
                        warmCycle(engine, id);
                        return true;
                    } catch (RuntimeException e) {
                        System.err.println(e);
                        return false;
                    }
                }
                return run(List.of(rt, "--root", root.toString(), "run", "-b", bundle.toString(), id), true);
            }));
        }
        int failed = 0;
        for (Future<Boolean> f : fs) if (!f.get()) failed++;
        ex.shutdown();
        double wall = (System.nanoTime() - t) / 1e6;
        String cpu = "planner".equals(rt) ? (selfCpu() - cpu0) + " / " + (childCpu() - kids0) + " + planner " + (plannerCpu() - pl0)
                : (selfCpu() - cpu0) + " / " + (childCpu() - kids0);
        System.out.printf("| %s | %.0f | %s | %d |%n", name, wall, cpu, failed);
    }

    static Front front;
    /** The planner process (its CPU is read from /proc: it is not reaped during the runs). */
    static long plannerPid = -1;

    /** The C front's part (docs/planner.md, "What the front does"), played from Java. */
    static final class Front {
        final Linux sys = Linux.get();
        final Path root;
        final Path sock;
        final java.nio.file.Path init = io.jrunc.sys.Home.initBinary();

        Front(Path root) {
            this.root = root;
            this.sock = root.resolve("@planner/sock");
        }

        void awaitUp() throws Exception {
            for (int i = 0; i < 3000; i++) {
                try {
                    sys.close(sys.connectUnix(sock.toString()));
                    return;
                } catch (RuntimeException e) {
                    Thread.sleep(10);
                }
            }
            throw new IllegalStateException("planner did not start");
        }

        /** A foreground run: run through the planner, wait for the pid it returns, delete -f (the waiter's). */
        void cycle(String id) {
            Protocol.Reply r = call(true, "run", "-b", bundle.toString(), id);
            if (r == null || r.kind() != Protocol.DONE || r.exit() != 0 || r.pid() <= 0) throw new IllegalStateException("run " + id + ": " + r);
            int st = sys.waitpid(r.pid(), 0)[1];
            if (st != 0) throw new IllegalStateException("exit status " + st);
            Protocol.Reply d = call(false, "delete", "-f", id);
            if (d == null || d.exit() != 0) throw new IllegalStateException("delete " + id + ": " + d);
        }

        Protocol.Reply call(boolean spawn, String... args) {
            int conn = sys.connectUnix(sock.toString());
            int cwd = sys.open(Path.of("/"), Linux.O_RDONLY | 0200000, 0);
            int nul = sys.open(Path.of("/dev/null"), Linux.O_RDWR, 0);
            int helper = -1, parent = -1;
            try {
                List<String> argv = new ArrayList<>(List.of("--root", root.toString()));
                argv.addAll(List.of(args));
                int[] fds;
                byte[] roles;
                if (spawn) {
                    int[] sp = sys.socketpair();
                    int exe = sys.sealedCopy(init.toString());
                    try {
                        helper = sys.spawn("/proc/self/fd/" + exe, new String[]{"jrunc-init", "init", Integer.toString(sp[1])},
                                new String[0], new int[]{nul, nul, nul}, new int[]{sp[1]});
                    } finally {
                        sys.close(exe);
                        sys.close(sp[1]);
                    }
                    parent = sp[0];
                    fds = new int[]{cwd, nul, nul, nul, parent};
                    roles = new byte[]{1, 2, 3, 4, 5};
                } else {
                    fds = new int[]{cwd, nul, nul, nul};
                    roles = new byte[]{1, 2, 3, 4};
                }
                byte[] f = Protocol.encode(new Protocol.Request(umask, roles, argv, List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin")));
                int n = sys.sendFds(conn, f, 0, f.length, fds);
                while (n < f.length) n += sys.sendFds(conn, f, n, f.length - n, null);
                if (parent >= 0) {
                    sys.close(parent);
                    parent = -1;
                }
                byte[] h = new byte[8];
                if (read(conn, h, 0, 4) < 4) return null;
                if (h[0] == 'J' && h[2] == 'A' && read(conn, h, 0, 4) < 4) return null;
                if (read(conn, h, 4, 4) < 4) return null;
                byte[] body = new byte[Protocol.bodyLength(h, Protocol.REPLY_MAGIC)];
                if (read(conn, body, 0, body.length) < body.length) return null;
                return Protocol.decodeReply(body);
            } finally {
                sys.close(conn);
                sys.close(cwd);
                sys.close(nul);
                if (parent >= 0) sys.close(parent);
                if (helper > 0) sys.waitpid(helper, 0);
            }
        }

        int read(int fd, byte[] b, int off, int len) {
            int got = 0;
            while (got < len) {
                int r = sys.recvFds(fd, b, off + got, len - got, 60_000, null);
                if (r <= 0) break;
                got += r;
            }
            return got;
        }

        static final int umask = umask();

        static int umask() {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                    if (l.startsWith("Umask:")) return Integer.parseInt(l.substring(6).trim(), 8);
            } catch (Exception e) { }
            return 022;
        }
    }

    /** The planner's work for a foreground run: create, start, wait (the init is our child), delete. */
    static void warmCycle(Engine e, String id) {
        ContainerState s = e.create(CreateOptions.of(id, bundle));
        e.start(s, null);
        int code = e.waitFor(s.pid());
        e.delete(id, false);
        if (code != 0) throw new IllegalStateException("exit " + code);
    }

    /** bench/run's cycle: create, start, poll state until stopped, delete, through the CLI. */
    static double cliCycle(String rt, Path root, String id) throws Exception {
        String r = root.toString();
        long t = System.nanoTime();
        check(run(List.of(rt, "--root", r, "create", "-b", bundle.toString(), id), true), id);
        check(run(List.of(rt, "--root", r, "start", id), true), id);
        while (true) {
            Process p = new ProcessBuilder(rt, "--root", r, "state", id).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            if (out.contains("\"status\": \"stopped\"") || out.contains("\"status\":\"stopped\"")) break;
            Thread.sleep(1);
        }
        check(run(List.of(rt, "--root", r, "delete", id), true), id);
        return (System.nanoTime() - t) / 1e6;
    }

    static void check(boolean ok, String id) { if (!ok) throw new IllegalStateException("failed: " + id); }

    static final File NULL = new File("/dev/null");

    /** stdio to /dev/null, never a pipe: a created container inherits it. */
    static boolean run(List<String> cmd, boolean quietOut) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectInput(NULL).redirectOutput(quietOut ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }

    /** bench/run's quiet(): the kernel forgets the previous cgroup migration's grace period. */
    static void quiet() throws InterruptedException { Thread.sleep(300); }

    static double q(double[] v, double p) { return v[(int) Math.min(v.length - 1, Math.round(p * (v.length - 1)))]; }

    static double[] load() throws Exception {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return new double[]{Double.parseDouble(f[0])};
    }

    /** utime+stime of this process, ms. */
    static long selfCpu() throws Exception { return ticks(Files.readString(Path.of("/proc/self/stat")), 13, 14); }

    static long plannerCpu() throws Exception {
        return plannerPid < 0 ? 0 : ticks(Files.readString(Path.of("/proc/" + plannerPid + "/stat")), 13, 14);
    }

    /** cutime+cstime (reaped children), ms. */
    static long childCpu() throws Exception { return ticks(Files.readString(Path.of("/proc/self/stat")), 15, 16); }

    static long ticks(String stat, int a, int b) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after ")" start at field 3 (state): index = field - 3
        return (Long.parseLong(f[a - 2]) + Long.parseLong(f[b - 2])) * 10;
    }
}
