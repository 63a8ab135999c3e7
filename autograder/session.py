"""A student's kernel seen from the trusted side: start, run code, watch, kill, restart.

:class:`KernelSession` starts :mod:`autograder.sandbox_kernel` (a real ipykernel,
confined by resource limits and Landlock) in a private working copy, and runs code in
it with a wall-clock deadline and a cap on how much output it may produce. Whatever
happens inside (an exception, ``os._exit``, a segfault, an endless loop, a memory
blow-up, endless printing) comes back as an :class:`ExecResult` saying so; the
session can then be restarted. Nothing the kernel sends is unpickled or evaluated.
Processes the student starts end with the kernel, even those that leave its process
group: they stay in the kernel's pids cgroup, which also caps how many there may be
(where the machine lets root make one), and the grading process adopts them (it is
their subreaper) to kill and reap them.
"""

from __future__ import annotations

import json
import os
import queue
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

from autograder import pids_cgroup
from autograder.shim import RESULT_MIME  # the one message that carries call outcomes

__all__ = ["Limits", "ExecResult", "KernelSession", "SandboxError", "sweep_escapees"]

#: Outputs the grader keeps from student cells (no HTML or JavaScript reaches feedback).
SAFE_MIME = ("text/plain", "image/png")


#: pids of the kernels this process has started and not yet killed (guarded by _LOCK,
#: so that a sweep in one thread never takes another thread's new kernel for an escapee)
_KERNELS: set[int] = set()
_LOCK = threading.Lock()


def _become_subreaper() -> None:
    """Make this process the adopter of every orphan below it (PR_SET_CHILD_SUBREAPER).

    A student process that double-forks or calls ``setsid`` leaves the kernel's process
    group; without this it would be adopted by init and outlive grading.
    """
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)


def _sandboxed_children() -> list[int]:
    """Children of this process that carry the sandbox's no_new_privs mark and are not
    one of its kernels: processes that escaped a kernel's process group."""
    me, found = str(os.getpid()), []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in _KERNELS:
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == me and fields.get("NoNewPrivs", "").strip() == "1":
            found.append(int(entry.name))
    return found


def sweep_escapees(rounds: int = 50) -> int:
    """Kill and reap every sandboxed process that has been adopted by this process;
    return how many there were. Killing one can orphan its own children, so the sweep
    repeats until a round finds none."""
    killed = 0
    for _ in range(rounds):
        with _LOCK:
            pids = _sandboxed_children()
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                killed += 1
            except (ProcessLookupError, ChildProcessError):
                pass
    return killed


class SandboxError(RuntimeError):
    """The sandbox itself could not be started (not the student's fault)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits for one student's kernel."""

    cell_timeout: float = 20.0  #: seconds of wall time for one cell or one batch of calls
    memory_mb: int = 2048  #: address-space limit of the kernel process
    cpu_seconds: int = 300  #: CPU time limit of the kernel process over its life
    file_mb: int = 64  #: largest file the kernel may write
    output_kb: int = 64  #: stream output kept per cell; more is truncated
    flood_kb: int = 4096  #: output per cell beyond which the kernel is killed
    startup_timeout: float = 60.0
    #: processes and threads the kernel may run at once (where a pids cgroup can be made)
    max_tasks: int = 128


@dataclass
class ExecResult:
    """What came of running one piece of code in the kernel."""

    status: str  #: "ok", "error", "died", "timeout" or "flood"
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
    """One sandboxed ipykernel in a private working copy.

    Use as a context manager; :meth:`run` executes code, :meth:`restart` replaces a
    dead kernel with a fresh one in the same working copy.
    """

    def __init__(self, files: dict[str, bytes] | None = None, limits: Limits | None = None):
        self.limits = limits or Limits()
        self._tmp = tempfile.TemporaryDirectory(prefix="calcml-sandbox-")
        self.workdir = Path(self._tmp.name)
        for rel, data in (files or {}).items():
            target = (self.workdir / rel).resolve()
            if self.workdir.resolve() not in target.parents:
                continue  # a path that would leave the working copy is not copied
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self._proc: subprocess.Popen[bytes] | None = None
        self._group: pids_cgroup.PidsGroup | None = None
        self._client: BlockingKernelClient | None = None
        self.starts = 0

    # -- life cycle -------------------------------------------------------------------
    def __enter__(self) -> KernelSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start a fresh kernel and wait until it answers."""
        self._kill()
        self.starts += 1
        run = self.workdir / ".kernel" / str(self.starts)
        run.mkdir(parents=True)
        conn, _ = write_connection_file(str(run / "connection.json"), transport="ipc",
                                        ip=str(run / "k"))
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.workdir),
            "TMPDIR": str(self.workdir),
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(self.workdir / ".matplotlib"),
            "IPYTHONDIR": str(self.workdir / ".ipython"),
            "JUPYTER_RUNTIME_DIR": str(run),
            "JUPYTER_DATA_DIR": str(self.workdir / ".jupyter"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MALLOC_ARENA_MAX": "2",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "LANG": "C.UTF-8",
        }
        lim = self.limits
        cmd = [sys.executable, "-m", "autograder.sandbox_kernel", "--workdir", str(self.workdir),
               "--memory-mb", str(lim.memory_mb), "--cpu-seconds", str(lim.cpu_seconds),
               "--file-mb", str(lim.file_mb), "--parent-pid", str(os.getpid()), "-f", conn]
        self._stderr = open(run / "stderr.txt", "wb")  # noqa: SIM115
        _become_subreaper()
        self._group = pids_cgroup.create(f"calcml-{os.getpid()}-{id(self):x}-{self.starts}",
                                         lim.max_tasks)
        with _LOCK:
            self._proc = subprocess.Popen(cmd, cwd=self.workdir, env=env,
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=self._stderr, start_new_session=True)
            _KERNELS.add(self._proc.pid)
        if self._group is not None:  # before the kernel answers, so before any student code
            try:
                self._group.add(self._proc.pid)
            except OSError:  # a hierarchy that refuses the move: go on without the cap
                self._group.remove()
                self._group = None
        client = BlockingKernelClient(connection_file=conn)
        client.load_connection_file()
        client.start_channels()
        deadline = time.monotonic() + lim.startup_timeout
        while True:
            if self._proc.poll() is not None:
                raise SandboxError(f"the sandboxed kernel exited at start-up:\n{self._tail()}")
            try:
                client.kernel_info()
                client.get_shell_msg(timeout=0.5)
                break
            except queue.Empty:
                if time.monotonic() > deadline:
                    self._kill()
                    raise SandboxError(
                        f"the sandboxed kernel did not start:\n{self._tail()}") from None
        while True:  # drain the start-up status messages
            try:
                client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                break
        self._client = client

    def restart(self) -> None:
        self.start()

    def close(self) -> None:
        self._kill()
        self._tmp.cleanup()

    def _tail(self) -> str:
        try:
            self._stderr.flush()
            return Path(self._stderr.name).read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def _kill(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if self._group is not None:
                self._group.kill_all()
            self._proc.wait()
            _KERNELS.discard(self._proc.pid)
            self._proc = None
            self._stderr.close()
        if self._group is not None:
            self._group.remove()
            self._group = None
        sweep_escapees()

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

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
    code = session._proc.returncode if session._proc is not None else None
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        why = {"SIGKILL": " (killed, often for exceeding the memory limit)",
               "SIGXCPU": " (CPU time limit exceeded)", "SIGSEGV": " (crashed)"}.get(name, "")
        return f"the kernel died with {name}{why}"
    return f"the kernel exited (exit code {code})"
