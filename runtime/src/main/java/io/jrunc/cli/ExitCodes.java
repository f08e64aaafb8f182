package io.jrunc.cli;

import io.jrunc.JruncException;

/** The one place errors become runc's exit codes: 3 for usage, 255 for a failed exec, 1 for everything else (fatal()). */
final class ExitCodes {
    private ExitCodes() {}

    static int of(JruncException e) {
        if (e instanceof UsageException) return 3;
        if (e instanceof ExecFailedException) return 255;
        return 1;
    }
}
