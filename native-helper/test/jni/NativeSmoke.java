package io.jrunc.sys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Root smoke test of libjrunc (run with ../jni-smoke.sh): every Native method against the real kernel. */
public class NativeSmoke {
    static int fails = 0;
    static void check(String what, boolean ok) { System.out.println((ok ? "PASS " : "FAIL ") + what); if (!ok) fails++; }

    public static void main(String[] a) throws Exception {
        System.load(a[0]);
        check("geteuid", Native.geteuid() == 0);
        check("getpid", Native.getpid() == ProcessHandle.current().pid());
        check("strerror", Native.strerror(2).equals("No such file or directory"));
        try { Native.open("/nonexistent/x", 0, 0); check("open throws", false); }
        catch (LinuxException e) { check("open throws: " + e.getMessage(), e.errno() == 2 && e.call().startsWith("open")); }
        int[] sp = Native.socketpair();
        byte[] msg = "hello".getBytes();
        check("send", Native.send(sp[0], msg, 0, 5) == 5);
        byte[] buf = new byte[64];
        int n = Native.recv(sp[1], buf, 1000, null);
        check("recv", n == 5 && new String(buf, 0, 5).equals("hello"));
        long t0 = System.nanoTime();
        check("recv timeout -1", Native.recv(sp[1], buf, 100, null) == -1 && System.nanoTime() - t0 > 90_000_000L);
        byte[] big = new byte[100];
        Native.send(sp[0], big, 0, 100);
        try { Native.recv(sp[1], new byte[10], 100, null); check("recv too big throws", false); }
        catch (LinuxException e) { check("recv too big throws: " + e.getMessage(), true); }
        byte[] mib = new byte[1 << 20];
        mib[mib.length - 1] = 42;
        check("send 1 MiB", Native.send(sp[0], mib, 0, mib.length) == mib.length);
        byte[] rb = new byte[(1 << 20) + 16];
        check("recv 1 MiB", Native.recv(sp[1], rb, 1000, null) == (1 << 20) && rb[(1 << 20) - 1] == 42);
        try { Native.send(sp[0], msg, 3, 5); check("bad range", false); }
        catch (ArrayIndexOutOfBoundsException e) { check("bad range throws AIOOBE", true); }
        // spawn with a kept fd: the child writes on it
        int[] sp2 = Native.socketpair();
        int pid = Native.spawn("/bin/sh", new String[]{"sh", "-c", "echo child >&" + sp2[1] + "; trap '' INT; kill -0 $$; grep SigBlk /proc/self/status >&" + sp2[1] + "; grep SigIgn /proc/self/status >&" + sp2[1]},
                new String[]{"A=B"}, new int[]{sp2[1]});
        Native.close(sp2[1]);
        int[] w = Native.waitpid(pid, 0);
        check("spawn+waitpid", w[0] == pid && w[1] == 0);
        StringBuilder sb = new StringBuilder();
        while (true) { int k = Native.recv(sp2[0], buf, 1000, null); if (k <= 0) break; sb.append(new String(buf, 0, k)); }
        System.out.println("  child said: " + sb.toString().replace("\n", " | "));
        check("kept fd usable in child, mask empty", sb.toString().contains("child") && sb.toString().contains("SigBlk:\t0000000000000000"));
        check("recv EOF", Native.recv(sp2[0], buf, 100, null) == 0);
        Native.close(sp2[0]);
        // spawn without keep: fd must not leak
        int[] sp3 = Native.socketpair();
        pid = Native.spawn("/bin/sh", new String[]{"sh", "-c", "test -e /proc/self/fd/" + sp3[1] + " && exit 3; exit 0"}, new String[0], new int[0]);
        check("non-kept fd closed in child", Native.waitpid(pid, 0)[1] == 0);
        try { Native.spawn("/nonexistent", new String[]{"x"}, new String[0], new int[0]); check("spawn ENOENT", false); }
        catch (LinuxException e) { check("spawn ENOENT: " + e.getMessage(), e.errno() == 2); }
        // WNOHANG
        pid = Native.spawn("/bin/sleep", new String[]{"sleep", "5"}, new String[0], new int[0]);
        check("waitpid WNOHANG", Native.waitpid(pid, 1)[0] == 0);
        int pfd = Native.pidfdOpen(pid);
        Native.pidfdSendSignal(pfd, 9);
        w = Native.waitpid(pid, 0);
        check("pidfd kill", w[0] == pid && (w[1] & 0x7f) == 9);
        try { Native.pidfdSendSignal(pfd, 9); check("pidfd after exit", false); }
        catch (LinuxException e) { check("pidfd after exit: " + e.getMessage(), e.errno() == 3); }
        Native.close(pfd);
        try { Native.kill(pid, 0); check("kill reaped", false); } catch (LinuxException e) { check("kill ESRCH", e.errno() == 3); }
        // mkfifo + open
        String fifo = System.getProperty("user.dir") + "/fifo";
        new java.io.File(fifo).delete();
        Native.mkfifo(fifo, 0600);
        int ffd = Native.open(fifo, 010000000, 0);  // O_PATH
        check("mkfifo+open O_PATH", ffd > 2);
        Native.close(ffd);
        try { Native.close(ffd); check("close twice", false); } catch (LinuxException e) { check("close EBADF", e.errno() == 9); }
        try { Native.umount2(System.getProperty("user.dir"), 0); check("umount2", false); } catch (LinuxException e) { check("umount2 EINVAL: " + e.getMessage(), e.errno() == 22); }
        // sendFd to a listening socket
        java.nio.file.Path sockPath = java.nio.file.Path.of(System.getProperty("user.dir") + "/s.sock");
        java.nio.file.Files.deleteIfExists(sockPath);
        Process py = new ProcessBuilder("python3", "-c",
            "import socket,array,os\ns=socket.socket(socket.AF_UNIX);s.bind('" + sockPath + "');s.listen(1);print('L',flush=True)\n" +
            "c,_=s.accept();m,anc,_,_=c.recvmsg(100,socket.CMSG_SPACE(4))\nfd=array.array('i');fd.frombytes(anc[0][2])\nprint(m.decode(),len(fd),os.readlink('/proc/self/fd/%d'%fd[0]))")
            .redirectErrorStream(true).start();
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(py.getInputStream()));
        r.readLine();
        Native.sendFd(sockPath.toString(), "data".getBytes(), 0);
        String line = r.readLine();
        py.waitFor();
        check("sendFd: " + line, line != null && line.startsWith("data 1 "));
        Native.setChildSubreaper();
        // execve (last, it replaces the JVM): the kept fd survives, the other does not, signals are default
        if (a.length > 1) {
            int[] sp4 = Native.socketpair();
            Native.execve("/bin/sh", new String[]{"sh", "-c", "echo exec ok; grep -E 'SigBlk|SigIgn' /proc/self/status; test -e /proc/self/fd/" + sp4[1] + " && echo kept; test -e /proc/self/fd/" + sp4[0] + " || echo notkept; exit " + (fails == 0 ? 0 : 1)},
                    new String[]{"X=1"}, new int[]{sp4[1]});
        }
        try { Native.execve("/nonexistent", new String[]{"x"}, new String[0], new int[0]); check("execve fail", false); }
        catch (LinuxException e) { check("execve ENOENT throws, JVM alive: " + e.getMessage(), e.errno() == 2); }
        System.out.println(fails == 0 ? "ALL PASS" : fails + " FAILED");
        System.exit(fails == 0 ? 0 : 1);
    }
}
