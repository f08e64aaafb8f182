package io.jrunc.cgroup.systemd;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.cgroup.Cgroup;
import io.jrunc.sys.BusException;
import io.jrunc.sys.SdBus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The systemd cgroup driver (runc's --systemd-cgroup): the container's cgroup is a transient unit that
 * systemd makes and owns, started over D-Bus with the init's pid, Delegate=yes and the resources systemd
 * has properties for; everything else (and the same values again) is written to the unit's cgroup files by
 * the cgroupfs writer, as runc does. Freeze, kill, stats and pids are the cgroupfs writer's.
 *
 * <p>Create calls {@link #create()} and {@link #apply} before the init exists (they connect and decide),
 * then {@link #addProcess} with the init's pid, which starts the unit and waits for its job. A unit that
 * this object did not start is never stopped or removed by it (a name clash must not cost the other
 * unit anything).
 *
 * <p>state.json keeps {@link #systemd()} ({unit, bus}) next to the cgroup paths: update, delete and kill
 * --all work from those in later calls.
 */
public final class SystemdCgroup implements Cgroup {
    static final int JOB_TIMEOUT_MS = 30_000; // runc's

    private final String unit;
    private final boolean userBus;
    private final boolean slice;
    /** The cgroupfs writer on the unit's directory (every hierarchy on v1). */
    private final Cgroup fs;
    private final List<Property> unitProperties;
    private final Consumer<String> warn;
    private long bus;
    private int version = -2;
    private ResourceProperties pending;
    private boolean started;

    private SystemdCgroup(String unit, boolean userBus, boolean slice, Cgroup fs, List<Property> unitProperties,
                          Consumer<String> warn, boolean started) {
        this.unit = unit;
        this.userBus = userBus;
        this.slice = slice;
        this.fs = fs;
        this.unitProperties = unitProperties;
        this.warn = warn;
        this.started = started;
    }

    /**
     * The container's unit and cgroup (nothing is started yet). Rootless containers use the user's
     * systemd ($DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus), whose own cgroup the unit goes below.
     */
    public static SystemdCgroup forContainer(String id, String cgroupsPath, Map<String, String> annotations,
                                             Cgroup.Env env) {
        boolean rootless = env.rootless();
        Consumer<String> warn = env::warning;
        // rootless (io.jrunc.sys.Rootless.cgroups, runc's shouldUseRootlessCgroupManager: not root, or root
        // of a user namespace that is not the initial one, as rootless podman runs the runtime): the user's
        // systemd is the manager.
        UnitName n = UnitName.parse(cgroupsPath, id, rootless);
        List<Property> props = new ArrayList<>();
        props.add(Property.str("Description", "jrunc container " + id));
        if (n.isSlice()) {
            props.add(new Property("Wants", "as", List.of(n.slice())));
        } else {
            props.add(Property.str("Slice", n.slice()));
            props.add(Property.bool("Delegate", true));
        }
        // Accounting on for every controller, as runc: the same behaviour as the cgroupfs driver.
        props.add(Property.bool("MemoryAccounting", true));
        props.add(Property.bool("CPUAccounting", true));
        props.add(Property.bool("IOAccounting", true));
        props.add(Property.bool("TasksAccounting", true));
        props.add(Property.bool("DefaultDependencies", false));
        props.addAll(Annotations.properties(annotations));
        SystemdCgroup cg = new SystemdCgroup(n.unit(), rootless, n.isSlice(), null, props, warn, false);
        String managerCgroup = "";
        if (rootless) managerCgroup = cg.manager("ControlGroup");
        return new SystemdCgroup(n.unit(), rootless, n.isSlice(), Cgroup.forContainer(id, n.cgroup(managerCgroup), env), props,
                warn, false).withBus(cg.bus);
    }

    /** Re-opens what {@link #paths()} and {@link #systemd()} recorded at create (state.json). */
    public static SystemdCgroup load(Map<String, String> paths, Map<String, String> systemd, Cgroup.Env env) {
        String unit = systemd.get("unit");
        return new SystemdCgroup(unit, "user".equals(systemd.get("bus")), unit != null && unit.endsWith(".slice"),
                Cgroup.load(paths, env), List.of(), env::warning, true);
    }

    private SystemdCgroup withBus(long b) {
        bus = b;
        return this;
    }

    public String unit() { return unit; }

    @Override public Map<String, String> systemd() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("unit", unit);
        m.put("bus", userBus ? "user" : "system");
        return m;
    }

    // ---------------------------------------------------------------- D-Bus

    private long bus() {
        if (bus != 0) return bus;
        SdBus.load(); // libjrunc, which holds the natives (a delete or update may not have loaded it yet)
        try {
            bus = SdBus.open(userBus);
            io.jrunc.sys.Trace.mark("systemd: libsystemd loaded, bus connected");
        } catch (BusException e) {
            String where = userBus ? "the user's systemd (DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus)" : "systemd on the system bus";
            throw new JruncException("--systemd-cgroup: cannot connect to " + where + ": " + e.getMessage()
                    + " (is systemd running? without it use the default cgroupfs driver)", e);
        }
        return bus;
    }

    private String manager(String property) {
        try {
            return SdBus.managerProperty(bus(), property);
        } catch (BusException e) {
            throw new JruncException("--systemd-cgroup: cannot read systemd's " + property + ": " + e.getMessage(), e);
        }
    }

    /** systemd's major version ("252.38-1~deb12u1" -> 252), -1 if unreadable; asked once. */
    private int version() {
        if (version == -2) {
            version = -1;
            try {
                String v = SdBus.managerProperty(bus(), "Version").replaceFirst("^[\"v]+", "");
                int end = 0;
                while (end < v.length() && Character.isDigit(v.charAt(end))) end++;
                if (end > 0) version = Integer.parseInt(v.substring(0, end));
            } catch (BusException | NumberFormatException e) {
                warn.accept("unable to get systemd version: " + e.getMessage());
            }
        }
        return version;
    }

    private void close() {
        if (bus != 0) {
            SdBus.close(bus);
            bus = 0;
        }
    }

    // ---------------------------------------------------------------- Cgroup

    @Override public Map<String, String> paths() { return fs.paths(); }

    @Override public boolean isV2() { return fs.isV2(); }

    /** Connects (on create's cgroup thread, so it overlaps the planning); the unit comes with the pid. */
    @Override public void create() {
        bus();
        version();
    }

    /** Before the unit exists: decided and kept for the start. After: SetUnitProperties, then the files. */
    @Override public void apply(Spec.Resources r) {
        ResourceProperties rp = ResourceProperties.of(r, version(), warn);
        if (!started) {
            pending = rp;
            return;
        }
        if (!rp.properties().isEmpty()) {
            try {
                SdBus.setUnitProperties(bus(), unit, Property.encode(rp.properties()));
            } catch (BusException e) {
                throw new JruncException("unable to set unit properties of " + unit + ": " + e.getMessage(), e);
            }
        }
        if (rp.files() != null) fs.apply(files(rp));
    }

    /**
     * What the cgroupfs writer gets. Under the user's systemd no eBPF device filter: an unprivileged
     * process cannot load one (bpf(2) EPERM), and runc skips it there too (canSkipEBPFError); a rootless
     * container reaches only the devices its user may open anyway.
     */
    private Spec.Resources files(ResourceProperties rp) {
        Spec.Resources f = rp.files();
        if (f == null || !userBus || f.devices() == null) return f;
        return new Spec.Resources(null, f.memory(), f.cpu(), f.pids(), f.blockIO(), f.hugepageLimits(), f.network(), f.rdma(),
                f.unified());
    }

    /** The first pid starts the unit (StartTransientUnit with PIDs=, waits for the job); later ones join the files. */
    @Override public void addProcess(int pid) {
        if (started) {
            fs.addProcess(pid);
            return;
        }
        List<Property> props = new ArrayList<>(unitProperties);
        if (!slice) props.add(new Property("PIDs", "au", new int[]{pid}));
        if (pending != null) props.addAll(pending.properties());
        start(props);
        started = true;
        io.jrunc.sys.Trace.mark("systemd: unit started");
        fs.create();
        if (pending != null && pending.files() != null) fs.apply(files(pending));
        fs.addProcess(pid); // v2: already there; v1: the hierarchies systemd does not manage; a slice: the pid
    }

    private void start(List<Property> props) {
        byte[] encoded = Property.encode(props);
        String result;
        try {
            result = startOnce(encoded);
        } catch (BusException e) {
            if (!e.name().equals("org.freedesktop.systemd1.UnitExists")) throw startFailed(e);
            // A failed unit of that name may linger: reset it and try once more (runc does the same).
            try { SdBus.resetFailedUnit(bus(), unit); } catch (BusException ignored) { }
            try {
                result = startOnce(encoded);
            } catch (BusException again) {
                if (again.name().equals("org.freedesktop.systemd1.UnitExists"))
                    throw JruncException.config(UnitName.POINTER, "systemd unit " + unit + " already exists");
                throw startFailed(again);
            }
        }
        if (!result.equals("done")) {
            try { SdBus.resetFailedUnit(bus(), unit); } catch (BusException ignored) { }
            throw JruncException.config(UnitName.POINTER, "error creating systemd unit " + unit + ": job " + result);
        }
    }

    private String startOnce(byte[] encoded) { return SdBus.startTransientUnit(bus(), unit, encoded, JOB_TIMEOUT_MS); }

    private JruncException startFailed(BusException e) {
        String name = e.name();
        // systemd names a refused property in its message ("Unknown assignment", "Invalid ..."): the
        // annotations are where such properties come from, the slice and name from cgroupsPath.
        String where = name.equals("org.freedesktop.DBus.Error.InvalidArgs") || name.equals("org.freedesktop.DBus.Error.PropertyReadOnly")
                ? "/annotations (org.systemd.property.*) or /linux/resources" : UnitName.POINTER;
        return JruncException.config(where, "unable to start systemd unit " + unit + ": " + e.getMessage() + " (" + name + ")");
    }

    @Override public List<Integer> pids() { return fs.pids(); }

    @Override public String procsDir() { return fs.procsDir(); }

    @Override public void freeze() { fs.freeze(); }

    @Override public void thaw() { fs.thaw(); }

    @Override public boolean isFrozen() { return fs.isFrozen(); }

    @Override public void killAll(int signal) { fs.killAll(signal); }

    /**
     * Only for a unit this object started (or one state.json names): kill what is left and remove the
     * directories (so that systemd's stop does not wait for processes), then StopUnit and ResetFailedUnit,
     * so that neither the unit (a failed scope stays loaded, e.g. after an OOM kill) nor its cgroup remain.
     */
    @Override public void destroy() {
        try {
            if (!started) return;
            fs.destroy();
            try {
                String r = SdBus.stopUnit(bus(), unit, JOB_TIMEOUT_MS);
                if (!r.equals("done")) warn.accept("error removing unit " + unit + ": got " + r + ". Continuing...");
            } catch (BusException e) {
                if (!e.name().equals("org.freedesktop.systemd1.NoSuchUnit"))
                    throw new JruncException("unable to stop systemd unit " + unit + ": " + e.getMessage(), e);
            }
            try { SdBus.resetFailedUnit(bus(), unit); } catch (BusException ignored) { }
        } finally {
            close();
        }
    }

    /**
     * Moves pid into a transient scope unit of its own (StartTransientUnit with PIDs=, Slice=system.slice, on the
     * system bus), waiting for the job: the planner's place under systemd (docs/planner.md, "Where it runs"), out
     * of the unit that started it. The scope goes when its last process exits. A unit of that name left failed
     * is reset and the start tried once more; any other failure throws (the caller falls back).
     */
    public static void startScope(String unit, String description, int pid) {
        SdBus.load();
        long bus;
        try {
            bus = SdBus.open(false);
        } catch (BusException e) {
            throw new JruncException("cannot connect to systemd on the system bus: " + e.getMessage(), e);
        }
        try {
            byte[] props = Property.encode(List.of(Property.str("Description", description), Property.str("Slice", "system.slice"),
                    new Property("PIDs", "au", new int[]{pid})));
            String r;
            try {
                r = SdBus.startTransientUnit(bus, unit, props, JOB_TIMEOUT_MS);
            } catch (BusException e) {
                if (!e.name().equals("org.freedesktop.systemd1.UnitExists"))
                    throw new JruncException("unable to start systemd unit " + unit + ": " + e.getMessage() + " (" + e.name() + ")", e);
                try { SdBus.resetFailedUnit(bus, unit); } catch (BusException ignored) { }
                try {
                    r = SdBus.startTransientUnit(bus, unit, props, JOB_TIMEOUT_MS);
                } catch (BusException again) {
                    throw new JruncException("unable to start systemd unit " + unit + ": " + again.getMessage() + " (" + again.name() + ")", again);
                }
            }
            if (!r.equals("done")) {
                try { SdBus.resetFailedUnit(bus, unit); } catch (BusException ignored) { }
                throw new JruncException("error creating systemd unit " + unit + ": job " + r);
            }
        } finally {
            SdBus.close(bus);
        }
    }

    @Override public Map<String, Object> stats() { return fs.stats(); }

    @Override public long oomKillCount() { return fs.oomKillCount(); }

    @Override public List<Hierarchy> hierarchies() { return fs.hierarchies(); }
}
