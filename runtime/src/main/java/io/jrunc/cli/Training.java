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
        // the build must leave nothing in a state root: its seccomp compile has no cache directory
        // Everything the training itself does is archived and preloaded by every later call, so it avoids
        // what real calls never do: a jar resource read (jar: URL handler, jimage), Files.createTempDirectory
        // (SecureRandom: ~40 java.security classes).
        try {
            String cfg = System.getProperty("jrunc.training.config");
            byte[] raw;
            if (cfg != null) {
                raw = Files.readAllBytes(Path.of(cfg));
            } else {
                try (InputStream in = Training.class.getResourceAsStream("spec.json")) {
                    raw = in.readAllBytes();
                }
            }
            Path bundle = Path.of(System.getProperty("java.io.tmpdir"), "jrunc-aot-" + System.nanoTime());
            Files.createDirectory(bundle);
            try {
                Files.createDirectory(bundle.resolve("rootfs"));
                Spec spec = ConfigReader.parse(raw);
                Validator.validate(spec, bundle);
                List<String> warnings = new ArrayList<>();
                io.jrunc.plan.HostFacts host = new io.jrunc.plan.HostFacts(io.jrunc.lsm.Lsm.host(), false, true);
                Planner.plan(spec, new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"),
                        false, "/run/jrunc-aot-training.sock", 0, List.of(), false, null, null), host, warnings);
                Json.pretty(Json.parse(raw));
                // what create does between the state dir and the spawn, as the engine does it
                new io.jrunc.container.CreateOptions("train", bundle, null, null, false, false, 0, null, false);
                io.jrunc.cgroup.Cgroup cg0 = io.jrunc.cgroup.CgroupDriver.HOST.forContainer("train", "", null, false,
                        new io.jrunc.cgroup.Cgroup.Env(null, false));
                Spec.Linux lx = spec.linux();
                io.jrunc.cgroup.DeviceRules.effective(lx == null ? null : lx.resources(), lx == null ? null : lx.devices());
                io.jrunc.cgroup.DeviceFilter.access("rwm");
                io.jrunc.cgroup.Prewarm.ownProcsFile("0::/\n", bundle.toString(), 1); // the prewarm thread's code
                for (Path part : Path.of("/a/b")) part.toString(); // Path's iterator (cpuset inheritance)
                Spec.Process tp = new Spec.Process(false, null, spec.process().user(), List.of("sh"), null, spec.process().env(),
                        "/", spec.process().capabilities(), spec.process().rlimits(), false, null, null, null, null, null, null);
                Spec trained = new Spec(spec.ociVersion(), tp, spec.root(), "h", null, spec.mounts(),
                        new Spec.Hooks(List.of(new Spec.Hook("/bin/true", null, null, null)), null, null, null, null, null),
                        spec.annotations(), lx);
                Planner.plan(trained, new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"),
                        false, null, 0, io.jrunc.container.Engine.cgroupBinds(cg0), cg0.isV2(), "_ses.train", null), host, warnings);
                // user namespace and exec plans (pure Java)
                Spec.Linux ulx = new Spec.Linux(List.of(new Spec.Namespace("user", null), new Spec.Namespace("mount", null)),
                        List.of(new Spec.IdMapping(0, 100000, 65536)), List.of(new Spec.IdMapping(0, 100000, 65536)), null,
                        null, null, null, null, null, null, null, null, null, null);
                try {
                    Planner.plan(new Spec(spec.ociVersion(), tp, spec.root(), null, null, List.of(), null, null, ulx),
                            new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"), false, null, 0,
                                    List.of(), false, null, null), new io.jrunc.plan.HostFacts(io.jrunc.lsm.Lsm.host(), true, true), warnings);
                } catch (RuntimeException ignored) {
                    // a refusal is fine: the classes are loaded
                }
                Planner.planExec(tp, List.of("pid", "mount"), 1, Planner.Options.exec(null, 0, "_ses.train", null), host, warnings);
                new io.jrunc.container.ExecOptions("train", tp, null, null, null, 0, false, null);
                // the engine's and the CLI's classes on the create/run/exec path: loaded (and so archived) here,
                // although the training makes no container
                for (String c : new String[]{"io.jrunc.container.Engine", "io.jrunc.container.Engine$Builder",
                        "io.jrunc.container.Create", "io.jrunc.container.Create$CgroupSetup", "io.jrunc.container.InitChannel",
                        "io.jrunc.container.Exec", "io.jrunc.container.Bundle", "io.jrunc.container.Fifo",
                        "io.jrunc.container.Fifo$Reader", "io.jrunc.container.Engine$1", "io.jrunc.container.Engine$2",
                        "io.jrunc.cli.Cli$1", "io.jrunc.cli.Cli$2", "io.jrunc.cli.RunCommand$1", "io.jrunc.cgroup.Fs",
                        "io.jrunc.sys.Proc", "io.jrunc.cgroup.CgroupDriver", "io.jrunc.cgroup.Cgroup$Env",
                        "io.jrunc.state.Status", "io.jrunc.cli.Cli", "io.jrunc.cli.CreateCommand", "io.jrunc.cli.RunCommand",
                        "io.jrunc.cli.ExecCommand", "io.jrunc.cli.StartCommand", "io.jrunc.cli.DeleteCommand",
                        "io.jrunc.cli.StateCommand", "io.jrunc.cli.KillCommand", "io.jrunc.cli.ExitCodes",
                        "io.jrunc.ConfigException", "io.jrunc.StatusException", "io.jrunc.NoSuchContainerException",
                        "io.jrunc.ContainerExistsException"}) {
                    try {
                        Class.forName(c, false, Training.class.getClassLoader());
                    } catch (ClassNotFoundException e) {
                        throw new io.jrunc.JruncException("training: " + c + " missing", e);
                    }
                }
                for (java.util.Map.Entry<String, String> e : System.getenv().entrySet()) e.getKey();
                // Hooks (ProcessBuilder, its reaper pool, CompletableFuture, System.Logger: ~190 classes) are
                // not trained: every hook-less create (containerd's, podman's) would preload them.
                try {
                    io.jrunc.seccomp.SeccompCompiler.compile(new Spec.Seccomp("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"),
                            null, null, null, List.of(new Spec.Syscall(List.of("reboot"), "SCMP_ACT_ERRNO", 1L,
                                    List.of(new Spec.SeccompArg(0, 8, 0, "SCMP_CMP_EQ"))))));
                } catch (RuntimeException | LinkageError ignored) {
                    // no libjrunc at build time: seccomp classes load at run time then
                }
                // the rest of create/state/delete that needs no privilege: args, state dir, cgroup paths, logs
                new Args("create", Commands.flags("create"))
                        .parse(List.of("--bundle", bundle.toString(), "--pid-file=" + bundle.resolve("pid"), "train"));
                io.jrunc.container.Signals.parse("SIGKILL");
                io.jrunc.state.StateStore store = new io.jrunc.state.StateStore(bundle.resolve("root"));
                store.createDir("train");
                io.jrunc.cgroup.Cgroup cg = io.jrunc.cgroup.Cgroup.forContainer("train", "");
                io.jrunc.state.ContainerState st = new io.jrunc.state.ContainerState("train", 1, 0, bundle.toString(),
                        bundle.resolve("rootfs").toString(), io.jrunc.state.Times.now(), "", java.util.Map.of(), cg.paths(), true);
                try (io.jrunc.state.StateStore.Lock lock = store.lock("train")) {
                    store.save(st);
                    store.saveFast(st, io.jrunc.cgroup.Cgroup.load(st.cgroupPaths()).procsDir(), false, false);
                    store.status(store.load("train"), true, () -> false);
                    Json.pretty(st.toOci("running"));
                }
                store.removeDir("train");
                Files.deleteIfExists(bundle.resolve("root"));
                Log log = new Log(System.err);
                log.configure(bundle.resolve("log.json").toString(), true, false);
                log.warn("training");
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
