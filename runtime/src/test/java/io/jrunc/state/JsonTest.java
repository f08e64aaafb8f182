package io.jrunc.state;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void prettyMatchesGoMarshalIndent() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "a\"b<");
        m.put("pid", 42);
        m.put("list", List.of(1, "x"));
        m.put("empty", Map.of());
        assertEquals("{\n  \"id\": \"a\\\"b\\u003c\",\n  \"pid\": 42,\n  \"list\": [\n    1,\n    \"x\"\n  ],\n  \"empty\": {}\n}",
                Json.pretty(m));
    }

    @Test
    void roundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", List.of(true, "s\n"));
        m.put("c", null);
        String s = Json.write(m);
        assertEquals(m, Json.parse(s.getBytes(StandardCharsets.UTF_8)));
    }
}
