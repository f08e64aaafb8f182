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
