package io.jrunc.cli;

import io.jrunc.JruncException;

/** An unknown command or help topic: runc (urfave/cli) exits 3 with "No help topic for '...'". */
final class UsageException extends JruncException {
    UsageException(String message) { super(message); }
}
