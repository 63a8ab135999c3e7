"""A throw-away nbgrader course for the tests: real nbgrader commands, a real gradebook.

The course root is a temporary folder holding a copy of ``solutions/``; nbgrader runs
from the repository (so it reads the course's ``nbgrader_config.py``) with
``CALCML_COURSE_ROOT`` pointing at the temporary root.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat

from autograder.grade import is_test_cell
from calcml.grading.secret import create_secret

REPO = Path(__file__).resolve().parent.parent


class Course:
    def __init__(self, root: Path, *, timeout: float = 8.0, db_url: str | None = None):
        self.root = root
        shutil.copytree(REPO / "solutions", root / "solutions")
        self.env = dict(os.environ, CALCML_COURSE_ROOT=str(root),
                        CALCML_CELL_TIMEOUT=str(timeout),
                        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        # every test course has its own secret, as a real course must (grading with the
        # public default is refused)
        self.secret_file = create_secret(root / "grading-secret")
        self.env["CALCML_GRADING_SECRET_FILE"] = str(self.secret_file)
        self.env.pop("CALCML_GRADING_SECRET", None)
        self.env.pop("CALCML_PRACTICE", None)
        if db_url:
            self.env["CALCML_DB_URL"] = db_url
        self.db_url = db_url or f"sqlite:///{root / 'gradebook.db'}"

    def nbgrader(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=REPO, env=self.env,
                              capture_output=True, text=True, timeout=900)
        if check and (proc.returncode != 0 or "[AutogradeApp | ERROR]" in proc.stderr):
            raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{proc.stderr[-4000:]}")
        return proc

    def generate(self, assignment: str) -> Path:
        self.nbgrader("generate_assignment", assignment, "--force")
        return self.root / "exercises" / assignment / f"{assignment}.ipynb"

    def source(self, assignment: str) -> Any:
        return nbformat.read(self.root / "solutions" / assignment / f"{assignment}.ipynb", 4)

    def release(self, assignment: str) -> Any:
        return nbformat.read(self.root / "exercises" / assignment / f"{assignment}.ipynb", 4)

    def submit(self, student: str, assignment: str, nb: Any,
               files: dict[str, bytes] | None = None, timestamp: str | None = None) -> Path:
        """Put a submission in submitted/ (with ``timestamp`` in its timestamp.txt, as
        ``nbgrader collect`` leaves it; a new timestamp is a new attempt)."""
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
        if timestamp is not None:
            (folder / "timestamp.txt").write_text(timestamp + "\n")
        for name, data in (files or {}).items():
            (folder / name).write_bytes(data)
        return folder

    def autograde(self, assignment: str, *students: str) -> subprocess.CompletedProcess[str]:
        args = ["autograde", assignment, "--force"]
        if len(students) == 1:
            args.append(f"--student={students[0]}")
        return self.nbgrader(*args)

    def scores(self, assignment: str) -> dict[str, dict[str, float]]:
        """student -> {graded function name: auto score} from the gradebook."""
        from nbgrader.api import Gradebook, MissingEntry

        out: dict[str, dict[str, float]] = {}
        with Gradebook(self.db_url, "calcml") as gb:
            for student in gb.students:
                try:
                    sub = gb.find_submission(assignment, student.id)
                except MissingEntry:  # no submission for this student
                    continue
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.name.startswith("test_"):
                            out.setdefault(student.id, {})[grade.name[5:]] = grade.auto_score
        return out


    def output(self, assignment: str, student: str, *, grade_id: str | None = None,
               containing: str | None = None) -> str:
        """The text the autograder left under one cell of a student's graded notebook:
        the cell with ``grade_id``, or the first code cell whose source has ``containing``."""
        path = self.root / "autograded" / student / assignment / f"{assignment}.ipynb"
        if not path.exists():
            return f"(no autograded notebook for {student})"
        for cell in nbformat.read(path, 4).cells:
            found = (cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id
                     if grade_id else cell.cell_type == "code" and containing in cell.source)
            if found:
                return "\n".join(str(o.get("text") or o.get("evalue") or o.get("data", ""))
                                 for o in cell.get("outputs", []))
        return f"(no such cell for {student})"

    def feedback(self, assignment: str, student: str, name: str) -> str:
        """The text the autograder left under the test cell of ``name`` (for messages)."""
        return self.output(assignment, student, grade_id=f"test_{name}")


def mutants(assignment: str) -> Any:
    """The module ``tests/mutants/m<assignment>.py`` (its WRONG and RIGHT tables)."""
    path = REPO / "tests" / "mutants" / f"m{assignment}.py"
    spec = importlib.util.spec_from_file_location(f"mutants_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def points(nb: Any) -> dict[str, float]:
    """graded function name -> the points of its test cell in ``nb``."""
    return {cell.metadata["nbgrader"]["grade_id"][len("test_"):]:
            float(cell.metadata["nbgrader"]["points"])
            for cell in nb.cells if is_test_cell(cell)}


def with_answers(nb: Any, answers: dict[str, str]) -> Any:
    """A copy of ``nb`` whose answer cells for the named functions hold new source."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def with_extra_cell(nb: Any, source: str, after: str | None = None) -> Any:
    """A copy of ``nb`` with a student-added code cell (after the named answer cell,
    or before the first answer cell)."""
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
    if after is None:
        index = next(i for i, c in enumerate(nb.cells)
                     if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
    else:
        index = ids.index(after) + 1
    nb.cells.insert(index, cell)
    return nb


def answer_code(assignment: str) -> dict[str, str]:
    """graded function name -> the solution notebook's answer cell (the reference solution)."""
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", 4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")}


def notebook_context(assignment: str) -> str:
    """The solution notebook's code that is neither a test nor a graded function's answer
    cell: its imports and ungraded answer cells (such as chapter 12's Dual class), which
    an answer cell may use."""
    from calcml.grading import assignment_functions

    graded = set(assignment_functions(assignment))
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", 4)
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code"
                        and not is_test_cell(c)
                        and c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                        not in graded)


def defined(code: str, name: str, context: str = "") -> Any:
    """The function ``name`` that ``code`` (an answer cell) defines, with numpy as np and
    after running ``context`` (see :func:`notebook_context`)."""
    import contextlib
    import io

    import numpy as np

    namespace: dict[str, Any] = {"np": np}
    with contextlib.redirect_stdout(io.StringIO()):  # the notebook's demonstrations print
        exec(context, namespace)  # noqa: S102  (the course's own notebook code)
    exec(code, namespace)  # noqa: S102  (the course's own solution and mutant code)
    return namespace[name]


def variant_problems(assignment: str, key: str, seconds: float = 20.0) -> list[str]:
    """PrairieLearn's self-test of one variant (the hidden inputs drawn from ``key``, a
    submission's key): the reference solution passes every function's visible and hidden
    cases, every valid alternative of tests/mutants/ too, and every wrong one fails one
    of them (so loses its points). Evaluated in this process (no nbgrader, no sandbox);
    the problems found, as sentences."""
    from calcml.grading import assignment_functions, cases
    from calcml.grading.core import call_locally, evaluate

    module = mutants(assignment)
    reference = answer_code(assignment)
    context = notebook_context(assignment)
    problems = []
    for name, spec in assignment_functions(assignment).items():
        todo = [cases(spec, False), cases(spec, True, key)]

        def passes(fn: Any, todo: list[Any] = todo, spec: Any = spec) -> str | None:
            for group in todo:
                verdict = evaluate(spec, group, [call_locally(fn, c, spec.params, seconds)
                                                 for c in group])
                if not verdict.passed:
                    return verdict.message
            return None

        failure = passes(defined(reference[name], name, context))
        if failure:
            problems.append(f"{assignment} {key[:8]}: the reference {name} fails:\n{failure}")
        for label, code in module.RIGHT.get(name, []):
            failure = passes(defined(code, name, context))
            if failure:
                problems.append(f"{assignment} {key[:8]}: valid {name} ({label}) fails:\n"
                                f"{failure}")
        for label, code in module.WRONG.get(name, []):
            if passes(defined(code, name, context)) is None:
                problems.append(f"{assignment} {key[:8]}: wrong {name} ({label}) passes")
    return problems
