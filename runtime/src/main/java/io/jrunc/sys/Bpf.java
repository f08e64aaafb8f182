package io.jrunc.sys;

/** eBPF for cgroup v2 (libjrunc). Only the device filter, which cgroup v2 needs in place of devices.allow. */
public final class Bpf {
    private Bpf() {}

    /** Loads struct bpf_insn[] as a cgroup device program and attaches it to the cgroup directory. */
    public static void attachDeviceFilter(String cgroupDir, byte[] insns) {
        Native.load(); // libjrunc holds this native too
        attach(cgroupDir, insns);
    }

    private static native void attach(String cgroupDir, byte[] insns);
}
