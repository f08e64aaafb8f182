package io.jrunc.conformance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Id-mapped mounts (runtime-spec 1.2 `idmap`/`ridmap`, per-mount uidMappings/gidMappings), seen from inside
 * through `stat` and /proc/self/mountinfo, and from the host through the owners of files the container
 * creates. The semantics are runc 1.2's (its tests/integration/idmap.bats): a mapping's containerID is the
 * id on disk, hostID the id it shows as through the mount (in the caller's user namespace); a mount
 * without mappings takes the container's user namespace mappings. A runtime whose `features` does not
 * report mountExtensions.idmap.enabled (runc 1.1.5 here: idmap came in runc 1.2) is skipped.
 */
class IdmapTest extends ConformanceBase {

    /** Skips runtimes without id-mapped mounts, by what their `features` says (not by name). */
    Rt idmapRuntime(String name) throws Exception {
        Rt r = rt(name);
        Rt.Result f = r.run("features");
        JsonNode enabled = f.code() == 0 ? TestBundle.parse(f.out()).at("/linux/mountExtensions/idmap/enabled") : null;
        Assumptions.assumeTrue(enabled != null && enabled.asBoolean(),
                name + " does not support id-mapped mounts (features: no linux.mountExtensions.idmap.enabled; runc has them from 1.2)");
        return r;
    }

    static void chown(Path p, int uid, int gid) throws Exception {
        Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    static int[] owner(Path p) throws Exception {
        return new int[]{(Integer) Files.getAttribute(p, "unix:uid"), (Integer) Files.getAttribute(p, "unix:gid")};
    }

    static ObjectNode idmapMount(TestBundle b, String dest, Path source, String[] options, long[] uid, long[] gid) {
        ObjectNode m = b.mounts().addObject();
        m.put("destination", dest).put("type", "bind").put("source", source.toString());
        ArrayNode o = m.putArray("options");
        for (String s : options) o.add(s);
        if (uid != null) m.putArray("uidMappings").addObject().put("containerID", uid[0]).put("hostID", uid[1]).put("size", uid[2]);
        if (gid != null) m.putArray("gidMappings").addObject().put("containerID", gid[0]).put("hostID", gid[1]).put("size", gid[2]);
        return m;
    }

    static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertEquals(0, p.waitFor(), String.join(" ", cmd));
    }

    @ParameterizedTest @MethodSource("runtimes")
    void idmapWithoutUserNamespaceShowsMappedOwnersAndWritesThroughTheMap(String name) throws Exception {
        Rt r = idmapRuntime(name);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("of1000"), "x");
        chown(src.resolve("of1000"), 1000, 1000);
        Files.writeString(src.resolve("ofroot"), "x");
        chown(src, 1000, 1000); // so that root through the map (disk 1000) may create files in it
        TestBundle b = bundle().sh("stat -c 'own %n %u %g' /m/of1000 /m/ofroot /n/of1000 /n/ofroot; "
                + "touch /m/created && stat -c 'own %n %u %g' /m/created; "
                + "touch /n/created 2>&1 || echo n-create-failed; grep -E ' /(m|n) ' /proc/self/mountinfo");
        // disk 1000 shows as 0 (root) through /m; the brief's literal mapping 0 -> 1000 on /n shows disk 0 as 1000
        idmapMount(b, "/m", src, new String[]{"bind", "idmap"}, new long[]{1000, 0, 1}, new long[]{1000, 0, 1});
        idmapMount(b, "/n", src, new String[]{"bind", "idmap"}, new long[]{0, 1000, 1}, new long[]{0, 1000, 1});
        String out = runIn(r, b);
        assertEquals("0 0", line(out, "own /m/of1000 "), out);
        assertEquals("65534 65534", line(out, "own /m/ofroot "), "disk 0 has no mapping on /m: overflow id\n" + out);
        assertEquals("65534 65534", line(out, "own /n/of1000 "), out);
        assertEquals("1000 1000", line(out, "own /n/ofroot "), out);
        assertEquals("0 0", line(out, "own /m/created "), out);
        // root (kernel uid 0) is unmapped on /n: the kernel refuses the write (EOVERFLOW in runc's idmap.bats;
        // EACCES here first, since the directory's owner, disk 1000, is unmapped there too)
        assertTrue(out.contains("n-create-failed"), out);
        assertArrayEquals(new int[]{1000, 1000}, owner(src.resolve("created")), "created through the map lands as disk 1000");
        assertTrue(out.lines().anyMatch(l -> l.contains(" /m ") && l.contains("idmapped")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains(" /n ") && l.contains("idmapped")), out);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void idmapWithoutMappingsTakesTheContainersUserNamespace(String name) throws Exception {
        Rt r = idmapRuntime(name);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("ofroot"), "x");
        Files.writeString(src.resolve("of1"), "x");
        chown(src.resolve("of1"), 1, 1);
        TestBundle b = bundle().sh("stat -c 'own %n %u %g' /m/ofroot /m/of1 /plain/ofroot; "
                + "touch /m/created && stat -c 'own %n %u %g' /m/created; echo id=$(id -u); "
                + "grep -E ' /(m|plain) ' /proc/self/mountinfo");
        b.linux().withArray("namespaces").addObject().put("type", "user");
        b.linux().putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        b.linux().putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        for (Path p = b.dir.resolve("rootfs"); p.startsWith(tmp); p = p.getParent())
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-xr-x"));
        // the mapped root may not create directories in the host-owned rootfs: the targets exist already
        Files.createDirectories(b.dir.resolve("rootfs/m"));
        Files.createDirectories(b.dir.resolve("rootfs/plain"));
        idmapMount(b, "/m", src, new String[]{"bind", "idmap"}, null, null);
        idmapMount(b, "/plain", src, new String[]{"bind"}, null, null);
        String out = runIn(r, b);
        assertEquals("0", line(out, "id="), out);
        assertEquals("0 0", line(out, "own /m/ofroot "), "disk 0 is the container's root through the user namespace map\n" + out);
        assertEquals("1 1", line(out, "own /m/of1 "), out);
        assertEquals("65534 65534", line(out, "own /plain/ofroot "), "a plain bind is not mapped\n" + out);
        assertEquals("0 0", line(out, "own /m/created "), out);
        assertArrayEquals(new int[]{0, 0}, owner(src.resolve("created")), "the container's root writes disk 0 through the map");
        assertTrue(out.lines().anyMatch(l -> l.contains(" /m ") && l.contains("idmapped")), out);
        assertTrue(out.lines().noneMatch(l -> l.contains(" /plain ") && l.contains("idmapped")), out);
    }

    @ParameterizedTest @MethodSource("runtimes")
    void ridmapMapsNestedMountsAndIdmapOnlyTheTop(String name) throws Exception {
        Rt r = idmapRuntime(name);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path sub = Files.createDirectories(src.resolve("sub"));
        Files.writeString(src.resolve("top"), "x");
        chown(src.resolve("top"), 1000, 1000);
        sh("mount", "-t", "tmpfs", "-o", "size=1m", "jrunc-idmap-test", sub.toString());
        try {
            Files.writeString(sub.resolve("nested"), "x");
            chown(sub.resolve("nested"), 1000, 1000);
            TestBundle b = bundle().sh("stat -c 'own %n %u %g' /r/top /r/sub/nested /i/top /i/sub/nested; "
                    + "grep -E ' /(r|i)(/sub)? ' /proc/self/mountinfo");
            long[] map = {1000, 0, 1};
            idmapMount(b, "/r", src, new String[]{"rbind", "ridmap"}, map, map);
            idmapMount(b, "/i", src, new String[]{"rbind", "idmap"}, map, map);
            String out = runIn(r, b);
            assertEquals("0 0", line(out, "own /r/top "), out);
            assertEquals("0 0", line(out, "own /r/sub/nested "), "ridmap maps the nested tmpfs too\n" + out);
            assertEquals("0 0", line(out, "own /i/top "), out);
            assertEquals("1000 1000", line(out, "own /i/sub/nested "), "idmap maps only the top mount\n" + out);
            assertTrue(out.lines().anyMatch(l -> l.contains(" /r/sub ") && l.contains("idmapped")), out);
            assertTrue(out.lines().anyMatch(l -> l.contains(" /i/sub ") && !l.contains("idmapped")), out);
        } finally {
            sh("umount", "-l", sub.toString());
        }
    }

    @ParameterizedTest @MethodSource("runtimes")
    void idmapMistakesAreRefusedNamingTheField(String name) throws Exception {
        Rt r = idmapRuntime(name);
        Path src = Files.createDirectories(tmp.resolve("src"));
        // idmap on a mount without mappings, in a container without a user namespace
        TestBundle b = bundle().sh("true");
        int n = b.mounts().size();
        idmapMount(b, "/m", src, new String[]{"bind", "idmap"}, null, null);
        b.write();
        Rt.Result res = r.run("run", "-b", b.dir.toString(), id);
        assertNotEquals(0, res.code(), res.toString());
        assertTrue(res.err().contains("/mounts/" + n + "/uidMappings"), res.toString());
        // a uid map without a gid map
        TestBundle b2 = bundle().sh("true");
        idmapMount(b2, "/m", src, new String[]{"bind"}, new long[]{0, 1000, 1}, null);
        b2.write();
        res = r.run("run", "-b", b2.dir.toString(), id + "-2");
        assertNotEquals(0, res.code(), res.toString());
        assertTrue(res.err().contains("/mounts/" + n + "/gidMappings") && res.err().contains("both uid and gid mappings"), res.toString());
    }
}
