package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code jrunc update [flags] ID}: new limits from flags or a resources JSON (-r FILE, "-" for stdin). */
final class UpdateCommand {
    private UpdateCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("update", Commands.flags("update")).parse(argv);
        if (Cli.help(a)) return 0;
        a.exactlyOne();
        io.jrunc.container.Engine engine = c.engine();
        // "container does not exist" and "container not running" before any flag is read, as runc
        io.jrunc.state.Status st = engine.status(engine.load(a.id()));
        if (st == io.jrunc.state.Status.STOPPED) throw new io.jrunc.StatusException(st, "container not running");
        // runc 1.1+: kernel memory limits are gone from the kernel (cgroup v2, v1 since 5.16)
        if (a.value("kernel-memory") != null || a.value("kernel-memory-tcp") != null)
            c.log.warn("Kernel memory settings are ignored and will be removed");
        Spec.Resources r;
        if (a.value("resources") != null) {
            byte[] raw;
            try {
                raw = a.value("resources").equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(a.value("resources")));
            } catch (IOException e) {
                throw new JruncException("cannot read resources " + a.value("resources") + ": " + JruncException.errno(e), e);
            }
            r = ConfigReader.parseResources(raw);
        } else {
            if (a.value("l3-cache-schema") != null || a.value("mem-bw-schema") != null)
                throw new JruncException("Intel RDT is not supported by jrunc");
            Spec.Memory mem = null;
            if (a.value("memory") != null || a.value("memory-reservation") != null || a.value("memory-swap") != null)
                mem = new Spec.Memory(bytes(a, "memory"), bytes(a, "memory-reservation"), bytes(a, "memory-swap"),
                        null, null, null, null, null, null);
            Spec.Cpu cpu = null;
            if (a.value("cpu-period") != null || a.value("cpu-quota") != null || a.value("cpu-share") != null
                    || a.value("cpu-burst") != null || a.value("cpu-rt-period") != null || a.value("cpu-rt-runtime") != null
                    || a.value("cpuset-cpus") != null || a.value("cpuset-mems") != null || a.value("cpu-idle") != null)
                cpu = new Spec.Cpu(num(a, "cpu-share"), num(a, "cpu-quota"), num(a, "cpu-burst"), num(a, "cpu-period"),
                        num(a, "cpu-rt-runtime"), num(a, "cpu-rt-period"), a.value("cpuset-cpus"), a.value("cpuset-mems"),
                        num(a, "cpu-idle"));
            Spec.Pids pids = a.value("pids-limit") == null ? null : new Spec.Pids(num(a, "pids-limit"));
            Spec.BlockIo blk = a.value("blkio-weight") == null ? null
                    : new Spec.BlockIo(num(a, "blkio-weight").intValue(), null, null, null, null, null, null);
            r = new Spec.Resources(null, mem, cpu, pids, blk, null, null, null, null);
        }
        engine.update(a.id(), r);
        return 0;
    }

    private static Long num(Args a, String flag) {
        String v = a.value(flag);
        if (v == null) return null;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new JruncException("invalid value \"" + v + "\" for flag --" + flag);
        }
    }

    /** Sizes as runc's units.RAMInBytes: 512, 512k, 64m, 1g (binary multiples); -1 means unlimited. */
    static Long bytes(Args a, String flag) {
        String v = a.value(flag);
        if (v == null) return null;
        String t = v.trim().toLowerCase();
        if (t.equals("-1")) return -1L;
        long mult = 1;
        if (t.endsWith("b")) t = t.substring(0, t.length() - 1);
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.round(Double.parseDouble(t) * mult);
        } catch (NumberFormatException e) {
            throw new JruncException("invalid value \"" + v + "\" for flag --" + flag);
        }
    }

}
