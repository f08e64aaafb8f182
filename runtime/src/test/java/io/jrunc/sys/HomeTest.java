package io.jrunc.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HomeTest {
    @Test
    void withoutAHomeTheNativePiecesAreLookedForNextToTheJar() {
        // an install: jar, libjrunc.so and jrunc-init side by side, or the jar in lib/ of the root; a checkout's build
        assertEquals(List.of(Path.of("/opt/jrunc/lib/jrunc-init"), Path.of("/opt/jrunc/lib/jrunc-init"),
                        Path.of("/opt/native-helper/target/jrunc-init"), Path.of("/native-helper/target/jrunc-init")),
                Home.candidates("jrunc-init", null, Path.of("/opt/jrunc/lib")));
        assertEquals(Path.of("/src/jrunc/native-helper/target/libjrunc.so"),
                Home.candidates("libjrunc.so", null, Path.of("/src/jrunc/runtime/target")).get(2));
    }

    @Test
    void anExplicitHomeIsTheOnlyPlaceLookedAt() {
        assertEquals(List.of(Path.of("/h/native-helper/target/jrunc"), Path.of("/h/lib/jrunc")),
                Home.candidates("jrunc", Path.of("/h"), Path.of("/elsewhere")));
    }
}
