package io.jrunc.cgroup.systemd;

import io.jrunc.JruncException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the systemd driver puts a container: a parent slice and the container's own unit, from
 * linux.cgroupsPath of the form "slice:prefix:name" (runc's specconv and libcontainer/cgroups/systemd rules):
 * <ul>
 * <li>empty cgroupsPath: the default slice, unit "jrunc-&lt;id&gt;.scope" (runc: "runc-&lt;id&gt;.scope");
 * <li>an empty slice part: the default slice, system.slice (rootless: user.slice);
 * <li>a name ending in ".slice": that slice is the container's unit (the prefix is ignored), made with
 *     Wants= on the parent instead of Slice=; otherwise the unit is "prefix-name.scope";
 * <li>an empty name: the container id (runc would make "prefix-.scope", one name for every such container).
 * </ul>
 * A slice name "a-b.slice" lives at a.slice/a-b.slice in the cgroup tree ({@link #expandSlice}); "-.slice"
 * is the root.
 */
public record UnitName(String slice, String unit) {
    static final String POINTER = "/linux/cgroupsPath";
    static final String DEFAULT_PREFIX = "jrunc";

    public static UnitName parse(String cgroupsPath, String id, boolean rootless) {
        String def = rootless ? "user.slice" : "system.slice";
        if (cgroupsPath == null || cgroupsPath.isEmpty()) return new UnitName(def, checkUnit(DEFAULT_PREFIX + "-" + id + ".scope"));
        String[] parts = cgroupsPath.split(":", -1);
        if (parts.length != 3)
            throw JruncException.config(POINTER, "expected cgroupsPath to be of format \"slice:prefix:name\" for systemd cgroups, got \""
                    + cgroupsPath + "\" instead");
        String slice = parts[0].isEmpty() ? def : parts[0];
        expandSlice(slice); // validates
        String name = parts[2].isEmpty() ? id : parts[2];
        String unit = name.endsWith(".slice") ? name : parts[1] + "-" + name + ".scope";
        if (name.endsWith(".slice")) expandSlice(name);
        return new UnitName(slice, checkUnit(unit));
    }

    /** Whether the container's unit is a slice (made without Delegate=, processes put in through cgroupfs). */
    public boolean isSlice() { return unit.endsWith(".slice"); }

    /**
     * runc's ExpandSlice: "a-b-c.slice" is /a.slice/a-b.slice/a-b-c.slice; "-.slice" is "/" (the root). No
     * '/', no empty component ("a--b.slice", "-a.slice", "a-.slice").
     */
    public static String expandSlice(String slice) {
        if (slice.length() <= ".slice".length() || !slice.endsWith(".slice") || slice.contains("/"))
            throw JruncException.config(POINTER, "invalid slice name: " + slice);
        String base = slice.substring(0, slice.length() - ".slice".length());
        if (base.equals("-")) return "/";
        StringBuilder path = new StringBuilder();
        String prefix = "";
        for (String c : base.split("-", -1)) {
            if (c.isEmpty()) throw JruncException.config(POINTER, "invalid slice name: " + slice);
            path.append('/').append(prefix).append(c).append(".slice");
            prefix += c + "-";
        }
        checkUnit(slice);
        return path.toString();
    }

    /** The container's cgroup below the manager's own ("" for the system manager): slice path, then the unit. */
    public String cgroup(String managerCgroup) {
        String s = expandSlice(slice);
        List<String> parts = new ArrayList<>();
        for (String p : (managerCgroup + "/" + s).split("/")) if (!p.isEmpty()) parts.add(p);
        if (isSlice()) {
            // a slice unit's place is given by its own name (Wants= on the parent only orders it)
            parts.clear();
            for (String p : (managerCgroup + "/" + expandSlice(unit)).split("/")) if (!p.isEmpty()) parts.add(p);
            return "/" + String.join("/", parts);
        }
        parts.add(unit);
        return "/" + String.join("/", parts);
    }

    /** systemd's unit name rules (unit_name_is_valid, plain names): 0-9 A-Z a-z : - _ . \ and at most 255 bytes. */
    static String checkUnit(String unit) {
        if (unit.length() > 255) throw JruncException.config(POINTER, "systemd unit name too long (" + unit.length() + " > 255): " + unit);
        for (int i = 0; i < unit.length(); i++) {
            char c = unit.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == ':' || c == '-'
                    || c == '_' || c == '.' || c == '\\'))
                throw JruncException.config(POINTER, "invalid character '" + c + "' in systemd unit name \"" + unit
                        + "\" (allowed: letters, digits, ':', '-', '_', '.', '\\')");
        }
        return unit;
    }
}
