import io.jrunc.api.Container;
import io.jrunc.api.ContainerProcess;
import io.jrunc.api.Jrunc;
import io.jrunc.api.Stdio;
import io.jrunc.state.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * ApiTest's driver, compiled against the built jar and run in its own JVM as root:
 *   ApiStress ROOT_A ROOT_B BUNDLES_DIR PREFIX N THREADS
 * Container i (bundle BUNDLES_DIR/i, whose process prints "hello i" and exits with i) is made on root A
 * for even i and root B for odd i, by a pool of THREADS threads, with pipes, inherited stdio, or run to
 * completion in turn; every third one also gets an exec. Prints one line per container:
 *   "ok <id> <exit> <stdout>" or "fail <id> <exception>"
 */
public class ApiStress {
    public static void main(String[] a) throws Exception {
        Jrunc ra = Jrunc.builder().root(Path.of(a[0])).build();
        Jrunc rb = Jrunc.builder().root(Path.of(a[1])).build();
        Path bundles = Path.of(a[2]);
        String prefix = a[3];
        int n = Integer.parseInt(a[4]);
        ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(a[5]));
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final int k = i;
            results.add(pool.submit(() -> one(k % 2 == 0 ? ra : rb, bundles.resolve(Integer.toString(k)), prefix + "-" + k, k)));
        }
        for (Future<String> f : results) System.out.println(f.get());
        pool.shutdown();
    }

    static String one(Jrunc rt, Path bundle, String id, int k) {
        try {
            switch (k % 3) {
                case 0 -> {
                    // pipes: the container's stdout read here; an exec with its own pipes while it waits on stdin
                    try (Container c = rt.create(id, bundle, Stdio.pipes())) {
                        if (c.status() != Status.CREATED) return "fail " + id + " status after create " + c.status();
                        c.start();
                        ContainerProcess p = c.exec(List.of("sh", "-c", "echo exec-" + k), Stdio.pipes());
                        String execOut = new String(p.stdout().readAllBytes()).trim();
                        int execCode = p.waitFor();
                        if (execCode != 0 || !execOut.equals("exec-" + k)) return "fail " + id + " exec " + execCode + " " + execOut;
                        c.stdin().close(); // the process reads stdin to EOF before it prints
                        String out = new String(c.stdout().readAllBytes()).trim();
                        int code = c.waitFor();
                        return "ok " + id + " " + code + " " + out;
                    }
                }
                case 1 -> {
                    // run to completion with this JVM's stdio (ApiTest gives it /dev/null as stdin)
                    int code = rt.run(id, bundle);
                    return "ok " + id + " " + code + " (run)";
                }
                default -> {
                    try (Container c = rt.create(id, bundle, Stdio.pipes())) {
                        c.start();
                        c.stdin().close();
                        String out = new String(c.stdout().readAllBytes()).trim();
                        int code = c.waitFor();
                        if (c.state().status() != Status.STOPPED) return "fail " + id + " not stopped after waitFor";
                        return "ok " + id + " " + code + " " + out;
                    }
                }
            }
        } catch (Exception e) {
            return "fail " + id + " " + e;
        }
    }
}
