package io.jrunc.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The schema half of {@code jrunc validate}: our runtime-spec 1.3 schemas (resources next to this class)
 * applied by networknt, each error reduced to a JSON pointer and a message.
 *
 * <p>The runtime reaches this class only through {@code BiFunction<String, byte[], List<String[]>>} in a
 * class loader of its own (io.jrunc.cli.ValidateCommand), so that jackson-databind and networknt, and
 * their own jackson-core, never enter the class path of create/start/state.
 */
public final class SchemaCheck implements BiFunction<String, byte[], List<String[]>> {
    public static final String BASE = "https://jrunc.invalid/schema/runtime-spec-1.3/";
    public static final String CONFIG = BASE + "config-schema.json";
    public static final String STATE = BASE + "state-schema.json";

    /** One problem: {@code pointer} is "" for the document itself. */
    public record Problem(String pointer, String message) {
        @Override public String toString() { return (pointer.isEmpty() ? "/" : pointer) + ": " + message; }
    }

    // Duplicate keys are an error rather than last-wins: a schema verdict on a document that the runtime's
    // own reader would see differently is worthless.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Schema config;
    private final Schema state;

    public SchemaCheck() {
        SchemaRegistry reg = registry(SpecificationVersion.DRAFT_2020_12,
                Map.of(CONFIG, resource("config-schema.json"), STATE, resource("state-schema.json")));
        this.config = reg.getSchema(SchemaLocation.of(CONFIG));
        this.state = reg.getSchema(SchemaLocation.of(STATE));
    }

    /** A registry holding exactly {@code schemas} (id to text): nothing is fetched from anywhere. */
    public static SchemaRegistry registry(SpecificationVersion defaultDialect, Map<String, String> schemas) {
        return SchemaRegistry.withDefaultDialect(defaultDialect, b -> b.schemas(schemas));
    }

    private static String resource(String name) {
        try (InputStream in = SchemaCheck.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("schema resource " + name + " missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For the CLI: kind is "config" or "state"; each result is {pointer, message}. */
    @Override
    public List<String[]> apply(String kind, byte[] json) {
        List<Problem> ps = switch (kind) {
            case "config" -> config(json);
            case "state" -> state(json);
            default -> throw new IllegalArgumentException("unknown document kind " + kind);
        };
        List<String[]> out = new ArrayList<>(ps.size());
        for (Problem p : ps) out.add(new String[] {p.pointer(), p.message()});
        return out;
    }

    public List<Problem> config(byte[] json) { return check(config, json); }

    public List<Problem> state(byte[] json) { return check(state, json); }

    /** Validates {@code json} against {@code schema}; a document that is not JSON is one problem at "". */
    public static List<Problem> check(Schema schema, byte[] json) {
        JsonNode doc;
        try {
            doc = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of(new Problem("", "not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (doc == null || doc.isMissingNode()) return List.of(new Problem("", "empty document"));
        List<Problem> out = new ArrayList<>();
        for (Error e : schema.validate(doc)) out.add(problem(e));
        return out;
    }

    private static Problem problem(Error e) {
        StringBuilder ptr = pointer(e.getInstanceLocation());
        String msg = e.getMessage();
        // "required" is reported on the parent object; the user wants the missing field named.
        if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
            ptr.append('/').append(escape(e.getProperty()));
            msg = "is required";
        }
        return new Problem(ptr.toString(), msg);
    }

    static StringBuilder pointer(NodePath path) {
        StringBuilder sb = new StringBuilder();
        if (path == null) return sb;
        for (int i = 0; i < path.getNameCount(); i++) sb.append('/').append(escape(String.valueOf(path.getElement(i))));
        return sb;
    }

    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
