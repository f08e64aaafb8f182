package io.jrunc.seccomp;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.sys.LinuxException;
import io.jrunc.sys.Seccomp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * linux.seccomp to the BPF program jrunc-init installs, with runc's semantics (libcontainer/seccomp,
 * specconv.SetupSeccomp, patchbpf):
 * <ul>
 * <li>no defaultAction and no syscalls: no filter at all;
 * <li>errnoRet defaults to EPERM for SCMP_ACT_ERRNO and SCMP_ACT_TRACE;
 * <li>a syscall name libseccomp does not know is skipped; a name the native arch lacks but another listed
 *     arch has (socketcall on x86_64 for SCMP_ARCH_X86) gets its rule on that arch;
 * <li>a rule whose action is the default action is skipped (libseccomp refuses it; it changes nothing);
 * <li>conditions on distinct argument indexes form one rule (ANDed); if an index repeats, each condition
 *     becomes a rule of its own (ORed);
 * <li>flags absent: SECCOMP_FILTER_FLAG_SPEC_ALLOW (runc 1.2+, crun); TSYNC is accepted and ignored;
 * <li>with a non-permissive default action, syscalls numbered above the highest one the profile names
 *     (per listed architecture) return ENOSYS, so that newer syscalls than the profile knows look
 *     unimplemented and libc falls back (runc's patchbpf stub, {@link EnosysStub}).
 * </ul>
 * Seccomp notify: SCMP_ACT_NOTIFY rules make the program ask for a listener
 * (SECCOMP_FILTER_FLAG_NEW_LISTENER); jrunc-init hands the listener fd to the runtime, which sends it to
 * listenerPath with the container process state (see {@link NotifyState}). Errors name the JSON pointer.
 */
public final class SeccompCompiler {
    private SeccompCompiler() {}

    /** The program (struct sock_filter[], host byte order) and the flags for seccomp(2). */
    public record Compiled(byte[] bpf, int flags) {
        public int instructions() { return bpf.length / 8; }
        /** The filter has SCMP_ACT_NOTIFY rules: jrunc-init hands over a listener fd for listenerPath. */
        public boolean listener() { return (flags & FLAG_NEW_LISTENER) != 0; }
    }

    static final int EPERM = 1, ENOSYS = 38;

    /** libseccomp's action encoding (seccomp.h); equal to the kernel's SECCOMP_RET_* values. */
    static final int ACT_KILL_THREAD = 0x00000000, ACT_KILL_PROCESS = 0x80000000, ACT_TRAP = 0x00030000,
            ACT_ERRNO = 0x00050000, ACT_TRACE = 0x7ff00000, ACT_LOG = 0x7ffc0000, ACT_ALLOW = 0x7fff0000,
            ACT_NOTIFY = 0x7fc00000;

    /** What `jrunc features` reports (sorted, as runc does); only what works. */
    public static final List<String> ACTIONS = List.of("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
            "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
            "SCMP_ACT_TRAP");
    public static final List<String> OPERATORS = List.of("SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
            "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE");
    /** Flags jrunc recognises and applies (WAIT_KILLABLE_RECV only when there is a listener: the kernel
     *  refuses it otherwise). */
    public static final List<String> KNOWN_FLAGS = List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    public static final List<String> SUPPORTED_FLAGS = KNOWN_FLAGS;

    /** runc's architecture names (libcontainer/seccomp/config.go); libseccomp's name is the lower-cased rest. */
    static final List<String> ARCHS = List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_LOONGARCH64",
            "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
            "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
            "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64");
    /** What `features` reports: {@link #ARCHS} but LOONGARCH64, which needs libseccomp 2.6 (we build with 2.5). */
    public static final List<String> FEATURE_ARCHS = List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
            "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
            "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
            "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64");

    static final int FLAG_LOG = 2, FLAG_SPEC_ALLOW = 4, FLAG_NEW_LISTENER = 8, FLAG_WAIT_KILLABLE_RECV = 32;

    /**
     * Syscalls jrunc-init itself makes between installing a filter with a listener and handing the listener
     * over: notifying them would wait for an agent that cannot have the fd yet. runc refuses write for the
     * same reason (it syncs with write; we sync with sendmsg and recvfrom).
     */
    static final List<String> NO_NOTIFY = List.of("write", "sendmsg", "recvfrom");

    /** libseccomp's SCMP_CMP_* values. */
    static int operator(String op, String ptr) {
        return switch (op == null ? "" : op) {
            case "SCMP_CMP_NE" -> 1;
            case "SCMP_CMP_LT" -> 2;
            case "SCMP_CMP_LE" -> 3;
            case "SCMP_CMP_EQ" -> 4;
            case "SCMP_CMP_GE" -> 5;
            case "SCMP_CMP_GT" -> 6;
            case "SCMP_CMP_MASKED_EQ" -> 7;
            default -> throw JruncException.config(ptr, op == null ? "op is required"
                    : "unknown seccomp operator \"" + op + "\"");
        };
    }

    /** The action as libseccomp encodes it; errnoRet (16 bits, default EPERM) for ERRNO and TRACE only. */
    static int action(String name, Long errnoRet, String ptr) {
        if (name == null || name.isEmpty()) throw JruncException.config(ptr, "action is required");
        int ret = errnoRet == null ? EPERM : (int) (errnoRet & 0xffff);
        return switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> ACT_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> ACT_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> ACT_TRAP;
            case "SCMP_ACT_ERRNO" -> ACT_ERRNO | ret;
            case "SCMP_ACT_TRACE" -> ACT_TRACE | ret;
            case "SCMP_ACT_LOG" -> ACT_LOG;
            case "SCMP_ACT_ALLOW" -> ACT_ALLOW;
            case "SCMP_ACT_NOTIFY" -> ACT_NOTIFY;
            default -> throw JruncException.config(ptr, "unknown seccomp action \"" + name + "\"");
        };
    }

    /** runc's patchbpf: ALLOW, LOG and TRACE defaults let unknown syscalls through; no ENOSYS stub then. */
    static boolean permissive(int action) {
        return action == ACT_ALLOW || action == ACT_LOG || (action & 0xffff0000) == ACT_TRACE;
    }

    /** One rule to add: the syscall entry and name it came from (for error pointers) and its conditions. */
    private record Rule(String ptr, String name, int action, List<List<Spec.SeccompArg>> groups) {}

    /**
     * Compiles linux.seccomp. Returns null when the config means "no seccomp" (neither defaultAction nor
     * syscalls, as runc). Everything is validated before libseccomp is touched. No cache.
     */
    public static Compiled compile(Spec.Seccomp s) { return compile(s, null); }

    /** As {@link #compile(Spec.Seccomp)}, with compiled filters cached in cacheDir (null: no cache; see SeccompCache). */
    public static Compiled compile(Spec.Seccomp s, Path cacheDir) {
        if (s == null) return null;
        List<Spec.Syscall> calls = s.syscalls() == null ? List.of() : s.syscalls();
        boolean noDefault = s.defaultAction() == null || s.defaultAction().isEmpty();
        if (noDefault && calls.isEmpty()) return null;

        // flags: absent (not even []) means SPEC_ALLOW, as in runc 1.2+ and crun
        int flags = FLAG_SPEC_ALLOW;
        if (s.flags() != null) {
            flags = 0;
            for (int i = 0; i < s.flags().size(); i++) {
                String f = s.flags().get(i), ptr = "/linux/seccomp/flags/" + i;
                switch (f) {
                    case "SECCOMP_FILTER_FLAG_TSYNC" -> {} // one thread, which then execs: nothing to sync
                    case "SECCOMP_FILTER_FLAG_LOG" -> flags |= FLAG_LOG;
                    case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> flags |= FLAG_SPEC_ALLOW;
                    case "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" -> flags |= FLAG_WAIT_KILLABLE_RECV;
                    default -> throw JruncException.config(ptr, "unknown seccomp flag \"" + f + "\"");
                }
            }
        }
        boolean hasListenerPath = s.listenerPath() != null && !s.listenerPath().isEmpty();
        if (hasListenerPath && s.listenerPath().charAt(0) != '/')
            throw JruncException.config("/linux/seccomp/listenerPath", "must be an absolute path, got \"" + s.listenerPath() + "\"");

        List<String> archNames = new ArrayList<>();
        if (s.architectures() != null) {
            for (int i = 0; i < s.architectures().size(); i++) {
                String a = s.architectures().get(i);
                if (!ARCHS.contains(a)) throw JruncException.config("/linux/seccomp/architectures/" + i,
                        "unknown seccomp architecture \"" + s.architectures().get(i) + "\"");
                archNames.add(a.substring("SCMP_ARCH_".length()).toLowerCase(Locale.ROOT));
            }
        }
        if (s.defaultAction() != null && s.defaultAction().equals("SCMP_ACT_NOTIFY"))
            throw JruncException.config("/linux/seccomp/defaultAction", "SCMP_ACT_NOTIFY cannot be used as default action");
        int def = action(s.defaultAction(), s.defaultErrnoRet(), "/linux/seccomp/defaultAction");

        List<Rule> rules = new ArrayList<>();
        List<String> allNames = new ArrayList<>(); // every name, whatever its action: the ENOSYS stub's range
        for (int i = 0; i < calls.size(); i++) {
            Spec.Syscall c = calls.get(i);
            String ptr = "/linux/seccomp/syscalls/" + i;
            int act = action(c.action(), c.errnoRet(), ptr + "/action");
            List<Spec.SeccompArg> args = c.args() == null ? List.of() : c.args();
            for (int j = 0; j < args.size(); j++) {
                Spec.SeccompArg a = args.get(j);
                operator(a.op(), ptr + "/args/" + j + "/op");
                if (a.index() < 0 || a.index() > 5)
                    throw JruncException.config(ptr + "/args/" + j + "/index", "syscalls have at most 6 arguments (index 0-5), not " + a.index());
            }
            List<List<Spec.SeccompArg>> groups = groups(args);
            List<String> names = c.names() == null ? List.of() : c.names();
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(k);
                if (name == null || name.isEmpty())
                    throw JruncException.config(ptr + "/names/" + k, "empty string is not a valid syscall");
                allNames.add(name);
                if (act == ACT_NOTIFY && NO_NOTIFY.contains(name))
                    throw JruncException.config(ptr + "/names/" + k, "SCMP_ACT_NOTIFY cannot be used for \"" + name + "\"",
                            "the runtime itself makes this call after the filter is in place and before the agent has the listener");
                if (act != def) rules.add(new Rule(ptr + "/names/" + k, name, act, groups));
            }
        }

        Seccomp.load();
        String build = cacheDir == null ? null : SeccompCache.build();
        byte[] key = build == null ? null : SeccompCache.key(s, Seccomp.version(), Seccomp.nativeArch(), build);
        if (key != null) {
            Compiled hit = SeccompCache.get(cacheDir, key);
            if (hit != null) return hit;
        }
        long ctx = Seccomp.init(def);
        try {
            List<Integer> tokens = new ArrayList<>();
            for (int i = 0; i < archNames.size(); i++) {
                int token = Seccomp.archToken(archNames.get(i));
                if (token == 0) throw JruncException.config("/linux/seccomp/architectures/" + i, "architecture "
                        + s.architectures().get(i) + " is not supported by libseccomp " + Seccomp.version());
                try {
                    Seccomp.archAdd(ctx, token);
                } catch (LinuxException e) {
                    throw JruncException.config("/linux/seccomp/architectures/" + i, "cannot add architecture "
                            + s.architectures().get(i) + " to the seccomp filter: " + (e.errno() == 33 /* EDOM */
                            ? "its byte order differs from the native architecture's" : Errno.text(e)));
                }
                tokens.add(token);
            }
            // runc: libseccomp's binary tree for longer rule sets (not for tiny ones: 2.5.4 misbehaves with
            // none); an older libseccomp without it is no error
            if (allNames.size() > 32) {
                try {
                    Seccomp.attr(ctx, Seccomp.ATTR_CTL_OPTIMIZE, 2);
                } catch (LinuxException e) {
                    // keep the default (linear) layout
                }
            }
            String notifyPtr = null;
            for (Rule r : rules) {
                int nr = Seccomp.resolve(0, r.name());
                if (nr == Seccomp.NR_UNKNOWN) continue; // not a syscall libseccomp knows: runc skips it too
                if (r.action() == ACT_NOTIFY && notifyPtr == null) notifyPtr = r.ptr();
                for (List<Spec.SeccompArg> g : r.groups()) add(ctx, r, nr, g);
            }
            if (notifyPtr != null) {
                // Without an agent the first notified call would block the process for good.
                if (!hasListenerPath) throw JruncException.config("/linux/seccomp/listenerPath",
                        "must be set: " + notifyPtr + " uses SCMP_ACT_NOTIFY", "the path of the seccomp agent's unix socket");
                flags |= FLAG_NEW_LISTENER;
            } else {
                flags &= ~FLAG_WAIT_KILLABLE_RECV;
            }
            byte[] bpf = Seccomp.export(ctx);
            boolean stub = !permissive(def) && !(def == (ACT_ERRNO | ENOSYS));
            if (stub && !tokens.isEmpty()) bpf = EnosysStub.prepend(bpf, EnosysStub.lastSyscalls(tokens, allNames));
            if (bpf.length == 0 || bpf.length % 8 != 0 || bpf.length / 8 > 4096)
                throw JruncException.config("/linux/seccomp", "the seccomp filter has " + bpf.length / 8
                        + " BPF instructions; the kernel takes at most 4096");
            Compiled out = new Compiled(bpf, flags);
            if (key != null) SeccompCache.put(cacheDir, key, out);
            return out;
        } finally {
            Seccomp.release(ctx);
        }
    }

    private static void add(long ctx, Rule r, int nr, List<Spec.SeccompArg> g) {
        int n = g.size();
        int[] ops = new int[n], idx = new int[n];
        long[] a = new long[n], b = new long[n];
        for (int k = 0; k < n; k++) {
            Spec.SeccompArg arg = g.get(k);
            ops[k] = operator(arg.op(), r.ptr());
            idx[k] = (int) arg.index();
            a[k] = arg.value(); // MASKED_EQ: the mask
            b[k] = arg.valueTwo(); // MASKED_EQ: the value the masked argument must equal
        }
        try {
            Seccomp.rule(ctx, r.action(), nr, ops, idx, a, b);
        } catch (LinuxException e) {
            String why = e.errno() == LinuxException.EEXIST ? "it conflicts with an earlier rule for the same syscall and arguments"
                    : Errno.text(e);
            throw JruncException.config(r.ptr(), "cannot add the seccomp rule for \"" + r.name() + "\": " + why);
        }
    }

    /** runc: conditions on distinct indexes form one rule; a repeated index splits them into one rule each. */
    static List<List<Spec.SeccompArg>> groups(List<Spec.SeccompArg> args) {
        List<List<Spec.SeccompArg>> out = new ArrayList<>();
        if (args == null || args.isEmpty()) {
            out.add(List.of());
            return out;
        }
        int[] count = new int[6];
        boolean repeated = false;
        for (Spec.SeccompArg a : args) repeated |= ++count[(int) a.index()] > 1;
        if (!repeated) out.add(args);
        else for (Spec.SeccompArg a : args) out.add(List.of(a));
        return out;
    }

    /** Go's spelling of an errno text (lower-case first letter), as runc prints it. */
    static final class Errno {
        static String text(LinuxException e) {
            String m = e.getMessage();
            int i = m.indexOf(": ");
            String t = i >= 0 ? m.substring(i + 2) : m;
            return t.isEmpty() ? t : Character.toLowerCase(t.charAt(0)) + t.substring(1);
        }
    }
}
