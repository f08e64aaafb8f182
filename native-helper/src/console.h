/* The container's terminal (docs/plan-format.md, TERMINAL and CONSOLE_SOCKET). */
#ifndef JRUNC_CONSOLE_H
#define JRUNC_CONSOLE_H

#include <stdbool.h>

#include "plan.h"

/* Connects to the console socket (a host path: called by the helper before any namespace is joined). */
int console_connect(const char *path);

/*
 * After the root change: opens a pty in the container's devpts, binds it onto /dev/console if asked,
 * makes it the controlling terminal and stdio, sends the master over sock and closes sock.
 */
void console_setup(int sock, const struct plan *p, bool bind_console);

#endif
