"""Nothing of a sandbox outlives a grader killed with ``kill -9`` for longer than the next
run: its kernels' processes end at once, its System V IPC objects never existed outside
the sandbox, and its folders and cgroups are removed by the next grader (issue 15, 2)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder import cgroup
from autograder.session import FOLDER_PREFIX

REPO = Path(__file__).resolve().parent.parent
SHM_KEY = 0x5CA1C0DF
# a grader with two kernels, whose students hold shared memory and a detached child
GRADER = f"""
import sys, time
from autograder.session import KernelSession
sessions = [KernelSession() for _ in range(2)]
for s in sessions:
    s.start()
    r = s.run('''import ctypes, subprocess
libc = ctypes.CDLL(None)
print(libc.shmget({SHM_KEY}, 4096, 0o1666) >= 0)
subprocess.Popen(['sleep', '300'], start_new_session=True)''')
    assert r.ok and 'True' in r.outputs[0]['text'], r
print('ready', flush=True)
time.sleep(300)
"""


def leftovers(tag: str) -> tuple[list[Path], list[Path]]:
    """The sandbox folders and cgroup directories of the grader with owner tag ``tag``."""
    folders = list(Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}{tag}-*"))
    groups = [p for root in {cgroup.ROOT / c for c in cgroup.V1} | {cgroup.ROOT}
              for p in root.glob(f"calcml-{tag}-*")]
    return folders, groups


def shm_keys() -> set[int]:
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {int(line.split()[0]) for line in lines}


def processes_in(groups: list[Path]) -> list[int]:
    pids: set[int] = set()
    for group in groups:
        try:
            pids.update(int(p) for p in (group / "cgroup.procs").read_text().split())
        except OSError:
            pass
    return sorted(pids)


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO))


@pytest.mark.slow
def test_a_killed_grader_leaves_nothing_after_the_next_run():
    grader = subprocess.Popen([sys.executable, "-c", GRADER], cwd=REPO, env=env(),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert grader.stdout.readline().strip() == "ready"
        tag = cgroup.owner_tag(grader.pid)
        folders, groups = leftovers(tag)
        assert len(folders) == 2
        probe = cgroup.create(f"calcml-{cgroup.owner_tag()}-probe", memory_bytes=1 << 30,
                              max_pids=8)
        if probe is not None:  # where cgroups can be made, the kernels have them
            probe.remove()
            assert groups, "the grader's kernels have no cgroup"
        in_groups = processes_in(groups)
        assert SHM_KEY not in shm_keys(), "a sandbox's shared memory is visible outside it"
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists()
                                              for p in in_groups):
        time.sleep(0.1)
    alive = [p for p in in_groups if Path(f"/proc/{p}").exists()]
    assert not alive, f"processes of a killed grader's kernels still run: {alive}"
    folders, groups = leftovers(tag)
    assert folders, "expected the killed grader's folders to be left for the next run"
    # the next run: any grader starting a kernel
    nxt = subprocess.run([sys.executable, "-c", "from autograder.session import KernelSession\n"
                          "with KernelSession() as s:\n    assert s.run('1').ok"],
                         cwd=REPO, env=env(), capture_output=True, text=True, timeout=120)
    assert nxt.returncode == 0, nxt.stderr
    folders, groups = leftovers(tag)
    assert (folders, groups) == ([], []), "left behind by a killed grader after the next run"
    assert SHM_KEY not in shm_keys()
