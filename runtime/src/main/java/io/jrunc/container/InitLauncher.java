package io.jrunc.container;

/**
 * Who starts jrunc-init for a create or an exec. By default (no launcher given to the engine) the engine
 * spawns it itself from a sealed copy, as the CLI always has: the helper is this JVM's child, and the
 * process it clones (CLONE_PARENT) too. A launcher is for a resident planner (io.jrunc.planner) serving a
 * C front: the front, the caller's own child, spawned jrunc-init with the caller's stdio and preserved fds
 * and passed the parent end of its sync socket over; the engine drives the same sync protocol on it, but
 * neither the helper nor the container's process is this JVM's to reap (the front reaps the helper; the
 * new process is the front's child, so the caller's subreaper sees it as today).
 */
public interface InitLauncher {
    /**
     * The parent end of the sync socket of a jrunc-init waiting for its plan, now owned by the engine
     * (which closes it). Called at most once per create or exec.
     */
    int syncSocket();
}
