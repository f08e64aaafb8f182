package io.jrunc.cgroup;

import io.jrunc.bundle.Spec;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The cgroup v2 replacement for devices.allow/deny: a BPF_PROG_TYPE_CGROUP_DEVICE program generated from
 * the device rules (the same list v1 writes). The context is struct bpf_cgroup_dev_ctx {u32 access_type
 * (access << 16 | type); u32 major; u32 minor}. Rules are tested last to first, so a later rule wins as
 * it does in v1; the first match returns 1 (allow) or 0 (deny); nothing matched: deny.
 */
public final class DeviceFilter {
    private DeviceFilter() {}

    static final int DEV_BLOCK = 1, DEV_CHAR = 2, ACC_MKNOD = 1, ACC_READ = 2, ACC_WRITE = 4;

    private record Insn(int code, int dst, int src, int off, int imm) {}

    // opcodes (linux/bpf.h)
    private static final int LDXW = 0x61, AND32K = 0x54, RSH32K = 0x74, MOV32X = 0xbc, MOV32K = 0xb4,
            JNEK = 0x55, JNEX = 0x5d, EXIT = 0x95;

    /**
     * The hook cgroup v2's apply() calls for linux.resources.devices: the program below, loaded and
     * attached to the cgroup directory (BPF_F_ALLOW_MULTI) through libjrunc.
     */
    static void attach(String cgroupDir, List<Spec.DeviceRule> rules) {
        io.jrunc.sys.Bpf.attachDeviceFilter(cgroupDir, program(rules));
    }

    public static byte[] program(List<Spec.DeviceRule> rules) {
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(LDXW, 2, 1, 0, 0));       // r2 = access_type
        p.add(new Insn(AND32K, 2, 0, 0, 0xFFFF)); // r2 = type
        p.add(new Insn(LDXW, 3, 1, 0, 0));
        p.add(new Insn(RSH32K, 3, 0, 0, 16));     // r3 = access
        p.add(new Insn(LDXW, 4, 1, 4, 0));        // r4 = major
        p.add(new Insn(LDXW, 5, 1, 8, 0));        // r5 = minor
        boolean unconditional = false;
        for (int i = rules.size() - 1; i >= 0 && !unconditional; i--) {
            Spec.DeviceRule r = rules.get(i);
            List<Insn> checks = new ArrayList<>();
            String type = r.type() == null || r.type().isEmpty() ? "a" : r.type();
            if (type.equals("b") || type.equals("c"))
                checks.add(new Insn(JNEK, 2, 0, 0, type.equals("b") ? DEV_BLOCK : DEV_CHAR));
            int acc = access(r.access());
            if (acc != (ACC_MKNOD | ACC_READ | ACC_WRITE)) {
                // requested access must be a subset of the rule's: (access & acc) == access
                checks.add(new Insn(MOV32X, 1, 3, 0, 0));
                checks.add(new Insn(AND32K, 1, 0, 0, acc));
                checks.add(new Insn(JNEX, 1, 3, 0, 0));
            }
            if (r.major() != null && r.major() >= 0) checks.add(new Insn(JNEK, 4, 0, 0, r.major().intValue()));
            if (r.minor() != null && r.minor() >= 0) checks.add(new Insn(JNEK, 5, 0, 0, r.minor().intValue()));
            if (checks.isEmpty()) unconditional = true;
            // every failed check jumps past the rest of this block (its own checks + mov + exit)
            int n = checks.size();
            for (int k = 0; k < n; k++) {
                Insn c = checks.get(k);
                boolean jump = c.code() == JNEK || c.code() == JNEX;
                p.add(jump ? new Insn(c.code(), c.dst(), c.src(), (n - k - 1) + 2, c.imm()) : c);
            }
            p.add(new Insn(MOV32K, 0, 0, 0, r.allow() ? 1 : 0));
            p.add(new Insn(EXIT, 0, 0, 0, 0));
        }
        if (!unconditional) {
            p.add(new Insn(MOV32K, 0, 0, 0, 0));
            p.add(new Insn(EXIT, 0, 0, 0, 0));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(p.size() * 8);
        for (Insn x : p) {
            out.write(x.code());
            out.write((x.src() << 4) | x.dst());
            out.write(x.off() & 0xff);
            out.write((x.off() >> 8) & 0xff);
            for (int b = 0; b < 4; b++) out.write((x.imm() >>> (8 * b)) & 0xff);
        }
        return out.toByteArray();
    }

    public static int access(String a) {
        if (a == null || a.isEmpty()) return ACC_MKNOD | ACC_READ | ACC_WRITE;
        int v = 0;
        for (char c : a.toCharArray()) {
            v |= switch (c) {
                case 'r' -> ACC_READ;
                case 'w' -> ACC_WRITE;
                case 'm' -> ACC_MKNOD;
                default -> throw io.jrunc.JruncException.config("/linux/resources/devices", "invalid device access \"" + a + "\"");
            };
        }
        return v;
    }
}
