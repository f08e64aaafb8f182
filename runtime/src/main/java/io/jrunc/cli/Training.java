package io.jrunc.cli;

import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.bundle.Validator;
import io.jrunc.plan.Planner;
import io.jrunc.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The build's AOT training run (hidden command `__aot-training`): loads and links the classes of the
 * create path (config parsing, validation, planning, JSON) without touching the kernel, so the AOT cache
 * made from this run covers what every real `create` needs. Never used at run time.
 */
final class Training {
    private Training() {}

    static int run() {
        try (InputStream in = Training.class.getResourceAsStream("spec.json")) {
            byte[] raw = in.readAllBytes();
            Path bundle = Files.createTempDirectory("jrunc-aot");
            try {
                Files.createDirectory(bundle.resolve("rootfs"));
                Spec spec = ConfigReader.parse(raw);
                Validator.validate(spec, bundle);
                List<String> warnings = new ArrayList<>();
                Planner.plan(spec, new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"),
                        false, "/run/jrunc-aot-training.sock", 0, List.of(), false), warnings);
                Json.pretty(Json.parse(raw));
                // the rest of create/state/delete that needs no privilege: args, state dir, cgroup paths, logs
                new Args("create", "bundle,b=", "pid-file=", "console-socket=", "no-pivot", "preserve-fds=")
                        .parse(List.of("--bundle", bundle.toString(), "--pid-file=" + bundle.resolve("pid"), "train"));
                io.jrunc.container.Signals.parse("SIGKILL");
                io.jrunc.state.StateStore store = new io.jrunc.state.StateStore(bundle.resolve("root"));
                store.createDir("train");
                io.jrunc.cgroup.Cgroup cg = io.jrunc.cgroup.Cgroup.forContainer("train", "");
                io.jrunc.state.ContainerState st = new io.jrunc.state.ContainerState("train", 1, 0, bundle.toString(),
                        bundle.resolve("rootfs").toString(), io.jrunc.state.Times.now(), "", java.util.Map.of(), cg.paths(), true);
                try (io.jrunc.state.StateStore.Lock lock = store.lock("train")) {
                    store.save(st);
                    store.saveFast(st, null, false, false);
                    store.status(store.load("train"), () -> false);
                    Json.pretty(st.toOci("running"));
                }
                store.removeDir("train");
                Files.deleteIfExists(bundle.resolve("root"));
                String saved = Log.path;
                Log.path = bundle.resolve("log.json").toString();
                Log.json = true;
                Log.warn("training");
                Log.path = saved;
                Log.json = false;
                Files.deleteIfExists(bundle.resolve("log.json"));
            } finally {
                Files.deleteIfExists(bundle.resolve("rootfs"));
                Files.deleteIfExists(bundle);
            }
        } catch (IOException e) {
            throw new io.jrunc.JruncException("training: " + e.getMessage(), e);
        }
        return 0;
    }
}
