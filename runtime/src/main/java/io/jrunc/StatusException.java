package io.jrunc;

import io.jrunc.state.Status;

/**
 * The operation is not allowed in the container's current status ("container not running", "cannot
 * start a container that has stopped", ...; runc's words, which callers match). {@link #status()} is the
 * status found.
 */
public class StatusException extends JruncException {
    private final Status status;

    public StatusException(Status status, String message) {
        super(message);
        this.status = status;
    }

    public Status status() { return status; }
}
