package io.jrunc.cli;

import io.jrunc.JruncException;

/** runc exits 255 when exec fails, its reason behind "exec failed: " (runc's exec.go). */
final class ExecFailedException extends JruncException {
    ExecFailedException(JruncException cause) { super(null, "exec failed: " + cause.userMessage(), null, cause); }
}
