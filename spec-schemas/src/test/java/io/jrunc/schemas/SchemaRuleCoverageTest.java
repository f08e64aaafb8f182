package io.jrunc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No rule of our config schema is untested: every enum, pattern, required, minItems, minimum, maximum
 * and propertyNames in config-schema.json must be what rejects at least one file of corpus/invalid.
 * (A rule that nothing in the corpus trips could be wrong in either direction unnoticed.) "type" rules
 * are left out: there are too many, and each is the plainest kind of rule.
 */
class SchemaRuleCoverageTest {
    static final Set<String> RULES = Set.of("enum", "pattern", "required", "minItems", "minimum", "maximum", "propertyNames");

    @Test
    void everyRuleRejectsSomeInvalidFile() throws IOException {
        JsonNode schemaDoc;
        try (InputStream in = SchemaCheck.class.getResourceAsStream("config-schema.json")) {
            schemaDoc = new ObjectMapper().readTree(in);
        }
        Set<String> rules = new TreeSet<>();
        collect(schemaDoc, "", rules);

        Schema schema = SchemaCheck.registry(SpecificationVersion.DRAFT_2020_12, Map.of(SchemaCheck.CONFIG, schemaDoc.toString()))
                .getSchema(SchemaLocation.of(SchemaCheck.CONFIG));
        ObjectMapper m = new ObjectMapper();
        Set<String> hit = new TreeSet<>();
        for (Path f : SchemaCrossCheckTest.CONFIGS.invalid()) {
            JsonNode doc;
            try {
                doc = m.readTree(Corpus.read(f));
            } catch (IOException notJson) {
                continue;
            }
            for (Error e : schema.validate(doc)) {
                String loc = e.getSchemaLocation().toString();
                hit.add(loc.substring(loc.indexOf('#') + 1));
            }
        }
        Set<String> untested = new TreeSet<>(rules);
        untested.removeAll(hit);
        assertEquals(Set.of(), untested, "rules no file of corpus/invalid trips (of " + rules.size() + ")");
    }

    /** Keyword locations ("/$defs/Hook/properties/timeout/minimum") of the rules in a schema object. */
    private static void collect(JsonNode schema, String at, Set<String> out) {
        if (!schema.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey(), here = at + "/" + SchemaCheck.escape(k);
            JsonNode v = e.getValue();
            if (RULES.contains(k)) {
                out.add(here);
            } else if (k.equals("properties") || k.equals("patternProperties") || k.equals("$defs")) {
                for (Iterator<Map.Entry<String, JsonNode>> sub = v.fields(); sub.hasNext(); ) {
                    Map.Entry<String, JsonNode> s = sub.next();
                    collect(s.getValue(), here + "/" + SchemaCheck.escape(s.getKey()), out);
                }
            } else if (k.equals("items") || k.equals("additionalProperties")) {
                collect(v, here, out);
            } else if (k.equals("allOf") || k.equals("anyOf") || k.equals("oneOf")) {
                for (int i = 0; i < v.size(); i++) collect(v.get(i), here + "/" + i, out);
            }
        }
    }
}
