/*
 * spawnloop N CMD ARGS...: runs CMD N times (fork + execv, stdout/stderr to /dev/null, one at a time) and prints
 * "median p90 mean" wall microseconds per call, then the mean CPU time (user + system, from wait4) of a call in
 * microseconds, which a loaded machine disturbs less than wall time. Used by bench/front to time the C front's answers; a C loop so that
 * the figure is the command's own cost (fork+exec+answer), not a Python subprocess's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: spawnloop N CMD ARGS...\n");
        return 2;
    }
    int n = atoi(argv[1]);
    if (n <= 0) return 2;
    double *t = calloc((size_t)n, sizeof(double)), sum = 0, cpu = 0;
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < n; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        pid_t p = fork();
        if (p == 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
            execv(argv[2], argv + 2);
            _exit(127);
        }
        int st;
        struct rusage ru;
        wait4(p, &st, 0, &ru);
        cpu += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "spawnloop: %s exited %d\n", argv[2], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
            return 1;
        }
        t[i] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
        sum += t[i];
    }
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("%.0f %.0f %.0f %.0f\n", t[n / 2], t[n * 9 / 10], sum / n, cpu / n);
    return 0;
}
