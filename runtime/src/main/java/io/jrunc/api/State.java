package io.jrunc.api;

import io.jrunc.state.Status;
import java.nio.file.Path;
import java.util.Map;

/**
 * A container's state as runtime-spec defines it (what `jrunc state` prints): status is the live one;
 * pid is 0 once stopped; created is RFC 3339.
 */
public record State(String id, Status status, int pid, Path bundle, Path rootfs, String created,
                    Map<String, String> annotations) {}
