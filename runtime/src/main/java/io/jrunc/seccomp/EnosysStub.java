package io.jrunc.seccomp;

import io.jrunc.sys.Seccomp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * runc's -ENOSYS stub (libcontainer/seccomp/patchbpf), prepended to libseccomp's program: for each listed
 * architecture, a syscall numbered above the highest one the profile names returns ENOSYS instead of the
 * default action. A profile written before a syscall existed (clone3, faccessat2, fchmodat2, ...) then
 * makes it look unimplemented, and libc falls back to the older call instead of failing with EPERM.
 *
 * <pre>
 *   ld  [4]                        arch
 *   jeq ARCH_1, 0, 1 ; ja S_1      one pair per architecture with a section
 *   ...
 *   ja  FILTER                     other architectures: libseccomp's bad-arch action
 * S_n:
 *   ld  [0]                        syscall number
 *   (s390, s390x) jeq 0, 0, 1 ; ret ERRNO(ENOSYS)      setup(2) = "number too large" multiplexer
 *   (x86_64)      jset 0x40000000, &lt;x32 part&gt;, 0    x32 calls carry bit 30
 *   jgt MAX, 0, 1 ; ret ERRNO(ENOSYS) ; ja FILTER
 * FILTER: libseccomp's program
 * </pre>
 * Only forward jumps; conditional ones skip at most a few instructions, the long ones are {@code ja}.
 */
final class EnosysStub {
    private EnosysStub() {}

    static final int AUDIT_ARCH_X86_64 = 0xC000003E, SCMP_ARCH_X32 = 0x4000003E, AUDIT_ARCH_S390 = 0x00000016,
            AUDIT_ARCH_S390X = 0x80000016, X32_SYSCALL_BIT = 0x40000000;
    static final int RET_ENOSYS = SeccompCompiler.ACT_ERRNO | SeccompCompiler.ENOSYS;

    /** cBPF opcodes used here. */
    static final int LD_W_ABS = 0x20, JA = 0x05, JEQ_K = 0x15, JGT_K = 0x25, JSET_K = 0x45, RET_K = 0x06;

    /**
     * The highest syscall number the profile names, per AUDIT_ARCH value and libseccomp arch token (x86_64
     * and x32 share AUDIT_ARCH_X86_64). Like runc: every name of every rule counts, whatever its action;
     * names unknown on an arch are ignored; an arch whose highest number is 0 gets no section.
     */
    static Map<Integer, Map<Integer, Integer>> lastSyscalls(List<Integer> tokens, List<String> names) {
        Map<Integer, Map<Integer, Integer>> out = new LinkedHashMap<>();
        for (int token : tokens) {
            int audit = token == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : token;
            Map<Integer, Integer> perArch = out.get(audit);
            if (perArch != null && perArch.containsKey(token)) continue;
            int max = 0;
            for (String n : names) max = Math.max(max, Seccomp.resolve(token, n));
            if (max <= 0) continue; // runc: "could not find any syscalls for arch"
            if (perArch == null) out.put(audit, perArch = new LinkedHashMap<>());
            perArch.put(token, max);
        }
        return out;
    }

    private record Insn(int code, int jt, int jf, int k, String label) {}

    /** A tiny assembler: forward {@code ja} to labels, resolved at the end. */
    private static final class Asm {
        final List<Insn> insns = new ArrayList<>();
        final Map<String, Integer> labels = new LinkedHashMap<>();

        void op(int code, int jt, int jf, int k) { insns.add(new Insn(code, jt, jf, k, null)); }
        void ja(String label) { insns.add(new Insn(JA, 0, 0, 0, label)); }
        void label(String l) { labels.put(l, insns.size()); }
        void enosysAbove(int max) { // jgt max, 0, 1 ; ret ENOSYS ; ja FILTER
            op(JGT_K, 0, 1, max);
            op(RET_K, 0, 0, RET_ENOSYS);
            ja("filter");
        }

        byte[] link(byte[] filter) {
            labels.put("filter", insns.size());
            ByteBuffer b = ByteBuffer.allocate(insns.size() * 8 + filter.length).order(ByteOrder.nativeOrder());
            for (int pc = 0; pc < insns.size(); pc++) {
                Insn i = insns.get(pc);
                int k = i.label() == null ? i.k() : labels.get(i.label()) - (pc + 1);
                b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(k);
            }
            return b.put(filter).array();
        }
    }

    static byte[] prepend(byte[] filter, Map<Integer, Map<Integer, Integer>> last) {
        if (last.isEmpty()) return filter;
        Asm a = new Asm();
        a.op(LD_W_ABS, 0, 0, 4);
        for (int audit : last.keySet()) {
            a.op(JEQ_K, 0, 1, audit);
            a.ja("arch" + audit);
        }
        a.ja("filter");
        for (Map.Entry<Integer, Map<Integer, Integer>> e : last.entrySet()) {
            int audit = e.getKey();
            Map<Integer, Integer> max = e.getValue();
            a.label("arch" + audit);
            a.op(LD_W_ABS, 0, 0, 0);
            if (audit == AUDIT_ARCH_S390 || audit == AUDIT_ARCH_S390X) {
                a.op(JEQ_K, 0, 1, 0);
                a.op(RET_K, 0, 0, RET_ENOSYS);
            }
            if (audit == AUDIT_ARCH_X86_64) {
                Integer x86 = max.get(AUDIT_ARCH_X86_64), x32 = max.get(SCMP_ARCH_X32);
                a.op(JSET_K, x86 == null ? 1 : 3, 0, X32_SYSCALL_BIT);
                if (x86 != null) a.enosysAbove(x86);
                else a.ja("filter");
                if (x32 != null) a.enosysAbove(x32);
                else a.ja("filter");
            } else {
                a.enosysAbove(max.values().iterator().next());
            }
        }
        return a.link(filter);
    }
}
