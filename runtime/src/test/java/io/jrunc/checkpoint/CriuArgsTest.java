package io.jrunc.checkpoint;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.cgroup.Cgroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The criu command lines decided from a state's facts, a config and the flags: no criu, no root. */
class CriuArgsTest {
    @TempDir Path tmp;

    static Spec spec(String json) { return ConfigReader.parse(json.getBytes(StandardCharsets.UTF_8)); }

    static final String CONFIG = """
            {"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/"}, "root": {"path": "rootfs"},
             "mounts": [
               {"destination": "/proc", "type": "proc", "source": "proc"},
               {"destination": "/etc/hosts", "type": "bind", "source": "/run/x/hosts", "options": ["rbind", "ro"]},
               {"destination": "/data/../srv/", "source": "vol", "options": ["bind"]},
               {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro"]}],
             "linux": {"namespaces": [{"type": "pid"}, {"type": "network", "path": "/run/netns/cni-1"},
                                      {"type": "ipc", "path": "/proc/77/ns/ipc"}, {"type": "mount"}],
                       "maskedPaths": ["/proc/kcore", "/proc/acpi"],
                       "devices": [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]}}
            """;

    static CriuOptions opts(boolean leaveRunning, boolean preDump, String parent) {
        return new CriuOptions("img", null, parent, leaveRunning, true, false, false, false, true, false, true,
                preDump, null, false, false, false, -1, null, null, null);
    }

    static String joined(List<String> l) { return String.join(" ", l); }

    @Test
    void dumpAsRuncAsksCriu() {
        CriuArgs.DumpFacts f = new CriuArgs.DumpFacts(4242, "/b/rootfs", "/ck", null, "/sys/fs/cgroup/s/ct",
                List.of("net[4026532001]:extRootNetNS"), List.of("/proc/kcore"), null);
        String a = joined(CriuArgs.dump(opts(false, false, null), spec(CONFIG), f));
        assertTrue(a.startsWith("dump --tree 4242 --images-dir /ck --log-file dump.log -v4 --root /b/rootfs --manage-cgroups=soft "), a);
        assertTrue(a.contains(" --tcp-established --ext-unix-sk --file-locks "), a);
        assertTrue(a.contains(" --external net[4026532001]:extRootNetNS "), a);
        assertTrue(a.contains(" --freeze-cgroup /sys/fs/cgroup/s/ct "), a);
        // bind mounts by destination (cleaned), masked files as /dev/null, devices by path; not proc, not cgroup
        assertTrue(a.contains(" --ext-mount-map /etc/hosts:/etc/hosts --ext-mount-map /srv:/srv "), a);
        assertTrue(a.contains(" --ext-mount-map /proc/kcore:/dev/null "), a);
        assertTrue(a.contains(" --ext-mount-map /dev/null:/dev/null ") && a.endsWith(" --ext-mount-map /dev/fuse:/dev/fuse"), a);
        assertFalse(a.contains("/proc:") || a.contains("/sys/fs/cgroup:") || a.contains("--leave-running")
                || a.contains("--track-mem") || a.contains("--work-dir"), a);
    }

    @Test
    void leaveRunningPreDumpAndParent() {
        CriuArgs.DumpFacts f = new CriuArgs.DumpFacts(1, "/r", "/ck", "/w", null, List.of(), List.of(), "/etc/criu/runc.conf");
        String lr = joined(CriuArgs.dump(opts(true, false, null), spec(CONFIG), f));
        assertTrue(lr.contains(" --work-dir /w ") && lr.contains(" --leave-running") && lr.contains(" --config /etc/criu/runc.conf"), lr);
        assertFalse(lr.contains("--freeze-cgroup"), lr);
        String pre = joined(CriuArgs.dump(opts(true, true, null), spec(CONFIG), f));
        assertTrue(pre.startsWith("pre-dump ") && pre.contains(" --track-mem"), pre);
        assertFalse(pre.contains("--leave-running") || pre.contains("--ext-mount-map"), "a pre-dump needs neither: " + pre);
        String last = joined(CriuArgs.dump(opts(false, false, "../pre"), spec(CONFIG), f));
        assertTrue(last.startsWith("dump ") && last.contains(" --prev-images-dir ../pre --track-mem"), last);
    }

    @Test
    void restoreAsRuncAsksCriu() {
        Map<String, Integer> ns = new LinkedHashMap<>();
        ns.put("network", 5);
        CriuArgs.RestoreFacts f = new CriuArgs.RestoreFacts("/ck", null, "/run/j/ct/criu-root", Path.of("/bundle"),
                List.of("/system.slice/ct"), List.of("/dev/null", "pipe:[123]", "pipe:[123]"), ns, "/run/j/ct/criu.pid", null);
        String a = joined(CriuArgs.restore(opts(false, false, null), spec(CONFIG), f));
        assertTrue(a.startsWith("restore --images-dir /ck --log-file restore.log -v4 --root /run/j/ct/criu-root "
                + "--restore-detached --restore-sibling --pidfile /run/j/ct/criu.pid --evasive-devices --manage-cgroups=soft "
                + "--cgroup-root /system.slice/ct "), a);
        // bind sources: absolute as given, relative ones from the bundle; masked paths need /dev/null
        assertTrue(a.contains(" --ext-mount-map /etc/hosts:/run/x/hosts --ext-mount-map /srv:/bundle/vol --ext-mount-map /dev/null:/dev/null "), a);
        assertTrue(a.contains(" --inherit-fd fd[5]:extRootNetNS --join-ns ipc:/proc/77/ns/ipc "), a);
        // only pipes are handed over, by the fd they were at checkpoint time
        assertTrue(a.endsWith(" --inherit-fd fd[1]:pipe:[123] --inherit-fd fd[2]:pipe:[123]"), a);
        assertFalse(a.contains("fd[0]:"), a);
    }

    @Test
    void restoreFlags() {
        CriuOptions o = new CriuOptions(null, "/w", null, false, false, false, true, false, false, true, false, false,
                "full", true, true, false, -1, null, "apparmor:p", "ctx");
        CriuArgs.RestoreFacts f = new CriuArgs.RestoreFacts("/ck", "/w", "/cr", Path.of("/b"), List.of("cpu:/a", "memory:/a"),
                List.of(), Map.of(), "/p", null);
        String a = joined(CriuArgs.restore(o, spec("{\"process\": {\"args\": [\"sh\"]}, \"root\": {\"path\": \"r\"}}"), f));
        assertTrue(a.contains(" --work-dir /w "), a);
        assertTrue(a.contains(" --manage-cgroups=full --cgroup-root cpu:/a --cgroup-root memory:/a "), a);
        assertTrue(a.contains(" --tcp-close --shell-job --empty-ns net --auto-dedup --lsm-profile apparmor:p --lsm-mount-context ctx "), a);
    }

    @Test
    void aCgroupNamespaceByPathCannotBeRestored() {
        Spec s = spec("{\"process\": {\"args\": [\"sh\"]}, \"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\": "
                + "[{\"type\": \"cgroup\", \"path\": \"/proc/1/ns/cgroup\"}]}}");
        JruncException e = assertThrows(JruncException.class, () -> CriuArgs.joinNamespaces(s));
        assertTrue(e.getMessage().contains("criu cannot join one"), e.getMessage());
    }

    @Test
    void flagValues() {
        assertEquals("soft", CriuOptions.manageCgroupsMode(null));
        assertEquals("strict", CriuOptions.manageCgroupsMode("strict"));
        assertEquals("Invalid manage cgroups mode: props (soft, full, strict or ignore)",
                assertThrows(JruncException.class, () -> CriuOptions.manageCgroupsMode("props")).getMessage());
        assertTrue(CriuOptions.parseEmptyNs("network"));
        assertFalse(CriuOptions.parseEmptyNs(null));
        assertEquals("namespace \"pid\" is not supported by --empty-ns (only \"network\")",
                assertThrows(JruncException.class, () -> CriuOptions.parseEmptyNs("pid")).getMessage());
        assertArrayEquals(new String[]{"10.0.0.1", "27"}, CriuOptions.pageServerHost("10.0.0.1:27"));
        assertArrayEquals(new String[]{"::1", "27"}, CriuOptions.pageServerHost("[::1]:27"));
        assertEquals("Use --page-server ADDRESS:PORT to specify page server",
                assertThrows(JruncException.class, () -> CriuOptions.pageServerHost("10.0.0.1")).getMessage());
        assertEquals("Invalid port number: x",
                assertThrows(JruncException.class, () -> CriuOptions.pageServerHost("h:x")).getMessage());
        String ps = joined(CriuArgs.dump(new CriuOptions(null, null, null, false, false, false, false, false, false, false,
                false, false, null, false, false, true, 7, "h:27", null, null),
                spec("{\"process\": {\"args\": [\"sh\"]}, \"root\": {\"path\": \"r\"}}"),
                new CriuArgs.DumpFacts(1, "/r", "/i", null, null, List.of(), List.of(), null)));
        assertTrue(ps.contains(" --lazy-pages --status-fd 7 ") && ps.contains(" --page-server --address h --port 27"), ps);
    }

    @Test
    void aTerminalIsRefused() {
        Spec t = spec("{\"process\": {\"terminal\": true, \"args\": [\"sh\"]}, \"root\": {\"path\": \"r\"}}");
        assertEquals("a container with a terminal (process.terminal) cannot be checkpointed by jrunc yet: docs/checkpoint.md",
                assertThrows(JruncException.class, () -> Checkpoint.refuseTerminal(t, "checkpointed")).getMessage());
        Checkpoint.refuseTerminal(spec("{\"process\": {\"args\": [\"sh\"]}, \"root\": {\"path\": \"r\"}}"), "restored");
    }

    @Test
    void versions() {
        assertEquals(31701, CriuArgs.parseVersion("Version: 3.17.1\n"));
        assertEquals(31400, CriuArgs.parseVersion("Version: 3.14\nGitID: v3.14\n"));
        assertEquals(40000, CriuArgs.parseVersion("Version: 4.0-rc1\n"));
        assertEquals(-1, CriuArgs.parseVersion("criu: unrecognized option\n"));
        assertEquals("3.14", CriuArgs.versionName(31400));
        assertEquals("3.17.1", CriuArgs.versionName(31701));
        assertEquals("criu 3.12 (/x/criu) is too old: jrunc needs criu 3.14 or newer",
                assertThrows(JruncException.class, () -> Criu.check(31200, Criu.MIN_VERSION, "/x/criu")).getMessage());
        Criu.check(31400, Criu.MIN_VERSION, "/x/criu");
    }

    @Test
    void findsCriuByPathOrInPath() throws Exception {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Path criu = bin.resolve("criu");
        Files.writeString(criu, "#!/bin/sh\necho 'Version: 3.17.1'\n");
        assertNull(Criu.resolve("criu", "/nonexistent"), "not executable yet, not in that PATH");
        criu.toFile().setExecutable(true);
        assertEquals(criu, Criu.resolve("criu", "/nonexistent:" + bin));
        assertEquals(criu, Criu.resolve(criu.toString(), "/nonexistent"));
        assertNull(Criu.resolve(tmp.resolve("none").toString(), bin.toString()));
        // the version asked once per binary, remembered by path, size and mtime
        String key = Criu.cacheKey(criu);
        Criu.remember(tmp.resolve("@criu"), key, 31701);
        assertEquals(31701, Criu.cached(tmp.resolve("@criu"), key));
        Files.writeString(criu, "#!/bin/sh\necho 'Version: 3.12'\n# another binary now\n");
        assertEquals(-1, Criu.cached(tmp.resolve("@criu"), Criu.cacheKey(criu)));
    }

    @Test
    void quotesTheLogAroundErrors() throws Exception {
        Path log = tmp.resolve("dump.log");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 20; i++) sb.append(i == 12 ? "(00.5) Error (criu/files-reg.c:1710): Can't lookup mount=24" : "line " + i).append('\n');
        Files.writeString(log, sb);
        assertEquals("7:line 7\n8:line 8\n9:line 9\n10:line 10\n11:line 11\n12:(00.5) Error (criu/files-reg.c:1710): Can't lookup mount=24\n",
                Criu.quoteErrors(log));
        assertEquals("Error (criu/files-reg.c:1710): Can't lookup mount=24", Criu.firstError(log));
        assertNull(Criu.firstError(tmp.resolve("none.log")));
    }

    @Test
    void cgroupRootsFromTheNewCgroup() {
        Cgroup v2 = new Fake(List.of(new Cgroup.Hierarchy("/sys/fs/cgroup", "", "/sys/fs/cgroup/system.slice/ct")));
        assertEquals(List.of("/system.slice/ct"), Restore.cgroupRoots(v2));
        Cgroup v1 = new Fake(List.of(new Cgroup.Hierarchy("/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/ct"),
                new Cgroup.Hierarchy("/sys/fs/cgroup/memory", "memory", "/sys/fs/cgroup/memory/ct")));
        assertEquals(List.of("cpu:/ct", "cpuacct:/ct", "memory:/ct"), Restore.cgroupRoots(v1));
    }

    @Test
    void descriptorsJson() throws Exception {
        Files.writeString(tmp.resolve("descriptors.json"), "[\"/dev/null\",\"pipe:[1]\",\"pipe:[2]\"]");
        assertEquals(List.of("/dev/null", "pipe:[1]", "pipe:[2]"), Restore.descriptors(tmp));
        Path none = Files.createDirectory(tmp.resolve("pre"));
        assertTrue(assertThrows(JruncException.class, () -> Restore.descriptors(none)).getMessage()
                .startsWith("no descriptors.json in " + none + ": not a checkpoint made by jrunc or runc"));
        Files.writeString(none.resolve("descriptors.json"), "{\"a\": 1}");
        assertTrue(assertThrows(JruncException.class, () -> Restore.descriptors(none)).getMessage().endsWith("is not a JSON array of strings"));
    }

    /** Only hierarchies() matters here. */
    record Fake(List<Cgroup.Hierarchy> hierarchies) implements Cgroup {
        public Map<String, String> paths() { return Map.of(); }
        public boolean isV2() { return false; }
        public void create() { }
        public void apply(Spec.Resources r) { }
        public void addProcess(int pid) { }
        public List<Integer> pids() { return List.of(); }
        public String procsDir() { return null; }
        public void freeze() { }
        public void thaw() { }
        public boolean isFrozen() { return false; }
        public void killAll(int signal) { }
        public void destroy() { }
        public Map<String, Object> stats() { return Map.of(); }
        public long oomKillCount() { return 0; }
    }
}
