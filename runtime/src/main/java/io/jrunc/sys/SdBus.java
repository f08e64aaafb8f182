package io.jrunc.sys;

/**
 * systemd's manager API over D-Bus, through libsystemd's sd-bus (native-helper/src/jni_systemd.c). The
 * natives live in libjrunc; libsystemd.so.0 itself is dlopen()ed by the first {@link #open}, which only
 * the systemd cgroup driver calls, so no other command loads it. Flat and decision-free: io.jrunc.cgroup.systemd
 * decides the unit and its properties. Failures throw {@link BusException}.
 *
 * <p>Properties travel as one byte array, repeated: name NUL, D-Bus signature NUL, value. Values in native
 * byte order: "b" "y" 1 byte, "n" "q" 2, "i" "u" 4, "x" "t" "d" 8; "s" "o" a NUL-terminated UTF-8 string;
 * "ay" and "au" a u32 count then the elements; "as" a u32 count then strings; "a(ss)" a u32 count then
 * pairs of strings. Nothing else.
 */
public final class SdBus {
    private SdBus() {}

    /** Loads libjrunc (the natives live there); later calls cost nothing. */
    public static void load() { Native.load(); }

    /** A connection to the system bus, or with user to the user's ($DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus). */
    public static native long open(boolean user);

    public static native void close(long bus);

    /** StartTransientUnit(unit, "fail", props, []) and its job's result ("done" on success). */
    public static native String startTransientUnit(long bus, String unit, byte[] props, int timeoutMs);

    /** StopUnit(unit, "fail") and its job's result. */
    public static native String stopUnit(long bus, String unit, int timeoutMs);

    /** SetUnitProperties(unit, runtime=true, props). */
    public static native void setUnitProperties(long bus, String unit, byte[] props);

    /** ResetFailedUnit(unit). */
    public static native void resetFailedUnit(long bus, String unit);

    /** A string property of the Manager ("Version", "ControlGroup"). */
    public static native String managerProperty(long bus, String name);
}
