"""Entry point of the student's kernel: confine the process, then start ipykernel.

Run by :mod:`autograder.session` as ``python -m autograder.sandbox_kernel --workdir W
-f CONNECTION_FILE``. Before any student code exists in the process it sets resource
limits (address space, CPU time, file size, open files, no core dumps) and a Landlock
sandbox: the working copy ``W`` is the only writable place; the Python installation
(minus the course's own packages) and the system libraries are the only readable ones;
no TCP, no signals or abstract sockets beyond the sandbox. Only then is ipykernel
started, speaking ZeroMQ over Unix sockets inside ``W``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import sysconfig

from autograder import landlock

# Names in site-packages that must stay out of the student's reach: the course's own
# implementations and the grader itself.
HIDDEN_DISTRIBUTIONS = ("calcml", "autograder", "__editable__")

SYSTEM_READABLE = ("/usr", "/lib", "/lib64", "/bin", "/etc", "/dev/urandom", "/dev/random",
                   "/sys/devices/system/cpu")


def readable_paths() -> list[str]:
    """The read-only part of the sandbox: system libraries and the Python installation
    with the course's own packages cut out of site-packages."""
    hidden = []
    for key in ("purelib", "platlib"):
        site = sysconfig.get_paths()[key]
        if os.path.isdir(site):
            hidden += [os.path.join(site, n) for n in os.listdir(site)
                       if n.startswith(HIDDEN_DISTRIBUTIONS)]
    paths = list(SYSTEM_READABLE)
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        paths += _tree_without(prefix, hidden)
    return paths


def _tree_without(root: str, hidden: list[str]) -> list[str]:
    """Paths that together cover ``root`` except the ``hidden`` ones beneath it."""
    root = os.path.realpath(root)
    hidden_real = [os.path.realpath(h) for h in hidden]
    if any(h == root for h in hidden_real):
        return []
    if not any(h.startswith(root + os.sep) for h in hidden_real):
        return [root]
    out: list[str] = []
    for name in os.listdir(root):
        child = os.path.join(root, name)
        if os.path.isdir(child) and not os.path.islink(child):
            out += _tree_without(child, hidden_real)
        elif os.path.realpath(child) not in hidden_real:
            out.append(child)
    return out


def set_limits(memory_bytes: int, cpu_seconds: int, file_bytes: int) -> None:
    """Hard resource limits that student code cannot raise again."""
    for limit, value in (
        (resource.RLIMIT_AS, memory_bytes),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_FSIZE, file_bytes),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_NOFILE, 256),
    ):
        resource.setrlimit(limit, (value, value))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--cpu-seconds", type=int, default=300)
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--parent-pid", type=int, default=0,
                        help="the grader's pid: the kernel ends when that process is gone")
    parser.add_argument("-f", dest="connection_file", required=True)
    args = parser.parse_args(argv)

    workdir = os.path.realpath(args.workdir)
    readable = readable_paths()
    import ipykernel.kernelapp  # noqa: F401  (import before confinement: it lives in the venv)

    set_limits(args.memory_mb << 20, args.cpu_seconds, args.file_mb << 20)
    landlock.restrict(readable, [workdir, "/dev/null"])
    os.chdir(workdir)
    for name in [m for m in sys.modules if m.startswith("autograder")]:
        del sys.modules[name]
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    # The kernel ends itself when the grader that started it is gone (e.g. kill -9):
    # ipykernel's poller watches the grader's pid, and a grader that died while this
    # kernel was starting is noticed here.
    parent = args.parent_pid or os.getppid()
    if os.getppid() != parent:
        os._exit(0)
    app.initialize(["-f", args.connection_file, "--HistoryManager.enabled=False",
                    "--IPKernelApp.quiet=True", f"--IPKernelApp.parent_handle={parent}"])
    app.start()


if __name__ == "__main__":
    main()
