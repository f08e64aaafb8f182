import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The planner's JVM flags (docs/planner.md, "Memory"): one planner process per flag set, each on its own
 * root, all started at once and driven interleaved (this JVM plays the C front, WarmBench.Front): warm-up,
 * then round by round one foreground `run` + `delete -f` of /bin/true and K `kill nosuch KILL` calls
 * (taken: ACK, engine, state lookup, DONE) on each planner in turn; then 100 runs 10 in parallel on each;
 * RSS (VmRSS, RssAnon, VmHWM) of each planner after start, after the runs and after 10 s idle.
 * Usage (root): java -cp jrunc.jar:. FlagsBench BUNDLE ROUNDS JAVA JAR AOT HOME 'name=flag flag ...'...
 * -Dflagsbench.gclog=true: each planner logs its GCs, the count and the last pause are printed.
 * The other flags are launch.c's for every JVM: -XX:+UseSerialGC -XX:-UsePerfData -XX:AOTCache -Xlog.
 */
public class FlagsBench {
    record Variant(String name, List<String> flags, WarmBench.Front front, Process p, List<Double> cycle, List<Double> kill,
            List<String> rss) {}

    public static void main(String[] a) throws Exception {
        WarmBench.bundle = Path.of(a[0]);
        int rounds = Integer.parseInt(a[1]);
        String java = a[2], jar = a[3], aot = a[4], home = a[5];
        Path work = Files.createTempDirectory(WarmBench.bundle.toAbsolutePath().getParent(), "flagsbench"); // removed by bench/planner/flags
        List<Variant> vs = new ArrayList<>();
        for (int i = 6; i < a.length; i++) {
            String name = a[i].substring(0, a[i].indexOf('='));
            List<String> flags = Arrays.stream(a[i].substring(a[i].indexOf('=') + 1).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            Path root = java.nio.file.Files.createDirectories(work.resolve("root-" + (i - 6)));
            List<String> cmd = new ArrayList<>(List.of(java));
            cmd.addAll(flags);
            cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:AOTCache=" + aot, "-Xlog:disable", "-Xlog:all=warning:stderr",
                    "-Djrunc.home=" + home));
            if (Boolean.getBoolean("flagsbench.gclog")) cmd.add("-Xlog:gc:file=" + work.resolve("gc-" + (i - 6) + ".log"));
            cmd.addAll(List.of("-jar", jar, "--root", root.toString(), "__planner", "--idle-ms", "3600000"));
            Process p = new ProcessBuilder(cmd).redirectInput(WarmBench.NULL).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(work.resolve("planner-" + (i - 6) + ".err").toFile()).start();
            vs.add(new Variant(name, flags, new WarmBench.Front(root), p, new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        for (Variant v : vs) v.front().awaitUp();
        Thread.sleep(2000);
        for (Variant v : vs) v.rss().add(rss(v.p().pid()));
        // warm-up: the JIT compiles the paths of both requests
        for (int i = 0; i < 30; i++)
            for (Variant v : vs) {
                v.front().cycle("w" + i);
                for (int k = 0; k < 20; k++) kill(v.front());
            }
        for (Variant v : vs) v.rss().add(rss(v.p().pid()));
        double load0 = load();
        for (int r = 0; r < rounds; r++)
            for (Variant v : vs) {
                Thread.sleep(100);
                long t = System.nanoTime();
                v.front().cycle("c" + r);
                v.cycle().add((System.nanoTime() - t) / 1e6);
                for (int k = 0; k < 20; k++) {
                    t = System.nanoTime();
                    kill(v.front());
                    v.kill().add((System.nanoTime() - t) / 1e3);
                }
            }
        double load1 = load();
        List<String> par = new ArrayList<>();
        for (Variant v : vs) par.add(v.name() + " " + parallel(v.front(), v.name()) + " ms");
        for (Variant v : vs) par.add(v.name() + " " + parallel(v.front(), v.name() + "b") + " ms");
        for (Variant v : vs) v.rss().add(rss(v.p().pid()));
        Thread.sleep(10_000);
        for (Variant v : vs) v.rss().add(rss(v.p().pid()));
        System.out.printf("planner flags bench: %d interleaved rounds after 30 warm-up rounds, load %.2f -> %.2f%n", rounds, load0, load1);
        System.out.println("| flags | run+delete median ms (p25-p75) | kill median us (p25-p75) | RSS MB: started / warm / after 2x100 parallel runs / 10 s idle (anon) | VmHWM MB |");
        System.out.println("|---|---|---|---|---|");
        for (Variant v : vs) {
            double[] c = v.cycle().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double[] k = v.kill().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("| %s `%s` | %.1f (%.1f-%.1f) | %.0f (%.0f-%.0f) | %s | %s |%n", v.name(), String.join(" ", v.flags()),
                    WarmBench.q(c, .5), WarmBench.q(c, .25), WarmBench.q(c, .75), WarmBench.q(k, .5), WarmBench.q(k, .25), WarmBench.q(k, .75),
                    String.join(" / ", v.rss().stream().map(s -> s.split(",")[0]).toList()), v.rss().get(v.rss().size() - 1).split(",")[1]);
        }
        System.out.println("100 runs 10 in parallel, wall: " + String.join(", ", par));
        for (Variant v : vs) {
            v.p().destroy();
            v.p().waitFor();
            String err = Files.readString(work.resolve("planner-" + vs.indexOf(v) + ".err"));
            if (!err.isBlank()) System.out.println(v.name() + " stderr: " + err.strip());
            Path gc = work.resolve("gc-" + vs.indexOf(v) + ".log");
            if (Files.exists(gc)) {
                List<String> l = Files.readAllLines(gc);
                System.out.println(v.name() + ": " + l.stream().filter(x -> x.contains("Pause")).count() + " GC pauses; last: "
                        + l.stream().filter(x -> x.contains("Pause")).reduce((x, y) -> y).orElse("none"));
            }
        }
    }

    static void kill(WarmBench.Front f) {
        io.jrunc.planner.Protocol.Reply r = f.call(false, "kill", "nosuch", "KILL");
        if (r == null || r.exit() != 1) throw new IllegalStateException("kill: " + r);
    }

    static long parallel(WarmBench.Front f, String tag) throws Exception {
        long t = System.nanoTime();
        ExecutorService ex = Executors.newFixedThreadPool(10);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = "p" + tag + "-" + i;
            fs.add(ex.submit(() -> f.cycle(id)));
        }
        for (Future<?> x : fs) x.get();
        ex.shutdown();
        return (System.nanoTime() - t) / 1_000_000;
    }

    /** "VmRSS (RssAnon),VmHWM" in MB. */
    static String rss(long pid) throws Exception {
        long rss = 0, anon = 0, hwm = 0;
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            String[] f = l.split("\\s+");
            if (l.startsWith("VmRSS:")) rss = Long.parseLong(f[1]);
            else if (l.startsWith("RssAnon:")) anon = Long.parseLong(f[1]);
            else if (l.startsWith("VmHWM:")) hwm = Long.parseLong(f[1]);
        }
        return String.format("%.0f (%.0f),%.0f", rss / 1024.0, anon / 1024.0, hwm / 1024.0);
    }

    static double load() throws Exception { return WarmBench.load()[0]; }
}
