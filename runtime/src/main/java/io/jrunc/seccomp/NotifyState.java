package io.jrunc.seccomp;

import io.jrunc.JruncException;
import io.jrunc.bundle.Spec;
import io.jrunc.state.Json;
import io.jrunc.sys.Linux;
import io.jrunc.sys.LinuxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands a seccomp listener fd to the agent at linux.seccomp.listenerPath, as runtime-spec 1.1+ says: one
 * message on a new SOCK_STREAM connection carrying the fd (SCM_RIGHTS) and, as data, the container process
 * state {@code {"ociVersion","fds":["seccompFd"],"pid","metadata","state":{...}}}. runc sends the same
 * shape; agents written for it (e.g. runc's contrib seccompagent) parse ours.
 */
public final class NotifyState {
    private NotifyState() {}

    /** The JSON the agent receives; pid is the process that installed the filter (init or exec'd process). */
    static String json(int pid, String metadata, Map<String, Object> containerState) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", io.jrunc.state.ContainerState.OCI_VERSION);
        m.put("fds", List.of("seccompFd"));
        m.put("pid", pid);
        if (metadata != null && !metadata.isEmpty()) m.put("metadata", metadata);
        m.put("state", containerState);
        return Json.write(m);
    }

    /** Sends and closes the fd, whatever happens; a failure fails the create or exec (runc does too). */
    public static void send(Linux sys, Spec.Seccomp s, int listenerFd, int pid, Map<String, Object> containerState) {
        try {
            sys.sendFd(s.listenerPath(), json(pid, s.listenerMetadata(), containerState).getBytes(StandardCharsets.UTF_8),
                    listenerFd);
        } catch (LinuxException e) {
            throw JruncException.config("/linux/seccomp/listenerPath", "cannot hand the seccomp listener to the agent at "
                    + s.listenerPath() + ": " + e.getMessage(), "is the seccomp agent listening on that socket?");
        } finally {
            sys.close(listenerFd);
        }
    }
}
