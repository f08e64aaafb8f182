package io.jrunc.schemas;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The upstream runtime-spec schemas as Debian ships them (golang-github-opencontainers-specs-dev,
 * 1.0.2 plus post-release commits), draft-04, loaded under a made-up base IRI so that their relative
 * {@code $ref}s ("defs.json#/...") resolve among the files of that directory and nothing is fetched.
 */
final class Upstream {
    static final Path DIR = Path.of("/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema");
    private static final String BASE = "https://upstream.invalid/runtime-spec/schema/";

    final Schema config;
    final Schema state;

    private Upstream(Schema config, Schema state) {
        this.config = config;
        this.state = state;
    }

    /** Why the upstream schemas cannot be used here, or null when they can. */
    static String missing() {
        return Files.isRegularFile(DIR.resolve("config-schema.json")) ? null
                : "upstream schemas not installed at " + DIR + " (apt-get install golang-github-opencontainers-specs-dev; CI does)";
    }

    static Upstream load() {
        Map<String, String> schemas = new HashMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList())
                schemas.put(BASE + p.getFileName(), Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // defs*.json carry no $schema: draft-04 is what the whole set is written in.
        SchemaRegistry reg = SchemaCheck.registry(SpecificationVersion.DRAFT_4, schemas);
        return new Upstream(reg.getSchema(SchemaLocation.of(BASE + "config-schema.json")),
                reg.getSchema(SchemaLocation.of(BASE + "state-schema.json")));
    }

    List<SchemaCheck.Problem> config(byte[] json) { return SchemaCheck.check(config, json); }

    List<SchemaCheck.Problem> state(byte[] json) { return SchemaCheck.check(state, json); }
}
