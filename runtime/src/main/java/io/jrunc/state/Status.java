package io.jrunc.state;

/**
 * A container's status (runtime-spec "State": creating, created, running, stopped; runc adds paused).
 * Derived from the live system on every query ({@link StateStore#status}), never stored.
 */
public enum Status {
    CREATING, CREATED, RUNNING, PAUSED, STOPPED;

    /** The spelling in `state` output, hook state and list rows: the constant's name in lower case. */
    public String ociName() {
        return switch (this) {
            case CREATING -> "creating";
            case CREATED -> "created";
            case RUNNING -> "running";
            case PAUSED -> "paused";
            case STOPPED -> "stopped";
        };
    }

    @Override public String toString() { return ociName(); }
}
