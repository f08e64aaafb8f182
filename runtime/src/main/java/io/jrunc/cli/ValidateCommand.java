package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.bundle.ConfigReader;
import io.jrunc.bundle.Spec;
import io.jrunc.bundle.Validator;
import io.jrunc.sys.Home;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * {@code jrunc validate [--bundle DIR] [--state FILE]}: the runtime-spec 1.3 schemas (module
 * spec-schemas) plus the semantic checks create makes (io.jrunc.bundle.Validator), one line per problem,
 * {@code config.json <pointer>: <message>}, exit 1 if there is any.
 *
 * <p>The schema engine (networknt, jackson-databind, and the jackson-core they need, newer than the
 * runtime's) lives outside the runtime's class path, in a class loader made here whose parent is the
 * platform loader: nothing of it is loaded by any other command, and its Jackson never meets the
 * runtime's. Only JDK types cross: {@code BiFunction<String, byte[], List<String[]>>}.
 */
final class ValidateCommand {
    private ValidateCommand() {}

    static final String ENGINE = "io.jrunc.schemas.SchemaCheck";
    static final String SPEC = "runtime-spec 1.3";

    static int run(List<String> argv) {
        Args a = new Args("validate", Commands.flags("validate")).parse(argv);
        if (a.bool("help")) {
            System.out.print(Help.command("validate"));
            return 0;
        }
        if (!a.positional.isEmpty()) throw new JruncException("\"validate\" takes no arguments, got " + a.positional);
        String bundle = a.value("bundle");
        String state = a.value("state");
        BiFunction<String, byte[], List<String[]>> engine = engine(Home.root());
        boolean ok = true;
        if (bundle != null || state == null) ok = config(engine, Path.of(bundle == null ? "" : bundle).toAbsolutePath());
        if (state != null) ok &= state(engine, Path.of(state));
        System.out.flush();
        return ok ? 0 : 1;
    }

    private static boolean config(BiFunction<String, byte[], List<String[]>> engine, Path bundle) {
        byte[] json = read(bundle.resolve("config.json"), "config.json");
        List<String[]> schema = engine.apply("config", json);
        for (String[] p : schema) System.out.println("config.json " + (p[0].isEmpty() ? "/" : p[0]) + ": " + p[1]);
        // Create's checks only once the schema is satisfied: their reader fills in absent fields with
        // defaults, so on a document the schema rejects they report consequences (a missing rlimit
        // "hard" becomes "soft is above hard 0") rather than causes.
        if (!schema.isEmpty()) return false;
        try {
            Spec spec = ConfigReader.parse(json);
            for (String w : Validator.validate(spec, bundle)) System.out.println("warning: " + w);
        } catch (JruncException e) {
            String m = e.userMessage();
            System.out.println(m.startsWith("config.json") ? m : "config.json: " + m);
            return false;
        }
        System.out.println("config.json: valid (" + SPEC + ")");
        return true;
    }

    private static boolean state(BiFunction<String, byte[], List<String[]>> engine, Path file) {
        List<String[]> ps = engine.apply("state", read(file, "state"));
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        for (String[] p : ps) System.out.println(name + " " + (p[0].isEmpty() ? "/" : p[0]) + ": " + p[1]);
        if (ps.isEmpty()) System.out.println(name + ": valid (" + SPEC + ")");
        return ps.isEmpty();
    }

    private static byte[] read(Path f, String what) {
        try {
            return Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new JruncException(what + ": " + f + " does not exist");
        } catch (IOException e) {
            throw new JruncException(what + ": cannot read " + f + ": " + JruncException.errno(e), e);
        }
    }

    /**
     * The engine's class path: in a checkout, spec-schemas/target/classes and the jars its build copies
     * to spec-schemas/target/lib; in an install, the jars in lib/validate.
     */
    static List<Path> enginePath(Path home) {
        List<Path> cp = new ArrayList<>();
        Path classes = home.resolve("spec-schemas/target/classes");
        Path lib = home.resolve("spec-schemas/target/lib");
        if (Files.isDirectory(classes)) {
            cp.add(classes);
        } else {
            lib = home.resolve("lib/validate");
        }
        if (Files.isDirectory(lib)) {
            try (Stream<Path> s = Files.list(lib)) {
                s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(cp::add);
            } catch (IOException e) {
                throw new JruncException("validate: cannot list " + lib + ": " + e.getMessage(), e);
            }
        }
        return cp;
    }

    @SuppressWarnings("unchecked")
    static BiFunction<String, byte[], List<String[]>> engine(Path home) {
        List<Path> cp = enginePath(home);
        if (cp.isEmpty()) throw new JruncException("validate: the schema engine is not built: neither "
                + home.resolve("spec-schemas/target/classes") + " nor " + home.resolve("lib/validate")
                + " exists (run mvn package in " + home + ")");
        List<URL> urls = new ArrayList<>();
        try {
            for (Path p : cp) urls.add(p.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        ClassLoader loader = new URLClassLoader("jrunc-validate", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        try {
            return (BiFunction<String, byte[], List<String[]>>) Class.forName(ENGINE, true, loader)
                    .getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new JruncException("validate: cannot load the schema engine " + ENGINE + " from " + cp + ": " + e, e);
        }
    }
}
