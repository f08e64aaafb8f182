package io.jrunc.plan;

import static io.jrunc.plan.PlanReader.all;
import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.mount.MountOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
    @TempDir Path bundle;

    private static Spec spec(String linuxAndMore) {
        String json = """
                {"ociVersion":"1.3.0","root":{"path":"rootfs"},
                 "process":{"args":["sh","-c","true"],"cwd":"/work","env":["PATH=/bin"],
                   "user":{"uid":1000,"gid":100,"additionalGids":[5,6]},
                   "capabilities":{"bounding":["CAP_KILL","CAP_CHOWN","CAP_NOT_A_CAP"],"effective":["CAP_KILL"]},
                   "rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":512}],"noNewPrivileges":true},
                """ + linuxAndMore + "}";
        return ConfigReader.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private List<PlanReader.Rec> plan(Spec s, List<String> warnings) {
        return PlanReader.plan(Planner.plan(s, new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"),
                false, null, 2, List.of(new Planner.CgroupBind("memory", "/sys/fs/cgroup/memory/c1", false)), false), warnings));
    }

    @Test
    void namespacesBecomeCloneFlagsAndJoinsInSafeOrder() {
        Spec s = spec("""
                "linux":{"namespaces":[{"type":"mount","path":"/proc/1/ns/mnt"},{"type":"pid"},{"type":"network","path":"/var/run/netns/x"},
                  {"type":"uts"},{"type":"user","path":"/proc/1/ns/user"}]}""");
        List<PlanReader.Rec> p = plan(s, new ArrayList<>());
        assertEquals(Planner.CLONE_NEWPID | Planner.CLONE_NEWUTS, all(p, Tag.CLONE_FLAGS).get(0).u64());
        List<String> joins = all(p, Tag.NS_JOIN).stream().map(r -> r.sub(Tag.NS_PATH).str()).toList();
        assertEquals(List.of("/proc/1/ns/user", "/var/run/netns/x", "/proc/1/ns/mnt"), joins);
    }

    @Test
    void aMountNamespaceIsRequired() {
        JruncException e = assertThrows(JruncException.class,
                () -> plan(spec("\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}"), new ArrayList<>()));
        assertEquals("/linux/namespaces", e.pointer());
    }

    @Test
    void processDefaultsCapsRlimitsAndUnknownCapWarning() {
        List<String> warnings = new ArrayList<>();
        List<PlanReader.Rec> p = plan(spec("\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"), warnings);
        assertEquals(List.of("sh", "-c", "true"), all(p, Tag.ARG).stream().map(PlanReader.Rec::str).toList());
        assertEquals(List.of("PATH=/bin", "HOME=/"), all(p, Tag.ENV).stream().map(PlanReader.Rec::str).toList());
        assertEquals("/work", all(p, Tag.CWD).get(0).str());
        assertEquals(1000, all(p, Tag.UID).get(0).u32());
        assertEquals(100, all(p, Tag.GID).get(0).u32());
        assertEquals(022, all(p, Tag.UMASK).get(0).u32());
        assertEquals(2, all(p, Tag.PRESERVE_FDS).get(0).u32());
        assertEquals(1, all(p, Tag.NO_NEW_PRIVS).size());
        PlanReader.Rec caps = all(p, Tag.CAPS).get(0);
        assertEquals((1L << 5) | 1L, caps.sub(Tag.C_BOUNDING).u64());
        assertEquals(1L << 5, caps.sub(Tag.C_EFFECTIVE).u64());
        assertEquals(0, caps.sub(Tag.C_AMBIENT).u64());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("CAP_NOT_A_CAP")), warnings.toString());
        PlanReader.Rec rl = all(p, Tag.RLIMIT).get(0);
        assertEquals(7, rl.sub(Tag.R_RESOURCE).u32());
        assertEquals(512, rl.sub(Tag.R_SOFT).u64());
        assertEquals(1024, rl.sub(Tag.R_HARD).u64());
        // default devices, in order, and the /dev symlinks
        List<String> devs = all(p, Tag.DEVICE).stream().map(r -> r.sub(Tag.D_PATH).str()).toList();
        assertEquals(List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"), devs);
        assertTrue(all(p, Tag.SYMLINK).stream().anyMatch(r -> r.sub(Tag.L_LINK).str().equals("/dev/fd")));
        assertEquals(MountOptions.MS_SLAVE | MountOptions.MS_REC, all(p, Tag.ROOTFS_PROPAGATION).get(0).u64());
    }

    @Test
    void mountsKeepOrderAndSplitOptions() {
        Spec s = spec("""
                "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                  {"destination":"/data/../data2","type":"bind","source":".","options":["rbind","ro","rnosuid"]},
                  {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["ro","nosuid"]}],
                "linux":{"namespaces":[{"type":"mount"}]}""");
        List<PlanReader.Rec> mounts = all(plan(s, new ArrayList<>()), Tag.MOUNT);
        assertEquals("/proc", mounts.get(0).sub(Tag.M_DEST).str());
        assertEquals("proc", mounts.get(0).sub(Tag.M_FSTYPE).str());
        PlanReader.Rec bind = mounts.get(1);
        assertEquals("/data2", bind.sub(Tag.M_DEST).str());
        assertEquals(bundle.toString(), Path.of(bind.sub(Tag.M_SOURCE).str()).normalize().toString());
        assertEquals(MountOptions.MS_BIND | MountOptions.MS_REC | MountOptions.MS_RDONLY, bind.sub(Tag.M_FLAGS).u64());
        assertEquals(MountOptions.ATTR_NOSUID, bind.sub(Tag.M_ATTR_SET).u64());
        // v1 cgroup mount: tmpfs, one bind per hierarchy, then the read-only remount of the tmpfs
        assertEquals("tmpfs", mounts.get(2).sub(Tag.M_FSTYPE).str());
        assertEquals("/sys/fs/cgroup/memory", mounts.get(3).sub(Tag.M_DEST).str());
        assertEquals("/sys/fs/cgroup/memory/c1", mounts.get(3).sub(Tag.M_SOURCE).str());
        assertTrue((mounts.get(4).sub(Tag.M_FLAGS).u64() & MountOptions.MS_REMOUNT) != 0);
        assertEquals(5, mounts.size());
    }

    @Test
    void missingMountNamespaceAndBadBindSourceNameTheField() {
        JruncException e = assertThrows(JruncException.class, () -> plan(spec("\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}"), new ArrayList<>()));
        assertEquals("/linux/namespaces", e.pointer());
        Spec s = spec("""
                "mounts":[{"destination":"/x","type":"bind","source":"/no/such/dir","options":["bind"]}],
                "linux":{"namespaces":[{"type":"mount"}]}""");
        e = assertThrows(JruncException.class, () -> plan(s, new ArrayList<>()));
        assertEquals("/mounts/0/source", e.pointer());
    }

    @Test
    void userNamespaceMapsAndTimeOffsets() {
        Spec s = spec("""
                "linux":{"namespaces":[{"type":"mount"},{"type":"user"},{"type":"time"}],
                  "uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
                  "gidMappings":[{"containerID":0,"hostID":200000,"size":1000}],
                  "timeOffsets":{"monotonic":{"secs":86400,"nanosec":0},"boottime":{"secs":5,"nanosec":7}}}""");
        List<PlanReader.Rec> p = plan(s, new ArrayList<>());
        assertEquals("0 100000 65536\n", all(p, Tag.UID_MAP).get(0).str());
        assertEquals("0 200000 1000\n", all(p, Tag.GID_MAP).get(0).str());
        assertEquals(Planner.CLONE_NEWNS | Planner.CLONE_NEWUSER, all(p, Tag.CLONE_FLAGS).get(0).u64());
        assertEquals("monotonic 86400 0\nboottime 5 7\n", all(p, Tag.TIME_OFFSETS).get(0).str());
        // in a user namespace devices are bind-mounted from the host, never mknod'ed
        assertTrue(all(p, Tag.DEVICE).stream().allMatch(r -> r.sub(Tag.D_BIND) != null));
    }
}
