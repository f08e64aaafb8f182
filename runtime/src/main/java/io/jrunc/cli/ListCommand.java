package io.jrunc.cli;

import io.jrunc.JruncException;
import io.jrunc.container.Engine;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import io.jrunc.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code jrunc list [--format table|json] [--quiet]}. */
final class ListCommand {
    private ListCommand() {}

    static int run(Cli c, List<String> argv) {
        Args a = new Args("list", Commands.flags("list")).parse(argv);
        if (Cli.help(a)) return 0;
        Engine e = c.engine();
        StateStore store = e.store();
        List<Map<String, Object>> all = new ArrayList<>();
        for (String id : store.ids()) {
            ContainerState s;
            try {
                s = store.load(id);
            } catch (JruncException x) {
                continue;
            }
            all.add(s.toList(e.status(s).ociName(), store.owner(id).name()));
        }
        if (a.bool("quiet")) {
            for (Map<String, Object> m : all) System.out.println(m.get("id"));
            return 0;
        }
        String fmt = a.value("format", "table");
        if (fmt.equals("json")) {
            System.out.print(Json.write(all) + "\n");
            return 0;
        }
        if (!fmt.equals("table")) throw new JruncException("invalid format option");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"});
        for (Map<String, Object> m : all)
            rows.add(new String[]{(String) m.get("id"), String.valueOf(m.get("pid")), (String) m.get("status"),
                    (String) m.get("bundle"), (String) m.get("created"), (String) m.get("owner")});
        System.out.print(table(rows));
        return 0;
    }

    /** Go's tabwriter as runc configures it: minwidth 12, padding 3; the last column is not padded. */
    static String table(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) for (int i = 0; i < cols - 1; i++) w[i] = Math.max(w[i], Math.max(12, r[i].length() + 3));
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                sb.append(r[i]);
                if (i < cols - 1) sb.append(" ".repeat(w[i] - r[i].length()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
