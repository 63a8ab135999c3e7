"""Processes a student starts do not outlive the kernel that started them, even when
they leave its process group (``setsid``) or are orphaned by a double fork."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder import pids_cgroup
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
    result = session.run(code)
    assert result.ok, result.error
    pid = int(result.outputs[0]["text"])
    assert running(pid)
    return pid


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
    probe = pids_cgroup.create(f"calcml-{os.getpid()}-probe", 8)
    if probe is None:
        pytest.skip("this machine has no pids cgroup hierarchy that root can write")
    probe.remove()
    with KernelSession(limits=Limits(cell_timeout=30, max_tasks=64)) as session:
        result = session.run(FORK_MANY)
        assert result.ok, result.error
        children = int(result.outputs[0]["text"])
        assert 0 < children < 64, f"{children} children were started under a cap of 64 tasks"
        group = session._group
        assert group is not None and len(group.members()) > children
        path = group.path
    assert not path.exists()
