#!/usr/bin/env python3
"""Root-only smoke test of jrunc-init: plays Java's part of docs/plan-format.md by hand.

usage: smoke.py [scenario...]   (default: all)   env JRUNC_INIT=path to the binary

Builds a busybox rootfs, writes a plan, runs `jrunc-init init <fd>`, speaks the sync protocol and checks
the container's output. Not part of `make`: it needs root and /bin/busybox.
"""
import os, shutil, signal, socket, struct, subprocess, sys, tempfile, time, array, select

HERE = os.path.dirname(os.path.abspath(__file__))
INIT = os.environ.get("JRUNC_INIT", os.path.join(HERE, "..", "target", "jrunc-init"))

# Tags: the top-level enum of ../src/plan.h (T_<NAME>), the one the helper is built with (io.jrunc.plan.Tag is
# checked against the same header by SyncVocabularyTest), so no third copy of the numbers lives here.
def _plan_tags():
    import re
    with open(os.path.join(HERE, "..", "src", "plan.h")) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"\bT_([A-Z_]+[A-Z])\s*=\s*(\d+)", text)}
globals().update(_plan_tags())


# The sync protocol's words: SYNC_<NAME> of ../src/sync.h as bytes (strings) or ints (io.jrunc.plan.Sync in Java).
def _sync_words():
    import re
    words = {}
    with open(os.path.join(HERE, "..", "src", "sync.h")) as f:
        for m in re.finditer(r'^#define SYNC_(\w+) (?:"((?:[^"\\]|\\.)*)"|(\d+)u?)$', f.read(), flags=re.M):
            words[m.group(1)] = (m.group(2).encode().decode("unicode_escape").encode() if m.group(2) is not None
                                 else int(m.group(3)))
    return words
SYNC = _sync_words()


def send_message(sock, data):
    """Java's Lifecycle.sendMessage: one packet, or a CHUNK_MAGIC header with the length and MSG_CHUNK packets."""
    chunk = SYNC["MSG_CHUNK"]
    if len(data) <= chunk:
        sock.send(data)
        return
    sock.send(SYNC["CHUNK_MAGIC"] + struct.pack(">I", len(data)))
    for off in range(0, len(data), chunk):
        sock.send(data[off:off + chunk])

CLONE_NEWTIME, CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, \
    CLONE_NEWNET = 0x80, 0x20000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE, MS_SLAVE, MS_STRICTATIME = \
    1, 2, 4, 8, 32, 4096, 16384, 1 << 18, 1 << 19, 1 << 24

DOCKER_CAPS = [0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31]  # chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service net_raw sys_chroot mknod audit_write setfcap


class W:
    """PlanWriter in Python."""
    def __init__(self, magic=True):
        self.b = bytearray(SYNC["PLAN_MAGIC"] if magic else b"")

    def rec(self, tag, val):
        self.b += struct.pack("<HHI", tag, 0, len(val)) + val
        return self

    def flag(self, t): return self.rec(t, b"")
    def u32(self, t, v): return self.rec(t, struct.pack("<I", v))
    def u64(self, t, v): return self.rec(t, struct.pack("<Q", v))
    def str(self, t, s): return self.rec(t, s.encode())
    def group(self, t, g): return self.rec(t, bytes(g.b))


def mask_of(caps):
    m = 0
    for c in caps:
        m |= 1 << c
    return m


def make_rootfs(base):
    r = os.path.join(base, "rootfs")
    os.makedirs(os.path.join(r, "bin"))
    shutil.copy("/bin/busybox", os.path.join(r, "bin", "busybox"))
    for app in ["sh", "ls", "cat", "echo", "true", "false", "grep", "hostname", "id", "stat", "mount", "sleep",
                "readlink", "tty", "stty", "touch", "umask", "test", "head", "wc", "ps", "env"]:
        os.symlink("busybox", os.path.join(r, "bin", app))
    for d in ["proc", "dev", "sys", "etc", "tmp"]:
        os.makedirs(os.path.join(r, d), exist_ok=True)
    with open(os.path.join(r, "bin", "noexec"), "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(os.path.join(r, "bin", "noexec"), 0o644)
    return r


def base_plan(rootfs, fifo, args, clone=CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC, extra=None,
              caps=True, dev_bind=False):
    w = W()
    w.u64(CLONE_FLAGS, clone)
    if clone & CLONE_NEWUSER:
        w.str(UID_MAP, "0 100000 65536\n").str(SETGROUPS, "allow").str(GID_MAP, "0 100000 65536\n")
    w.str(ROOTFS, rootfs).u64(ROOTFS_PROPAGATION, MS_SLAVE | MS_REC)
    mounts = [
        ("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, ""),
        ("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"),
        ("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"),
        ("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k"),
        ("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, ""),
        ("/etc/hosts", "/etc/hosts", "", MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID, ""),
    ]
    for src, dst, fs, fl, data in mounts:
        w.group(MOUNT, W(False).str(1, src).str(2, dst).str(3, fs).u64(4, fl).str(5, data))
    for name, mi in [("null", 3), ("zero", 5), ("full", 7), ("random", 8), ("urandom", 9)]:
        d = W(False).str(1, "/dev/" + name).u32(2, ord("c")).u64(3, 1).u64(4, mi).u32(5, 0o666).u32(6, 0).u32(7, 0)
        if dev_bind:
            d.flag(8)
        w.group(DEVICE, d)
    w.group(DEVICE, W(False).str(1, "/dev/tty").u32(2, ord("c")).u64(3, 5).u64(4, 0).u32(5, 0o666).u32(6, 0).u32(7, 0)
            .flag(8) if dev_bind else W(False).str(1, "/dev/tty").u32(2, ord("c")).u64(3, 5).u64(4, 0).u32(5, 0o666))
    for t, l in [("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"), ("/proc/self/fd/1", "/dev/stdout"),
                 ("/proc/self/fd/2", "/dev/stderr"), ("pts/ptmx", "/dev/ptmx")]:
        w.group(SYMLINK, W(False).str(1, t).str(2, l))
    for m in ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware", "/proc/nonexistent"]:
        w.str(MASK, m)
    for m in ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]:
        w.str(READONLY_PATH, m)
    w.str(HOSTNAME, "smoke")
    w.u32(UID, 0).u32(GID, 0).u32(UMASK, 0o022)
    if caps:
        m = mask_of(DOCKER_CAPS)
        w.group(CAPS, W(False).u64(1, m).u64(2, m).u64(3, m).u64(4, 0).u64(5, 0))
    w.flag(NO_NEW_PRIVS)
    w.str(CWD, "/")
    for a in args:
        w.str(ARG, a)
    w.str(ENV, "PATH=/bin").str(ENV, "HOME=/")
    if extra:
        extra(w)
    w.str(FIFO_PATH, fifo)
    return bytes(w.b)


def recv(sock, timeout=10):
    sock.settimeout(timeout)
    try:
        m = sock.recv(1 << 20)
    except socket.timeout:
        return "<timeout>"
    return m.decode(errors="replace") if m else "<eof>"


class Run:
    """One create+start, as Java would do it."""
    def __init__(self, plan, fifo, go_state='{"ociVersion":"1.2.0","id":"smoke","status":"creating"}',
                 stdin=subprocess.DEVNULL, pass_fds=(), before_go=None):
        self.fifo = fifo
        os.mkfifo(fifo, 0o622)
        os.chmod(fifo, 0o622)  # as Java does: mkfifo is subject to the umask
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        a.setsockopt(socket.SOL_SOCKET, 32, 2 << 20)  # SO_SNDBUFFORCE, as libjrunc's socketpair does
        self.out = tempfile.TemporaryFile()
        t0 = time.monotonic()
        # The helper starts with SIGUSR1 ignored: the container must not inherit that.
        helper = subprocess.Popen([INIT, "init", str(b.fileno())], pass_fds=[b.fileno(), *pass_fds], stdout=self.out,
                                  stderr=subprocess.STDOUT, stdin=stdin, env={},
                                  preexec_fn=lambda: signal.signal(signal.SIGUSR1, signal.SIG_IGN))
        b.close()
        send_message(a, plan)
        self.pid_msg = recv(a)
        helper.wait()
        self.helper_rc = helper.returncode
        prefix = SYNC["PID_PREFIX"].decode()
        self.pid = int(self.pid_msg[len(prefix):]) if self.pid_msg.startswith(prefix) else None
        self.ready = None
        if self.pid:
            if before_go:
                before_go(self.pid)  # what Java does between `pid` and `go`: cgroups, prestart hooks
            send_message(a, SYNC["GO"] + go_state.encode())
            self.ready = recv(a)
        self.create_ms = (time.monotonic() - t0) * 1000
        self.sock = a

    def start(self):
        fd = os.open(self.fifo, os.O_RDONLY)
        data = os.read(fd, 1)
        os.close(fd)
        return data

    def wait(self):
        _, st = os.waitpid(self.pid, 0)
        self.out.seek(0)
        return os.waitstatus_to_exitcode(st), self.out.read().decode(errors="replace")


results = []


def check(name, cond, detail=""):
    results.append((name, cond))
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else "\n     " + detail.replace("\n", "\n     ")))


def scenario_basic(base, rootfs):
    fifo = os.path.join(base, "fifo-basic")
    plan = base_plan(rootfs, fifo, ["sh", "-c", "echo hi; cat /proc/self/status | grep -E 'Cap|NoNewPrivs|Sig(Blk|Ign)'; hostname; "
                                    "echo pid=$$; ls /dev; grep -E ' / | /proc/sys | /etc/hosts | /sys ' /proc/self/mounts; "
                                    "cat /proc/kcore | wc -c; ls /proc/acpi | wc -l; umask; ls -l /dev/null; "
                                    "ls /proc/self/fd; echo x > /proc/sys/kernel/hostname 2>&1 || echo sysro"])
    r = Run(plan, fifo)
    print("  create: %s / %s in %.1f ms" % (r.pid_msg, r.ready, r.create_ms))
    check("basic: pid then ready", r.pid is not None and r.ready == "ready", r.pid_msg + " " + str(r.ready))
    if not r.pid:
        return
    check("basic: container waits for start", os.waitpid(r.pid, os.WNOHANG) == (0, 0))
    check("basic: start reads '0'", r.start() == b"0")
    code, out = r.wait()
    print("  output:\n    " + out.replace("\n", "\n    "))
    check("basic: exit 0", code == 0, str(code))
    check("basic: echo hi", "hi\n" in out, out)
    check("basic: hostname", "\nsmoke\n" in out, out)
    check("basic: pid 1", "pid=1\n" in out, out)
    check("basic: no_new_privs", "NoNewPrivs:\t1" in out, out)
    check("basic: no signal ignored or blocked", "SigBlk:\t0000000000000000" in out and "SigIgn:\t0000000000000000" in out, out)
    check("basic: bounding set", "CapBnd:\t%016x" % mask_of(DOCKER_CAPS) in out, out)
    check("basic: /etc/hosts bind ro", "/etc/hosts" in out and " ro," in out.split("/etc/hosts", 1)[1].split("\n")[0], out)
    check("basic: /proc/sys ro", "/proc/sys proc ro," in out, out)
    check("basic: /proc/kcore masked", "\n0\n" in out, out)
    check("basic: null dev", "crw-rw-rw-" in out, out)
    check("basic: only 0,1,2 (+ls dir fd)", "\n0\n1\n2\n3\n" in out, out)
    check("basic: /proc/sys not writable", "sysro" in out, out)
    check("basic: umask 0022", "\n0022\n" in out, out)


def scenario_errors(base, rootfs):
    cases = [
        (["nosuchcmd"], 'exec: "nosuchcmd": executable file not found in $PATH'),
        (["/bin/nosuch"], 'exec: "/bin/nosuch": stat /bin/nosuch: no such file or directory'),
        (["/bin/noexec"], 'exec: "/bin/noexec": permission denied'),
    ]
    for i, (args, want) in enumerate(cases):
        fifo = os.path.join(base, "fifo-err%d" % i)
        r = Run(base_plan(rootfs, fifo, args), fifo)
        check("error text %s" % args[0], r.ready == "error " + want, str(r.ready))
        if r.pid:
            os.waitpid(r.pid, 0)
    # a mount that fails: name the step, the path and the errno text
    fifo = os.path.join(base, "fifo-errmount")
    plan = base_plan(rootfs, fifo, ["true"], extra=lambda w: None)
    bad = W(False).str(1, "none").str(2, "/bad").str(3, "nosuchfs").u64(4, 0).str(5, "")
    plan = plan.replace(SYNC["PLAN_MAGIC"], SYNC["PLAN_MAGIC"] + struct.pack("<HHI", MOUNT, 0, len(bad.b)) + bytes(bad.b), 1)
    r = Run(plan, fifo)
    check("error text mount", r.ready == 'error mount "none" on "/bad": no such device', str(r.ready))
    if r.pid:
        os.waitpid(r.pid, 0)
    # a bad plan
    fifo = os.path.join(base, "fifo-badplan")
    os.mkfifo(fifo)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    p = subprocess.Popen([INIT, "init", str(b.fileno())], pass_fds=[b.fileno()])
    b.close()
    a.sendall(SYNC["PLAN_MAGIC"] + struct.pack("<HHI", 99, 0, 0))
    m = recv(a)
    p.wait()
    check("bad plan rejected", m == "error plan: unknown tag 99 in PLAN at offset 4" and p.returncode == 1, m)
    # terminal without a socket
    fifo = os.path.join(base, "fifo-noconsole")
    r = Run(base_plan(rootfs, fifo, ["true"], extra=lambda w: w.flag(TERMINAL)), fifo)
    check("terminal without socket", r.pid_msg == "error terminal requested but no --console-socket", r.pid_msg)


def scenario_hooks(base, rootfs):
    hookdir = os.path.join(base, "hooks")
    os.makedirs(hookdir, exist_ok=True)
    log = os.path.join(base, "hook.log")
    hook = os.path.join(hookdir, "hook.sh")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\necho \"$1 $(cat) $FOO\" >> %s\nls /proc/self/fd > %s.fds\n" % (log, log))
    os.chmod(hook, 0o755)
    # the startContainer hook runs inside the container: give it a copy there
    shutil.copy(hook, os.path.join(rootfs, "bin", "hook.sh"))
    with open(os.path.join(rootfs, "bin", "hook.sh"), "w") as f:
        f.write("#!/bin/sh\necho \"$1 $(cat) $FOO\" > /tmp/start.log\n")
    os.chmod(os.path.join(rootfs, "bin", "hook.sh"), 0o755)

    def hooks(w):
        w.group(HOOK, W(False).u32(1, 1).str(2, hook).str(3, "hook.sh").str(3, "create").str(4, "FOO=bar").u32(5, 5))
        w.group(HOOK, W(False).u32(1, 2).str(2, "/bin/hook.sh").str(3, "hook.sh").str(3, "start").str(4, "FOO=baz"))
    fifo = os.path.join(base, "fifo-hooks")
    r = Run(base_plan(rootfs, fifo, ["cat", "/tmp/start.log"], extra=hooks), fifo, go_state='{"id":"h"}')
    check("hooks: ready", r.ready == "ready", str(r.ready))
    with open(log) as f:
        check("hooks: createContainer got args, state, env", f.read() == 'create {"id":"h"} bar\n')
    with open(log + ".fds") as f:
        fds = f.read().split()
    check("hooks: no fd of the runtime leaks into a hook", fds == ["0", "1", "2", "3"], str(fds))  # 3: ls reading the dir
    r.start()
    code, out = r.wait()
    check("hooks: startContainer ran in the container", code == 0 and out == 'start {"id":"h"} baz\n', out)

    def failing(w):
        w.group(HOOK, W(False).u32(1, 1).str(2, "/bin/sh").str(3, "sh").str(3, "-c").str(3, "echo oops >&2; exit 3"))
    fifo = os.path.join(base, "fifo-hookfail")
    r = Run(base_plan(rootfs, fifo, ["true"], extra=failing), fifo)
    check("hooks: failure reported", r.ready == "error createContainer hook /bin/sh failed: exit status 3, stderr: oops",
          str(r.ready))

    def failing_start(w):
        w.group(HOOK, W(False).u32(1, 2).str(2, "/bin/false").str(3, "false"))
    fifo = os.path.join(base, "fifo-starthookfail")
    r = Run(base_plan(rootfs, fifo, ["echo", "must not run"], extra=failing_start), fifo)
    check("hooks: start hook ready", r.ready == "ready", str(r.ready))
    if r.ready == "ready":
        r.start()
        code, out = r.wait()
        check("hooks: failing startContainer hook", code == 1 and
              out == "jrunc-init: startContainer hook /bin/false failed: exit status 1\n", out)

    def slow(w):
        w.group(HOOK, W(False).u32(1, 1).str(2, "/bin/sleep").str(3, "sleep").str(3, "10").u32(5, 1))
    fifo = os.path.join(base, "fifo-hookslow")
    t0 = time.monotonic()
    r = Run(base_plan(rootfs, fifo, ["true"], extra=slow), fifo)
    check("hooks: timeout", r.ready == "error createContainer hook /bin/sleep timed out after 1s"
          and time.monotonic() - t0 < 3, str(r.ready))


def scenario_userns(base, rootfs):
    # The rootfs must be traversable by uid 100000: a copy owned by it.
    urootfs = os.path.join(base, "urootfs")
    shutil.copytree(rootfs, urootfs, symlinks=True)
    for dirpath, dirs, files in os.walk(urootfs):
        for n in dirs + files + [""]:
            os.lchown(os.path.join(dirpath, n), 100000, 100000)
    fifo = os.path.join(base, "fifo-userns")
    clone = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
    plan = base_plan(urootfs, fifo, ["sh", "-c", "id; cat /proc/self/uid_map; ls -l /dev/null; hostname; "
                                     "grep -E ' /sys ' /proc/self/mounts"], clone=clone, dev_bind=True)
    r = Run(plan, fifo)
    check("userns: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
    if r.ready != "ready":
        if r.pid:
            os.waitpid(r.pid, 0)
        return
    r.start()
    code, out = r.wait()
    print("  output:\n    " + out.replace("\n", "\n    "))
    check("userns: root inside, mapped", code == 0 and ("uid=0(root)" in out or "uid=0 " in out), out)
    check("userns: uid_map", "100000" in out, out)


def scenario_terminal(base, rootfs):
    sockpath = os.path.join(base, "console.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sockpath)
    srv.listen(1)

    def term(w):
        w.flag(TERMINAL).str(CONSOLE_SOCKET, sockpath).group(CONSOLE_SIZE, W(False).u32(1, 33).u32(2, 101))
    fifo = os.path.join(base, "fifo-tty")
    r = Run(base_plan(rootfs, fifo, ["sh", "-c", "tty; stty size; readlink /proc/self/fd/0; ls -l /dev/console"],
                      extra=term), fifo)
    check("terminal: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
    conn, _ = srv.accept()
    msg, anc, _, _ = conn.recvmsg(1024, socket.CMSG_SPACE(4))
    fds = array.array("i")
    for lvl, typ, data in anc:
        if lvl == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(data[:len(data) - len(data) % 4])
    check("terminal: one fd + name", len(fds) == 1 and msg.startswith(b"/dev/pts/"), repr(msg) + repr(fds))
    if r.ready != "ready" or len(fds) != 1:
        return
    r.start()
    out = b""
    while True:
        rl, _, _ = select.select([fds[0]], [], [], 5)
        if not rl:
            break
        try:
            d = os.read(fds[0], 4096)
        except OSError:
            break
        if not d:
            break
        out += d
    code, _ = r.wait()
    text = out.decode(errors="replace")
    print("  pty output:\n    " + text.replace("\n", "\n    "))
    check("terminal: tty, size, console", code == 0 and "/dev/pts/0" in text and "33 101" in text, text)


def scenario_wait(base, rootfs):
    # run in foreground: the waiter must be the init's parent, so a small Python parent execs into it.
    fifo = os.path.join(base, "fifo-wait")
    marker = os.path.join(base, "cleanup-ran")
    plan = base_plan(rootfs, fifo, ["sh", "-c", "trap 'echo got TERM; exit 7' TERM; echo started; "
                                    "while true; do sleep 0.05; done"])
    child = os.fork()
    if child == 0:
        r = Run(plan, fifo)
        r.start()
        os.execv(INIT, [INIT, "wait", str(r.pid), "--", "/bin/sh", "-c", "echo cleanup > " + marker])
    time.sleep(0.5)
    st = open("/proc/%d/status" % child).read()
    rss = [l for l in st.splitlines() if l.startswith("VmRSS")][0]
    print("  waiter " + rss)
    os.kill(child, 15)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    check("wait: forwarded TERM, exit code of the container", code == 7, str(code))
    check("wait: cleanup ran", os.path.exists(marker))
    check("wait: RSS < 2 MB", int(rss.split()[1]) < 2048, rss)


def seccomp_deny_mkdir():
    """BPF: mkdir/mkdirat fail with EPERM, everything else is allowed (no arch check: a test only)."""
    def insn(code, jt, jf, k):
        return struct.pack("<HBBI", code, jt, jf, k)
    LD_W_ABS, JEQ_K, RET_K = 0x20, 0x15, 0x06
    return (insn(LD_W_ABS, 0, 0, 0) + insn(JEQ_K, 2, 0, 83) + insn(JEQ_K, 1, 0, 258) +
            insn(RET_K, 0, 0, 0x7fff0000) + insn(RET_K, 0, 0, 0x00050000 | 1))


def scenario_process(base, rootfs):
    """Credentials, caps, rlimits, sysctl, oom, cwd, seccomp, preserved fds, read-only root."""
    os.makedirs(os.path.join(rootfs, "work"), exist_ok=True)
    os.chmod(os.path.join(rootfs, "work"), 0o700)
    os.chown(os.path.join(rootfs, "work"), 1000, 1000)

    def extra(w):
        w.group(RLIMIT, W(False).u32(1, 7).u64(2, 1234).u64(3, 2345))  # NOFILE
        w.group(SYSCTL, W(False).str(1, "kernel/shmmni").str(2, "1234"))
        w.str(OOM_SCORE_ADJ, "17")  # lowering needs CAP_SYS_RESOURCE, which this sandbox lacks
        w.flag(ROOT_READONLY)
        w.u32(PRESERVE_FDS, 1)
        w.group(SECCOMP, W(False).rec(1, seccomp_deny_mkdir()).u32(2, 0))
    fifo = os.path.join(base, "fifo-proc")
    script = ("id; cat /proc/self/status | grep -E '^(Cap|Groups)'; ulimit -n; ulimit -Hn; cat /proc/sys/kernel/shmmni; "
              "cat /proc/self/oom_score_adj; pwd; mkdir /tmp/x 2>&1; touch /x 2>&1; ls /proc/self/fd; "
              "cat <&3; umask")
    plan = base_plan(rootfs, fifo, ["sh", "-c", script], caps=False, extra=extra)
    # user 1000:1000 with groups 10,20, a non-root capability set with one ambient cap, cwd /work
    plan = plan.replace(struct.pack("<HHI", UID, 0, 4) + struct.pack("<I", 0), struct.pack("<HHII", UID, 0, 4, 1000))
    plan = plan.replace(struct.pack("<HHI", GID, 0, 4) + struct.pack("<I", 0), struct.pack("<HHII", GID, 0, 4, 1000))
    plan = plan.replace(struct.pack("<HHII", UID, 0, 4, 0), b"")
    plan = plan.replace(struct.pack("<HHI", CWD, 0, 1) + b"/", struct.pack("<HHI", CWD, 0, 5) + b"/work")
    plan = plan.replace(struct.pack("<HHII", UMASK, 0, 4, 0o022), struct.pack("<HHII", UMASK, 0, 4, 0o027))
    caps = W(False).u64(1, mask_of([10, 13, 5])).u64(2, mask_of([10])).u64(3, mask_of([10])).u64(4, mask_of([10])) \
        .u64(5, mask_of([10]))
    plan += struct.pack("<HHI", CAPS, 0, len(caps.b)) + bytes(caps.b)
    plan += struct.pack("<HHI", ADDITIONAL_GIDS, 0, 8) + struct.pack("<II", 10, 20)
    rfd, wfd = os.pipe()
    os.write(wfd, b"preserved\n")
    os.close(wfd)
    if rfd != 3:
        os.dup2(rfd, 3)
        os.close(rfd)
    os.set_inheritable(3, True)
    r = Run(plan, fifo, pass_fds=[3])
    os.close(3)
    check("process: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
    if r.ready != "ready":
        return
    r.start()
    code, out = r.wait()
    print("  output:\n    " + out.replace("\n", "\n    "))
    check("process: ids", "uid=1000 gid=1000 groups=10,20" in out, out)
    check("process: caps", "CapEff:\t%016x" % (1 << 10) in out and "CapAmb:\t%016x" % (1 << 10) in out
          and "CapBnd:\t%016x" % mask_of([10, 13, 5]) in out, out)
    check("process: rlimit", "\n1234\n2345\n1234\n" in out, out)
    check("process: oom", "\n17\n" in out, out)
    check("process: cwd", "\n/work\n" in out, out)
    check("process: seccomp", "Operation not permitted" in out, out)
    check("process: root ro", "Read-only file system" in out, out)
    check("process: preserved fd 3 (and ls's own 4), nothing else", "\n0\n1\n2\n3\n4\npreserved\n" in out, out)
    check("process: umask", "\n0027\n" in out, out)


def scenario_nopivot(base, rootfs):
    fifo = os.path.join(base, "fifo-nopivot")
    r = Run(base_plan(rootfs, fifo, ["sh", "-c", "ls /; cat /proc/self/mountinfo | head -1"],
                      extra=lambda w: w.flag(NO_PIVOT)), fifo)
    check("no-pivot: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
    if r.ready == "ready":
        r.start()
        code, out = r.wait()
        check("no-pivot: runs", code == 0 and "bin\n" in out, out)


def scenario_mountopts(base, rootfs):
    """rro via mount_setattr, propagation, a file bind, a tmpfs remount, time namespace, NS_JOIN."""
    host = os.path.join(base, "hostdir")
    os.makedirs(os.path.join(host, "sub"), exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", os.path.join(host, "sub")], check=True)
    try:
        netns_holder = subprocess.Popen(["unshare", "--net", "sleep", "30"])
        time.sleep(0.2)

        def extra(w):
            w.group(MOUNT, W(False).str(1, host).str(2, "/mnt/rro").str(3, "").u64(4, MS_BIND | MS_REC).str(5, "")
                    .u64(6, MS_PRIVATE).u64(7, 1))
            w.group(MOUNT, W(False).str(1, "/etc/passwd").str(2, "/etc/deep/passwd").str(3, "").u64(4, MS_BIND).str(5, ""))
            w.group(MOUNT, W(False).str(1, "tmpfs").str(2, "/mnt/t").str(3, "tmpfs").u64(4, 0).str(5, "mode=755"))
            w.group(MOUNT, W(False).str(1, "tmpfs").str(2, "/mnt/t").str(3, "tmpfs").u64(4, MS_REMOUNT | MS_RDONLY)
                    .str(5, "mode=755"))
            w.group(NS_JOIN, W(False).u32(1, CLONE_NEWNET).str(2, "/proc/%d/ns/net" % netns_holder.pid))
            w.str(TIME_OFFSETS, "monotonic 86400 0\nboottime 86400 0\n")
        fifo = os.path.join(base, "fifo-mopts")
        r = Run(base_plan(rootfs, fifo, ["sh", "-c", "grep -E '/mnt|/etc/deep' /proc/self/mountinfo; "
                                         "head -c 4 /etc/deep/passwd; echo; cat /proc/uptime; "
                                         "readlink /proc/self/ns/net; ls /sys/class/net"], extra=extra), fifo)
        check("mount options: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
        if r.ready != "ready":
            return
        r.start()
        code, out = r.wait()
        print("  output:\n    " + out.replace("\n", "\n    "))
        lines = out.splitlines()
        rro = [l for l in lines if "/mnt/rro" in l]
        check("mount options: rro is recursive", len(rro) == 2 and all(" ro," in l or " ro " in l for l in rro), out)
        check("mount options: file bind", "root" in out, out)
        check("mount options: tmpfs remount ro", any("/mnt/t " in l and " ro," in l for l in lines), out)
        up = float([l for l in lines if l and l[0].isdigit() and "." in l.split()[0]][0].split()[0])
        check("time ns: boottime offset", up > 86400, str(up))
        mynet = os.readlink("/proc/%d/ns/net" % netns_holder.pid)
        check("ns join: net", mynet in out and "lo" in out, out + mynet)
        netns_holder.kill()
        netns_holder.wait()
    finally:
        subprocess.run(["umount", os.path.join(host, "sub")])


def scenario_bigplan(base, rootfs):
    """A plan near the 1 MiB limit (many ENV records) is received whole and parsed quickly."""
    def extra(w):
        for i in range(13500):
            w.str(ENV, "V%05d=%s" % (i, "x" * 60))
    fifo = os.path.join(base, "fifo-big")
    plan = base_plan(rootfs, fifo, ["sh", "-c", "env | wc -l"], extra=extra)
    print("  plan of %d bytes" % len(plan))
    r = Run(plan, fifo)
    check("big plan: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
    print("  create: %.1f ms" % r.create_ms)
    if r.ready == "ready":
        r.start()
        code, out = r.wait()
        check("big plan: env", int(out.strip()) >= 13502, out)  # + what sh adds (PWD, SHLVL)


def scenario_cgroupns(base, rootfs):
    """The cgroup namespace's root is the cgroup Java put the init in before `go`."""
    cg = "/sys/fs/cgroup/pids/jrunc-smoke-%d" % os.getpid()
    os.makedirs(cg, exist_ok=True)
    try:
        def join(pid):
            with open(cg + "/cgroup.procs", "w") as f:
                f.write(str(pid))
        fifo = os.path.join(base, "fifo-cgns")
        clone = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP
        r = Run(base_plan(rootfs, fifo, ["sh", "-c", "grep pids /proc/self/cgroup"], clone=clone), fifo, before_go=join)
        check("cgroupns: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
        if r.ready == "ready":
            host_view = open("/proc/%d/cgroup" % r.pid).read()
            r.start()
            code, out = r.wait()
            check("cgroupns: root is the container's cgroup", out.strip().endswith("pids:/") and
                  os.path.basename(cg) in host_view, out + host_view)
    finally:
        os.rmdir(cg)


def scenario_hostile(base, rootfs):
    """Symlinks in the rootfs cannot redirect a mount, a device or a mask onto the host."""
    hr = os.path.join(base, "hrootfs")
    shutil.copytree(rootfs, hr, symlinks=True)
    outside = os.path.join(base, "outside")
    os.makedirs(outside)
    os.symlink(outside, os.path.join(hr, "abs"))             # absolute, pointing at a host dir
    os.symlink("../../../../../../" + outside.lstrip("/"), os.path.join(hr, "rel"))  # climbing out
    os.symlink("/run/systemd/resolve/stub-resolv.conf", os.path.join(hr, "etc", "resolv.conf"))  # dangling
    def extra(w):
        w.group(MOUNT, W(False).str(1, "tmpfs").str(2, "/abs/m1").str(3, "tmpfs").u64(4, 0).str(5, ""))
        w.group(MOUNT, W(False).str(1, "tmpfs").str(2, "/rel/m2").str(3, "tmpfs").u64(4, 0).str(5, ""))
        w.group(DEVICE, W(False).str(1, "/abs/devnull").u32(2, ord("c")).u64(3, 1).u64(4, 3).u32(5, 0o666))
        w.group(MOUNT, W(False).str(1, "/etc/hosts").str(2, "/etc/resolv.conf").str(3, "").u64(4, MS_BIND).str(5, ""))
    fifo = os.path.join(base, "fifo-hostile")
    r = Run(base_plan(hr, fifo, ["sh", "-c", "head -c 9 /etc/resolv.conf; echo; grep resolv /proc/self/mountinfo"],
                      extra=extra), fifo)
    check("hostile: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
    if r.ready == "ready":
        r.start()
        code, out = r.wait()
        check("hostile: dangling symlink target created inside and bound", "stub-resolv.conf" in out and
              os.path.isfile(os.path.join(hr, "run/systemd/resolve/stub-resolv.conf")), out)
    check("hostile: nothing created outside the rootfs", os.listdir(outside) == [], str(os.listdir(outside)))
    check("hostile: created inside instead", os.path.isdir(os.path.join(hr, outside.lstrip("/"), "m1")) and
          os.path.isdir(os.path.join(hr, outside.lstrip("/"), "m2")), str(list(os.walk(hr + "/tmp"))[:3]))


def lsm_on_host():
    try:
        with open("/sys/module/apparmor/parameters/enabled") as f:
            if f.read().startswith("Y"):
                return True
    except OSError:
        pass
    return os.path.exists("/sys/fs/selinux/enforce")


def scenario_lsm(base, rootfs):
    """The LSM write path on a host without an LSM: the kernel refuses as it refuses runc's write."""
    if lsm_on_host():
        print("  skipped: an LSM is enabled on this host")
        return
    aa = lambda w: w.group(APPARMOR_EXEC, W(False).str(1, "exec").str(2, "exec jrunc-smoke"))
    cases = [
        ("apparmor", aa, "error apparmor failed to apply profile: write /proc/self/attr/exec: invalid argument"),
        ("selinux", lambda w: w.str(SELINUX_EXEC, "system_u:system_r:container_t:s0"),
         'error set the selinux label "system_u:system_r:container_t:s0": write /proc/self/attr/exec: invalid argument'),
        # something mounted over the attr file (CVE-2025-52881): the open is refused, nothing is written
        ("mounted over", lambda w: (w.group(MOUNT, W(False).str(1, "/dev/null").str(2, "/proc/1/attr/exec").str(3, "")
                                            .u64(4, MS_BIND).str(5, "")), aa(w)),
         "error open /proc/self/attr/exec: something is mounted over it (refusing to write a label there)"),
        ("mask label", lambda w: w.str(MASK_DATA, 'context="system_u:object_r:container_file_t:s0"'),
         'error mask "/proc/acpi" (tmpfs with data context="system_u:object_r:container_file_t:s0"): invalid argument'),
    ]
    for i, (name, extra, want) in enumerate(cases):
        if name == "mask label" and not os.path.isdir("/proc/acpi"):
            continue
        fifo = os.path.join(base, "fifo-lsm%d" % i)
        r = Run(base_plan(rootfs, fifo, ["true"], extra=extra), fifo)
        check("lsm: " + name, r.ready == want, str(r.pid_msg) + " " + str(r.ready))
        if r.pid:
            os.waitpid(r.pid, 0)
    # with a startContainer hook the label is written after it: create succeeds, start fails in the init
    fifo = os.path.join(base, "fifo-lsm-late")
    def late(w):
        w.group(HOOK, W(False).u32(1, 2).str(2, "/bin/true"))
        w.flag(LSM_AFTER_HOOKS)
        aa(w)
    r = Run(base_plan(rootfs, fifo, ["true"], extra=late), fifo)
    check("lsm: after hooks: ready", r.ready == "ready", str(r.pid_msg) + " " + str(r.ready))
    if r.ready == "ready":
        r.start()
        code, out = r.wait()
        check("lsm: after hooks: fails at start", code == 1 and
              "apparmor failed to apply profile: write /proc/self/attr/exec: invalid argument" in out, "%s %s" % (code, out))


SCENARIOS = {"lsm": scenario_lsm, "hostile": scenario_hostile, "cgroupns": scenario_cgroupns, "bigplan": scenario_bigplan, "process": scenario_process, "nopivot": scenario_nopivot, "mountopts": scenario_mountopts, "basic": scenario_basic, "errors": scenario_errors, "hooks": scenario_hooks,
             "userns": scenario_userns, "terminal": scenario_terminal, "wait": scenario_wait}


def main():
    if os.geteuid() != 0:
        sys.exit("smoke.py needs root")
    base = tempfile.mkdtemp(prefix="jrunc-smoke-")
    os.chmod(base, 0o755)  # the user-namespaced init (uid 100000) must traverse it
    try:
        rootfs = make_rootfs(base)
        for name in sys.argv[1:] or SCENARIOS:
            print("== " + name)
            SCENARIOS[name](base, rootfs)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    bad = [n for n, ok in results if not ok]
    print("%d checks, %d failed%s" % (len(results), len(bad), ": " + ", ".join(bad) if bad else ""))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
