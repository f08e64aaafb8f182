package io.jrunc.cli;

import io.jrunc.JruncException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Help, man pages and shell completion from one markdown source (`jrunc.md` next to this class): one
 * `# jrunc CMD` section per command with its one-line summary, `## SYNOPSIS`, `## DESCRIPTION` and
 * `## OPTIONS` (one "- `--flag value, -f value`: text" line per flag). `jrunc CMD --help` renders it as runc
 * (urfave/cli) does; the build writes roff man pages (`jrunc.8`, `jrunc-CMD.8`) and a bash completion from
 * it (`__man DIR`). Only loaded for help and at build time, never on the create path.
 */
final class Help {
    private Help() {}

    /** One section of the source. */
    record Section(String name, String summary, String synopsis, String description, List<String[]> options) {}

    private static Map<String, Section> sections;

    static synchronized Map<String, Section> sections() {
        if (sections != null) return sections;
        String text;
        try (InputStream in = Help.class.getResourceAsStream("jrunc.md")) {
            if (in == null) throw new JruncException("help source jrunc.md missing from the jar");
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new JruncException("cannot read the help source: " + e.getMessage(), e);
        }
        sections = parse(text);
        return sections;
    }

    static Map<String, Section> parse(String text) {
        Map<String, Section> out = new LinkedHashMap<>();
        String name = null, summary = null, part = null;
        StringBuilder syn = new StringBuilder(), desc = new StringBuilder();
        List<String[]> opts = new ArrayList<>();
        for (String line : (text + "\n# end\n").split("\n", -1)) {
            if (line.startsWith("# ")) {
                if (name != null) out.put(name, new Section(name, summary, syn.toString().strip(), desc.toString().strip(), opts));
                String t = line.substring(2).trim();
                name = t.equals("jrunc") ? "" : t.startsWith("jrunc ") ? t.substring(6) : null;
                summary = null;
                part = "summary";
                syn = new StringBuilder();
                desc = new StringBuilder();
                opts = new ArrayList<>();
            } else if (line.startsWith("## ")) {
                part = line.substring(3).trim();
            } else if ("summary".equals(part)) {
                if (!line.isBlank() && summary == null) summary = line.trim();
            } else if ("SYNOPSIS".equals(part)) {
                syn.append(line).append('\n');
            } else if ("DESCRIPTION".equals(part)) {
                desc.append(line).append('\n');
            } else if ("OPTIONS".equals(part) && line.startsWith("- `")) {
                int end = line.indexOf("`:", 3);
                opts.add(new String[]{line.substring(3, end), line.substring(end + 2).trim()});
            }
        }
        return out;
    }

    /** The flag names of an option line: "--bundle value, -b value" -> bundle, b. */
    static List<String> names(String flags) {
        List<String> l = new ArrayList<>();
        for (String f : flags.split(",")) {
            String t = f.trim();
            int sp = t.indexOf(' ');
            if (sp > 0) t = t.substring(0, sp);
            l.add(t.replaceFirst("^-+", ""));
        }
        return l;
    }

    static boolean has(String cmd) {
        return !cmd.isEmpty() && sections().containsKey(cmd);
    }

    /** runc's `CMD --help` layout. */
    static String command(String cmd) {
        Section s = sections().get(cmd);
        StringBuilder sb = new StringBuilder();
        sb.append("NAME:\n   jrunc ").append(cmd).append(" - ").append(s.summary()).append("\n\nUSAGE:\n   ")
                .append(s.synopsis()).append("\n");
        if (!s.description().isEmpty()) sb.append("\nDESCRIPTION:\n").append(indent(s.description())).append("\n");
        if (!s.options().isEmpty()) sb.append("\nOPTIONS:\n").append(options(s.options()));
        return sb.toString();
    }

    /** The top-level help: every command with its summary, the global options. */
    static String top() {
        Section s = sections().get("");
        StringBuilder sb = new StringBuilder();
        sb.append("NAME:\n   jrunc - ").append(s.summary()).append("\n\nUSAGE:\n   ").append(s.synopsis())
                .append("\n\nVERSION:\n   ").append(Main.VERSION).append("\n\nDESCRIPTION:\n").append(indent(s.description()))
                .append("\n\nCOMMANDS:\n");
        int w = 0;
        for (Section c : sections().values()) if (!c.name().isEmpty()) w = Math.max(w, label(c).length());
        for (Section c : sections().values()) {
            if (c.name().isEmpty()) continue;
            sb.append("   ").append(pad(label(c), w + 2)).append(c.summary()).append('\n');
        }
        sb.append("\nGLOBAL OPTIONS:\n").append(options(s.options()));
        return sb.toString();
    }

    private static String label(Section c) {
        return c.name().equals("help") ? "help, h" : c.name();
    }

    private static String options(List<String[]> opts) {
        int w = 0;
        for (String[] o : opts) w = Math.max(w, o[0].length());
        StringBuilder sb = new StringBuilder();
        for (String[] o : opts) sb.append("   ").append(pad(o[0], w + 2)).append(o[1]).append('\n');
        return sb.toString();
    }

    private static String indent(String text) {
        StringBuilder sb = new StringBuilder();
        for (String l : text.split("\n", -1)) sb.append(l.isEmpty() ? "" : "   ").append(l).append('\n');
        return sb.toString().stripTrailing();
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s + " " : s + " ".repeat(w - s.length());
    }

    // ---- build time: man pages and completion -------------------------------------------------------

    /** `__man DIR`: DIR/man8/jrunc.8, DIR/man8/jrunc-CMD.8 and DIR/completion/jrunc (bash). */
    static int writeAll(List<String> argv) {
        if (argv.size() != 1) throw new JruncException("usage: __man DIR");
        Path dir = Path.of(argv.get(0));
        try {
            Files.createDirectories(dir.resolve("man8"));
            Files.createDirectories(dir.resolve("completion"));
            for (Section s : sections().values()) {
                String page = s.name().isEmpty() ? "jrunc" : "jrunc-" + s.name();
                Files.writeString(dir.resolve("man8").resolve(page + ".8"), man(s));
            }
            Files.writeString(dir.resolve("completion").resolve("jrunc"), bash());
        } catch (IOException e) {
            throw new JruncException("cannot write the man pages under " + dir + ": " + e.getMessage(), e);
        }
        return 0;
    }

    static String man(Section s) {
        String title = s.name().isEmpty() ? "jrunc" : "jrunc-" + s.name();
        StringBuilder sb = new StringBuilder();
        sb.append(".TH \"").append(title.toUpperCase()).append("\" \"8\" \"\" \"jrunc ").append(Main.VERSION)
                .append("\" \"jrunc manual\"\n.SH NAME\n").append(roff(title)).append(" \\- ").append(roff(s.summary()))
                .append("\n.SH SYNOPSIS\n.B ").append(roff(s.synopsis())).append('\n');
        if (!s.description().isEmpty()) {
            sb.append(".SH DESCRIPTION\n");
            boolean pre = false;
            for (String l : s.description().split("\n", -1)) {
                boolean code = l.startsWith("    ");
                if (code && !pre) { sb.append(".PP\n.nf\n"); pre = true; }
                if (!code && pre && !l.isEmpty()) { sb.append(".fi\n"); pre = false; }
                if (l.isEmpty()) { if (!pre) sb.append(".PP\n"); continue; }
                sb.append(roff(code ? l.substring(4) : l)).append('\n');
            }
            if (pre) sb.append(".fi\n");
        }
        if (!s.options().isEmpty()) {
            sb.append(".SH OPTIONS\n");
            for (String[] o : s.options()) sb.append(".TP\n.B ").append(roff(o[0])).append('\n').append(roff(o[1])).append('\n');
        }
        if (s.name().isEmpty()) {
            sb.append(".SH COMMANDS\n");
            for (Section c : sections().values())
                if (!c.name().isEmpty()) sb.append(".TP\n.B ").append(c.name()).append('\n').append(roff(c.summary()))
                        .append(" (see \\fBjrunc\\-").append(c.name()).append("\\fP(8))\n");
        } else {
            sb.append(".SH SEE ALSO\n\\fBjrunc\\fP(8)\n");
        }
        return sb.toString();
    }

    private static String roff(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) t = "\\&" + t;
        return t;
    }

    /** Bash completion: commands, then each command's flags (and container ids from `jrunc list -q`). */
    static String bash() {
        StringBuilder cmds = new StringBuilder();
        StringBuilder cases = new StringBuilder();
        for (Section s : sections().values()) {
            if (s.name().isEmpty()) continue;
            cmds.append(s.name()).append(' ');
            StringBuilder fl = new StringBuilder("--help");
            for (String[] o : s.options()) for (String n : names(o[0])) fl.append(' ').append(n.length() == 1 ? "-" : "--").append(n);
            cases.append("        ").append(s.name()).append(") flags=\"").append(fl).append("\" ;;\n");
        }
        StringBuilder global = new StringBuilder();
        for (String[] o : sections().get("").options()) for (String n : names(o[0])) global.append(n.length() == 1 ? "-" : "--").append(n).append(' ');
        return "# bash completion for jrunc (generated from jrunc.md by the build)\n"
                + "_jrunc() {\n"
                + "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"\" i flags\n"
                + "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                + "        case \"${COMP_WORDS[i]}\" in\n"
                + "            --root|--log|--log-format|--criu|--rootless) ((i++)) ;;\n"
                + "            -*) ;;\n"
                + "            *) cmd=\"${COMP_WORDS[i]}\"; break ;;\n"
                + "        esac\n"
                + "    done\n"
                + "    if [[ -z \"$cmd\" ]]; then\n"
                + "        if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"" + global.toString().trim() + "\" -- \"$cur\"))\n"
                + "        else COMPREPLY=($(compgen -W \"" + cmds.toString().trim() + "\" -- \"$cur\")); fi\n"
                + "        return\n"
                + "    fi\n"
                + "    case \"$cmd\" in\n" + cases
                + "        *) flags=\"--help\" ;;\n"
                + "    esac\n"
                + "    if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\")); return; fi\n"
                + "    case \"$cmd\" in\n"
                + "        help) COMPREPLY=($(compgen -W \"" + cmds.toString().trim() + "\" -- \"$cur\")) ;;\n"
                + "        spec|list|features|validate) ;;\n"
                + "        *) COMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" list -q 2>/dev/null)\" -- \"$cur\")) ;;\n"
                + "    esac\n"
                + "}\n"
                + "complete -o default -F _jrunc jrunc\n";
    }
}
