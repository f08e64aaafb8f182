/*
 * The words Java (io.jrunc.container.Lifecycle, io.jrunc.cli.Commands) and jrunc-init say to each other: the sync
 * protocol on the socketpair (docs/plan-format.md, "Transport and sync protocol"), the framing of large messages,
 * the exec fifo byte and jrunc-init's command line.
 *
 * One vocabulary, two spellings: every SYNC_<NAME> here is io.jrunc.plan.Sync.<NAME> in Java, with the same value.
 * io.jrunc.plan.SyncVocabularyTest parses this file and fails on a name missing on either side or a value that
 * differs. Plain `#define SYNC_<NAME> "string"` or `#define SYNC_<NAME> <integer>u?` lines only, one per line:
 * that is what the test reads.
 */
#ifndef JRUNC_SYNC_H
#define JRUNC_SYNC_H

/* Java -> helper, the first message: the plan starts with these 4 bytes (docs/plan-format.md). */
#define SYNC_PLAN_MAGIC "JRP1"
/* helper -> Java, after the clone: "pid <host pid of the container init or exec'd process>". */
#define SYNC_PID_PREFIX "pid "
/* Java -> init, once cgroups and prestart/createRuntime hooks are done: "go\n" + the state JSON the
 * createContainer hooks get, optionally + "\n" + the one the startContainer hooks get. The init also accepts
 * a bare "go" (no JSON). */
#define SYNC_GO "go\n"
/* Between the two state JSONs of the go message (compact JSON has no raw line break). */
#define SYNC_GO_STATE_SEPARATOR "\n"
/* init -> Java, after everything up to seccomp: the init now blocks on the exec fifo. */
#define SYNC_READY "ready"
/* init -> Java, with the seccomp listener fd (SCM_RIGHTS) of a filter with SCMP_ACT_NOTIFY rules. */
#define SYNC_SECCOMP "seccomp"
/* Java -> init, once the agent at listenerPath has the listener fd: the init goes on. */
#define SYNC_SECCOMP_OK "seccomp-ok"
/* helper or init -> Java, on any failure: "error <text>", then the sender exits 1. */
#define SYNC_ERROR_PREFIX "error "
/* Java -> helper/init, before a message of more than SYNC_MSG_CHUNK bytes: an SYNC_CHUNK_HEADER_SIZE-byte packet,
 * this magic + the total length as a big-endian u32, then the bytes in packets of at most SYNC_MSG_CHUNK. */
#define SYNC_CHUNK_MAGIC "JRBG"
#define SYNC_CHUNK_HEADER_SIZE 8
/* The largest packet on the sync socket, either way. */
#define SYNC_MSG_CHUNK 65536u
/* init -> `jrunc start` (Java or the C front) through exec.fifo: the one byte written once the write end opens. */
#define SYNC_FIFO_BYTE "0"
/* Java -> jrunc-init's argv: `jrunc-init init <sync fd>` (helper, then container init). */
#define SYNC_MODE_INIT "init"
/* Java -> jrunc-init's argv: `jrunc-init wait <pid> [--pty-socket <fd>] -- <cleanup argv...>` (foreground waiter). */
#define SYNC_MODE_WAIT "wait"
#define SYNC_WAIT_PTY_SOCKET "--pty-socket"
#define SYNC_WAIT_END "--"

#endif
