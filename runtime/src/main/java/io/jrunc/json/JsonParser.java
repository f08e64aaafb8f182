package io.jrunc.json;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A small pull parser over UTF-8 bytes: the subset of jackson-core's streaming JsonParser that
 * ConfigReader and state.Json use, with jackson's syntax rules and error messages (line, column and
 * wording as jackson-core 2.18 reports them, so users see what they saw before), and no BigDecimal or
 * BigInteger on the way: jackson's parser class initialisation alone (ParserMinimalBase's BigDecimal
 * constants) cost ~14-25 ms per JVM start on JDK 25 (docs/design-notes.md).
 *
 * <p>Tokens are int constants (an enum switch would cost a synthetic class). Integers are parsed to a
 * long with overflow detection: {@link #numberKind()} tells a long, a uint64 above Long.MAX_VALUE (its
 * bits in {@link #longValue()}) and anything bigger (BigInteger, only then). Only the first JSON value of
 * the input is read, as Go's json.Decoder does; a UTF-8 byte order mark is skipped.
 */
public final class JsonParser {
    public static final int NONE = 0, START_OBJECT = 1, END_OBJECT = 2, START_ARRAY = 3, END_ARRAY = 4,
            FIELD_NAME = 5, VALUE_STRING = 6, VALUE_NUMBER_INT = 7, VALUE_NUMBER_FLOAT = 8, VALUE_TRUE = 9,
            VALUE_FALSE = 10, VALUE_NULL = 11;
    private static final String[] TOKEN_NAMES = {"null", "START_OBJECT", "END_OBJECT", "START_ARRAY", "END_ARRAY",
            "FIELD_NAME", "VALUE_STRING", "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT", "VALUE_TRUE", "VALUE_FALSE",
            "VALUE_NULL"};

    /** {@link #numberKind()}: fits a long; above Long.MAX_VALUE up to 2^64-1 (bits in the long); bigger. */
    public static final int LONG = 0, U64 = 1, BIG = 2;

    private static final int MAX_DEPTH = 1000, MAX_NUMBER_LENGTH = 1000, MAX_ERROR_TOKEN = 256;
    private static final String VALID = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
    private static final String REDACTED = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: ";

    private final byte[] b;
    private final int end;
    private int pos;
    private int line = 1, rowStart;

    // context stack: 0 = root, then one entry per open object/array
    private int depth;
    private boolean[] isObject = new boolean[16];
    private int[] index = new int[16];           // array: element index (-1 before the first); object: members seen
    private String[] names = new String[16];     // object: current member name
    private int[] startLine = new int[16], startCol = new int[16];
    private boolean expectComma;                 // a value of the current context was completed

    private int token = NONE;
    private boolean afterName;                   // FIELD_NAME returned, its value not yet read
    private int valueStart;                      // string: index after the opening quote; number/literal: first byte
    private int valueEnd;                        // number/literal: index after the last byte
    private String text;                         // decoded string (lazily), name
    private boolean pendingString;               // VALUE_STRING whose body is not yet decoded
    private int numKind;
    private long numValue;
    private boolean done;                        // the root value is complete

    public JsonParser(byte[] json) {
        this.b = json;
        this.end = json.length;
        if (end >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) pos = 3;
        rowStart = pos;
    }

    // ---- public API ---------------------------------------------------------------------------------

    public int currentToken() { return token; }

    /** The current member name (at FIELD_NAME and at its value). */
    public String currentName() { return depth > 0 && isObject[depth] ? names[depth] : null; }

    /** String value, field name, or the literal text of a number/true/false/null. */
    public String getText() {
        switch (token) {
            case VALUE_STRING:
                if (pendingString) {
                    text = readString(valueStart, false);
                    pendingString = false;
                }
                return text;
            case FIELD_NAME: return names[depth];
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: case VALUE_TRUE: case VALUE_FALSE: case VALUE_NULL:
                return new String(b, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
            case START_OBJECT: return "{";
            case END_OBJECT: return "}";
            case START_ARRAY: return "[";
            case END_ARRAY: return "]";
            default: return null;
        }
    }

    public int numberKind() { return numKind; }

    /** The integer (VALUE_NUMBER_INT); for {@link #U64} the uint64's bits, for {@link #BIG} its low 64 bits. */
    public long longValue() {
        return numKind == BIG ? bigIntegerValue().longValue() : numValue;
    }

    /** Only for the rare path (out-of-range numbers): loads BigInteger. */
    public BigInteger bigIntegerValue() {
        return new BigInteger(getText());
    }

    public double doubleValue() {
        return Double.parseDouble(getText());
    }

    /**
     * JSON pointer of the current value (as jackson's {@code getParsingContext().pathAsPointer()}): the
     * names and indexes leading to it, '~' and '/' escaped.
     */
    public String pointer() {
        StringBuilder sb = new StringBuilder(64);
        for (int d = 1; d <= depth; d++) {
            if (isObject[d]) {
                if (names[d] == null) continue;
                sb.append('/');
                String n = names[d];
                for (int i = 0; i < n.length(); i++) {
                    char c = n.charAt(i);
                    if (c == '~') sb.append("~0");
                    else if (c == '/') sb.append("~1");
                    else sb.append(c);
                }
            } else if (index[d] >= 0) {
                sb.append('/').append(index[d]);
            }
        }
        return sb.toString();
    }

    /** At START_OBJECT/START_ARRAY: reads up to and including the matching end token. Otherwise nothing. */
    public void skipChildren() {
        if (token != START_OBJECT && token != START_ARRAY) return;
        int open = 1;
        while (true) {
            int t = nextToken();
            if (t == NONE) return;
            if (t == START_OBJECT || t == START_ARRAY) open++;
            else if ((t == END_OBJECT || t == END_ARRAY) && --open == 0) return;
        }
    }

    /** The next token, or {@link #NONE} at the end of the input (or once the root value is complete). */
    public int nextToken() {
        if (pendingString) {
            readString(valueStart, false); // validates what is skipped, as jackson does
            pendingString = false;
        }
        if (afterName) {
            afterName = false;
            return token = value(skipColonValue(), FIELD_NAME);
        }
        if (done) return token = NONE;
        int c = skipWs();
        if (c < 0) {
            if (depth == 0) return token = NONE;
            throw error("Unexpected end-of-input: expected close marker for " + typeDesc() + " (start marker at "
                    + REDACTED + startLine[depth] + ", column: " + startCol[depth] + "])", col(pos));
        }
        if (c == ']' || c == '}') return token = close(c);
        if (expectComma) {
            if (c != ',') throw unexpected(c, pos, "was expecting comma to separate " + typeDesc() + " entries");
            pos++;
            c = skipWs();
            if (c < 0) throw error("Unexpected end-of-input within/between " + typeDesc() + " entries", col(pos));
        }
        if (depth > 0 && isObject[depth]) {
            // member name
            if (c != '"') {
                if (c >= 0x80) checkUtf8(pos); // jackson decodes a non-ASCII name start first
                throw unexpected(c >= 0x80 ? decodeForError(pos) : c, pos, "was expecting double-quote to start field name");
            }
            names[depth] = readString(pos + 1, true);
            index[depth]++;
            expectComma = false;
            afterName = true;
            return token = FIELD_NAME;
        }
        if (depth > 0) index[depth]++;
        return token = value(c, token);
    }

    // ---- values ---------------------------------------------------------------------------------------

    /** After a member name: the colon, then the first byte of the value (jackson: "within/between ..." at EOF). */
    private int skipColonValue() {
        int c = skipWs();
        if (c < 0) throw error("Unexpected end-of-input within/between " + typeDesc() + " entries", col(pos));
        if (c != ':') throw unexpected(c, pos, "was expecting a colon to separate field name and value");
        pos++;
        c = skipWs();
        if (c < 0) throw error("Unexpected end-of-input within/between " + typeDesc() + " entries", col(pos));
        return c;
    }

    /** A value starting with byte c at pos; prev is the token jackson would name in an EOF error. */
    private int value(int c, int prev) {
        expectComma = true;
        switch (c) {
            case '"':
                valueStart = pos + 1;
                pos = skipStringBody(pos + 1);
                pendingString = true;
                text = null;
                completed();
                return VALUE_STRING;
            case '{':
                push(true);
                return START_OBJECT;
            case '[':
                push(false);
                return START_ARRAY;
            case 't': literal("true"); completed(); return VALUE_TRUE;
            case 'f': literal("false"); completed(); return VALUE_FALSE;
            case 'n': literal("null"); completed(); return VALUE_NULL;
            case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
                int t = number(prev);
                completed();
                return t;
            }
            case ']':
                if (depth == 0 || isObject[depth]) break;
                throw unexpected(c, pos, "expected a value");
            case ',': case '}':
                throw unexpected(c, pos, "expected a value");
            case 'N':
                nonStandard("NaN");
                break;
            case 'I':
                nonStandard("Infinity");
                break;
            case '+': {
                if (pos + 1 >= end) throw error("Unexpected end-of-input in " + TOKEN_NAMES[VALUE_NUMBER_INT], col(pos + 1));
                int n = b[pos + 1] & 0xff;
                if (n == 'I') { pos++; nonStandard("+Infinity"); }
                throw error("Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow",
                        col(pos + 1));
            }
            default:
                break;
        }
        if (Character.isJavaIdentifierStart((char) c)) throw invalidToken(pos, pos + 1);
        throw unexpected(c, pos, "expected a valid value " + VALID);
    }

    private void completed() {
        if (depth == 0) done = true;
    }

    private void push(boolean object) {
        pos++;
        if (depth == MAX_DEPTH)
            throw new JsonException("Document nesting depth (" + (MAX_DEPTH + 1) + ") exceeds the maximum allowed ("
                    + MAX_DEPTH + ", from `StreamReadConstraints.getMaxNestingDepth()`)", 0, 0);
        depth++;
        if (depth == isObject.length) {
            int n = depth * 2;
            isObject = java.util.Arrays.copyOf(isObject, n);
            index = java.util.Arrays.copyOf(index, n);
            names = java.util.Arrays.copyOf(names, n);
            startLine = java.util.Arrays.copyOf(startLine, n);
            startCol = java.util.Arrays.copyOf(startCol, n);
        }
        isObject[depth] = object;
        index[depth] = -1;
        names[depth] = null;
        startLine[depth] = line;
        startCol[depth] = pos - rowStart; // column of the bracket, 1-based
        expectComma = false;
    }

    private int close(int c) {
        if (depth == 0) {
            throw error("Unexpected close marker '" + (char) c + "': expected '" + (c == ']' ? '}' : ']')
                    + "' (for root starting at " + REDACTED + "1])", col(pos));
        }
        boolean obj = isObject[depth];
        if ((c == '}') != obj) {
            throw error("Unexpected close marker '" + (char) c + "': expected '" + (obj ? '}' : ']') + "' (for "
                    + typeDesc() + " starting at " + REDACTED + startLine[depth] + ", column: " + startCol[depth] + "])",
                    col(pos));
        }
        pos++;
        depth--;
        expectComma = true;
        if (depth == 0) done = true;
        return obj ? END_OBJECT : END_ARRAY;
    }

    private String typeDesc() {
        return depth == 0 ? "root" : isObject[depth] ? "Object" : "Array";
    }

    /** true/false/null at pos; jackson's "Unrecognized token" with the identifier characters that follow. */
    private void literal(String word) {
        int start = pos;
        int n = word.length();
        for (int i = 1; i < n; i++) {
            int p = start + i;
            if (p >= end || b[p] != word.charAt(i)) throw invalidToken(start, p);
        }
        int p = start + n;
        if (p < end) {
            int c = b[p] & 0xff; // jackson: anything below '0', ']' and '}' end the literal
            if (c >= '0' && c != ']' && c != '}' && Character.isJavaIdentifierPart((char) decodeForError(p)))
                throw invalidToken(start, p);
        }
        valueStart = start;
        valueEnd = p;
        pos = p;
    }

    /** NaN, Infinity: jackson names them before refusing them (or an unrecognized token if they do not match). */
    private void nonStandard(String word) {
        int start = pos;
        int off = word.charAt(0) == '+' ? 1 : 0; // "+Infinity": pos is at 'I'
        for (int i = 1 + off; i < word.length(); i++) {
            int p = start + i - off;
            if (p >= end || b[p] != word.charAt(i)) throw invalidToken(start - off, p);
        }
        int p = start + word.length() - off;
        if (p < end && Character.isJavaIdentifierPart((char) decodeForError(p))) throw invalidToken(start - off, p);
        throw error("Non-standard token '" + word + "': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", col(p));
    }

    /** jackson's _reportInvalidToken: the bytes from start to p, then identifier characters, one more consumed. */
    private JsonException invalidToken(int start, int p) {
        StringBuilder sb = new StringBuilder();
        for (int i = start; i < p; i++) sb.append((char) (b[i] & 0xff));
        while (p < end) {
            int len = utf8Length(p);
            char c = (char) decodeForError(p);
            p += len;
            if (!Character.isJavaIdentifierPart(c)) break;
            sb.append(c);
            if (sb.length() >= MAX_ERROR_TOKEN) { sb.append("..."); break; }
        }
        return error("Unrecognized token '" + sb + "': was expecting " + VALID, col(p));
    }

    /** jackson's UTF-8 checks of one character at p (start byte class, continuation bytes). */
    private void checkUtf8(int p) {
        int c = b[p] & 0xff;
        int n = c >= 0xf0 && c <= 0xf7 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc0 && c <= 0xdf ? 2 : 0;
        if (n == 0) throw error("Invalid UTF-8 start byte 0x" + Integer.toHexString(c), col(p + 1));
        for (int i = 1; i < n; i++) {
            int q = p + i;
            if (q >= end) throw error("Unexpected end-of-input in " + TOKEN_NAMES[token], col(end));
            int m = b[q] & 0xff;
            if ((m & 0xc0) != 0x80) throw error("Invalid UTF-8 middle byte 0x" + Integer.toHexString(m), col(q + 1));
        }
    }

    private int utf8Length(int p) {
        int c = b[p] & 0xff;
        int n = c >= 0xf0 && c <= 0xf7 ? 4 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xc0 && c <= 0xdf ? 2 : 1;
        return Math.min(n, end - p);
    }

    /** The code point at p for an error message (invalid sequences: the byte itself). */
    private int decodeForError(int p) {
        int c = b[p] & 0xff;
        int n = utf8Length(p);
        if (n == 1 || c < 0xc0) return c;
        int v = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
        for (int i = 1; i < n; i++) {
            int m = b[p + i] & 0xff;
            if ((m & 0xc0) != 0x80) return c;
            v = (v << 6) | (m & 0x3f);
        }
        return v;
    }

    /**
     * A number at pos, jackson's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. Integers go to a
     * long with overflow detection (no BigInteger).
     */
    private int number(int prev) {
        int start = pos;
        int p = pos;
        boolean neg = false;
        if (b[p] == '-') {
            neg = true;
            p++;
            if (p >= end) throw error("Unexpected end-of-input in " + TOKEN_NAMES[prev], col(p));
            int c = b[p] & 0xff;
            if (c < '0' || c > '9') {
                if (c == 'I') { pos = p; nonStandardSigned(); }
                throw unexpected(c, p, "in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", true);
            }
        }
        int intStart = p;
        if (b[p] == '0' && p + 1 < end && b[p + 1] >= '0' && b[p + 1] <= '9')
            throw error("Invalid numeric value: Leading zeroes not allowed", col(p + 1));
        // unsigned magnitude in a long, as uint64; overflow beyond 2^64-1 -> BIG
        long mag = 0;
        boolean big = false;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
            int d = b[p] - '0';
            if (!big) {
                // mag * 10 + d <= 2^64-1 ?
                if (Long.compareUnsigned(mag, 0x1999_9999_9999_9999L) > 0
                        || (mag == 0x1999_9999_9999_9999L && d > 5)) big = true;
                else mag = mag * 10 + d;
            }
            p++;
        }
        int digits = p - intStart;
        boolean isFloat = false;
        int fracDigits = 0, expDigits = 0;
        if (p < end && b[p] == '.') {
            isFloat = true;
            int dot = p;
            p++;
            while (p < end && b[p] >= '0' && b[p] <= '9') { p++; fracDigits++; }
            if (fracDigits == 0) {
                if (p >= end) throw unexpected('.', dot, "in numeric value: Decimal point not followed by a digit", true);
                throw unexpected(b[p] & 0xff, p, "in numeric value: Decimal point not followed by a digit", true);
            }
        }
        if (p < end && (b[p] == 'e' || b[p] == 'E')) {
            isFloat = true;
            p++;
            if (p < end && (b[p] == '+' || b[p] == '-')) p++;
            while (p < end && b[p] >= '0' && b[p] <= '9') { p++; expDigits++; }
            if (expDigits == 0) {
                if (p >= end) throw error("Unexpected end-of-input in " + TOKEN_NAMES[prev], col(p));
                throw unexpected(b[p] & 0xff, p, "in numeric value: Exponent indicator not followed by a digit", true);
            }
        }
        if (digits + fracDigits + expDigits > MAX_NUMBER_LENGTH)
            throw new JsonException("Number value length (" + (digits + fracDigits + expDigits)
                    + ") exceeds the maximum allowed (" + MAX_NUMBER_LENGTH + ", from `StreamReadConstraints.getMaxNumberLength()`)", 0, 0);
        if (depth == 0 && p < end) {
            int c = b[p] & 0xff;
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                throw unexpected(c, p, "Expected space separating root-level values");
        }
        valueStart = start;
        valueEnd = p;
        pos = p;
        if (isFloat) return VALUE_NUMBER_FLOAT;
        if (big) {
            numKind = BIG;
        } else if (neg) {
            if (Long.compareUnsigned(mag, Long.MIN_VALUE) > 0) numKind = BIG;
            else { numKind = LONG; numValue = -mag; }
        } else {
            numKind = mag < 0 ? U64 : LONG;
            numValue = mag;
        }
        return VALUE_NUMBER_INT;
    }

    private void nonStandardSigned() {
        // pos at 'I' after '-'
        int start = pos - 1;
        String word = "Infinity";
        for (int i = 1; i < word.length(); i++) {
            int p = pos + i;
            if (p >= end || b[p] != word.charAt(i)) throw unexpected('I', pos, "in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value", true);
        }
        int p = pos + word.length();
        if (p < end && Character.isJavaIdentifierPart((char) decodeForError(p))) throw invalidToken(start, p);
        throw error("Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", col(p));
    }

    // ---- strings --------------------------------------------------------------------------------------

    /** Finds the end of a string body starting at p (after the quote) without decoding; returns the index after the closing quote. */
    private int skipStringBody(int p) {
        while (p < end) {
            int c = b[p];
            if (c == '"') return p + 1;
            if (c == '\\') p++;
            p++;
        }
        return end; // the decode reports the error
    }

    /**
     * Decodes a string body from p (after the opening quote): escapes, UTF-8 checked as jackson does. For a
     * name also moves pos past the closing quote.
     */
    private String readString(int p, boolean name) {
        int start = p;
        if (name && p >= end) throw error("Unexpected end-of-input: was expecting closing '\"' for name", col(p));
        // fast path: ASCII without escapes
        while (p < end) {
            int c = b[p];
            if (c == '"') {
                if (name) pos = p + 1;
                return new String(b, start, p - start, StandardCharsets.ISO_8859_1);
            }
            if (c == '\\' || c < 0x20) break; // (bytes >= 0x80 are negative: decoded below)
            p++;
        }
        StringBuilder sb = new StringBuilder(p - start + 16);
        for (int i = start; i < p; i++) sb.append((char) b[i]);
        String what = name ? "name" : "string value";
        while (true) {
            if (p >= end) throw error("Unexpected end-of-input in " + (name ? "field name" : "VALUE_STRING"), col(p));
            int c = b[p] & 0xff;
            if (c == '"') {
                if (name) pos = p + 1;
                return sb.toString();
            }
            if (c < 0x20) throw unexpectedCtrl(c, p, "has to be escaped using backslash to be included in " + what);
            if (c == '\\') {
                p++;
                if (p >= end) throw error("Unexpected end-of-input in character escape sequence", col(p));
                int e = b[p] & 0xff;
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': {
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            p++;
                            if (p >= end) throw error("Unexpected end-of-input in character escape sequence", col(p));
                            int h = b[p] & 0xff;
                            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                    : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                            if (d < 0) throw unexpected(h, p, "expected a hex-digit for character escape sequence");
                            v = (v << 4) | d;
                        }
                        sb.append((char) v);
                        break;
                    }
                    default:
                        throw error("Unrecognized character escape " + charDesc(decodeForError(p)), col(p));
                }
                p++;
                continue;
            }
            if (c < 0x80) {
                sb.append((char) c);
                p++;
                continue;
            }
            // UTF-8 multi-byte, checked as jackson checks it (lead byte class, continuation bytes)
            int n;
            int v;
            if (c >= 0xc0 && c <= 0xdf) { n = 2; v = c & 0x1f; }
            else if (c >= 0xe0 && c <= 0xef) { n = 3; v = c & 0x0f; }
            else if (c >= 0xf0 && c <= 0xf7) { n = 4; v = c & 0x07; }
            else throw error("Invalid UTF-8 start byte 0x" + Integer.toHexString(c), col(p + 1));
            for (int i = 1; i < n; i++) {
                int q = p + i;
                if (q >= end) throw error("Unexpected end-of-input in " + (name ? "field name" : "VALUE_STRING"), col(end));
                int m = b[q] & 0xff;
                if ((m & 0xc0) != 0x80) throw error("Invalid UTF-8 middle byte 0x" + Integer.toHexString(m), col(q + 1));
                v = (v << 6) | (m & 0x3f);
            }
            if (n == 4) {
                v -= 0x10000;
                sb.append((char) (0xd800 + (v >> 10))).append((char) (0xdc00 | (v & 0x3ff)));
            } else {
                sb.append((char) v);
            }
            p += n;
        }
    }

    // ---- whitespace, positions, errors ----------------------------------------------------------------

    /** Skips white space (counting lines as jackson does: \n, \r, \r\n); returns the byte at pos or -1 at the end. */
    private int skipWs() {
        while (pos < end) {
            int c = b[pos] & 0xff;
            if (c == ' ' || c == '\t') {
                pos++;
            } else if (c == '\n') {
                pos++;
                line++;
                rowStart = pos;
            } else if (c == '\r') {
                pos++;
                if (pos < end && b[pos] == '\n') pos++;
                line++;
                rowStart = pos;
            } else if (c == '/') {
                throw unexpected(c, pos, "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)");
            } else if (c < 0x20) {
                throw error("Illegal character (" + charDesc(c) + "): only regular white space (\\r, \\n, \\t) is allowed between tokens", col(pos + 1));
            } else {
                return c;
            }
        }
        return -1;
    }

    /** 1-based column of the byte at index p. */
    private int col(int p) {
        return p - rowStart + 1;
    }

    private JsonException error(String msg, int column) {
        return new JsonException(msg, line, column);
    }

    private JsonException unexpected(int c, int p, String msg) {
        return unexpected(c, p, msg, false);
    }

    /** jackson's _reportUnexpectedChar: the byte as it is (not decoded), column of that byte. */
    private JsonException unexpected(int c, int p, String msg, boolean inNumber) {
        return error("Unexpected character (" + charDesc(c) + ")" + (inNumber ? " " : ": ") + msg, col(p));
    }

    private JsonException unexpectedCtrl(int c, int p, String msg) {
        return error("Illegal unquoted character (" + charDesc(c) + "): " + msg, col(p));
    }

    /** jackson's _getCharDesc. */
    private static String charDesc(int ch) {
        char c = (char) ch;
        if (Character.isISOControl(c)) return "(CTRL-CHAR, code " + ch + ")";
        if (ch > 255) return "'" + c + "' (code " + ch + " / 0x" + Integer.toHexString(ch) + ")";
        return "'" + c + "' (code " + ch + ")";
    }
}
