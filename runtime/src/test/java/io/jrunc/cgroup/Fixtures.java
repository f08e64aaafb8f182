package io.jrunc.cgroup;

import io.jrunc.bundle.Spec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers: fixture texts, fake cgroup files, linux.resources built from records. */
final class Fixtures {
    private Fixtures() {}

    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/cgroup/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource cgroup/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Host host(String name, Path prefix) {
        return new Host(text(name + ".mountinfo"), text(name + ".cgroup"), prefix == null ? "" : prefix.toString());
    }

    /** Creates dir and the given files ("name", "content", ...), as the kernel would have them. */
    static Path files(String dir, String... nameValue) {
        Path d = Path.of(dir);
        try {
            Files.createDirectories(d);
            for (int i = 0; i < nameValue.length; i += 2) Files.writeString(d.resolve(nameValue[i]), nameValue[i + 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    static String read(String dir, String file) {
        try {
            return Files.readString(Path.of(dir, file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * linux.resources from its parts, placed by type: Memory, Cpu, Pids, BlockIo, Network, DeviceRule and
     * HugepageLimit (collected in order), Map of String (unified) or of Rdma.
     */
    @SuppressWarnings("unchecked")
    static Spec.Resources res(Object... parts) {
        List<Spec.DeviceRule> devices = null;
        List<Spec.HugepageLimit> huge = null;
        Spec.Memory mem = null;
        Spec.Cpu cpu = null;
        Spec.Pids pids = null;
        Spec.BlockIo blk = null;
        Spec.Network net = null;
        Map<String, Spec.Rdma> rdma = null;
        Map<String, String> unified = null;
        for (Object p : parts) {
            switch (p) {
                case Spec.DeviceRule d -> { if (devices == null) devices = new ArrayList<>(); devices.add(d); }
                case Spec.HugepageLimit h -> { if (huge == null) huge = new ArrayList<>(); huge.add(h); }
                case Spec.Memory m -> mem = m;
                case Spec.Cpu c -> cpu = c;
                case Spec.Pids x -> pids = x;
                case Spec.BlockIo b -> blk = b;
                case Spec.Network n -> net = n;
                case Map<?, ?> m when !m.isEmpty() && m.values().iterator().next() instanceof Spec.Rdma -> rdma = (Map<String, Spec.Rdma>) m;
                case Map<?, ?> m -> unified = (Map<String, String>) m;
                default -> throw new IllegalArgumentException(p.getClass().toString());
            }
        }
        return new Spec.Resources(devices, mem, cpu, pids, blk, huge, net, rdma, unified);
    }

    static Spec.Memory memory(Long limit, Long reservation, Long swap) {
        return new Spec.Memory(limit, reservation, swap, null, null, null, null, null, null);
    }

    static Spec.Cpu cpu(Long shares, Long quota, Long period) {
        return new Spec.Cpu(shares, quota, null, period, null, null, null, null, null);
    }

    static Spec.Cpu cpuset(String cpus, String mems) {
        return new Spec.Cpu(null, null, null, null, null, null, cpus, mems, null);
    }

    static Spec.DeviceRule rule(boolean allow, String type, Long major, Long minor, String access) {
        return new Spec.DeviceRule(allow, type, major, minor, access);
    }
}
