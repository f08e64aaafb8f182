import io.jrunc.container.CreateOptions;
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
 * Usage (root): java -cp jrunc.jar:. WarmBench BUNDLE N RUNTIME=PATH...
 */
public class WarmBench {
    static Path bundle;

    public static void main(String[] a) throws Exception {
        bundle = Path.of(a[0]);
        int n = Integer.parseInt(a[1]);
        Map<String, String> rts = new TreeMap<>();
        for (int i = 2; i < a.length; i++) rts.put(a[i].substring(0, a[i].indexOf('=')), a[i].substring(a[i].indexOf('=') + 1));
        Path work = Files.createTempDirectory("warmbench");
        Engine engine = Engine.builder(work.resolve("root-warm")).build();
        // warm-up: the JIT compiles the create path (the planner's steady state)
        for (int i = 0; i < 30; i++) warmCycle(engine, "w" + i);
        Map<String, List<Double>> cycle = new TreeMap<>();
        cycle.put("warm engine", new ArrayList<>());
        for (String r : rts.keySet()) cycle.put(r, new ArrayList<>());
        double[] load0 = load();
        for (int i = 0; i < n; i++) {
            quiet();
            long t = System.nanoTime();
            warmCycle(engine, "c" + i);
            cycle.get("warm engine").add((System.nanoTime() - t) / 1e6);
            for (Map.Entry<String, String> r : rts.entrySet()) {
                quiet();
                cycle.get(r.getKey()).add(cliCycle(r.getValue(), work.resolve("root-" + r.getKey()), "c" + i));
            }
        }
        double[] load1 = load();
        System.out.printf("warm planner bench, %d interleaved rounds (+30 warm-up cycles), load %.2f -> %.2f, %d cores%n",
                n, load0[0], load1[0], Runtime.getRuntime().availableProcessors());
        System.out.println("| create+start+wait+delete of /bin/true | median ms | p25 | p75 | min |");
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
            for (Map.Entry<String, String> r : rts.entrySet()) par(r.getKey(), r.getValue(), null, work.resolve("root-" + r.getKey()));
        }
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("VmRSS") || l.startsWith("VmHWM") || l.startsWith("Threads"))
                System.out.println("bench JVM after the runs (warm engine; no AOT cache, SerialGC): " + l.replaceAll("\\s+", " "));
    }

    static void par(String name, String rt, Engine engine, Path root) throws Exception {
        long cpu0 = selfCpu(), kids0 = childCpu();
        long t = System.nanoTime();
        ExecutorService ex = Executors.newFixedThreadPool(10);
        List<Future<Boolean>> fs = new ArrayList<>();
        String tag = Long.toString(System.nanoTime() % 100000);
        for (int i = 0; i < 100; i++) {
            String id = "p" + tag + "-" + i;
            fs.add(ex.submit(() -> {
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
        System.out.printf("| %s | %.0f | %d / %d | %d |%n", name, wall, (selfCpu() - cpu0), (childCpu() - kids0), failed);
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

    /** cutime+cstime (reaped children), ms. */
    static long childCpu() throws Exception { return ticks(Files.readString(Path.of("/proc/self/stat")), 15, 16); }

    static long ticks(String stat, int a, int b) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after ")" start at field 3 (state): index = field - 3
        return (Long.parseLong(f[a - 2]) + Long.parseLong(f[b - 2])) * 10;
    }
}
