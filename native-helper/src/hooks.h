/* createContainer / startContainer hooks, run by the container init (docs/plan-format.md, init steps 4 and 17). */
#ifndef JRUNC_HOOKS_H
#define JRUNC_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

/*
 * Runs every HOOK of this kind in plan order: fork + execve(PATH, ARG, ENV), the state JSON on stdin,
 * killed after TIMEOUT seconds. The first failure die()s with "<kind> hook <path> failed: ...".
 */
void run_hooks(const struct plan *p, uint32_t kind, const char *state, size_t len);

#endif
