/**
 * jrunc as a library: run OCI containers from a JVM application, without a daemon and without exec'ing
 * a CLI.
 *
 * <pre>{@code
 * Jrunc jrunc = Jrunc.builder().root(Path.of("/run/my-app")).build();
 * int exit = jrunc.run("job-1", Path.of("/srv/bundles/job"));      // create, start, wait, delete
 *
 * try (Container c = jrunc.create("web-1", bundle, Stdio.pipes())) {   // or step by step
 *     c.start();
 *     String out = new String(c.stdout().readAllBytes());
 *     int code = c.waitFor();
 * }                                                                  // close() = delete --force
 * }</pre>
 *
 * <p><b>Who waits for a container.</b> The container's init is a child of the JVM that created it:
 * jrunc-init, which this JVM spawns, clones it with CLONE_PARENT. So {@link Container#waitFor()} reaps it
 * with waitpid(2) and returns its exit status; no subreaper is needed and none is set (making the
 * embedding JVM a subreaper would make it inherit every orphan of every library it runs). Processes
 * started with {@link Container#exec} are children of this JVM too. A container another process created
 * (found with {@link Jrunc#get}) cannot be reaped here: its {@code waitFor} polls until it stops and
 * returns -1.
 *
 * <p><b>No global state.</b> Each {@link Jrunc} holds its own engine (state root, flags, warning sink);
 * two instances on different roots, or many threads on one, do not interfere. Operations on one
 * container are serialised by a lock file in its state directory, as between CLI calls.
 *
 * <p><b>Errors</b> are {@link io.jrunc.JruncException} and its subclasses:
 * {@link io.jrunc.ConfigException} (with the JSON pointer of the offending config.json field),
 * {@link io.jrunc.NoSuchContainerException}, {@link io.jrunc.ContainerExistsException},
 * {@link io.jrunc.StatusException} (with the status found). A failed create leaves nothing behind.
 *
 * <p><b>Native pieces.</b> The API needs {@code libjrunc.so} and {@code jrunc-init}: found next to the jar
 * (or in {@code ../lib}, or, in a checkout, {@code native-helper/target}), or under the directory named by
 * the system property {@code jrunc.home}. Run the JVM as root (or as a user with a delegated cgroup, as
 * rootless runc) and with {@code --enable-native-access=ALL-UNNAMED} to silence the JDK's JNI warning.
 */
package io.jrunc.api;
