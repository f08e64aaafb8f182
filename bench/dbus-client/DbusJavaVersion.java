import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.Properties;

/** With "session": connect to $DBUS_SESSION_BUS_ADDRESS only. Else systemd's Version over dbus-java 5.1.1 (pure Java, JDK unix-domain sockets). */
public class DbusJavaVersion {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        boolean session = a.length > 0 && a[0].equals("session"); // connect only (a host without systemd)
        try (DBusConnection c = (session ? DBusConnectionBuilder.forSessionBus() : DBusConnectionBuilder.forSystemBus()).build()) {
            long t1 = System.nanoTime();
            if (session) {
                System.out.println("dbus-java (session bus) connect " + (t1 - t0) / 1000 + " us");
                Runtime.getRuntime().halt(0);
            }
            Properties p = c.getRemoteObject("org.freedesktop.systemd1", "/org/freedesktop/systemd1", Properties.class);
            Object v = p.Get("org.freedesktop.systemd1.Manager", "Version");
            long t2 = System.nanoTime();
            System.out.println("dbus-java " + v + " connect " + (t1 - t0) / 1000 + " us, Version " + (t2 - t1) / 1000 + " us");
        }
        Runtime.getRuntime().halt(0);
    }
}
