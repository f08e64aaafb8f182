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
                false, null, 2, List.of(new Planner.CgroupBind("memory", "/sys/fs/cgroup/memory/c1", false)), false, null, null), new io.jrunc.plan.HostFacts(io.jrunc.lsm.Lsm.host(), false, true), warnings));
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
    void withoutAMountNamespaceWhatNeedsOneIsRefusedNamingTheField() {
        // the runtime's mount namespace is shared: no new one in the clone flags, none joined
        List<PlanReader.Rec> p = plan(spec("\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}"), new ArrayList<>());
        assertEquals(0, all(p, Tag.CLONE_FLAGS).get(0).u64() & 0x00020000L);
        assertTrue(all(p, Tag.NS_JOIN).isEmpty());
        for (String[] c : new String[][] {{"\"maskedPaths\":[\"/proc/kcore\"]", "/linux/maskedPaths"},
                {"\"readonlyPaths\":[\"/proc/sys\"]", "/linux/readonlyPaths"}}) {
            JruncException e = assertThrows(JruncException.class,
                    () -> plan(spec("\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]," + c[0] + "}"), new ArrayList<>()));
            assertEquals(c[1], e.pointer());
        }
        JruncException e = assertThrows(JruncException.class, () -> plan(ConfigReader.parse(("""
                {"ociVersion":"1.3.0","root":{"path":"rootfs","readonly":true},"process":{"args":["true"],"cwd":"/"},
                 "linux":{"namespaces":[{"type":"pid"}]}}""").getBytes(StandardCharsets.UTF_8)), new ArrayList<>()));
        assertEquals("/root/readonly", e.pointer());
        JruncException root = assertThrows(JruncException.class, () -> Planner.plan(spec("\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}"),
                new Planner.Options(java.nio.file.Path.of("/"), bundle, bundle.resolve("exec.fifo"), false, null, 0, List.of(), false, null, null),
                new io.jrunc.plan.HostFacts(io.jrunc.lsm.Lsm.host(), false, true), new ArrayList<>()));
        assertEquals("/root/path", root.pointer());
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
    void bindSourcesAreListedForTheEngineToCheck() {
        // the planner reads no file: it lists every bind source (relative ones against the bundle) with
        // its pointer, and the engine checks they exist before planning (EngineTest)
        Spec s = spec("""
                "mounts":[{"destination":"/proc","type":"proc","source":"proc"},
                          {"destination":"/x","type":"bind","source":"/no/such/dir","options":["bind"]},
                          {"destination":"/y","source":"rel","options":["rbind","ro"]},
                          {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["bind"]}],
                "linux":{"namespaces":[{"type":"mount"}]}""");
        assertEquals(List.of(new Planner.BindSource("/mounts/1/source", "/no/such/dir"),
                new Planner.BindSource("/mounts/2/source", bundle.resolve("rel").toString())), Planner.bindSources(s, bundle));
        assertFalse(plan(s, new ArrayList<>()).isEmpty());
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

    // ---- id-mapped mounts (runtime-spec 1.2 idmap/ridmap, runc 1.2 rules) ----

    private PlanReader.Rec onlyBindTo(List<PlanReader.Rec> p, String dest) {
        return all(p, Tag.MOUNT).stream().filter(m -> m.sub(Tag.M_DEST).str().equals(dest)).findFirst().orElseThrow();
    }

    private String idmapMount(String options, String maps) {
        return "\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"" + bundle + "\",\"options\":" + options
                + maps + "}],";
    }

    private static final String MAPS = ",\"uidMappings\":[{\"containerID\":1000,\"hostID\":0,\"size\":1}],"
            + "\"gidMappings\":[{\"containerID\":2000,\"hostID\":5,\"size\":2}]";

    @Test
    void idmapAndRidmapCarryTheMountsOwnMaps() {
        List<PlanReader.Rec> p = plan(spec(idmapMount("[\"rbind\",\"idmap\"]", MAPS) + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"), new ArrayList<>());
        PlanReader.Rec m = onlyBindTo(p, "/m");
        assertEquals("1000 0 1\n", m.sub(Tag.M_IDMAP_UID).str());
        assertEquals("2000 5 2\n", m.sub(Tag.M_IDMAP_GID).str());
        assertNull(m.sub(Tag.M_IDMAP_RECURSIVE));
        assertEquals("", m.sub(Tag.M_DATA).str(), "idmap is not filesystem data");
        p = plan(spec(idmapMount("[\"rbind\",\"ridmap\"]", MAPS) + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"), new ArrayList<>());
        assertNotNull(onlyBindTo(p, "/m").sub(Tag.M_IDMAP_RECURSIVE));
    }

    @Test
    void mappingsWithoutAnOptionMeanIdmapAsInRunc() {
        List<PlanReader.Rec> p = plan(spec(idmapMount("[\"bind\"]", MAPS) + "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"), new ArrayList<>());
        PlanReader.Rec m = onlyBindTo(p, "/m");
        assertEquals("1000 0 1\n", m.sub(Tag.M_IDMAP_UID).str());
        assertNull(m.sub(Tag.M_IDMAP_RECURSIVE));
    }

    @Test
    void idmapWithoutMapsTakesTheContainersUserNamespace() {
        List<PlanReader.Rec> p = plan(spec(idmapMount("[\"bind\",\"idmap\"]", "") + """
                "linux":{"namespaces":[{"type":"mount"},{"type":"user"}],
                  "uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],
                  "gidMappings":[{"containerID":0,"hostID":200000,"size":1000}]}"""), new ArrayList<>());
        PlanReader.Rec m = onlyBindTo(p, "/m");
        assertEquals("0 100000 65536\n", m.sub(Tag.M_IDMAP_UID).str());
        assertEquals("0 200000 1000\n", m.sub(Tag.M_IDMAP_GID).str());
        // a joined user namespace is used as it is
        p = plan(spec(idmapMount("[\"bind\",\"ridmap\"]", "") + """
                "linux":{"namespaces":[{"type":"mount"},{"type":"user","path":"/proc/1/ns/user"}]}"""), new ArrayList<>());
        m = onlyBindTo(p, "/m");
        assertEquals("/proc/1/ns/user", m.sub(Tag.M_IDMAP_USERNS).str());
        assertNull(m.sub(Tag.M_IDMAP_UID));
        assertNotNull(m.sub(Tag.M_IDMAP_RECURSIVE));
    }

    @Test
    void idmapErrorsNameTheField() {
        String noUserns = "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}";
        // no mappings and no user namespace to take them from
        JruncException e = assertThrows(JruncException.class, () -> plan(spec(idmapMount("[\"bind\",\"idmap\"]", "") + noUserns), new ArrayList<>()));
        assertEquals("/mounts/0/uidMappings", e.pointer());
        // one map without the other
        e = assertThrows(JruncException.class, () -> plan(spec(idmapMount("[\"bind\"]",
                ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]") + noUserns), new ArrayList<>()));
        assertEquals("/mounts/0/gidMappings", e.pointer());
        assertTrue(e.getMessage().contains("both uid and gid mappings"), e.getMessage());
        // not a bind mount (runc 1.2: "only supported for bind-mounts")
        e = assertThrows(JruncException.class, () -> plan(spec("""
                "mounts":[{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["idmap"]}],""" + noUserns), new ArrayList<>()));
        assertEquals("/mounts/0/options", e.pointer());
        e = assertThrows(JruncException.class, () -> plan(spec("""
                "mounts":[{"destination":"/t","type":"tmpfs","source":"tmpfs",
                  "uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":1000,"size":1}]}],""" + noUserns), new ArrayList<>()));
        assertEquals("/mounts/0/uidMappings", e.pointer());
        // a zero-sized range
        e = assertThrows(JruncException.class, () -> plan(spec(idmapMount("[\"bind\"]",
                ",\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":0}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]") + noUserns), new ArrayList<>()));
        assertEquals("/mounts/0/uidMappings/0/size", e.pointer());
        // rootless
        e = assertThrows(JruncException.class, () -> PlanReader.plan(Planner.plan(spec(idmapMount("[\"bind\"]", MAPS) + noUserns),
                new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"), false, null, 0, List.of(), false, null, null),
                new io.jrunc.plan.HostFacts(io.jrunc.lsm.Lsm.host(), true, true), new ArrayList<>())));
        assertTrue(e.getMessage().contains("rootless"), e.getMessage());
    }

    @Test
    void idmapSupportIsDecidedFromTheKernelRelease() {
        assertTrue(MountOptions.idmapSupported("6.18.44-fc-v1045"));
        assertTrue(MountOptions.idmapSupported("5.12.0"));
        assertFalse(MountOptions.idmapSupported("5.11.22-generic"));
        assertFalse(MountOptions.idmapSupported("4.19.0"));
        assertFalse(MountOptions.idmapSupported("garbage"));
        assertTrue(MountOptions.known().containsAll(List.of("idmap", "ridmap")));
    }

    // ---- LSM labels: decided against a fake sysfs/procfs tree ----

    private Path fakeRoot(boolean apparmor, boolean selinux) throws Exception {
        Path r = java.nio.file.Files.createTempDirectory(bundle, "lsm");
        if (apparmor) {
            java.nio.file.Files.createDirectories(r.resolve("sys/kernel/security/apparmor"));
            java.nio.file.Files.createDirectories(r.resolve("sys/module/apparmor/parameters"));
            java.nio.file.Files.writeString(r.resolve("sys/module/apparmor/parameters/enabled"), "Y");
            java.nio.file.Files.createDirectories(r.resolve("proc/self/attr/apparmor"));
            java.nio.file.Files.writeString(r.resolve("proc/self/attr/apparmor/exec"), "");
        }
        if (selinux) {
            java.nio.file.Files.createDirectories(r.resolve("sys/fs/selinux"));
            java.nio.file.Files.writeString(r.resolve("sys/fs/selinux/enforce"), "1");
        }
        return r;
    }

    private static Spec withApparmor(Spec s, String prof) {
        Spec.Process p = s.process();
        Spec.Process q = new Spec.Process(p.terminal(), p.consoleSize(), p.user(), p.args(), p.commandLine(), p.env(), p.cwd(),
                p.capabilities(), p.rlimits(), p.noNewPrivileges(), prof, p.oomScoreAdj(), p.selinuxLabel(), p.scheduler(),
                p.ioPriority(), p.execCPUAffinity());
        return new Spec(s.ociVersion(), q, s.root(), s.hostname(), s.domainname(), s.mounts(), s.hooks(), s.annotations(), s.linux());
    }

    private List<PlanReader.Rec> planWith(Spec s, io.jrunc.lsm.Lsm lsm) {
        return PlanReader.plan(Planner.plan(s, new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"),
                false, null, 0, List.of(), false, null, null), new io.jrunc.plan.HostFacts(lsm, false, true), new ArrayList<>()));
    }

    private static final String LABELLED = """
            "mounts":[{"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["mode=755"]},
                      {"destination":"/proc","type":"proc","source":"proc"}],
            "linux":{"namespaces":[{"type":"mount"}],"mountLabel":"system_u:object_r:container_file_t:s0","maskedPaths":["/proc/acpi"]}""";

    @Test
    void labelsAreWrittenWhenTheLsmIsEnabled() throws Exception {
        Spec s = ConfigReader.parse(("""
                {"ociVersion":"1.3.0","root":{"path":"rootfs"},
                 "process":{"args":["true"],"cwd":"/","apparmorProfile":"my-prof","selinuxLabel":"system_u:system_r:container_t:s0"},
                """ + LABELLED + "}").getBytes(StandardCharsets.UTF_8));
        List<PlanReader.Rec> p = planWith(s, new io.jrunc.lsm.Lsm(fakeRoot(true, true)));
        PlanReader.Rec aa = all(p, Tag.APPARMOR_EXEC).get(0);
        assertEquals("apparmor/exec", aa.sub(Tag.AA_ATTR).str());
        assertEquals("exec my-prof", aa.sub(Tag.AA_VALUE).str());
        assertEquals("system_u:system_r:container_t:s0", all(p, Tag.SELINUX_EXEC).get(0).str());
        assertEquals("mode=755,context=\"system_u:object_r:container_file_t:s0\"", onlyBindTo(p, "/dev").sub(Tag.M_DATA).str());
        assertEquals("", onlyBindTo(p, "/proc").sub(Tag.M_DATA).str(), "proc is never labelled (runc)");
        assertEquals("context=\"system_u:object_r:container_file_t:s0\"", all(p, Tag.MASK_DATA).get(0).str());
        assertTrue(all(p, Tag.LSM_AFTER_HOOKS).isEmpty(), "no startContainer hooks: written before ready");
        Spec hooked = ConfigReader.parse(("""
                {"ociVersion":"1.3.0","root":{"path":"rootfs"},
                 "process":{"args":["true"],"cwd":"/","apparmorProfile":"my-prof"},
                 "hooks":{"startContainer":[{"path":"/bin/true"}]},
                 "linux":{"namespaces":[{"type":"mount"}]}}""").getBytes(StandardCharsets.UTF_8));
        assertFalse(all(planWith(hooked, new io.jrunc.lsm.Lsm(fakeRoot(true, false))), Tag.LSM_AFTER_HOOKS).isEmpty(),
                "the hooks the init forks must not inherit the container's exec label");
    }

    @Test
    void labelsWithoutTheLsmFailNamingTheFieldAsRuncDoes() throws Exception {
        io.jrunc.lsm.Lsm none = new io.jrunc.lsm.Lsm(fakeRoot(false, false));
        JruncException e = assertThrows(JruncException.class, () -> planWith(withApparmor(spec("\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"), "p"), none));
        assertEquals("/process/apparmorProfile", e.pointer());
        e = assertThrows(JruncException.class, () -> planWith(ConfigReader.parse(("""
                {"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":{"args":["true"],"cwd":"/","selinuxLabel":"x:y:z:s0"},
                 "linux":{"namespaces":[{"type":"mount"}]}}""").getBytes(StandardCharsets.UTF_8)), none));
        assertEquals("/process/selinuxLabel", e.pointer());
        assertTrue(e.getMessage().contains("selinux label is specified in config, but selinux is disabled or not supported"));
        // a mount label without SELinux is ignored with a warning, as crun does (runc 1.1.5 fails on the
        // first labelled mount): no context= on any mount, no labelled mask tmpfs
        List<String> warnings = new ArrayList<>();
        List<PlanReader.Rec> p = PlanReader.plan(Planner.plan(ConfigReader.parse(("""
                {"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":{"args":["true"],"cwd":"/"},""" + LABELLED + "}")
                .getBytes(StandardCharsets.UTF_8)), new Planner.Options(bundle.resolve("rootfs"), bundle, bundle.resolve("exec.fifo"),
                false, null, 0, List.of(), false, null, null), new io.jrunc.plan.HostFacts(none, false, true), warnings));
        assertTrue(all(p, Tag.MASK_DATA).isEmpty());
        assertFalse(all(p, Tag.MOUNT).isEmpty());
        assertTrue(all(p, Tag.MOUNT).stream().noneMatch(m -> m.sub(Tag.M_DATA) != null && m.sub(Tag.M_DATA).str().contains("context=")));
        assertEquals(List.of("ignoring /linux/mountLabel: SELinux is not enabled on this host"), warnings);
    }

    @Test
    void execLabelsComeFromTheFlags() throws Exception {
        Spec.Process proc = withApparmor(spec("\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"), "exec-prof").process();
        List<PlanReader.Rec> p = PlanReader.plan(Planner.planExec(proc, List.of("mount"), 1, Planner.Options.exec(null, 0, "_ses.c1", null),
                new io.jrunc.plan.HostFacts(new io.jrunc.lsm.Lsm(fakeRoot(true, false)), false, true), new ArrayList<>()));
        assertEquals("exec exec-prof", all(p, Tag.APPARMOR_EXEC).get(0).sub(Tag.AA_VALUE).str());
        assertEquals("apparmor/exec", all(p, Tag.APPARMOR_EXEC).get(0).sub(Tag.AA_ATTR).str());
        assertEquals("_ses.c1", all(p, Tag.SESSION_KEYRING).get(0).str());
        JruncException e = assertThrows(JruncException.class, () -> Planner.planExec(proc, List.of("mount"), 1,
                Planner.Options.exec(null, 0, null, null),
                new io.jrunc.plan.HostFacts(new io.jrunc.lsm.Lsm(fakeRoot(false, false)), false, true), new ArrayList<>()));
        assertTrue(e.userMessage().startsWith("exec --apparmor"), e.userMessage());
    }
}
