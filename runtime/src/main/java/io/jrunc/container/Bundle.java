package io.jrunc.container;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.bundle.Validator;
import io.jrunc.sys.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A bundle read, parsed and validated once: its absolute directory, the spec, and config.json's bytes
 * (saved as the container's config, so create needs no second read: one consistent read).
 */
public record Bundle(Path dir, Spec spec, byte[] raw) {
    /** Reads, parses and validates dir/config.json; what the checks only warn about goes to warn (null: dropped). */
    public static Bundle load(Path dir, Consumer<String> warn) {
        Path bundle = dir.toAbsolutePath().normalize();
        Path cfg = bundle.resolve("config.json");
        byte[] raw;
        Trace.mark("loading bundle");
        try {
            raw = Files.readAllBytes(cfg);
            Trace.mark("read config.json");
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(bundle))
                throw new JruncException("bundle directory " + bundle + (Files.exists(bundle) ? " is not a directory" : " does not exist"));
            throw new JruncException("JSON specification file config.json not found in " + bundle);
        } catch (IOException e) {
            throw new JruncException("cannot read " + cfg + ": " + JruncException.errno(e), e);
        }
        Spec spec = ConfigReader.parse(raw);
        Trace.mark("parsed");
        List<String> warnings = Validator.validate(spec, bundle);
        if (warn != null) warnings.forEach(warn);
        Trace.mark("validated");
        return new Bundle(bundle, spec, raw);
    }

    /** process.terminal (foreground `run` must know before it creates). */
    public boolean terminal() {
        return spec.process() != null && spec.process().terminal();
    }
}
