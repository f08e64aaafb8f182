package io.jrunc.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimesTest {
    @Test
    void matchesJavaTimeForManyInstants() {
        Random r = new Random(42);
        for (int i = 0; i < 20000; i++) {
            long s = (long) (r.nextDouble() * 8_000_000_000L) - 1_000_000_000L; // 1938 .. 2223
            int n = r.nextInt(1_000_000_000);
            String want = Instant.ofEpochSecond(s, n).toString();
            // java.time trims trailing zero groups; compare against the full 9 digits
            String full = want.substring(0, 19) + "." + String.format("%09d", n) + "Z";
            assertEquals(full, Times.format(s, n));
        }
        assertEquals("2000-02-29T00:00:00.000000000Z", Times.format(951782400L, 0));
    }
}
