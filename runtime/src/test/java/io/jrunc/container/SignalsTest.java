package io.jrunc.container;

import static org.junit.jupiter.api.Assertions.*;

import io.jrunc.JruncException;
import org.junit.jupiter.api.Test;

class SignalsTest {
    @Test
    void numbersNamesAndSigNames() {
        assertEquals(9, Signals.parse("9"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(15, Signals.parse("term"));
        assertEquals(10, Signals.parse("SIGUSR1"));
        assertEquals(28, Signals.parse("WINCH"));
        assertEquals(34, Signals.parse("SIGRTMIN"));
        assertEquals(36, Signals.parse("RTMIN+2"));
        assertEquals(63, Signals.parse("SIGRTMAX-1"));
        assertEquals(15, Signals.parse(null));
        assertEquals(0, Signals.parse("0"), "signal 0 probes the init, as kill(2) and runc allow");
    }

    @Test
    void namesParseUnderAnyDefaultLocale() {
        // a Turkish default locale upper-cases "i" to "İ": "sigint" must still be SIGINT
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            assertEquals(2, Signals.parse("sigint"));
            assertEquals(2, Signals.parse("int"));
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void rejectsNonsense() {
        assertThrows(JruncException.class, () -> Signals.parse("SIGFOO"));
        assertThrows(JruncException.class, () -> Signals.parse("65"));
        assertThrows(JruncException.class, () -> Signals.parse("RTMIN+40"));
    }
}
