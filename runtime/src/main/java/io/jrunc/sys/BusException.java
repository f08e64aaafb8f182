package io.jrunc.sys;

/**
 * A failed D-Bus call (native-helper/src/jni_systemd.c): the D-Bus error name, e.g.
 * "org.freedesktop.systemd1.UnitExists", or a pseudo name for failures before or around the call
 * ("dlopen", "sd_bus_open_system", "timeout", ...), and the text that came with it.
 */
public final class BusException extends RuntimeException {
    private final String name;

    /** Called from JNI: keep the signature (String, String). */
    public BusException(String name, String message) {
        super(message);
        this.name = name;
    }

    public String name() { return name; }
}
