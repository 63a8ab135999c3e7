"""The namespace sandbox a student's kernel runs in, built with bubblewrap (``bwrap``).

What the kernel sees (every path read-only unless said otherwise):

- ``/usr/bin``, ``/usr/lib*``, ``/lib*``, ``/bin``, ``/sbin`` (or the symlinks a merged
  ``/usr`` has there), and ``/usr/share/zoneinfo``: the system's programs and libraries,
  never the whole of ``/usr`` (so a course installed under ``/usr/local`` or ``/usr/src``
  stays out of sight);
- the Python installation (``sys.base_prefix``) and the virtual environment
  (``sys.prefix``) at their own paths, with the course's own packages (``calcml``,
  ``autograder``, editable-install finders and ``.pth`` files) masked by empty mounts,
  and every folder of the course itself masked wherever it lies beneath a bound path; a
  mask is a mount, so it holds whatever link or path is used to reach it;
- ``/etc`` with only ``passwd`` and ``group`` (one generated line each), the dynamic
  linker's cache, ``localtime``, ``nsswitch.conf`` and ``fonts/``;
- a fresh ``/proc`` of its own PID namespace, a minimal ``/dev``, a private ``/tmp``;
- ``/sandbox``: the trusted start-up scripts, copied there by the grader;
- ``/submission``: the student's files, which the start-up script copies into
- ``/home/student`` (:data:`WORK`): writable, a tmpfs of bounded size, the kernel's
  current directory; and
- ``/run/kernel``: writable, a tmpfs of 1 MiB for the ZeroMQ ``ipc`` sockets (there is
  no network at all), which the grader reaches through ``/proc/<pid>/root``; and
- ``/run/connection.json``: the kernel's connection file, read-only.

Nothing the kernel can write lies on the grading machine's disk: every writable place is
a tmpfs of bounded size.

The kernel gets new mount, PID, network, IPC, UTS and (where possible) cgroup
namespaces, a new session, no capabilities and, when bwrap itself runs as root, only
``CAP_SETUID``/``CAP_SETGID``/``CAP_SETPCAP`` until the start-up script has emptied the
bounding set and become :data:`SANDBOX_UID` (they are gone from then on). Run as another
user, bwrap uses an unprivileged user namespace and maps that user to
:data:`SANDBOX_UID` inside. When the grader dies, bwrap (``--die-with-parent``) and with
it the whole PID namespace die too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["WORK", "SANDBOX_UID", "SANDBOX_GID", "HIDDEN_DISTRIBUTIONS", "SandboxUnavailable",
           "Mounts", "bwrap_path", "bwrap_command", "hidden_paths", "course_folders"]

SANDBOX_UID = SANDBOX_GID = 65534  #: "nobody": owns nothing on the grading machine
#: Names in site-packages that must stay out of the student's reach: the course's own
#: implementations, the grader itself, and the finders of editable installs.
HIDDEN_DISTRIBUTIONS = ("calcml", "autograder", "__editable__", "_calcml", "calcml_course")
SYSTEM_DIRS = ("/usr/bin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32",
               "/usr/share/zoneinfo")
TOP_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  #: the repository (or install) root
WORK = "/home/student"  #: the kernel's writable working copy inside the sandbox
#: paths the sandbox creates itself; nothing bound from the machine may lie beneath them
OWN_PATHS = (WORK, "/sandbox", "/submission", "/run", "/tmp", "/proc", "/dev")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create the namespaces on this machine."""


@lru_cache(maxsize=1)
def bwrap_path() -> str:
    found = shutil.which("bwrap") or next(
        (p for p in ("/usr/bin/bwrap", "/usr/local/bin/bwrap") if os.access(p, os.X_OK)), None)
    if found is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed: student code is only run inside its "
            "namespace sandbox. Install it (Debian/Ubuntu: apt-get install bubblewrap; "
            "RHEL/Fedora: dnf install bubblewrap; scripts/system-deps.sh does it) and grade "
            "again.")
    return found


def course_folders() -> list[str]:
    """Folders of the course that the kernel must never see, wherever they lie."""
    folders = {str(PACKAGE_ROOT)}
    for name in ("CALCML_COURSE_ROOT",):
        if os.environ.get(name):
            folders.add(os.path.realpath(os.environ[name]))
    for module in ("calcml", "autograder"):
        spec = sys.modules.get(module)
        if spec is not None and getattr(spec, "__file__", None):
            folders.add(str(Path(spec.__file__).resolve().parent))
    return sorted(folders)


def _site_dirs() -> list[str]:
    dirs = []
    for key in ("purelib", "platlib"):
        for vars_ in ({}, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}):
            path = sysconfig.get_paths(vars=vars_)[key]
            if os.path.isdir(path):
                dirs.append(os.path.realpath(path))
    return sorted(set(dirs))


def hidden_paths() -> list[str]:
    """Entries of every site-packages folder that the kernel must not see."""
    hidden = []
    for site in _site_dirs():
        for name in os.listdir(site):
            lower = name.lower()
            if lower.startswith(HIDDEN_DISTRIBUTIONS) or (
                    lower.endswith(".pth") and _pth_names_course(os.path.join(site, name))):
                hidden.append(os.path.join(site, name))
    return hidden


def _pth_names_course(path: str) -> bool:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return False
    return any(folder in text for folder in course_folders()) or "calcml" in text


@dataclass
class Mounts:
    """The folders of one kernel start on the grading machine's side."""

    boot: Path  #: trusted start-up scripts and /etc files (read-only inside)
    files: Path  #: the student's files (read-only inside, copied into WORK)
    connection: Path  #: the kernel's connection file (read-only inside)
    disk_bytes: int  #: size of the writable working copy WORK
    tmp_bytes: int = 16 << 20  #: size of the private /tmp
    run_bytes: int = 1 << 20  #: size of /run/kernel (sockets and a status file)
    env: dict[str, str] = field(default_factory=dict)


def _binds_for(paths: list[str], masked: list[str]) -> list[str]:
    args: list[str] = []
    parents: list[str] = []  # made traversable (bwrap would copy e.g. /root's 0700)
    for path in paths:
        for parent in reversed(Path(path).parents[:-1]):
            if str(parent) not in parents:
                parents.append(str(parent))
    for parent in parents:
        if not os.path.islink(parent):
            args += ["--perms", "0755", "--dir", parent]
    for path in paths:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            args += ["--ro-bind", path, path]
    for path in masked:
        if os.path.isdir(path) and not os.path.islink(path):
            args += ["--perms", "0555", "--tmpfs", path, "--remount-ro", path]
        elif os.path.lexists(path):
            args += ["--ro-bind", "/dev/null", path]
    return args


def _python_roots() -> list[str]:
    """The Python installation and the virtual environment, outermost first."""
    roots = {os.path.realpath(sys.base_prefix), os.path.abspath(sys.prefix)}
    exe = os.path.realpath(sys.executable)
    if not any(exe.startswith(r + os.sep) for r in roots):
        roots.add(os.path.dirname(exe))
    # a system Python (prefix /usr) is covered by the system folders: never bind all of /usr
    out = sorted((r for r in roots if r not in ("/", "/usr")), key=len)
    return [r for r in out if not any(r != o and r.startswith(o + os.sep) for o in out)]


def _masks(bound: list[str]) -> list[str]:
    """Course folders and hidden site-packages entries that lie beneath a bound path
    (checked on real paths, so that links such as ``lib64 -> lib`` change nothing)."""
    real_bound = [os.path.realpath(b) for b in bound]
    masks = []
    for path in [*hidden_paths(), *course_folders()]:
        real = os.path.realpath(path)
        if any(real == b or real.startswith(b.rstrip("/") + "/") for b in real_bound):
            masks.append(real)
    return sorted(set(masks))


def bwrap_command(mounts: Mounts, argv: list[str]) -> list[str]:
    """The bwrap command line that runs ``argv`` in the sandbox described above."""
    root = os.geteuid() == 0
    cmd = [bwrap_path(), "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent",
           "--new-session"]
    if root:  # bwrap's privileged mode: the start-up script drops to SANDBOX_UID itself
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                "--cap-add", "CAP_SETPCAP"]  # to empty the bounding set before the drop
    else:
        cmd += ["--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID),
                "--gid", str(SANDBOX_GID), "--cap-drop", "ALL"]
    system = [p for p in SYSTEM_DIRS if os.path.lexists(p)]
    tops = [p for p in TOP_DIRS if os.path.lexists(p)]
    pythons = _python_roots()
    for path in pythons:  # /tmp is mounted first, so a Python under /tmp is bound into it
        if any(path == own or path.startswith(own + "/") for own in OWN_PATHS if own != "/tmp"):
            raise SandboxUnavailable(
                f"the Python installation {path} lies where the sandbox mounts its own "
                f"folders ({', '.join(OWN_PATHS)}): install the grader's virtual environment "
                "elsewhere")
    cmd += ["--perms", "01777", "--size", str(mounts.tmp_bytes), "--tmpfs", "/tmp"]
    bound = [p for p in system + tops + pythons if not os.path.islink(p)]
    cmd += _binds_for(system + tops + pythons, _masks(bound))
    cmd += ["--dir", "/etc"]
    for name in ETC_FILES:
        if os.path.exists(name):
            cmd += ["--ro-bind", os.path.realpath(name), name]
    cmd += ["--ro-bind-try", "/etc/fonts", "/etc/fonts"]
    cmd += ["--ro-bind", str(mounts.boot / "etc" / "passwd"), "/etc/passwd",
            "--ro-bind", str(mounts.boot / "etc" / "group"), "/etc/group"]
    for parent in ("/run", "/home", "/sys", "/sys/devices", "/sys/devices/system"):
        cmd += ["--perms", "0755", "--dir", parent]
    cmd += ["--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu"]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--perms", "01777", "--size", str(mounts.disk_bytes), "--tmpfs", WORK,
            "--ro-bind", str(mounts.boot), "/sandbox",
            "--ro-bind", str(mounts.files), "/submission",
            "--perms", "01777", "--size", str(mounts.run_bytes), "--tmpfs", "/run/kernel",
            "--ro-bind", str(mounts.connection), "/run/connection.json",
            "--remount-ro", "/",
            "--chdir", "/", "--clearenv"]
    for key, value in mounts.env.items():
        cmd += ["--setenv", key, value]
    return [*cmd, *argv]


def write_boot(boot: Path, scripts: list[Path]) -> None:
    """Fill the trusted start-up folder: the scripts, and ``/etc/passwd`` and
    ``/etc/group`` with one line each for the sandbox user."""
    (boot / "etc").mkdir(parents=True)
    for script in scripts:
        shutil.copyfile(script, boot / script.name)
    (boot / "etc" / "passwd").write_text(
        f"student:x:{SANDBOX_UID}:{SANDBOX_GID}:student:{WORK}:/usr/sbin/nologin\n")
    (boot / "etc" / "group").write_text(f"student:x:{SANDBOX_GID}:\n")
    for path in [boot, boot / "etc", *boot.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o444)


def probe() -> str | None:
    """None when bwrap can create the sandbox's namespaces here, else why not."""
    try:
        cmd = [bwrap_path(), "--unshare-ipc", "--unshare-pid", "--unshare-net",
               "--unshare-uts", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev"]
        if os.geteuid() != 0:
            cmd += ["--unshare-user"]
        proc = subprocess.run([*cmd, "true"], capture_output=True, text=True, timeout=30)
    except (SandboxUnavailable, OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (f"bwrap cannot create the namespaces here: {proc.stderr.strip()}. As a user "
                "other than root it needs unprivileged user namespaces (sysctl "
                "kernel.unprivileged_userns_clone=1 on Debian; on Ubuntu 24.04 an AppArmor "
                "profile allowing them for bwrap), or run the grader as root.")
    return None
