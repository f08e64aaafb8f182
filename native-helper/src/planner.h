/*
 * The resident planner's protocol (docs/planner.md, "Protocol") as the C front speaks it (client.c).
 *
 * One vocabulary, two spellings: every PLANNER_<NAME> here is io.jrunc.planner.Protocol.<NAME> in Java with the
 * same value, or io.jrunc.planner.Server.<NAME> for DIR, SOCKET and LOCK (ProtocolTest reads this file: plain `#define PLANNER_<NAME> "string"` or integer lines only).
 */
#ifndef JRUNC_PLANNER_H
#define JRUNC_PLANNER_H

/* front -> planner: the request frame; planner -> front: "taken" (no body), then the reply frame. */
#define PLANNER_REQUEST_MAGIC "JRQ1"
#define PLANNER_ACK "JRA1"
#define PLANNER_REPLY_MAGIC "JRR1"
/* magic + u32 big-endian body length */
#define PLANNER_HEADER 8
#define PLANNER_MAX_BODY 16777216
#define PLANNER_MAX_FDS 64
/* the roles of the fds passed with the request */
#define PLANNER_ROLE_CWD 1
#define PLANNER_ROLE_STDIN 2
#define PLANNER_ROLE_STDOUT 3
#define PLANNER_ROLE_STDERR 4
#define PLANNER_ROLE_INIT 5
#define PLANNER_ROLE_PRESERVED 6
/* reply kinds */
#define PLANNER_DONE 0
#define PLANNER_FALLBACK 1
/* <root>/PLANNER_DIR/PLANNER_SOCKET, and the lock a planner holds while it serves that root */
#define PLANNER_DIR "@planner"
#define PLANNER_SOCKET "sock"
#define PLANNER_LOCK "lock"

#endif
