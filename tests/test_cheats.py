"""The threat model, one submission per line of it, graded by real nbgrader autograde.

Every cheat below runs before (or inside) the graded functions. None may earn a point
for a wrong function, cost a correct function its points, or touch anyone else's data.
"""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
from course import REPO, Course, with_answers, with_extra_cell

A = "01_derivatives"
WRONG_SIGMOID = "def sigmoid(z):\n    return 0.5 + 0 * np.asarray(z, dtype=float)"
WRONG_COIN = "def coin_mle(heads, tails):\n    return 0.5"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# name -> (extra cell placed before the answers, answers replaced, functions that must
#          score 0, or None when every function must keep full marks)
# Cheats in SELF_HARM break the grading channel for the cheater's whole notebook: they
# must earn nothing, and may cost the cheater more than the targeted function.
SELF_HARM = {"forged display hook"}
CHEATS: dict[str, tuple[str, dict[str, str], set[str] | None]] = {
    "patch numpy's comparisons": (
        "np.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None",
        {"sigmoid": WRONG_SIGMOID}, {"sigmoid"}),
    "patch builtins": (
        "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
        "builtins.float = lambda *a: 0.5",
        {"sigmoid": WRONG_SIGMOID}, {"sigmoid"}),
    "patch the grading library and sys.modules": (
        "import sys, types\nfake = types.ModuleType('calcml.grading')\n"
        "fake.check = lambda *a, **k: None\nsys.modules['calcml'] = types.ModuleType('calcml')\n"
        "sys.modules['calcml.grading'] = fake",
        {"sigmoid": WRONG_SIGMOID}, {"sigmoid"}),
    "patch the random generators": (
        "np.random.default_rng = lambda *a, **k: np.random.Generator(np.random.PCG64(0))\n"
        "np.random.seed(0)",
        {"coin_mle": WRONG_COIN}, {"coin_mle"}),
    "IPython input transformer": (
        "get_ipython().input_transformers_cleanup.append(\n"
        "    lambda lines: [l.replace('sigmoid', 'correct_sigmoid') for l in lines])",
        {"sigmoid": WRONG_SIGMOID}, {"sigmoid"}),
    "IPython AST transformer and exception hook": (
        "import ast\nclass Quiet(ast.NodeTransformer):\n"
        "    def visit_Raise(self, node):\n        return ast.Pass()\n"
        "get_ipython().ast_transformers.append(Quiet())\n"
        "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
        {"coin_mle": WRONG_COIN}, {"coin_mle"}),
    "forged display hook": (
        "from IPython.display import display\nimport IPython.display as d\n"
        "real = d.display\n"
        "def forged(obj, *a, **k):\n"
        "    if isinstance(obj, dict) and any('calcml' in key for key in obj):\n"
        "        return real({'application/vnd.calcml.outcomes+json': {'outcomes': [\n"
        "            {'value': {'t': 'float', 'v': '0.5'}, 'warnings': [], 'mutated': []}]*9}},\n"
        "            raw=True)\n"
        "    return real(obj, *a, **k)\n"
        "d.display = forged",
        {"sigmoid": WRONG_SIGMOID}, {"sigmoid"}),
    "inspect the caller's stack for expected values": (
        "", {"sigmoid": "import sys\ndef sigmoid(z):\n    frame = sys._getframe(1)\n"
             "    while frame is not None:\n"
             "        for key in ('expected', 'reference', 'want'):\n"
             "            if key in frame.f_locals:\n                return frame.f_locals[key]\n"
             "        frame = frame.f_back\n    return 0.5 + 0 * np.asarray(z, dtype=float)"},
        {"sigmoid"}),
    "delegate to calcml's own implementation": (
        "", {"sigmoid": "from calcml.functions import sigmoid as _course\n"
             "def sigmoid(z):\n    return _course(z)",
             "central_difference": "def central_difference(f, x, h=1e-5):\n"
             "    import calcml.diff\n    return calcml.diff.central_difference(f, x, h)"},
        {"sigmoid", "central_difference"}),
    "exit the kernel between answers": ("import os\nos._exit(0)", {}, None),
    "crash the kernel with a segfault": ("import ctypes\nctypes.string_at(0)", {}, None),
    "kill the grader and the kernel": (
        "import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
        "except OSError:\n    pass\nos.kill(os.getpid(), signal.SIGKILL)", {}, None),
    "loop forever in one answer": (
        "", {"coin_mle": "def coin_mle(heads, tails):\n    while True:\n        pass"},
        {"coin_mle"}),
    "exhaust memory in one answer": (
        "", {"square_loss_minimizer": "def square_loss_minimizer(a):\n    hog = []\n"
             "    while True:\n        hog.append(bytearray(1 << 26))"},
        {"square_loss_minimizer"}),
    "print without end in one answer": (
        "", {"tangent_line": "def tangent_line(f, df, x0):\n    while True:\n"
             "        print('spam' * 1000)"},
        {"tangent_line"}),
    # PORT: a server the test process listens on; the connection must never arrive
    "open a network connection": (
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', PORT), timeout=2)\n"
        "    print('CONNECTED')\nexcept OSError as e:\n    print('blocked', type(e).__name__)",
        {}, None),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade an honest student, every cheat, and a file vandal in one nbgrader run."""
    root = tmp_path_factory.mktemp("course")
    course = Course(root, timeout=8.0)
    course.generate(A)
    source = course.source(A)
    course.submit("alice", A, source)
    course.autograde(A, "alice")
    alice_before = course.scores(A)["alice"]
    protected = [root / "submitted" / "alice" / A / f"{A}.ipynb",
                 root / "autograded" / "alice" / A / f"{A}.ipynb",
                 root / "solutions" / A / f"{A}.ipynb", REPO / "calcml" / "functions.py"]
    digests = {p: digest(p) for p in protected}
    db = root / "gradebook.db"

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    students = {}
    for i, (name, (extra, answers, _)) in enumerate(CHEATS.items()):
        nb = with_answers(source, answers)
        if extra:
            nb = with_extra_cell(nb, extra.replace("PORT", str(port)))
        students[name] = f"cheat{i:02d}"
        course.submit(students[name], A, nb)
    vandal = "\n".join(
        [f"for path in {[str(p) for p in protected] + [str(db)]!r}:",
         "    for mode in ('r', 'w', 'a'):",
         "        try:",
         "            open(path, mode).write('pwned') if mode != 'r' else open(path).read()",
         "            print('LEAK', mode, path)",
         "        except OSError as e:",
         "            print('blocked', mode, path, type(e).__name__)",
         "import shutil",
         f"shutil.rmtree({str(root / 'submitted' / 'alice')!r}, ignore_errors=True)"])
    course.submit("vandal", A, with_extra_cell(with_answers(source, {"sigmoid": WRONG_SIGMOID}),
                                               vandal))
    course.autograde(A)
    listener.setblocking(False)
    try:
        listener.accept()
        connected = True
    except BlockingIOError:
        connected = False
    listener.close()
    return course, students, alice_before, digests, connected


@pytest.mark.slow
@pytest.mark.parametrize("cheat", list(CHEATS))
def test_cheat_earns_nothing_and_costs_only_its_target(graded, cheat):
    course, students, *_ = graded
    scores = course.scores(A)[students[cheat]]
    full = course.scores(A)["alice"]
    must_fail = CHEATS[cheat][2] or set()
    for name, score in scores.items():
        if name in must_fail:
            assert score == 0, f"{cheat}: {name} scored {score} for a wrong function"
        elif cheat not in SELF_HARM:
            assert score == full[name], (
                f"{cheat}: correct {name} lost points ({score}); the grader said:\n"
                + course.feedback(A, students[cheat], name))


@pytest.mark.slow
def test_other_students_data_intact(graded):
    course, _, alice_before, digests, _ = graded
    assert course.scores(A)["alice"] == alice_before
    assert all(v > 0 for v in alice_before.values())
    for path, before in digests.items():
        assert path.exists() and digest(path) == before, f"{path} was changed by a submission"
    assert course.scores(A)["vandal"]["sigmoid"] == 0


@pytest.mark.slow
def test_the_vandal_could_read_nothing_it_was_after(graded):
    course, _, _, digests, _ = graded
    said = course.output(A, "vandal", containing="for path in")
    assert "LEAK" not in said, said
    for path in [*digests, course.root / "gradebook.db"]:
        for mode in "rwa":
            assert f"blocked {mode} {path}" in said, f"no attempt to {mode} {path}:\n{said}"


@pytest.mark.slow
def test_the_network_is_closed(graded):
    course, students, _, _, connected = graded
    said = course.output(A, students["open a network connection"], containing="socket")
    assert not connected, "a submission's connection reached a server of the grading machine"
    # Landlock refuses the connect (PermissionError); without it, the sandbox's own
    # loopback has no such server (ConnectionRefusedError): either way nothing arrives
    assert "CONNECTED" not in said and "blocked" in said, said


@pytest.mark.slow
def test_feedback_for_a_cheat_names_the_problem_and_hides_the_tests(graded):
    course, students, *_ = graded
    course.nbgrader("generate_feedback", A, f"--student={students['loop forever in one answer']}")
    html = next((course.root / "feedback").rglob("*.html")).read_text()
    assert "still running after" in html
    assert "hidden=True" not in html and "BEGIN HIDDEN TESTS" not in html
