"""A student's kernel seen from the trusted side: start, run code, watch, kill, restart.

:class:`KernelSession` starts a real ipykernel inside the namespace sandbox of
:mod:`autograder.namespace` (bubblewrap: its own mount, PID, network, IPC and UTS
namespaces, an unprivileged user without capabilities, a minimal read-only system and a
fresh working copy of bounded size), with :mod:`autograder.sandbox_kernel` as its
isolated start-up script, in a cgroup that caps the memory, processes and CPU time of
the whole kernel tree (:mod:`autograder.cgroup`). Every start, the first and each
restart, gets a fresh sandbox: nothing a kernel wrote survives it, so nothing the
student wrote can run before the next kernel is confined.

Code runs with a wall-clock deadline and a cap on how much output it may produce.
Whatever happens inside (an exception, ``os._exit``, a segfault, an endless loop, a
memory blow-up, endless printing) comes back as an :class:`ExecResult` saying so; the
session can then be restarted. Nothing the kernel sends is unpickled or evaluated.
Killing the kernel kills its PID namespace, and with it every process the student
started, wherever it moved; the grader's folders are removed at the end, and those of
a grader that was killed are removed by the next one (:func:`sweep_stale`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from autograder import cgroup, landlock, namespace, sandbox_kernel
from autograder.shim import RESULT_MIME  # the one message that carries call outcomes

__all__ = ["Limits", "ExecResult", "KernelSession", "SandboxError", "sweep_stale",
           "FOLDER_PREFIX"]

#: Outputs the grader keeps from student cells (no HTML or JavaScript reaches feedback).
SAFE_MIME = ("text/plain", "image/png")
#: host folders of the sandboxes: calcml-sandbox-<owner tag>-<random>
FOLDER_PREFIX = "calcml-sandbox-"
log = logging.getLogger("autograder.sandbox")

_SWEPT: set[str] = set()  # owner tags of the processes that have swept stale leftovers
_LOCK = threading.Lock()
_LOGGED: set[str] = set()


def landlock_wanted() -> bool:
    """Landlock is an extra layer on by default; ``CALCML_LANDLOCK=0`` switches it off."""
    return os.environ.get("CALCML_LANDLOCK", "1").strip().lower() not in ("0", "no", "off",
                                                                          "false")


def sweep_stale() -> tuple[int, int]:
    """Remove the sandbox folders and cgroups left behind by graders (or workers) that
    are gone; return how many (folders, cgroups). Those of running graders stay."""
    folders = 0
    base = Path(tempfile.gettempdir())
    for path in base.glob(FOLDER_PREFIX + "*"):
        tag = path.name[len(FOLDER_PREFIX):].split("-")[0]
        if "." not in tag or cgroup.owner_alive(tag):
            continue
        shutil.rmtree(path, ignore_errors=True)
        folders += not path.exists()
    return folders, cgroup.sweep_stale()


def _sweep_once() -> None:
    tag = cgroup.owner_tag()
    with _LOCK:
        if tag in _SWEPT:
            return
        _SWEPT.add(tag)
    sweep_stale()


class SandboxError(RuntimeError):
    """The sandbox itself could not be started (not the student's fault)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one student's kernel."""

    cell_timeout: float = 20.0  #: seconds of wall time for one cell or one batch of calls
    memory_mb: int = 2048  #: memory of the whole kernel tree (cgroup), and of each process
    cpu_seconds: int = 300  #: CPU time of the whole kernel tree over one kernel's life
    file_mb: int = 64  #: largest file the kernel may write
    disk_mb: int = 256  #: size of the writable working copy (a tmpfs)
    output_kb: int = 64  #: stream output kept per cell; more is truncated
    flood_kb: int = 4096  #: output per cell beyond which the kernel is killed
    startup_timeout: float = 60.0
    #: processes and threads the kernel tree may run at once
    max_tasks: int = 128
    #: wall time one notebook may take in all, restarts and retries included
    notebook_seconds: float = 600.0


@dataclass
class ExecResult:
    """What came of running one piece of code in the kernel."""

    status: str  #: "ok", "error", "died", "timeout", "flood" or "budget" (not run)
    outputs: list[dict[str, Any]] = field(default_factory=list)  #: nbformat-style outputs
    error: str = ""  #: one-line description for status != "ok"
    payload: str | None = None  #: text of the RESULT_MIME output, if any

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def kernel_lost(self) -> bool:
        """True when the kernel is gone or unusable and must be restarted."""
        return self.status in ("died", "timeout", "flood")


class KernelSession:
    """One sandboxed ipykernel and the host folder its sandboxes are made from.

    Use as a context manager; :meth:`run` executes code, :meth:`restart` replaces a
    dead kernel with a fresh one (in a fresh sandbox, with the submitted files again).
    :attr:`layers` says which protections held at the last start.
    """

    def __init__(self, files: dict[str, bytes] | None = None, limits: Limits | None = None):
        self.limits = limits or Limits()
        _sweep_once()
        self._root = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{cgroup.owner_tag()}-"))
        self.workdir = self._root / "files"  #: the submitted files, as the kernel gets them
        try:
            namespace.write_boot(self._root / "boot", [Path(sandbox_kernel.__file__),
                                                       Path(landlock.__file__)])
            self.workdir.mkdir(mode=0o755)
            for rel, data in (files or {}).items():
                target = (self.workdir / rel).resolve()
                if self.workdir.resolve() not in target.parents:
                    continue  # a path that would leave the working copy is not copied
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
                target.write_bytes(data)
                target.chmod(0o444)
        except BaseException:
            shutil.rmtree(self._root, ignore_errors=True)
            raise
        self._proc: subprocess.Popen[bytes] | None = None
        self._group: cgroup.TreeGroup | None = None
        self._client: BlockingKernelClient | None = None
        self._ns_pid: int | None = None
        self._cpu_exceeded = False
        self.layers: dict[str, Any] = {}
        self.starts = 0

    # -- life cycle -------------------------------------------------------------------
    def __enter__(self) -> KernelSession:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start a fresh kernel in a fresh sandbox and wait until it answers."""
        self._kill()
        self.starts += 1
        lim = self.limits
        conn = self._root / f"connection-{self.starts}.json"
        _, info = write_connection_file(str(conn), transport="ipc", ip="/run/kernel/k",
                                        key=os.urandom(32).hex().encode())
        conn.chmod(0o400)
        if os.geteuid() == 0:
            os.chown(conn, namespace.SANDBOX_UID, namespace.SANDBOX_GID)
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": "/home/student",
            "USER": "student",
            "TMPDIR": "/home/student",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": "/home/student/.matplotlib",
            "IPYTHONDIR": "/home/student/.ipython",
            "JUPYTER_RUNTIME_DIR": "/run/kernel",
            "JUPYTER_DATA_DIR": "/home/student/.jupyter",
            "JUPYTER_PLATFORM_DIRS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MALLOC_ARENA_MAX": "2",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "LANG": "C.UTF-8",
        }
        mounts = namespace.Mounts(boot=self._root / "boot", files=self.workdir,
                                  connection=conn, disk_bytes=lim.disk_mb << 20, env=env)
        python = os.path.join(sys.prefix, "bin", "python")
        if not os.path.exists(python):
            python = sys.executable
        argv = [python, "-I", "/sandbox/sandbox_kernel.py",
                "--uid", str(namespace.SANDBOX_UID), "--gid", str(namespace.SANDBOX_GID),
                "--memory-mb", str(lim.memory_mb), "--cpu-seconds", str(lim.cpu_seconds),
                "--file-mb", str(lim.file_mb), "--landlock", str(int(landlock_wanted())),
                "-f", "/run/connection.json"]
        try:
            cmd = namespace.bwrap_command(mounts, argv)
        except namespace.SandboxUnavailable as exc:
            raise SandboxError(str(exc)) from None
        info_r, info_w = os.pipe()
        block_r, block_w = os.pipe()
        cmd[1:1] = ["--info-fd", str(info_w), "--block-fd", str(block_r)]
        self._stderr = open(self._root / f"stderr-{self.starts}.txt", "wb")  # noqa: SIM115
        self._group = cgroup.create(f"calcml-{cgroup.owner_tag()}-{id(self):x}-{self.starts}",
                                    memory_bytes=lim.memory_mb << 20, max_pids=lim.max_tasks)
        self._cpu_exceeded = False
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=self._stderr,
                                          pass_fds=(info_w, block_r), cwd="/")
        except OSError as exc:
            for fd in (info_r, block_w):
                os.close(fd)
            self._stderr.close()
            if self._group is not None:
                self._group.remove()
                self._group = None
            raise SandboxError(f"bubblewrap could not be started: {exc}") from None
        finally:
            os.close(info_w)
            os.close(block_r)
        try:
            self._ns_pid = self._sandbox_pid(info_r, lim.startup_timeout)
            if self._group is not None:  # before the sandbox runs anything at all
                try:
                    self._group.add(self._proc.pid)
                    self._group.add(self._ns_pid)
                except OSError:  # a hierarchy that refuses the move: go on without the cap
                    self._group.remove()
                    self._group = None
        finally:
            os.close(info_r)
            with contextlib.suppress(OSError):
                os.write(block_w, b"1")
            os.close(block_w)
        # the sockets live in the sandbox's own tmpfs: reached through its root
        inside = Path(f"/proc/{self._ns_pid}/root/run/kernel")
        client_file = self._root / f"client-{self.starts}.json"
        ports = {k: v for k, v in info.items() if k.endswith("_port")}
        write_connection_file(str(client_file), transport="ipc", ip=str(inside / "k"),
                              key=info["key"].encode(), **ports)
        client = BlockingKernelClient(connection_file=str(client_file))
        client.load_connection_file()
        client.start_channels()
        self._client = client
        deadline = time.monotonic() + lim.startup_timeout
        while True:  # until the kernel answers on shell AND its iopub reaches us
            if self._proc.poll() is not None:
                tail = self._tail()
                self._kill()
                raise SandboxError(f"the sandboxed kernel exited at start-up:\n{tail}")
            if time.monotonic() > deadline:
                tail = self._tail()
                self._kill()
                raise SandboxError(f"the sandboxed kernel did not start:\n{tail}")
            if self._answered(client, client.kernel_info()):
                break
        # a first, empty execution, so that what ipykernel loads on its first request is
        # not charged to the student's first cell (it counts against the start-up time)
        self._answered(client, client.execute("pass", silent=True, store_history=False),
                       wait=max(deadline - time.monotonic(), 0.5))
        while True:  # drain the start-up messages
            try:
                client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                break
        self._read_layers(inside)

    @staticmethod
    def _answered(client: BlockingKernelClient, msg_id: str, wait: float = 0.5) -> bool:
        """True when the reply to ``msg_id`` came on shell and its idle status on iopub
        (so both channels are connected: a subscriber may join late and miss messages)."""
        end = time.monotonic() + wait
        replied = idle = False
        while not (replied and idle):
            left = end - time.monotonic()
            if left <= 0:
                return False
            try:
                if not replied:
                    msg = client.get_shell_msg(timeout=min(left, 0.5))
                    replied = msg.get("parent_header", {}).get("msg_id") == msg_id
                    continue
                msg = client.get_iopub_msg(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            idle = (msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle")
        return True

    def _sandbox_pid(self, info_r: int, timeout: float) -> int:
        """The pid (seen from here) of the sandbox's first process, from bwrap's info."""
        data = b""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return int(json.loads(data)["child-pid"])
            except (ValueError, KeyError):
                pass
            left = deadline - time.monotonic()
            ready, _, _ = select.select([info_r], [], [], max(left, 0))
            chunk = os.read(info_r, 4096) if ready else b""
            if not chunk:
                self._kill()
                raise SandboxError("bubblewrap did not start the sandbox:\n" + self._tail()
                                   + "\n" + (namespace.probe() or ""))
            data += chunk

    def _read_layers(self, run: Path) -> None:
        """What the start-up script reported (before any student code ran), plus what
        this side enforces; logged once per process and combination."""
        try:
            inside = json.loads((run / "layers.json").read_text())
        except (OSError, ValueError):
            inside = {}
        self.layers = {
            "namespaces": "mount, pid, net, ipc, uts (bubblewrap "
                          + ("as root" if os.geteuid() == 0 else "in a user namespace") + ")",
            "uid": inside.get("uid"),
            "capabilities": inside.get("capabilities"),
            "cgroup": ", ".join(self._group.controllers) if self._group else "none",
            "landlock": inside.get("landlock", "?"),
            "seccomp": "none",
        }
        line = "; ".join(f"{k}: {v}" for k, v in self.layers.items())
        with _LOCK:
            if line in _LOGGED:
                return
            _LOGGED.add(line)
        log.info("student kernels run with %s", line)
        if self._group is None or "memory" not in self._group.controllers:
            log.warning("no memory cgroup could be made: the kernel tree's memory is bounded "
                        "per process only (run the grader as root for the cgroup)")

    def restart(self) -> None:
        self.start()

    def close(self) -> None:
        self._kill()
        shutil.rmtree(self._root, ignore_errors=True)

    def _tail(self) -> str:
        try:
            self._stderr.flush()
            return Path(self._stderr.name).read_text(errors="replace")[-2000:]
        except (OSError, AttributeError):
            return ""

    def _kill(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
        if self._proc is not None:
            if self._ns_pid is not None:  # the PID namespace's init: all of it goes
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._ns_pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                self._proc.kill()
            if self._group is not None:
                self._group.kill_all()
            self._proc.wait()
            self._proc = None
            self._ns_pid = None
            self._stderr.close()
        if self._group is not None:
            self._group.remove()
            self._group = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _over_cpu(self) -> bool:
        """True (once the kernel is killed) when the tree has used its CPU time."""
        if self._group is None:
            return False
        used = self._group.cpu_seconds()
        if used is not None and used > self.limits.cpu_seconds:
            self._cpu_exceeded = True
            return True
        return False

    # -- running code -------------------------------------------------------------------
    def run(self, code: str, timeout: float | None = None) -> ExecResult:
        """Execute ``code`` and collect its outputs until the kernel is idle again."""
        if self._client is None or not self.alive:
            return ExecResult("died", error="the kernel is not running")
        timeout = self.limits.cell_timeout if timeout is None else timeout
        client = self._client
        msg_id = client.execute(code, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        outputs: list[dict[str, Any]] = []
        kept = total = 0
        payload: str | None = None
        error = ""
        keep_limit, flood_limit = self.limits.output_kb << 10, self.limits.flood_kb << 10
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill()
                return ExecResult("timeout", outputs, f"still running after {timeout:g} s")
            if self._over_cpu():
                self._kill()
                return ExecResult("died", outputs, "the kernel's processes used more than "
                                  f"{self.limits.cpu_seconds} s of CPU time together")
            if not self.alive:
                note = _death_note(self)
                self._kill()
                return ExecResult("died", outputs, note)
            try:
                msg = client.get_iopub_msg(timeout=min(remaining, 0.2))
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                break
            size = len(json.dumps(content, default=str))
            total += size
            if total > flood_limit:
                self._kill()
                return ExecResult("flood", outputs,
                                  f"produced more than {self.limits.flood_kb} KiB of output")
            if kind == "stream":
                text = str(content.get("text", ""))
                room = max(keep_limit - kept, 0)
                if room:
                    _append_stream(outputs, str(content.get("name", "stdout")), text[:room])
                    kept += min(len(text), room)
            elif kind in ("display_data", "execute_result"):
                data = content.get("data", {})
                if RESULT_MIME in data:
                    payload = json.dumps(data[RESULT_MIME])
                    continue
                safe = {k: v for k, v in data.items() if k in SAFE_MIME and isinstance(v, str)}
                if safe and kept + size <= keep_limit * 8:
                    kept += size
                    out: dict[str, Any] = {"output_type": "display_data", "data": safe,
                                           "metadata": {}}
                    outputs.append(out)
            elif kind == "error":
                ename, evalue = str(content.get("ename", "")), str(content.get("evalue", ""))
                error = f"{ename}: {evalue}"[:2000]
                outputs.append({"output_type": "error", "ename": ename[:200],
                                "evalue": evalue[:2000],
                                "traceback": [str(t)[:4000] for t in
                                              content.get("traceback", [])][:50]})
        return ExecResult("error" if error else "ok", outputs, error, payload)


def _append_stream(outputs: list[dict[str, Any]], name: str, text: str) -> None:
    if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1]["name"] == name:
        outputs[-1]["text"] += text
    else:
        outputs.append({"output_type": "stream", "name": name, "text": text})


def _death_note(session: KernelSession) -> str:
    """Why the kernel is gone, in words (bwrap exits with 128 + the signal's number)."""
    code = session._proc.returncode if session._proc is not None else None
    memory = session._group is not None and session._group.memory_exhausted()
    if code is not None and code > 128:
        code = 128 - code
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        why = {"SIGKILL": " (killed, often for exceeding the memory limit)",
               "SIGXCPU": " (CPU time limit exceeded)", "SIGSEGV": " (crashed)"}.get(name, "")
        if memory:
            why = f" (the kernel's processes reached their memory limit of " \
                  f"{session.limits.memory_mb} MiB together)"
        return f"the kernel died with {name}{why}"
    return f"the kernel exited (exit code {code})"
