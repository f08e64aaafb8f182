package io.jrunc.container;

import io.jrunc.bundle.Spec;
import java.util.Map;

/**
 * An exec: the process (already merged with the container's, as runc's exec builds it), runc's exec flags,
 * and subCgroups (exec --cgroup: controller, or "" for all, to a sub-cgroup of the container's; null: none).
 */
public record ExecOptions(String id, Spec.Process process, String pidFile, String consoleSocket,
                          String pidfdSocket, int preserveFds, boolean ignorePaused, Map<String, String> subCgroups) {}
