package io.jrunc.json;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.state.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parser against what jackson-core 2.18 said for the same input (messages, line and
 * column recorded from jackson before it was replaced; a differential fuzz of 90,000 mutated corpus files
 * agreed everywhere except the column of some invalid UTF-8 errors).
 */
class JsonParserTest {
    private static String err(String json) {
        JruncException e = assertThrows(JruncException.class, () -> ConfigReader.parse(json.getBytes(StandardCharsets.ISO_8859_1)));
        return e.userMessage();
    }

    private static final String MARK = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: ";

    @Test
    void syntaxErrorsAsJacksonReportedThem() {
        assertEquals("config.json: invalid JSON: the document is empty", err("  "));
        assertEquals("config.json: invalid JSON at line 1 column 2: Unexpected end-of-input: expected close marker for Object (start marker at "
                + MARK + "1, column: 1])", err("{"));
        assertEquals("config.json: invalid JSON at line 1 column 13: Unexpected end-of-input within/between Object entries", err("{\"process\": "));
        assertEquals("config.json: invalid JSON at line 1 column 6: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value", err("{\"a\" 1}"));
        assertEquals("config.json: invalid JSON at line 1 column 8: Unexpected character ('}' (code 125)): was expecting double-quote to start field name", err("{\"a\":1,}"));
        assertEquals("config.json: invalid JSON at line 1 column 9: Unexpected character (']' (code 93)): expected a value", err("{\"a\":[1,]}"));
        assertEquals("config.json: invalid JSON at line 1 column 10: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", err("{\"a\":tru}"));
        assertEquals("config.json: invalid JSON at line 1 column 7: Invalid numeric value: Leading zeroes not allowed", err("{\"a\":01}"));
        assertEquals("config.json: invalid JSON at line 1 column 8: Unexpected character ('}' (code 125)) in numeric value: Decimal point not followed by a digit", err("{\"a\":1.}"));
        assertEquals("config.json: invalid JSON at line 1 column 8: Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value", err("{\"a\":\"x\ny\"}"));
        assertEquals("config.json: invalid JSON at line 1 column 8: Unrecognized character escape 'q' (code 113)", err("{\"a\":\"\\q\"}"));
        assertEquals("config.json: invalid JSON at line 3 column 19: Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries",
                err("{\n  \"process\": {\n    \"args\": [\"sh\" \"x\"]}}"));
        assertEquals("config.json: invalid JSON at line 3 column 5: Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value", err("\r\n{\r\n\"a\" 1}"));
        assertEquals("config.json: invalid JSON at line 1 column 6: Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)", err("{\"a\":/*c*/1}"));
        assertEquals("config.json: invalid JSON at line 1 column 9: Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", err("{\"a\":NaN}"));
        assertEquals("config.json: invalid JSON at line 1 column 7: Unexpected close marker '}': expected ']' (for Array starting at " + MARK + "1, column: 6])", err("{\"a\":[}"));
        assertEquals("config.json: invalid JSON at line 1 column 9: Invalid UTF-8 middle byte 0x22", err("{\"a\":\"\u00e9\"}"));
        assertEquals("config.json: invalid JSON at line 1 column 10: Illegal character ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is allowed between tokens", err("{\"a\":\"x\"\u0001}"));
        assertEquals("config.json: invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)",
                err("{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}"));
    }

    @Test
    void integersWithoutBigInteger() {
        assertEquals("config.json /process/oomScoreAdj: value 99999999999999999999 is out of range for int32", err("{\"process\":{\"oomScoreAdj\":99999999999999999999}}"));
        assertEquals("config.json /process/oomScoreAdj: expected an integer, got 1e2", err("{\"process\":{\"oomScoreAdj\":1e2}}"));
        String sc = "{\"linux\":{\"seccomp\":{\"syscalls\":[{\"args\":[{\"value\":%s}]}]}}}";
        assertEquals(-1L, ConfigReader.parse(String.format(sc, "18446744073709551615").getBytes()).linux().seccomp().syscalls().get(0).args().get(0).value());
        assertEquals(Long.MIN_VALUE, ConfigReader.parse(String.format(sc, "-9223372036854775808").getBytes()).linux().seccomp().syscalls().get(0).args().get(0).value());
        assertEquals("config.json /linux/seccomp/syscalls/0/args/0/value: value 18446744073709551616 is out of range for a 64-bit integer", err(String.format(sc, "18446744073709551616")));
        assertEquals("config.json /linux/seccomp/syscalls/0/args/0/value: value -9223372036854775809 is out of range for a 64-bit integer", err(String.format(sc, "-9223372036854775809")));
        assertEquals("config.json /annotations/a~1b~0c: expected a string, got a number", err("{\"annotations\":{\"a/b~c\":3}}"));
    }

    @Test
    void treeValues() {
        Object v = Json.parse("\u00ef\u00bb\u00bf{\"a\":[1,-0,1.5,true,null,\"\\u00e9\\ud83d\\ude00\\/\"],\"b\":{},\"c\":99999999999999999999}x"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(Map.of("a", java.util.Arrays.asList(1L, 0L, 1.5, true, null, "\u00e9\ud83d\ude00/"), "b", Map.of(),
                "c", 7766279631452241919L), v);
        assertEquals("\u00e9\u20ac", Json.parse("\"\u00e9\u20ac\"".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), Json.parse("[]".getBytes()));
    }
}
