"""The student bundle (`calcml-grade release`): built from the sources, holds no answer,
and its visible tests say exactly what the course's own checks say."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
import subprocess
import sys
import textwrap
import time
import venv
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from course import REPO, answer_code, defined, mutants, notebook_context

from autograder.bundle import PACKAGE, build_bundle
from autograder.release import assignments
from calcml.grading import assignment_functions
from calcml.grading import check as course_check

ASSIGNMENTS = assignments()
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "hidden=True")
#: what the student package may import: numpy and the standard library
ALLOWED_IMPORTS = {"numpy", "__future__", *sys.stdlib_module_names}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return build_bundle(ASSIGNMENTS, tmp_path_factory.mktemp("bundle") / "student-bundle")


@pytest.fixture(scope="module")
def student(bundle):
    """The bundle's calcml_student, imported from the bundle folder."""
    sys.path.insert(0, str(bundle))
    try:
        module = importlib.import_module(PACKAGE)
        assert Path(module.__file__).is_relative_to(bundle)
        yield module
    finally:
        sys.path.remove(str(bundle))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _files(bundle: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(bundle.rglob("*")) if p.is_file()}


def _solution_blocks(assignment: str) -> list[str]:
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", 4)
    out = []
    for cell in nb.cells:
        for block in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source,
                                re.DOTALL):
            out.append(block)
    return out


def _body(fn: Any) -> str:
    """A function's source without its def line (and docstring)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    node = tree.body[0]
    body = node.body[1:] if (node.body and isinstance(node.body[0], ast.Expr)
                             and isinstance(node.body[0].value, ast.Constant)) else node.body
    return "\n".join(ast.unparse(b) for b in body)


@pytest.mark.slow
def test_bundle_has_every_assignment(bundle):
    for assignment in ASSIGNMENTS:
        assert (bundle / assignment / f"{assignment}.ipynb").is_file(), assignment
        data = json.loads((bundle / PACKAGE / "data" / f"{assignment}.json").read_text())
        assert set(data["functions"]) == set(assignment_functions(assignment)), assignment
    assert (bundle / "pyproject.toml").is_file() and (bundle / "README.md").is_file()
    assert not (bundle / "calcml").exists()


@pytest.mark.slow
def test_bundle_holds_no_answer(bundle):
    files = _files(bundle)
    normal = {p: _normal(t) for p, t in files.items()}
    for path, text in files.items():
        if path.suffix == ".py":  # the same code written with other spacing or quotes
            normal[path] += " " + _normal(ast.unparse(ast.parse(text)))
        for marker in MARKERS:
            assert marker not in text, f"{path} contains {marker!r}"
    problems = []
    for assignment in ASSIGNMENTS:
        for block in _solution_blocks(assignment):
            code = _normal(block)
            problems += [f"{p}: holds the solution {code[:60]!r}" for p, t in normal.items()
                         if code and code in t]
        for name, spec in assignment_functions(assignment).items():
            pieces = (_normal(inspect.getsource(spec.reference)), _normal(_body(spec.reference)))
            problems += [f"{p}: holds the reference of {name}" for p, t in normal.items()
                         if any(piece in t for piece in pieces)]
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_student_package_cannot_compute_expected_values(bundle):
    """Its code imports numpy and the standard library only (no scipy, no calcml), and
    defines no function named like a graded one; the notebooks hold only stubs."""
    graded = {n for a in ASSIGNMENTS for n in assignment_functions(a)}
    py = sorted((bundle / PACKAGE).rglob("*.py"))
    assert {p.name for p in py} == {"__init__.py", "compare.py"}
    for path in py:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [] if node.level else [str(node.module).split(".")[0]]
            else:
                names = []
            bad = [n for n in names if n not in ALLOWED_IMPORTS]
            assert not bad, f"{path.name} imports {bad}"
            if isinstance(node, ast.FunctionDef):
                assert node.name.lstrip("_") not in graded, f"{path.name} defines {node.name}"
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(bundle / assignment / f"{assignment}.ipynb", 4)
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                assert "raise NotImplementedError()" in cell.source, cell.source
            if cell.cell_type == "code":
                assert not re.search(r"\bcalcml\.grading\b", cell.source), cell.source
        assert f"from {PACKAGE} import check" in "".join(c.source for c in nb.cells)


def _outcome(check: Any, assignment: str, name: str, fn: Any) -> tuple[bool, str]:
    from contextlib import redirect_stdout
    from io import StringIO

    out = StringIO()
    try:
        with redirect_stdout(out):
            check(assignment, name, fn)
    except AssertionError as exc:  # GradingFailure, the course's or the bundle's own
        return False, str(exc)
    return True, out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_check_says_what_the_course_check_says(student, assignment):
    """The reference passes, and for every mutant (wrong and right) the student's check
    and the course's check agree, message for message: the stored expected values, the
    comparison rules, the notes and hints round-trip exactly."""
    module = mutants(assignment)
    context, answers = notebook_context(assignment), answer_code(assignment)
    for name in assignment_functions(assignment):
        solution = defined(answers[name], name, context)
        ok, text = _outcome(student.check, assignment, name, solution)
        assert ok, f"the reference {name} fails the bundle's visible tests:\n{text}"
        assert text == _outcome(course_check, assignment, name, solution)[1]
        for label, code in module.WRONG.get(name, []) + module.RIGHT.get(name, []):
            fn = defined(code, name, context)
            ours = _outcome(student.check, assignment, name, fn)
            theirs = _outcome(course_check, assignment, name, fn)
            assert ours == theirs, (f"{name} ({label}): the bundle says\n{ours}\n"
                                    f"the course says\n{theirs}")


@pytest.mark.slow
def test_an_endless_function_is_stopped(student, monkeypatch):
    monkeypatch.setattr(student, "TIME_LIMIT", 1.0)

    def coin_mle(heads, tails):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # noqa: BLE001  (a student's catch-all cannot keep it alive)
                pass

    start = time.monotonic()
    with pytest.raises(AssertionError, match="did not return within 1 s and was stopped"):
        student.check("01_derivatives", "coin_mle", coin_mle)
    assert time.monotonic() - start < 5


@pytest.mark.slow
def test_bad_requests_are_named(student):
    with pytest.raises(AssertionError, match="no tests for assignment '99_nothing'"):
        student.check("99_nothing", "f", len)
    with pytest.raises(AssertionError, match="has no graded function 'sigmod'"):
        student.check("01_derivatives", "sigmod", len)
    with pytest.raises(AssertionError, match="is not a function"):
        student.check("01_derivatives", "sigmoid", 3)
    with pytest.raises(AssertionError, match="hidden tests run only when"):
        student.check("01_derivatives", "sigmoid", len, hidden=True)


def test_release_command_names_bad_input(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "autograder.cli", "release", *args],
                              cwd=REPO, capture_output=True, text=True, timeout=120)

    proc = run("99_nothing", "--to", str(tmp_path / "b"))
    assert proc.returncode == 2 and "no assignment '99_nothing'" in proc.stderr
    proc = run("--to", str(tmp_path / "b"))
    assert proc.returncode == 2 and "name the assignments, or pass --all" in proc.stderr
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "notes.txt").write_text("mine")
    proc = run("01_derivatives", "--to", str(tmp_path / "home"))
    assert proc.returncode == 2 and "is not a student bundle" in proc.stderr
    assert (tmp_path / "home" / "notes.txt").read_text() == "mine"  # nothing is lost


def _filled_in(bundle: Path, assignment: str, target: Path) -> Path:
    """The bundle's notebook with the solution's answers typed in, as a student would."""
    nb = nbformat.read(bundle / assignment / f"{assignment}.ipynb", 4)
    answers = answer_code(assignment)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


@pytest.mark.slow
def test_light_install_in_a_fresh_venv_runs_the_visible_tests(bundle, tmp_path):
    """pip install of the bundle into a brand-new venv (numpy, scipy, matplotlib and
    Jupyter from the package index), then a filled-in exercise executed in a real
    kernel there: every visible test passes, without calcml, dask, jupyter-book or
    playwright installed."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    pip = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(bundle)],
                         capture_output=True, text=True, timeout=1800)
    assert pip.returncode == 0, pip.stderr[-3000:]
    probe = subprocess.run([str(python), "-c", textwrap.dedent("""
        import importlib.util as u
        print(sorted(n for n in ("calcml", "dask", "distributed", "jupyter_book", "playwright",
                                 "nbgrader") if u.find_spec(n)))
        """)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "[]", probe.stdout + probe.stderr
    notebook = _filled_in(bundle, "01_derivatives", tmp_path / "work" / "01_derivatives.ipynb")
    run = subprocess.run([str(env_dir / "bin" / "jupyter"), "nbconvert", "--to", "notebook",
                          "--execute", "--output", "executed.ipynb", str(notebook)],
                         cwd=notebook.parent, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    executed = nbformat.read(notebook.parent / "executed.ipynb", 4)
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))
    for name in assignment_functions("01_derivatives"):
        assert f"{name}: all " in text and "visible test cases passed" in text, name


@pytest.mark.slow
def test_a_filled_in_bundle_notebook_is_graded_like_any_submission(bundle, tmp_path):
    """What a student hands in is the bundle's notebook: nbgrader autograde restores the
    instructor's test cells and grades it, full marks for the reference answers."""
    from course import Course, points

    course = Course(tmp_path / "course")
    course.generate("01_derivatives")
    filled = _filled_in(bundle, "01_derivatives", tmp_path / "ada.ipynb")
    course.submit("ada", "01_derivatives", nbformat.read(filled, 4),
                  timestamp="2026-12-01T10:00:00+00:00")
    course.autograde("01_derivatives")
    assert course.scores("01_derivatives")["ada"] == points(course.source("01_derivatives"))


def test_stored_values_round_trip_exactly():
    from calcml.grading.compare import Fn
    from calcml.grading.student import decode, encode

    values = [0.1, float("inf"), float("nan"), -0.0, 7, True, None, "saddle",
              np.float32(0.5), np.int64(3), np.array([1, 2], dtype=np.int32),
              np.zeros((0, 3)), np.array([[np.nan, 1e-300]]), (1.0, np.arange(3.0)),
              [np.eye(2), {"W1": np.ones((2, 2)), "b1": np.zeros(2)}], {1: "one"}]
    for value in values:
        back = decode(json.loads(json.dumps(encode(value), allow_nan=True)))
        assert type(back) is type(value), value
        assert repr(back) == repr(value) or np.array_equal(back, value, equal_nan=True)
        if isinstance(value, np.ndarray):
            assert back.dtype == value.dtype and back.shape == value.shape
    fn = decode(encode(Fn("lambda x: x ** 2 + 1")))
    assert fn.source == "lambda x: x ** 2 + 1" and fn(3.0) == 10.0
    with pytest.raises(TypeError, match="cannot store an array of dtype object"):
        encode(np.array([object()]))
    with pytest.raises(TypeError, match="cannot store a set"):
        encode({1, 2})


def test_the_course_check_stops_an_endless_function_too(monkeypatch):
    import calcml.grading

    monkeypatch.setattr(calcml.grading, "TIME_LIMIT", 0.5)

    def coin_mle(heads, tails):
        while True:
            pass

    start = time.monotonic()
    with pytest.raises(AssertionError, match="did not return within 0.5 s and was stopped"):
        course_check("01_derivatives", "coin_mle", coin_mle)
    assert time.monotonic() - start < 5
