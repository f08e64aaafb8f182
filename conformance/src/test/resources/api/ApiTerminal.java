import io.jrunc.api.Container;
import io.jrunc.api.ContainerProcess;
import io.jrunc.api.Jrunc;
import io.jrunc.api.Stdio;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * ApiTest's terminal driver: ApiTerminal ROOT BUNDLE ID. The bundle's process (terminal true) prints its
 * tty, reads a line and echoes it; this program answers through the pty master it was given, then runs
 * an exec with a terminal of its own. Prints everything read and the exit codes.
 */
public class ApiTerminal {
    public static void main(String[] a) throws Exception {
        Jrunc rt = Jrunc.builder().root(Path.of(a[0])).build();
        try (Container c = rt.create(a[2], Path.of(a[1]), Stdio.terminal())) {
            c.start();
            String first = readUntil(c.stdout(), "ready");
            c.stdin().write("abc\n".getBytes());
            c.stdin().flush();
            String second = readUntil(c.stdout(), "got abc");
            ContainerProcess p = c.exec(List.of("sh", "-c", "tty; exit 3"), Stdio.terminal());
            String execOut = readUntil(p.stdout(), "/dev/pts/");
            int execCode = p.waitFor();
            int code = c.waitFor();
            System.out.println("container said: " + (first + second).replace("\r", "").replace("\n", "|"));
            System.out.println("exec said: " + execOut.replace("\r", "").replace("\n", "|") + " exit " + execCode);
            System.out.println("exit code: " + code);
        }
    }

    /** Reads until the text has been seen (a pty has no end-of-file while the process lives). */
    static String readUntil(InputStream in, String text) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        while (!b.toString().contains(text)) {
            int n = in.read(buf);
            if (n < 0) break;
            b.write(buf, 0, n);
        }
        return b.toString();
    }
}
