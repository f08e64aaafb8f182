package io.jrunc.json;

/** A syntax error: jackson's message and location (line and column 1-based; 0 when there is none). */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line, column;

    JsonException(String message, int line, int column) {
        super(message, null, false, false); // no stack trace: errors are reported, not debugged
        this.line = line;
        this.column = column;
    }

    public int line() { return line; }

    public int column() { return column; }

    /** " at line L column C", or "" when the error has no location. */
    public String where() {
        return line == 0 ? "" : " at line " + line + " column " + column;
    }
}
