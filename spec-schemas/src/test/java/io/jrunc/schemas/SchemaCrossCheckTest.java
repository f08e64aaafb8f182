package io.jrunc.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Our 1.3 schemas against the corpus, and against the upstream 1.0.2 schemas on the same corpus: where
 * 1.0.2 and 1.3 define a field the same way, both must give the same verdict; the files that use 1.1+
 * features (which 1.0.2 rejects, or does not know and so accepts) are listed in differences.tsv, with
 * the upstream verdict asserted. A schema rule that accepts everything would fail the invalid files'
 * pointer test; one that rejects too much would fail the valid files.
 */
class SchemaCrossCheckTest {
    static SchemaCheck ours;
    static Upstream upstream;
    static final Corpus CONFIGS = Corpus.load("corpus");
    static final Corpus STATES = Corpus.load("state");

    @BeforeAll
    static void load() {
        ours = new SchemaCheck();
        if (Upstream.missing() == null) upstream = Upstream.load();
    }

    @Test
    void corpusIsBigAndConsistent() {
        assertTrue(CONFIGS.valid().size() >= 20, "valid configs: " + CONFIGS.valid().size());
        assertTrue(CONFIGS.invalid().size() >= 40, "invalid configs: " + CONFIGS.invalid().size());
        for (Corpus c : List.of(CONFIGS, STATES)) {
            List<String> invalidNames = c.invalid().stream().map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(invalidNames, c.pointers().keySet().stream().sorted().toList(),
                    c.dir() + ": every invalid file needs exactly one line in expected-pointers.tsv");
            for (String k : c.differences().keySet())
                assertTrue(java.nio.file.Files.exists(c.dir().resolve(k)), c.dir() + "/differences.tsv names a missing file " + k);
        }
    }

    @TestFactory
    Stream<DynamicTest> configsOurVerdict() { return ourVerdicts(CONFIGS, ours::config); }

    @TestFactory
    Stream<DynamicTest> statesOurVerdict() { return ourVerdicts(STATES, ours::state); }

    @TestFactory
    Stream<DynamicTest> configsAgreeWithUpstream() { return crossCheck(CONFIGS, () -> upstream::config, ours::config); }

    @TestFactory
    Stream<DynamicTest> statesAgreeWithUpstream() { return crossCheck(STATES, () -> upstream::state, ours::state); }

    /** Valid files give no error; each invalid file gives errors at its one expected pointer only. */
    private static Stream<DynamicTest> ourVerdicts(Corpus c, Function<byte[], List<SchemaCheck.Problem>> check) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : c.valid())
            tests.add(DynamicTest.dynamicTest(c.key(f), () -> assertEquals(List.of(), check.apply(Corpus.read(f)))));
        for (Path f : c.invalid()) {
            tests.add(DynamicTest.dynamicTest(c.key(f), () -> {
                List<SchemaCheck.Problem> ps = check.apply(Corpus.read(f));
                String want = c.pointers().get(f.getFileName().toString());
                assertFalse(ps.isEmpty(), c.key(f) + " was accepted; expected an error at " + want);
                for (SchemaCheck.Problem p : ps) assertEquals(want, p.pointer(), c.key(f) + ": " + ps);
            }));
        }
        return tests.stream();
    }

    private static Stream<DynamicTest> crossCheck(Corpus c,
            java.util.function.Supplier<Function<byte[], List<SchemaCheck.Problem>>> theirs,
            Function<byte[], List<SchemaCheck.Problem>> mine) {
        List<Path> all = new ArrayList<>(c.valid());
        all.addAll(c.invalid());
        return all.stream().map(f -> DynamicTest.dynamicTest(c.key(f), () -> {
            assumeTrue(upstream != null, Upstream.missing());
            byte[] doc = Corpus.read(f);
            boolean oursValid = mine.apply(doc).isEmpty();
            List<SchemaCheck.Problem> up = theirs.get().apply(doc);
            String[] diff = c.differences().get(c.key(f));
            if (diff == null) {
                assertEquals(oursValid, up.isEmpty(), c.key(f) + ": 1.0.2 and 1.3 should agree here, upstream said " + up);
            } else {
                boolean upValid = diff[0].equals("valid");
                assertTrue(diff[0].equals("valid") || diff[0].equals("invalid"), "differences.tsv verdict: " + diff[0]);
                assertEquals(upValid, up.isEmpty(), c.key(f) + ": documented upstream verdict " + diff[0] + ", got " + up);
                assertFalse(upValid == oursValid, c.key(f) + " is listed as a difference but both agree: drop it from differences.tsv");
            }
        }));
    }
}
