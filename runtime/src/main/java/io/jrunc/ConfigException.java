package io.jrunc;

/**
 * config.json (or a process.json / resources file given to exec and update) is wrong: {@link #pointer()}
 * is the JSON pointer of the offending field, e.g. "/process/args".
 */
public class ConfigException extends JruncException {
    public ConfigException(String pointer, String message, String hint) {
        super(pointer, message, hint, null);
    }
}
