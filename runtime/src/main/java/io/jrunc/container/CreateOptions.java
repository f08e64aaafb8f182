package io.jrunc.container;

import java.nio.file.Path;

/**
 * What `create` is asked for besides the bundle: runc's create flags. keepOnFailure is `run --keep`: a
 * create that fails once its state is saved leaves the container stopped (state and cgroup) for `delete`,
 * as runc's run keeps it; the init is killed all the same.
 */
public record CreateOptions(String id, Path bundle, String pidFile, String consoleSocket, boolean noPivot,
                            boolean noNewKeyring, int preserveFds, String pidfdSocket, boolean keepOnFailure) {
    /** A plain create: no pid file, console socket, preserved fds or pidfd socket. */
    public static CreateOptions of(String id, Path bundle) {
        return new CreateOptions(id, bundle, null, null, false, false, 0, null, false);
    }

    public CreateOptions withConsoleSocket(String path) {
        return new CreateOptions(id, bundle, pidFile, path, noPivot, noNewKeyring, preserveFds, pidfdSocket, keepOnFailure);
    }
}
