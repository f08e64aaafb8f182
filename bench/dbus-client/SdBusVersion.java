/** With "session": connect to $DBUS_SESSION_BUS_ADDRESS only. Else systemd's Version over libjrunc's sd-bus natives (dlopen of libsystemd.so.0, connect, one property). */
public class SdBusVersion {
    public static void main(String[] a) {
        long t0 = System.nanoTime();
        System.load(a[0]);
        long t1 = System.nanoTime();
        boolean session = a.length > 1 && a[1].equals("session"); // connect only (a host without systemd)
        long bus = io.jrunc.sys.SdBus.open(session);
        long t2 = System.nanoTime();
        String v = session ? "(session bus)" : io.jrunc.sys.SdBus.managerProperty(bus, "Version");
        long t3 = System.nanoTime();
        io.jrunc.sys.SdBus.close(bus);
        System.out.println("sd-bus " + v + " load libjrunc " + (t1 - t0) / 1000 + " us, dlopen+connect " + (t2 - t1) / 1000
                + " us, Version " + (t3 - t2) / 1000 + " us");
    }
}
