package io.jrunc.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A test corpus directory: {@code valid/*.json}, {@code invalid/*.json}, {@code expected-pointers.tsv}
 * (invalid file -> the pointer its one broken rule is at) and {@code differences.tsv} (file -> the
 * verdict of the upstream 1.0.2 schema where it is expected to differ from ours, with the reason).
 */
record Corpus(Path dir, List<Path> valid, List<Path> invalid, Map<String, String> pointers,
              Map<String, String[]> differences) {

    static Corpus load(String name) {
        try {
            Path dir = Path.of(Corpus.class.getResource("/" + name).toURI());
            return new Corpus(dir, files(dir.resolve("valid")), files(dir.resolve("invalid")),
                    tsv(dir.resolve("expected-pointers.tsv"), 2).entrySet().stream().collect(
                            LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()[0]), Map::putAll),
                    tsv(dir.resolve("differences.tsv"), 3));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of tab-separated columns, '#' comments; key = first column, value = the others. */
    private static Map<String, String[]> tsv(Path f, int columns) {
        Map<String, String[]> m = new LinkedHashMap<>();
        if (!Files.exists(f)) return m;
        try {
            for (String line : Files.readAllLines(f)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] c = line.split("\t", -1);
                if (c.length != columns) throw new IllegalStateException(f + ": want " + columns + " columns: " + line);
                if (m.put(c[0], java.util.Arrays.copyOfRange(c, 1, c.length)) != null)
                    throw new IllegalStateException(f + ": duplicate " + c[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** "valid/x.json" or "invalid/x.json". */
    String key(Path file) { return dir.relativize(file).toString(); }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
