package io.jrunc;

/** No container with that id in this root (runc: "container does not exist"; callers match the words). */
public class NoSuchContainerException extends JruncException {
    private final String id;

    public NoSuchContainerException(String id) {
        super("container does not exist");
        this.id = id;
    }

    public String id() { return id; }
}
