import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.Properties;

/** systemd's Version over dbus-java 5.1.1 (pure Java, JDK unix-domain sockets). */
public class DbusJavaVersion {
    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        try (DBusConnection c = DBusConnectionBuilder.forSystemBus().build()) {
            long t1 = System.nanoTime();
            Properties p = c.getRemoteObject("org.freedesktop.systemd1", "/org/freedesktop/systemd1", Properties.class);
            Object v = p.Get("org.freedesktop.systemd1.Manager", "Version");
            long t2 = System.nanoTime();
            System.out.println("dbus-java " + v + " connect " + (t1 - t0) / 1000 + " us, Version " + (t2 - t1) / 1000 + " us");
        }
        Runtime.getRuntime().halt(0);
    }
}
