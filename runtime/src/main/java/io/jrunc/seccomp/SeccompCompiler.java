package io.jrunc.seccomp;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.sys.Seccomp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * linux.seccomp to a BPF program, with runc's semantics: unknown syscall names are skipped, a rule whose
 * action is the default action is skipped, errnoRet defaults to EPERM, several conditions on the same
 * argument index become separate rules (libseccomp ANDs conditions of one rule; runc ORs them).
 */
public final class SeccompCompiler {
    private SeccompCompiler() {}

    public record Compiled(byte[] bpf, int flags) {}

    static final int EPERM = 1;
    public static final List<String> ACTIONS = List.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG");
    public static final List<String> OPERATORS = List.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    public static final List<String> FLAGS = List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    static final Map<String, Integer> FLAG_BITS = Map.of("SECCOMP_FILTER_FLAG_TSYNC", 1, "SECCOMP_FILTER_FLAG_LOG", 2,
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32);

    /** libseccomp's action encoding (seccomp.h). */
    static int action(String name, Long errnoRet, String ptr) {
        if (name == null) throw JruncException.config(ptr, "action is required");
        return switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> 0x00000000;
            case "SCMP_ACT_KILL_PROCESS" -> 0x80000000;
            case "SCMP_ACT_TRAP" -> 0x00030000;
            case "SCMP_ACT_ERRNO" -> 0x00050000 | ((errnoRet == null ? EPERM : errnoRet.intValue()) & 0xffff);
            case "SCMP_ACT_TRACE" -> 0x7ff00000 | ((errnoRet == null ? EPERM : errnoRet.intValue()) & 0xffff);
            case "SCMP_ACT_LOG" -> 0x7ffc0000;
            case "SCMP_ACT_ALLOW" -> 0x7fff0000;
            case "SCMP_ACT_NOTIFY" -> throw JruncException.config(ptr, "SCMP_ACT_NOTIFY (seccomp user notification) is not supported by jrunc yet");
            default -> throw JruncException.config(ptr, "unknown seccomp action \"" + name + "\"");
        };
    }

    static int operator(String op, String ptr) {
        int i = OPERATORS.indexOf(op);
        if (i < 0) throw JruncException.config(ptr, "unknown seccomp operator \"" + op + "\"");
        return i + 1;
    }

    public static Compiled compile(Spec.Seccomp s) {
        if (s.listenerPath() != null && !s.listenerPath().isEmpty())
            throw JruncException.config("/linux/seccomp/listenerPath", "seccomp notify listeners are not supported by jrunc yet");
        int def = action(s.defaultAction(), s.defaultErrnoRet(), "/linux/seccomp/defaultAction");
        int flags = 0;
        if (s.flags() != null) {
            for (int i = 0; i < s.flags().size(); i++) {
                Integer bit = FLAG_BITS.get(s.flags().get(i));
                if (bit == null) throw JruncException.config("/linux/seccomp/flags/" + i, "unknown seccomp flag \"" + s.flags().get(i) + "\"");
                flags |= bit;
            }
        }
        Seccomp.load();
        long ctx = Seccomp.init(def);
        try {
            if (s.architectures() != null) {
                for (int i = 0; i < s.architectures().size(); i++) {
                    String a = s.architectures().get(i);
                    String lib = a.startsWith("SCMP_ARCH_") ? a.substring(10).toLowerCase() : a.toLowerCase();
                    if (!Seccomp.archAdd(ctx, lib))
                        throw JruncException.config("/linux/seccomp/architectures/" + i, "unknown architecture \"" + a + "\"");
                }
            }
            List<Spec.Syscall> calls = s.syscalls() == null ? List.of() : s.syscalls();
            for (int i = 0; i < calls.size(); i++) {
                Spec.Syscall c = calls.get(i);
                String ptr = "/linux/seccomp/syscalls/" + i;
                int act = action(c.action(), c.errnoRet(), ptr + "/action");
                if (act == def) continue; // libseccomp refuses it and it changes nothing
                List<List<Spec.SeccompArg>> groups = groups(c.args());
                for (String name : c.names() == null ? List.<String>of() : c.names()) {
                    int nr = Seccomp.resolve(name);
                    if (nr < 0) continue; // not a syscall on this kernel/arch: runc skips it too
                    for (List<Spec.SeccompArg> g : groups) {
                        int n = g.size();
                        int[] ops = new int[n], idx = new int[n];
                        long[] a = new long[n], b = new long[n];
                        for (int k = 0; k < n; k++) {
                            Spec.SeccompArg arg = g.get(k);
                            ops[k] = operator(arg.op(), ptr + "/args");
                            idx[k] = (int) arg.index();
                            // MASKED_EQ: datum_a is the mask (value), datum_b the expected (valueTwo)
                            a[k] = arg.value();
                            b[k] = arg.valueTwo();
                        }
                        Seccomp.rule(ctx, act, nr, ops, idx, a, b);
                    }
                }
            }
            // Flags the kernel applies at seccomp(2) time are passed to the init; LOG is also an attribute.
            return new Compiled(Seccomp.export(ctx), flags & ~1);
        } finally {
            Seccomp.release(ctx);
        }
    }

    /** runc: conditions on distinct indexes form one rule; a repeated index splits them into one rule each. */
    static List<List<Spec.SeccompArg>> groups(List<Spec.SeccompArg> args) {
        List<List<Spec.SeccompArg>> out = new ArrayList<>();
        if (args == null || args.isEmpty()) {
            out.add(List.of());
            return out;
        }
        Set<Long> seen = new HashSet<>();
        boolean repeated = false;
        for (Spec.SeccompArg a : args) repeated |= !seen.add(a.index());
        if (!repeated) out.add(args);
        else for (Spec.SeccompArg a : args) out.add(List.of(a));
        return out;
    }
}
