package io.jrunc;

/** create or restore into an id that is taken (runc's wording). */
public class ContainerExistsException extends JruncException {
    private final String id;

    public ContainerExistsException(String id) {
        super("container with given ID already exists: " + id);
        this.id = id;
    }

    public String id() { return id; }
}
