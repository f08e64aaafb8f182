package io.jrunc.state;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import java.nio.file.Files;
import io.jrunc.state.Status;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir Path root;

    @Test
    void saveLoadAndStatusFollowTheRealProcess() throws Exception {
        StateStore store = new StateStore(root);
        store.createDir("c1");
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) p.pid();
            ContainerState s = new ContainerState("c1", pid, io.jrunc.sys.Proc.startTime(pid), "/b", "/b/rootfs", "2026-01-01T00:00:00Z",
                    "", Map.of("k", "v"), Map.of("memory", "/sys/fs/cgroup/memory/c1"), true, null, true);
            store.save(s);
            ContainerState back = store.load("c1");
            assertEquals(s, back);
            Files.createFile(store.dir("c1").resolve(StateStore.FIFO));
            assertEquals(Status.CREATED, store.status(back, io.jrunc.sys.Proc.isAlive(pid, back.initStartTime()), () -> false));
            Files.delete(store.dir("c1").resolve(StateStore.FIFO));
            assertEquals(Status.RUNNING, store.status(back, io.jrunc.sys.Proc.isAlive(pid, back.initStartTime()), () -> false));
            assertEquals(Status.PAUSED, store.status(back, io.jrunc.sys.Proc.isAlive(pid, back.initStartTime()), () -> true));
            // Same pid, different start time: a reused pid is not our container.
            ContainerState reused = new ContainerState("c1", pid, back.initStartTime() + 1, "/b", "/b/rootfs", "t", "", null, null, true);
            assertEquals(Status.STOPPED, store.status(reused, io.jrunc.sys.Proc.isAlive(pid, reused.initStartTime()), () -> false));
            p.destroyForcibly().waitFor();
            assertEquals(Status.STOPPED, store.status(back, io.jrunc.sys.Proc.isAlive(pid, back.initStartTime()), () -> false));
            assertEquals(0, back.toOci("stopped").get("pid"));
        } finally {
            p.destroyForcibly();
        }
        store.removeDir("c1");
        assertFalse(Files.exists(store.dir("c1")));
    }

    @Test
    void idsAreCheckedAndDuplicatesRefused() {
        StateStore store = new StateStore(root);
        assertThrows(JruncException.class, () -> store.createDir("../x"));
        assertThrows(JruncException.class, () -> store.createDir(".."));
        store.createDir("a_b.c-d+e");
        JruncException e = assertThrows(JruncException.class, () -> store.createDir("a_b.c-d+e"));
        assertTrue(e.getMessage().contains("exists"));
        e = assertThrows(JruncException.class, () -> store.load("missing"));
        assertEquals("container does not exist", e.getMessage());
    }
}
