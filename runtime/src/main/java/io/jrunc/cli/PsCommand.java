package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.state.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jrunc ps [--format table|json] ID [ps options]}: json is the container's pids; table is ps(1)'s
 * output (default -ef) filtered to them, as runc does.
 */
final class PsCommand {
    private PsCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("ps", Commands.flags("ps")).keepOrder().parse(argv);
        if (Cli.help(a)) return 0;
        List<Integer> pids = c.engine().pids(a.id());
        String fmt = a.value("format", "table");
        if (fmt.equals("json")) {
            System.out.print(Json.write(pids) + "\n");
            return 0;
        }
        if (!fmt.equals("table")) throw new JruncException("invalid format option");
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(a.positional.size() > 1 ? a.positional.subList(1, a.positional.size()) : List.of("-ef"));
        String out;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) { out = new String(in.readAllBytes()); }
            p.waitFor();
        } catch (IOException | InterruptedException e) {
            throw new JruncException("ps: " + e.getMessage(), e);
        }
        System.out.print(filter(out, pids));
        return 0;
    }

    /** ps(1)'s header and the lines whose PID column is one of pids. */
    static String filter(String psOutput, List<Integer> pids) {
        String[] lines = psOutput.split("\n");
        if (lines.length == 0 || lines[0].isEmpty()) return "";
        int pidCol = List.of(lines[0].trim().split("\\s+")).indexOf("PID");
        if (pidCol < 0) throw new JruncException("couldn't find PID field in ps output");
        StringBuilder sb = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            try {
                if (f.length > pidCol && pids.contains(Integer.parseInt(f[pidCol]))) sb.append(lines[i]).append('\n');
            } catch (NumberFormatException e) {
                throw new JruncException("ps: unexpected PID \"" + f[pidCol] + "\" in ps output", e);
            }
        }
        return sb.toString();
    }
}
