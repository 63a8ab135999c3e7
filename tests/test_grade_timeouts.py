"""The grader's answer to slow code, called directly (no nbgrader around it).

A cell or a call that runs out of time once is tried again on a fresh kernel: a moment
of load on a busy grading machine must cost the student nothing, while code that never
finishes still loses exactly the points of the function it breaks.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.grade import grade_notebook
from autograder.session import Limits

A = "01_derivatives"
COIN = "def coin_mle(heads, tails):\n    return heads / (heads + tails)\n"
TEST = f'from calcml.grading import check\ncheck("{A}", "coin_mle", coin_mle)\n'
# Slow only the first time. Each kernel gets a fresh working copy, so the marker lives
# in a file the test shares with the sandbox: the submitted files of the session, which
# the test makes writable for the kernel through a folder of the grading machine that
# it binds in by wrapping the sandbox's mounts.
SLOW_ONCE = ("import os, time\n"
             "if not os.path.exists('/run/slow/{marker}'):\n"
             "    open('/run/slow/{marker}', 'w').close()\n"
             "    time.sleep(60)\n")


def notebook(*answer_cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in answer_cells]
    test = nbformat.v4.new_code_cell(TEST)
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                 "grade_id": "test_coin_mle", "points": 1}
    nb.cells.append(test)
    return nb


@pytest.fixture(autouse=True)
def shared_folder(tmp_path, monkeypatch):
    """A folder of the test bound writable at /run/slow in every sandbox: the one thing
    that survives a restart here (the grader itself never shares one)."""
    from autograder import namespace

    shared = tmp_path / "slow"
    shared.mkdir()
    shared.chmod(0o777)
    real = namespace.bwrap_command

    def with_shared(mounts, argv):
        cmd = real(mounts, argv)
        at = next(i for i in range(len(cmd)) if cmd[i:i + 2] == ["--remount-ro", "/"])
        return [*cmd[:at], "--bind", str(shared), "/run/slow", *cmd[at:]]

    monkeypatch.setattr(namespace, "bwrap_command", with_shared)
    monkeypatch.setenv("CALCML_LANDLOCK", "0")  # Landlock would (rightly) refuse the write


def grade(nb: nbformat.NotebookNode) -> tuple[bool, str, int]:
    result = grade_notebook(nb, limits=Limits(cell_timeout=3.0))
    (test,) = result.tests
    return test.passed, "\n".join(v.message for v in test.verdicts), result.kernel_starts


@pytest.mark.slow
def test_a_cell_slow_once_is_run_again_and_costs_nothing():
    passed, message, starts = grade(notebook(SLOW_ONCE.format(marker="cell") + COIN))
    assert passed, message
    assert starts >= 2  # (more only if the machine itself is slower than 3 s)


@pytest.mark.slow
def test_a_call_slow_once_is_made_again_and_costs_nothing():
    slow_coin = ("def coin_mle(heads, tails):\n"
                 + "".join("    " + line + "\n" for line in
                           SLOW_ONCE.format(marker="call").splitlines())
                 + "    return heads / (heads + tails)\n")
    passed, message, starts = grade(notebook(slow_coin))
    assert passed, message
    assert starts >= 2  # (more only if the machine itself is slower than 3 s)


@pytest.mark.slow
def test_code_that_never_finishes_loses_its_points_after_two_tries():
    endless = "def coin_mle(heads, tails):\n    while True:\n        pass\n"
    passed, message, starts = grade(notebook(endless))
    assert not passed
    assert "still running after 3 s, twice" in message, message
    assert starts >= 3  # the first kernel, the retry's, and a fresh one after it


@pytest.mark.slow
def test_a_cell_that_never_finishes_does_not_cost_the_function_defined_later():
    passed, message, _ = grade(notebook("while True:\n    pass\n", COIN))
    assert passed, message
