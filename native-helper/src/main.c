/* jrunc-init: `init <fd>` (the helper and container init) or `wait <pid> -- <cleanup...>`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init.h"
#include "sync.h"

static int usage(void) {
    fprintf(stderr, "usage: jrunc-init init <fd>\n       jrunc-init wait <pid> -- <cleanup argv...>\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], SYNC_MODE_WAIT) == 0) return wait_main(argc, argv);
    if (argc == 3 && strcmp(argv[1], SYNC_MODE_INIT) == 0) {
        char *end;
        long fd = strtol(argv[2], &end, 10);
        if (*end || fd < 0 || fd > 1 << 20) return usage();
        return helper_main((int)fd);
    }
    return usage();
}
