package io.jrunc;

/**
 * Every error jrunc reports. The message is what the user sees (runc's wording where callers match on
 * substrings: "does not exist", "container not running", "executable file not found", ...). When the
 * error is about config.json, {@code pointer} is the JSON pointer of the offending field (e.g.
 * "/process/args") and is put in front of the message. Subclasses say what kind of failure it is
 * ({@link ConfigException}, {@link NoSuchContainerException}, {@link ContainerExistsException},
 * {@link StatusException}); the CLI maps each to runc's exit code and one log line, in one place
 * (io.jrunc.cli.ExitCodes). Nothing here knows about exit codes.
 */
public class JruncException extends RuntimeException {
    private final String pointer;
    private final String hint;

    public JruncException(String message) { this(null, message, null, null); }

    public JruncException(String message, Throwable cause) { this(null, message, null, cause); }

    public JruncException(String pointer, String message, String hint, Throwable cause) {
        super(message, cause);
        this.pointer = pointer;
        this.hint = hint;
    }

    /** A config.json error: {@code config.json /process/args: must not be empty}. */
    public static ConfigException config(String pointer, String message) {
        return new ConfigException(pointer, message, null);
    }

    public static ConfigException config(String pointer, String message, String hint) {
        return new ConfigException(pointer, message, hint);
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
