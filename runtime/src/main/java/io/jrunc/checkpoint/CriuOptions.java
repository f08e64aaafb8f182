package io.jrunc.checkpoint;

import io.jrunc.JruncException;

/**
 * The criu-related flags of `checkpoint` and `restore`, as runc 1.1 has them (checkpoint.go, restore.go,
 * utils_linux.go:criuOptions), already checked. Paths are as given (relative ones are the caller's cwd's).
 *
 * @param manageCgroupsMode soft (runc's default, also when empty), full, strict or ignore
 * @param emptyNsNet        --empty-ns network: criu makes the network namespace but restores nothing in it
 * @param pageServer        ADDRESS:PORT or null
 * @param statusFd          -1 for none
 */
public record CriuOptions(String imagePath, String workPath, String parentPath, boolean leaveRunning,
                          boolean tcpEstablished, boolean tcpSkipInFlight, boolean tcpClose, boolean linkRemap,
                          boolean extUnixSk, boolean shellJob, boolean fileLocks, boolean preDump,
                          String manageCgroupsMode, boolean emptyNsNet, boolean autoDedup, boolean lazyPages,
                          int statusFd, String pageServer, String lsmProfile, String lsmMountContext) {

    public CriuOptions {
        manageCgroupsMode = manageCgroupsMode(manageCgroupsMode);
        if (pageServer != null && !pageServer.isEmpty()) pageServerHost(pageServer); // checks the form
        if (pageServer != null && pageServer.isEmpty()) pageServer = null;
        if (lsmProfile != null && lsmProfile.isEmpty()) lsmProfile = null;
        if (lsmMountContext != null && lsmMountContext.isEmpty()) lsmMountContext = null;
    }

    /** runc: soft (default), full, strict; newer runc also ignore. criu's own "none"/"props" are not runc's. */
    static String manageCgroupsMode(String m) {
        if (m == null || m.isEmpty()) return "soft";
        return switch (m) {
            case "soft", "full", "strict", "ignore" -> m;
            default -> throw new JruncException("Invalid manage cgroups mode: " + m + " (soft, full, strict or ignore)");
        };
    }

    /** runc's --empty-ns: only "network" is supported (the one namespace criu can create empty). */
    public static boolean parseEmptyNs(String v) {
        if (v == null || v.isEmpty()) return false;
        if (v.equals("network")) return true;
        throw new JruncException("namespace \"" + v + "\" is not supported by --empty-ns (only \"network\")");
    }

    /** ADDRESS:PORT (an IPv6 address in brackets), as runc's net.SplitHostPort check. */
    static String[] pageServerHost(String ps) {
        int colon = ps.lastIndexOf(':');
        String host = colon < 0 ? "" : ps.substring(0, colon);
        String port = colon < 0 ? "" : ps.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.indexOf(':') >= 0) host = "";
        if (host.isEmpty() || port.isEmpty()) throw new JruncException("Use --page-server ADDRESS:PORT to specify page server");
        try {
            int p = Integer.parseInt(port);
            if (p <= 0 || p > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new JruncException("Invalid port number: " + port);
        }
        return new String[]{host, port};
    }
}
