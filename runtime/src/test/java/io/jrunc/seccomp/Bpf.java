package io.jrunc.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A classic-BPF interpreter over struct seccomp_data, to check what a compiled filter returns for any
 * architecture (also ones this host cannot run, such as x86 or x32) without installing it.
 */
final class Bpf {
    private Bpf() {}

    /** The filter's return value (SECCOMP_RET_*) for syscall nr on audit arch, with the given arguments. */
    static int run(byte[] prog, int nr, int arch, long... args) {
        ByteBuffer d = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        d.putInt(0, nr).putInt(4, arch).putLong(8, 0x1000);
        for (int i = 0; i < args.length; i++) d.putLong(16 + 8 * i, args[i]);
        ByteBuffer p = ByteBuffer.wrap(prog).order(ByteOrder.nativeOrder());
        int n = prog.length / 8, a = 0, x = 0;
        int[] mem = new int[16];
        for (int pc = 0, steps = 0; pc < n; pc++) {
            if (++steps > 100_000) throw new IllegalStateException("loop");
            int code = p.getShort(pc * 8) & 0xffff, jt = p.get(pc * 8 + 2) & 0xff, jf = p.get(pc * 8 + 3) & 0xff,
                    k = p.getInt(pc * 8 + 4);
            switch (code & 7) {
                case 0 -> a = load(code, k, x, d, mem); // LD
                case 1 -> x = load(code, k, x, d, mem); // LDX
                case 2 -> mem[k] = a; // ST
                case 3 -> mem[k] = x; // STX
                case 4 -> { // ALU
                    int s = (code & 8) != 0 ? x : k;
                    a = switch (code & 0xf0) {
                        case 0x00 -> a + s;
                        case 0x10 -> a - s;
                        case 0x20 -> a * s;
                        case 0x30 -> Integer.divideUnsigned(a, s);
                        case 0x40 -> a | s;
                        case 0x50 -> a & s;
                        case 0x60 -> a << s;
                        case 0x70 -> a >>> s;
                        case 0x80 -> -a;
                        case 0x90 -> Integer.remainderUnsigned(a, s);
                        case 0xa0 -> a ^ s;
                        default -> throw new IllegalStateException("alu " + code);
                    };
                }
                case 5 -> { // JMP
                    int s = (code & 8) != 0 ? x : k;
                    if ((code & 0xf0) == 0x00) {
                        pc += k;
                        continue;
                    }
                    boolean t = switch (code & 0xf0) {
                        case 0x10 -> a == s;
                        case 0x20 -> Integer.compareUnsigned(a, s) > 0;
                        case 0x30 -> Integer.compareUnsigned(a, s) >= 0;
                        case 0x40 -> (a & s) != 0;
                        default -> throw new IllegalStateException("jmp " + code);
                    };
                    pc += t ? jt : jf;
                }
                case 6 -> { // RET
                    return (code & 0x18) == 0x10 ? a : k;
                }
                default -> { // MISC
                    if ((code & 0xf8) == 0x00) x = a;
                    else a = x;
                }
            }
        }
        throw new IllegalStateException("fell off the end");
    }

    private static int load(int code, int k, int x, ByteBuffer d, int[] mem) {
        return switch (code & 0xe0) {
            case 0x00 -> k; // IMM
            case 0x20 -> word(code, k, d); // ABS
            case 0x40 -> word(code, x + k, d); // IND
            case 0x60 -> mem[k]; // MEM
            case 0x80 -> 64; // LEN
            default -> throw new IllegalStateException("ld " + code);
        };
    }

    private static int word(int code, int off, ByteBuffer d) {
        if ((code & 0x18) != 0x00 || off % 4 != 0) throw new IllegalStateException("seccomp loads aligned words only");
        return d.getInt(off);
    }
}
