/*
 * Test helper (built by `make check`, never installed): installs a BPF seccomp filter exported by
 * io.jrunc.seccomp.SeccompCompiler exactly as jrunc-init does (no_new_privs, then
 * seccomp(SECCOMP_SET_MODE_FILTER, flags, prog)), then makes one system call and prints its outcome.
 *
 *   seccomp_apply <bpf-file> <flags> <syscall> [arg...]
 *
 * <syscall> is a number or one of a few names (getpid, getppid, mkdir, personality, socket, uname);
 * each arg is a number (strtoull, base 0) or str:TEXT (a pointer to TEXT). Prints `ok <return value>` or
 * `errno <n>` and exits 0; a setup failure exits 2. A KILL action ends it by SIGSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
    const char *name;
    long nr;
} names[] = {
    {"getpid", SYS_getpid}, {"getppid", SYS_getppid},         {"mkdir", SYS_mkdir},
    {"personality", SYS_personality}, {"socket", SYS_socket}, {"uname", SYS_uname},
};

int main(int argc, char **argv) {
    if (argc < 4 || argc > 10) {
        fprintf(stderr, "usage: %s <bpf-file> <flags> <syscall> [arg...]\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static struct sock_filter insns[BPF_MAXINSNS + 1];
    size_t n = fread(insns, sizeof(insns[0]), BPF_MAXINSNS + 1, f);
    fclose(f);
    if (n == 0 || n > BPF_MAXINSNS) {
        fprintf(stderr, "%s: %zu instructions\n", argv[1], n);
        return 2;
    }
    unsigned long flags = strtoul(argv[2], NULL, 0);

    long nr = -1;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(argv[3], names[i].name) == 0) nr = names[i].nr;
    if (nr < 0) {
        char *end;
        nr = strtol(argv[3], &end, 0);
        if (*end || nr < 0) {
            fprintf(stderr, "unknown syscall %s\n", argv[3]);
            return 2;
        }
    }
    unsigned long args[6] = {0};
    for (int i = 4; i < argc; i++)
        args[i - 4] = strncmp(argv[i], "str:", 4) == 0 ? (unsigned long)(argv[i] + 4) : strtoull(argv[i], NULL, 0);

    struct sock_fprog prog = {.len = (unsigned short)n, .filter = insns};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        perror("prctl(PR_SET_NO_NEW_PRIVS)");
        return 2;
    }
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog) < 0) {
        fprintf(stderr, "seccomp: %s\n", strerror(errno));
        return 2;
    }
    /* From here on only the filtered call and the output (write, exit_group) happen. */
    char out[64];
    long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
    int len = r < 0 ? snprintf(out, sizeof(out), "errno %d\n", errno) : snprintf(out, sizeof(out), "ok %ld\n", r);
    if (write(1, out, (size_t)len) != len) return 2;
    return 0;
}
