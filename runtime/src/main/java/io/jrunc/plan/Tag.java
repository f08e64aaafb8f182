package io.jrunc.plan;

/** Plan tag numbers. Keep in step with native-helper/src/plan.h and docs/plan-format.md. */
public final class Tag {
    private Tag() {}

    public static final int CLONE_FLAGS = 1, NS_JOIN = 2, UID_MAP = 3, GID_MAP = 4, SETGROUPS = 5,
            TIME_OFFSETS = 6, ROOTFS = 7, ROOTFS_PROPAGATION = 8, ROOT_READONLY = 9, NO_PIVOT = 10,
            MOUNT = 11, DEVICE = 12, SYMLINK = 13, MASK = 14, READONLY_PATH = 15, SYSCTL = 16,
            HOSTNAME = 17, DOMAINNAME = 18, RLIMIT = 19, OOM_SCORE_ADJ = 20, UID = 21, GID = 22,
            ADDITIONAL_GIDS = 23, UMASK = 24, CAPS = 25, NO_NEW_PRIVS = 26, SECCOMP = 27, CWD = 28,
            ARG = 29, ENV = 30, TERMINAL = 31, CONSOLE_SOCKET = 32, CONSOLE_SIZE = 33, PRESERVE_FDS = 34,
            HOOK = 35, FIFO_PATH = 36, PERSONALITY = 37, SESSION_KEYRING = 38,
            APPARMOR_EXEC = 39, SELINUX_EXEC = 40, MASK_DATA = 41, LSM_AFTER_HOOKS = 42;

    /** Sub-tags. */
    public static final int NS_TYPE = 1, NS_PATH = 2;
    public static final int AA_ATTR = 1, AA_VALUE = 2;
    public static final int M_SOURCE = 1, M_DEST = 2, M_FSTYPE = 3, M_FLAGS = 4, M_DATA = 5,
            M_PROPAGATION = 6, M_ATTR_SET = 7, M_ATTR_CLR = 8, M_IDMAP_UID = 9, M_IDMAP_GID = 10,
            M_IDMAP_RECURSIVE = 11, M_IDMAP_USERNS = 12, M_COPY_UP = 13;
    public static final int D_PATH = 1, D_TYPE = 2, D_MAJOR = 3, D_MINOR = 4, D_MODE = 5, D_UID = 6,
            D_GID = 7, D_BIND = 8;
    public static final int L_TARGET = 1, L_LINK = 2;
    public static final int S_KEY = 1, S_VALUE = 2;
    public static final int R_RESOURCE = 1, R_SOFT = 2, R_HARD = 3;
    public static final int C_BOUNDING = 1, C_EFFECTIVE = 2, C_PERMITTED = 3, C_INHERITABLE = 4, C_AMBIENT = 5;
    public static final int SC_BPF = 1, SC_FLAGS = 2;
    public static final int CS_ROWS = 1, CS_COLS = 2;
    public static final int H_KIND = 1, H_PATH = 2, H_ARG = 3, H_ENV = 4, H_TIMEOUT = 5;
    public static final int HOOK_CREATE_CONTAINER = 1, HOOK_START_CONTAINER = 2;
}
