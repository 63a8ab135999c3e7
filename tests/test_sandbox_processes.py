"""Processes a student starts do not outlive the kernel that started them, even when
they leave its process group (``setsid``) or are orphaned by a double fork: they stay in
the kernel's PID namespace and cgroup, which end with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import cgroup
from autograder.session import KernelSession, Limits

DETACHED = ("import subprocess\n"
            "p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
            "print(p.pid)")
DOUBLE_FORK = ("import os, time\n"
               "r, w = os.pipe()\n"
               "if os.fork() == 0:\n"
               "    os.setsid()\n"
               "    if os.fork() == 0:\n"
               "        os.write(w, str(os.getpid()).encode())\n"
               "        time.sleep(300)\n"
               "    os._exit(0)\n"
               "os.wait()\n"
               "print(os.read(r, 32).decode())")


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def started(session: KernelSession, code: str) -> int:
    """The pid, as the grading machine sees it, of the process ``code`` starts (the
    kernel prints the pid of its own PID namespace)."""
    result = session.run(code)
    assert result.ok, result.error
    inner = int(result.outputs[0]["text"])
    for pid in session._group.members() if session._group else []:
        status = Path(f"/proc/{pid}/status").read_text()
        nspid = next(line.split()[1:] for line in status.splitlines()
                     if line.startswith("NSpid:"))
        if len(nspid) > 1 and int(nspid[-1]) == inner:
            assert running(pid)
            return pid
    raise AssertionError(f"process {inner} of the sandbox not found in its cgroup")


@pytest.mark.parametrize("code", [DETACHED, DOUBLE_FORK], ids=["setsid child", "double fork"])
def test_a_detached_process_ends_with_the_session(code):
    with KernelSession(limits=Limits(cell_timeout=20)) as session:
        pid = started(session, code)
    assert not running(pid)


def test_a_detached_process_ends_when_the_kernel_is_restarted():
    with KernelSession(limits=Limits(cell_timeout=20)) as session:
        pid = started(session, DETACHED)
        session.restart()
        assert not running(pid)
        assert session.run("print(1 + 1)").outputs[0]["text"] == "2\n"


FORK_MANY = ("import os, time\n"
             "children = 0\n"
             "for _ in range(300):\n"
             "    try:\n"
             "        if os.fork() == 0:\n"
             "            time.sleep(300)\n"
             "            os._exit(0)\n"
             "        children += 1\n"
             "    except BlockingIOError:\n"
             "        break\n"
             "print(children)")


def test_forking_is_capped_and_every_child_ends_with_the_session():
    probe = cgroup.create(f"calcml-{cgroup.owner_tag()}-probe", memory_bytes=1 << 30,
                          max_pids=8)
    if probe is None or "pids" not in probe.controllers:
        pytest.skip("this machine has no pids cgroup hierarchy that root can write")
    probe.remove()
    with KernelSession(limits=Limits(cell_timeout=30, max_tasks=64)) as session:
        result = session.run(FORK_MANY)
        assert result.ok, result.error
        children = int(result.outputs[0]["text"])
        assert 0 < children < 64, f"{children} children were started under a cap of 64 tasks"
        group = session._group
        assert group is not None and len(group.members()) > children
        paths = list(group.dirs.values())
    assert not any(path.exists() for path in paths)
