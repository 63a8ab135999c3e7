"""Start-up script of the student's kernel, run inside the namespace sandbox.

:mod:`autograder.session` copies this file and :mod:`autograder.landlock` into the
sandbox's read-only ``/sandbox`` folder and runs ``python -I /sandbox/sandbox_kernel.py``
from ``/``: isolated mode ignores every ``PYTHON*`` variable and the user's site folder
and puts neither the script's folder nor the current one on ``sys.path``, so nothing the
student wrote can be imported while this script runs (on the first start and on every
restart). Before any student code exists in the process it

1. becomes the unprivileged sandbox user, if bwrap left it root (privileged mode);
2. copies the submitted files from ``/submission`` into the fresh working copy ``/home/student``
   (regular files only, never following a link);
3. sets resource limits per process (address space, CPU time, file size, open files,
   no core dumps) and, where the kernel has Landlock ABI 6 and it is not switched off,
   a Landlock ruleset as an extra layer (read everywhere it can see, write only in
   ``/home/student``, ``/tmp`` and ``/run/kernel``, no TCP, signals and abstract sockets scoped);
4. writes ``/run/kernel/layers.json`` saying which layers hold, for the grader's log;

and only then imports ipykernel and serves the connection file in ``/run/kernel``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import stat
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = "/home/student"  #: the working copy (autograder.namespace.WORK)


_PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 24, 38


def drop_privileges(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` for good: every capability goes with root, the bounding set
    is emptied (where this process may), and no program run later can gain privileges
    (no_new_privs: set-user-ID bits and file capabilities are ignored)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails harmlessly without CAP_SETPCAP
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SystemExit("sandbox: cannot set no_new_privs; refusing to go on")
    if os.getuid() == 0 or os.geteuid() == 0:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    if 0 in (os.getuid(), os.geteuid(), os.getgid(), os.getegid()):
        raise SystemExit("sandbox: still root after dropping privileges; refusing to go on")
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: all empty
    libc.capset(header, data)


def copy_submission(source: str, target: str, limit: int) -> None:
    """Copy the regular files below ``source`` into ``target``, never following a link."""
    total = 0
    for top, _dirs, files in os.walk(source, followlinks=False):
        rel = os.path.relpath(top, source)
        dest = target if rel == "." else os.path.join(target, rel)
        os.makedirs(dest, exist_ok=True)
        for name in files:
            src = os.path.join(top, name)
            try:
                fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                continue
            with os.fdopen(fd, "rb") as f:
                if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                    continue
                data = f.read(limit - total + 1)
            if total + len(data) > limit:
                continue
            total += len(data)
            with open(os.path.join(dest, name), "xb") as out:
                out.write(data)


def set_limits(memory_bytes: int, cpu_seconds: int, file_bytes: int) -> None:
    """Hard resource limits of each process that student code cannot raise again."""
    for limit, value in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NOFILE, 256),
    ):
        resource.setrlimit(limit, (value, value))


def apply_landlock(wanted: bool) -> str:
    """Landlock as an extra layer: what was applied, or why not."""
    if not wanted:
        return "off (CALCML_LANDLOCK=0)"
    spec = importlib.util.spec_from_file_location("calcml_sandbox_landlock",
                                                  os.path.join(HERE, "landlock.py"))
    landlock = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(landlock)
    try:
        abi = landlock.restrict(["/"], [WORK, "/tmp", "/run/kernel", "/dev/null"])
    except landlock.LandlockUnavailable as exc:
        return f"not available ({exc})"
    return f"on (ABI {abi})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uid", type=int, default=65534)
    parser.add_argument("--gid", type=int, default=65534)
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--cpu-seconds", type=int, default=300)
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--landlock", type=int, default=1)
    parser.add_argument("-f", dest="connection_file", required=True)
    args = parser.parse_args(argv)

    drop_privileges(args.uid, args.gid)
    copy_submission("/submission", WORK, 64 << 20)
    set_limits(args.memory_mb << 20, args.cpu_seconds, args.file_mb << 20)
    landlock = apply_landlock(bool(args.landlock))
    status = [line.split()[1] for line in open("/proc/self/status")
              if line.startswith("CapEff")]
    layers = {"uid": os.getuid(), "capabilities": status[0] if status else "?",
              "landlock": landlock}
    with open("/run/kernel/layers.json", "w") as f:
        json.dump(layers, f)
    os.chdir(WORK)
    sys.path.append(WORK)  # the student's own modules, after every installed one

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["-f", args.connection_file, "--HistoryManager.enabled=False",
                    "--IPKernelApp.quiet=True"])
    app.start()


if __name__ == "__main__":
    main()
