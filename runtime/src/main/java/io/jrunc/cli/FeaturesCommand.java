package io.jrunc.cli;

import io.jrunc.mount.MountOptions;
import io.jrunc.plan.Caps;
import io.jrunc.state.ContainerState;
import io.jrunc.state.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code jrunc features}: what this build implements (runtime-spec features.md). */
final class FeaturesCommand {
    private FeaturesCommand() {}

    /** runtime-spec features.md; every entry here is implemented (anything else is left out). */
    static int run(List<String> argv) {
        Args a = new Args("features", Commands.flags("features")).parse(argv);
        if (Cli.help(a)) return 0;
        System.out.print(featuresText());
        return 0;
    }

    /**
     * `features`' exact output, fixed per build: runtime-spec 1.3 features.md describes what the runtime
     * implements, "irrelevant to the availability ... on the host" (AppArmor, SELinux, idmap mounts are
     * supported by jrunc; whether this host has them decides at create). FrontCache stores it for the C front.
     */
    static String featuresText() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ociVersionMin", "1.0.0");
        f.put("ociVersionMax", ContainerState.OCI_VERSION);
        f.put("hooks", List.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"));
        f.put("mountOptions", MountOptions.known());
        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of("cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"));
        linux.put("capabilities", Caps.NAMES);
        Map<String, Object> cg = new LinkedHashMap<>();
        cg.put("v1", true);
        cg.put("v2", true);
        // the driver is built in (libsystemd is dlopen()ed when used), as runc reports it
        cg.put("systemd", true);
        cg.put("systemdUser", true);
        cg.put("rdma", false);
        linux.put("cgroup", cg);
        Map<String, Object> sc = new LinkedHashMap<>();
        sc.put("enabled", true);
        sc.put("actions", io.jrunc.seccomp.SeccompCompiler.ACTIONS);
        sc.put("operators", io.jrunc.seccomp.SeccompCompiler.OPERATORS);
        sc.put("archs", io.jrunc.seccomp.SeccompCompiler.FEATURE_ARCHS);
        sc.put("knownFlags", io.jrunc.seccomp.SeccompCompiler.KNOWN_FLAGS);
        sc.put("supportedFlags", io.jrunc.seccomp.SeccompCompiler.SUPPORTED_FLAGS);
        linux.put("seccomp", sc);
        linux.put("apparmor", Map.of("enabled", true));
        linux.put("selinux", Map.of("enabled", true));
        Map<String, Object> rdt = new LinkedHashMap<>();
        rdt.put("enabled", false);
        rdt.put("schemata", false);
        linux.put("intelRdt", rdt);
        linux.put("mountExtensions", Map.of("idmap", Map.of("enabled", true)));
        linux.put("netDevices", Map.of("enabled", false));
        f.put("linux", linux);
        f.put("annotations", Map.of("io.jrunc.version", Main.VERSION));
        // no annotation of config.json changes what jrunc does (runc: "bundle", "org.systemd.property.", ...)
        f.put("potentiallyUnsafeConfigAnnotations", List.of());
        return Json.pretty(f) + "\n";
    }
}
