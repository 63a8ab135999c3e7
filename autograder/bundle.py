"""The student bundle: what a student installs, with no answer in it.

``calcml-grade release 01_derivatives --to DIR`` (or ``--all``; ``make student-bundle``
builds every assignment into ``_build/student-bundle``) writes::

    DIR/pyproject.toml               pip install DIR: numpy, scipy, matplotlib, notebook
    DIR/README.md                    how to install and work
    DIR/calcml_student/__init__.py   check(): the visible tests, from data
    DIR/calcml_student/compare.py    the comparisons and messages the grader uses
    DIR/calcml_student/data/<id>.json  each visible case: inputs, expected value, rule
    DIR/<id>/<id>.ipynb              the exercise notebooks

The notebooks are nbgrader's student versions generated afresh from ``solutions/``,
with the visible tests' import ``from calcml.grading import check`` turned into
``from calcml_student import check`` (the ``check(...)`` lines stay as they are, and
the grader restores the instructor's test cells anyway). The expected values are
computed here, at release, by the course's references; the bundle holds only the
results, never the references, the hidden tests or the solutions.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat

from autograder.release import ROOT, generate
from calcml.grading import assignment_functions
from calcml.grading import compare as compare_module
from calcml.grading import student as student_module
from calcml.grading.compare import RULES, rule_of
from calcml.grading.core import Case, GradedFunction

__all__ = ["build_bundle", "assignment_data", "PACKAGE", "BundleError"]

PACKAGE = "calcml_student"
INSTRUCTOR_IMPORT = re.compile(r"^(\s*)from\s+calcml\.grading\s+import\s+check\s*$", re.MULTILINE)
STUDENT_IMPORT = rf"\1from {PACKAGE} import check"
#: any other use of the course package in a student notebook's code
COURSE_IMPORT = re.compile(r"\bcalcml(?!_student)\b")

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "calcml-student"
version = "{version}"
description = "Calculus for Machine Learning: the exercises and their visible tests"
requires-python = ">=3.10"
dependencies = ["numpy>=1.24", "scipy>=1.10", "matplotlib>=3.7", "notebook>=7"]

[tool.setuptools]
packages = ["{package}"]

[tool.setuptools.package-data]
{package} = ["data/*.json"]
"""

README = """\
# Calculus for Machine Learning: exercises

Assignments: {assignments}.

Install once, in a fresh virtual environment (numpy, scipy, matplotlib and Jupyter):

    python3 -m venv .venv
    .venv/bin/pip install .
    .venv/bin/jupyter notebook

Open `<assignment>/<assignment>.ipynb`, replace each `raise NotImplementedError()` by
your code and run the test cell under it: it runs the visible tests (fixed inputs)
and says, for a failing case, the call, the expected and the received value, what is
wrong and a hint. A call that runs for more than a few seconds is stopped. When you
submit, your functions are graded on hidden inputs drawn for your submission.
"""


class BundleError(RuntimeError):
    """The bundle cannot be built; the message says what to fix."""


def _comparison(spec: GradedFunction, case: Case) -> dict[str, Any]:
    """The rule (name and parameters) of a case's comparison, as data."""
    compare = case.compare or spec.compare
    try:
        name, params = rule_of(compare)
    except ValueError as exc:
        raise BundleError(f"{spec.qualname}: {exc}") from exc
    if name not in RULES:
        raise BundleError(f"{spec.qualname}: unknown comparison rule {name!r}")
    return {"rule": name, "params": student_module.encode(dict(params))}


def assignment_data(assignment: str) -> dict[str, Any]:
    """Everything the visible tests of one assignment need, as JSON-ready data: for each
    graded function its parameters and hint, and for each visible case its inputs, the
    reference's result on them, its comparison rule, note and warning rule."""
    functions = {}
    for name, spec in assignment_functions(assignment).items():
        cases = []
        for case in spec.visible():
            try:
                rule = _comparison(spec, case)
                expected = (None if rule["rule"] == "raises"  # the answer is an exception
                            else spec.reference(*case.args, **case.kwargs))
                cases.append({"args": student_module.encode(list(case.args)),
                              "kwargs": {k: student_module.encode(v)
                                         for k, v in case.kwargs.items()},
                              "expected": student_module.encode(expected),
                              "compare": rule,
                              "note": case.note, "no_warnings": bool(case.no_warnings)})
            except TypeError as exc:
                raise BundleError(f"{spec.qualname}: a visible case cannot be stored as "
                                  f"data: {exc}") from exc
        functions[name] = {"params": list(spec.params), "hint": spec.hint, "cases": cases}
    return {"format": student_module.FORMAT, "assignment": assignment, "functions": functions}


def _student_notebook(path: Path) -> None:
    """Point a generated notebook's visible tests at the student package, in place."""
    from nbgrader.utils import compute_checksum

    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = INSTRUCTOR_IMPORT.sub(STUDENT_IMPORT, cell.source)
        if source != cell.source:
            cell.source = source
            meta = cell.metadata.get("nbgrader", {})
            if "checksum" in meta:
                meta["checksum"] = compute_checksum(cell)
        if COURSE_IMPORT.search(cell.source):
            raise BundleError(f"{path.name}, cell {index + 1}: it uses the course package "
                              f"calcml, which the student bundle does not have:\n{cell.source}\n"
                              "only `from calcml.grading import check` can be turned into the "
                              f"student package's `from {PACKAGE} import check`")
    nbformat.write(nb, path)


def build_bundle(assignments: list[str], to: Path, root: Path = ROOT) -> Path:
    """Write the student bundle of ``assignments`` into the folder ``to`` (replacing a
    bundle already there) and return it."""
    from calcml.grading import ASSIGNMENTS

    unknown = [a for a in assignments if a not in ASSIGNMENTS
               or not (root / "solutions" / a).is_dir()]
    if unknown:
        raise BundleError(f"no assignment {', '.join(map(repr, unknown))}: the known ones "
                          f"are {', '.join(sorted(ASSIGNMENTS))}")
    if not assignments:
        raise BundleError("name at least one assignment (or --all)")
    to = Path(to)
    if to.exists() and not (to / PACKAGE).is_dir() and any(to.iterdir()):
        raise BundleError(f"{to} exists and is not a student bundle: choose an empty or new "
                          "folder (a bundle folder is replaced whole)")
    with tempfile.TemporaryDirectory(prefix="calcml-bundle-") as tmp:
        out = Path(tmp) / "bundle"
        generate(assignments, out, root)  # nbgrader's student versions, fresh from solutions/
        for notebook in sorted(out.glob("*/*.ipynb")):
            _student_notebook(notebook)
        package = out / PACKAGE
        (package / "data").mkdir(parents=True)
        shutil.copyfile(student_module.__file__, package / "__init__.py")
        shutil.copyfile(compare_module.__file__, package / "compare.py")
        for assignment in assignments:
            data = assignment_data(assignment)
            (package / "data" / f"{assignment}.json").write_text(
                json.dumps(data, indent=1, allow_nan=True) + "\n", encoding="utf-8")
        (out / "pyproject.toml").write_text(
            PYPROJECT.format(version=_version(root), package=PACKAGE), encoding="utf-8")
        (out / "README.md").write_text(README.format(assignments=", ".join(assignments)),
                                       encoding="utf-8")
        if to.exists():
            shutil.rmtree(to)
        to.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out, to)
    return to


def _version(root: Path) -> str:
    import tomllib

    try:
        return str(tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0"
