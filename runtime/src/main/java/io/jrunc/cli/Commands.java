package io.jrunc.cli;

import io.jrunc.JruncException;
import java.util.List;

/**
 * The command table: each runc command to its class (one class per command, each parsing its flags,
 * calling the engine and printing runc's output), and each command's flags.
 */
final class Commands {
    private Commands() {}

    static int dispatch(Cli c, String cmd, List<String> argv) {
        return switch (cmd) {
            case "create" -> CreateCommand.run(c, argv);
            case "start" -> StartCommand.run(c, argv);
            case "run" -> RunCommand.run(c, argv);
            case "state" -> StateCommand.run(c, argv);
            case "kill" -> KillCommand.run(c, argv);
            case "delete" -> DeleteCommand.run(c, argv);
            case "list" -> ListCommand.run(c, argv);
            case "pause" -> PauseCommand.run(c, argv, true);
            case "resume" -> PauseCommand.run(c, argv, false);
            case "ps" -> PsCommand.run(c, argv);
            case "spec" -> SpecCommand.run(c, argv);
            case "features" -> FeaturesCommand.run(argv);
            case "validate" -> ValidateCommand.run(argv);
            case "__aot-training" -> Training.run();
            case "__front-cache" -> FrontCache.write(argv);
            case "__planner" -> io.jrunc.planner.Server.main(c.root, argv);
            case "exec" -> ExecCommand.run(c, argv);
            case "update" -> UpdateCommand.run(c, argv);
            case "events" -> EventsCommand.run(c, argv);
            case "checkpoint" -> CheckpointCommand.run(c, argv);
            case "restore" -> RestoreCommand.run(c, argv);
            case "help", "h" -> help(argv);
            case "__man" -> Help.writeAll(argv);
            // runc (urfave/cli): exit 3, the same words as for an unknown help topic
            default -> throw new UsageException("No help topic for '" + cmd + "'");
        };
    }

    /** `help` alone: the top-level help; `help CMD`: the command's. */
    private static int help(List<String> argv) {
        if (argv.isEmpty()) {
            System.out.print(Help.top());
            return 0;
        }
        String c = argv.get(0).equals("h") ? "help" : argv.get(0);
        if (!Help.has(c)) throw new UsageException("No help topic for '" + argv.get(0) + "'");
        System.out.print(Help.command(c));
        return 0;
    }

    /**
     * Each command's flags for {@link Args}: "name,alias=" takes a value, "name,alias*" a repeated value,
     * plain "name" is boolean. jrunc.md documents the same set (HelpTest checks they agree).
     */
    static String[] flags(String cmd) {
        return switch (cmd) {
            case "create" -> new String[]{"bundle,b=", "console-socket=", "pidfd-socket=", "pid-file=", "no-pivot",
                    "no-new-keyring", "preserve-fds="};
            case "run" -> new String[]{"bundle,b=", "console-socket=", "pidfd-socket=", "pid-file=", "no-pivot",
                    "no-new-keyring", "preserve-fds=", "detach,d", "keep", "no-subreaper"};
            case "exec" -> new String[]{"console-socket=", "pidfd-socket=", "cwd=", "env,e*", "tty,t", "user,u=",
                    "additional-gids,g*", "process,p=", "detach,d", "pid-file=", "process-label=", "apparmor=",
                    "no-new-privs", "cap,c*", "preserve-fds=", "cgroup*", "ignore-paused"};
            case "update" -> new String[]{"resources,r=", "blkio-weight=", "cpu-period=", "cpu-quota=", "cpu-burst=",
                    "cpu-share=", "cpu-rt-period=", "cpu-rt-runtime=", "cpuset-cpus=", "cpuset-mems=", "memory=",
                    "memory-reservation=", "memory-swap=", "pids-limit=", "cpu-idle=", "l3-cache-schema=",
                    "mem-bw-schema=", "kernel-memory=", "kernel-memory-tcp="};
            case "events" -> new String[]{"stats", "interval="};
            case "kill" -> new String[]{"all,a"};
            case "delete" -> new String[]{"force,f"};
            case "ps" -> new String[]{"format,f="};
            case "list" -> new String[]{"format,f=", "quiet,q"};
            case "spec" -> new String[]{"bundle,b=", "rootless"};
            case "validate" -> new String[]{"bundle,b=", "state="};
            case "checkpoint" -> new String[]{"image-path=", "work-path=", "parent-path=", "leave-running",
                    "tcp-established", "tcp-skip-in-flight", "link-remap", "ext-unix-sk", "shell-job", "lazy-pages",
                    "status-fd=", "page-server=", "file-locks", "pre-dump", "manage-cgroups-mode=", "empty-ns=",
                    "auto-dedup"};
            case "restore" -> new String[]{"console-socket=", "image-path=", "work-path=", "tcp-established",
                    "tcp-close", "ext-unix-sk", "shell-job", "file-locks", "manage-cgroups-mode=", "bundle,b=",
                    "detach,d", "pid-file=", "no-subreaper", "no-pivot", "empty-ns=", "auto-dedup", "lazy-pages",
                    "lsm-profile=", "lsm-mount-context="};
            default -> new String[0];
        };
    }

}
