package io.jrunc.cgroup;

import static io.jrunc.cgroup.Fixtures.host;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Host detection and path computation from fixture /proc/self/mountinfo and /proc/self/cgroup texts. */
class HostTest {

    @Test
    void pureV1WithCoMountedControllers() {
        Host h = host("v1", null);
        assertFalse(h.pureV2());
        assertFalse(h.hybrid());
        Cgroup c = h.forContainer("c1", "");
        assertFalse(c.isV2());
        Map<String, String> p = c.paths();
        assertEquals("/sys/fs/cgroup/cpu,cpuacct/user.slice/c1", p.get("cpu"));
        assertEquals("/sys/fs/cgroup/cpu,cpuacct/user.slice/c1", p.get("cpuacct"));
        assertEquals("/sys/fs/cgroup/memory/user.slice/user-1000.slice/session-2.scope/c1", p.get("memory"));
        assertEquals("/sys/fs/cgroup/net_cls,net_prio/c1", p.get("net_prio"));
        assertEquals("/sys/fs/cgroup/systemd/user.slice/user-1000.slice/session-2.scope/c1", p.get("name=systemd"));
        assertEquals("/sys/fs/cgroup/rdma/c1", p.get("rdma"));
        assertFalse(p.containsKey("misc"), "runc's driver leaves misc alone");
        assertFalse(p.containsKey(""), "no cgroup2 mount, no unified path");
        // the second memory mount (a bind elsewhere) does not replace the first
        assertFalse(p.values().stream().anyMatch(d -> d.startsWith("/mnt")));
        List<Cgroup.Hierarchy> hs = c.hierarchies();
        assertTrue(hs.contains(new Cgroup.Hierarchy("/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct", "/sys/fs/cgroup/cpu,cpuacct/user.slice/c1")));
        assertTrue(hs.contains(new Cgroup.Hierarchy("/sys/fs/cgroup/systemd", "name=systemd",
                "/sys/fs/cgroup/systemd/user.slice/user-1000.slice/session-2.scope/c1")));
        assertEquals(12, hs.size());
    }

    @Test
    void hybridAsOnThisMachine() {
        Host h = host("hybrid", null);
        assertTrue(h.hybrid());
        Cgroup c = h.forContainer("cgx1", null);
        assertFalse(c.isV2());
        // what runc 1.1.5 recorded in state.json on this host for the same layout
        assertEquals(Map.of("", "/sys/fs/cgroup/unified/cgx1",
                "blkio", "/sys/fs/cgroup/blkio/cgx1",
                "cpu", "/sys/fs/cgroup/cpu/cgx1",
                "cpuacct", "/sys/fs/cgroup/cpuacct/cgx1",
                "cpuset", "/sys/fs/cgroup/cpuset/cgx1",
                "devices", "/sys/fs/cgroup/devices/cgx1",
                "freezer", "/sys/fs/cgroup/freezer/cgx1",
                "memory", "/sys/fs/cgroup/memory/svc/job-1/cgx1",
                "name=systemd", "/sys/fs/cgroup/systemd/cgx1",
                "pids", "/sys/fs/cgroup/pids/cgx1"), c.paths());
        // the cgroup2 directory is not mounted into the container (runc neither)
        assertEquals(9, c.hierarchies().size());
        assertTrue(c.hierarchies().stream().noneMatch(x -> x.controllers().isEmpty()));
        // state.json round trip: hybrid stays on the v1 driver
        assertFalse(Cgroup.load(c.paths()).isV2());
    }

    @Test
    void pureV2() {
        Host h = host("v2", null);
        assertTrue(h.pureV2());
        Cgroup c = h.forContainer("c2", "");
        assertTrue(c.isV2());
        // runc's fs2 defaultDirPath: next to our own cgroup (a scope with processes), not below it
        assertEquals(Map.of("", "/sys/fs/cgroup/user.slice/user-1000.slice/c2"), c.paths());
        assertEquals(List.of(new Cgroup.Hierarchy("/sys/fs/cgroup", "", "/sys/fs/cgroup/user.slice/user-1000.slice/c2")),
                c.hierarchies());
        assertEquals("/sys/fs/cgroup/machine/c2", h.forContainer("c2", "/machine/c2").paths().get(""));
        assertEquals("/sys/fs/cgroup/user.slice/user-1000.slice/pods/p1",
                h.forContainer("c2", "pods/p1").paths().get(""));
        // a service's own cgroup (systemd-run, a unit's ExecStart): its slice
        Host svc = new Host(text("v2"), "0::/system.slice/app.service\n", "");
        assertEquals("/sys/fs/cgroup/system.slice/c5", svc.forContainer("c5", null).paths().get(""));
        // in the root cgroup (or a cgroup namespace's root): directly below it
        assertEquals("/sys/fs/cgroup/c6", new Host(text("v2"), "0::/\n", "").forContainer("c6", "").paths().get(""));
        assertEquals("/sys/fs/cgroup/c7", new Host(text("v2"), "0::/init.scope\n", "").forContainer("c7", "").paths().get(""));
        assertTrue(Cgroup.load(c.paths()).isV2());
    }

    @Test
    void cgroup2AtTheDefaultPlaceWinsOverStrayV1Mounts() {
        String mi = text("v2") + "90 26 0:60 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n";
        Host h = new Host(mi, "0::/\n1:name=systemd:/\n", "");
        assertTrue(h.pureV2());
        assertEquals(Map.of("", "/sys/fs/cgroup/x"), h.forContainer("x", null).paths());
    }

    private static String text(String n) { return Fixtures.text(n + ".mountinfo"); }

    @Test
    void nestedMountsShowTheHierarchyFromTheirRoot() {
        // inside a container without cgroupns: mounts are rooted at /docker/abc, and so is our own cgroup
        Host h = host("nested", null);
        Cgroup c = h.forContainer("c3", "");
        assertEquals("/sys/fs/cgroup/memory/c3", c.paths().get("memory"));
        assertEquals("/sys/fs/cgroup/devices/inner/c3", c.paths().get("devices"));
        assertEquals("/sys/fs/cgroup/cpu,cpuacct/c3", c.paths().get("cpu"));
        // absolute paths are taken under the mount point whatever its root (runc)
        assertEquals("/sys/fs/cgroup/memory/abs/c3", h.forContainer("c3", "/abs/c3").paths().get("memory"));
        // cgroup namespace on pure v2: everything is "/"
        assertEquals("/sys/fs/cgroup/c4", host("v2ns", null).forContainer("c4", null).paths().get(""));
    }

    @Test
    void cgroupsPathIsCleanedAsRuncDoes() {
        Host h = host("v2", null);
        String own = "/sys/fs/cgroup/user.slice/user-1000.slice";
        assertEquals("/sys/fs/cgroup/etc", h.forContainer("x", "/a/../../etc").paths().get(""));
        assertEquals(own + "/x/y", h.forContainer("i", "../../x/./y/").paths().get(""));
        // runc's cgroupfs driver takes a systemd-looking path literally
        assertEquals(own + "/system.slice:jrunc:c1", h.forContainer("c1", "system.slice:jrunc:c1").paths().get(""));
        JruncException e = assertThrows(JruncException.class, () -> h.forContainer("x", "/"));
        assertEquals("/linux/cgroupsPath", e.pointer());
        assertEquals("a/b", Host.cleanPath("a//b/."));
        assertEquals("/", Host.cleanPath("/.."));
        assertEquals("", Host.cleanPath(".."));
    }

    @Test
    void prefixPutsEveryHierarchyUnderAFixtureRoot() {
        Host h = host("hybrid", java.nio.file.Path.of("/tmp/fx"));
        Cgroup c = h.forContainer("c", "/c");
        assertEquals("/tmp/fx/sys/fs/cgroup/unified/c", c.paths().get(""));
        assertEquals("/tmp/fx/sys/fs/cgroup/pids/c", c.paths().get("pids"));
    }

    @Test
    void mountinfoEscapesAndMissingPieces() {
        assertEquals("/mnt/other cgroup", Host.unescape("/mnt/other\\040cgroup"));
        assertEquals("a\\b", Host.unescape("a\\134b"));
        // refused at create(), so that a rootless caller can still fall back to no cgroup
        Cgroup noDevices = new Host("35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "4:memory:/\n", "")
                .forContainer("c", null);
        JruncException e = assertThrows(JruncException.class, noDevices::create);
        assertTrue(e.getMessage().contains("devices"), e.getMessage());
        Cgroup nothing = new Host("", "", "").forContainer("c", null);
        assertEquals(Map.of(), nothing.paths());
        assertEquals(List.of(), nothing.pids());
        assertThrows(JruncException.class, nothing::create);
    }
}
