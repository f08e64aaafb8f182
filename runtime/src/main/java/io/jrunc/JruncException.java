package io.jrunc;

/**
 * Every error jrunc reports. The message is what the user sees (runc's wording where callers match on
 * substrings: "does not exist", "container not running", "executable file not found", ...). When the
 * error is about config.json, {@code pointer} is the JSON pointer of the offending field (e.g.
 * "/process/args") and is put in front of the message. The CLI maps every JruncException to its exit code
 * (1, as runc's fatal(), unless said otherwise) and one log line, in one place (io.jrunc.cli.Main).
 */
public class JruncException extends RuntimeException {
    private final String pointer;
    private final String hint;
    private int exitCode = 1;

    public JruncException(String message) { this(null, message, null, null); }

    public JruncException(String message, Throwable cause) { this(null, message, null, cause); }

    public JruncException(String pointer, String message, String hint, Throwable cause) {
        super(message, cause);
        this.pointer = pointer;
        this.hint = hint;
    }

    /** A config.json error: {@code config.json /process/args: must not be empty}. */
    public static JruncException config(String pointer, String message) {
        return new JruncException(pointer, message, null, null);
    }

    public static JruncException config(String pointer, String message, String hint) {
        return new JruncException(pointer, message, hint, null);
    }

    /** runc exits 255 when exec fails, its reason behind "exec failed: " (runc's exec.go). */
    public static JruncException execFailed(JruncException e) {
        JruncException x = new JruncException(null, "exec failed: " + e.userMessage(), null, e);
        x.exitCode = 255;
        return x;
    }

    /**
     * The errno text of a file error as Go (and so runc) spells it: "no such file or directory",
     * "permission denied", ... (Java's own message for these is only the path). Other exceptions: their
     * reason, or their message.
     */
    public static String errno(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "file exists";
        if (e instanceof java.nio.file.DirectoryNotEmptyException) return "directory not empty";
        if (e instanceof java.nio.file.NotDirectoryException) return "not a directory";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            String r = f.getReason();
            return r.isEmpty() ? r : Character.toLowerCase(r.charAt(0)) + r.substring(1);
        }
        return String.valueOf(e.getMessage());
    }

    /** The same error with another exit code (runc's 3 for an unknown command or help topic). */
    public JruncException exitCode(int code) {
        exitCode = code;
        return this;
    }

    public int exitCode() { return exitCode; }
    public String pointer() { return pointer; }
    public String hint() { return hint; }

    /** The single line shown to the user and written to the log. */
    public String userMessage() {
        StringBuilder sb = new StringBuilder();
        if (pointer != null) sb.append("config.json ").append(pointer.isEmpty() ? "/" : pointer).append(": ");
        sb.append(getMessage());
        if (hint != null) sb.append(" (").append(hint).append(')');
        return sb.toString();
    }
}
