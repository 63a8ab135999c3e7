"""Grade one submitted notebook: student code in the sandbox, verdicts out here.

The plan of a notebook comes from trusted sources: which cells are tests, and what
each test checks, is read from the instructor's version of the test cells (nbgrader
restores them from the gradebook before grading). The student's cells run in a
:class:`~autograder.session.KernelSession`; then, for every check, this process draws
the cases, sends only the inputs into the kernel, receives only the outputs and
compares them with the reference itself. A cell that kills, hangs or floods the kernel
costs only what it breaks: the kernel is restarted, the cells that worked are run
again, and grading goes on. Code that runs out of time is tried once more on a fresh
kernel, so that a moment of load on a busy grading machine costs the student nothing.
The whole notebook has a time budget (:attr:`Limits.notebook_seconds`), restarts and
retries included: once it is used up nothing more is run, and what was not checked
fails with a message saying so.
"""

from __future__ import annotations

import ast
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import shim
from autograder.session import ExecResult, KernelSession, Limits
from calcml.grading import GradedFunction, cases, graded_function
from calcml.grading.core import Outcome, Verdict, evaluate

__all__ = ["cell_source", "CheckCall", "TestCellResult", "NotebookResult", "find_checks",
           "grade_notebook", "is_test_cell", "strip_hidden_tests", "sanitize", "code_fingerprint"]

SHIM_SOURCE = Path(shim.__file__).read_text(encoding="utf-8")
HIDDEN_BLOCK = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?",
                          re.DOTALL | re.MULTILINE)
CALCML_NOTE = ("calcml is not available while grading: a graded function must compute its "
               "result itself rather than call the course's own implementation")


@dataclass(frozen=True)
class CheckCall:
    """One ``check(assignment, name, fn, hidden=...)`` line of a test cell."""

    assignment: str
    name: str
    target: str  #: the notebook variable holding the student's function
    hidden: bool


@dataclass
class TestCellResult:
    cell_index: int
    grade_id: str
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.verdicts) and all(v.passed for v in self.verdicts)


@dataclass
class NotebookResult:
    tests: list[TestCellResult]
    cell_outputs: dict[int, list[dict[str, Any]]]
    kernel_starts: int = 0

    def passed(self) -> dict[str, bool]:
        return {t.grade_id: t.passed for t in self.tests}


def cell_source(cell: Any) -> str:
    """A cell's source as one string (nbformat keeps it so; raw JSON may hold a list)."""
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def is_test_cell(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.get("cell_type") == "code" and bool(meta.get("grade"))
            and not meta.get("solution"))


def find_checks(source: str) -> list[CheckCall]:
    """The check(...) calls of a (trusted) test cell's source, in order."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        fname = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if fname != "check" or len(node.args) < 3:
            continue
        a, n, t = node.args[:3]
        if not (isinstance(a, ast.Constant) and isinstance(n, ast.Constant)
                and isinstance(t, ast.Name)):
            continue
        hidden = any(k.arg == "hidden" and isinstance(k.value, ast.Constant) and k.value.value
                     for k in node.keywords)
        out.append(CheckCall(str(a.value), str(n.value), t.id, bool(hidden)))
    return out


def strip_hidden_tests(source: str) -> str:
    """The test cell as students may see it in feedback: hidden tests removed."""
    return HIDDEN_BLOCK.sub(
        "# hidden tests: fresh cases drawn from the course secret (not shown)\n", source)


def sanitize(nb: Any, trusted: dict[str, dict[str, Any]]) -> Any:
    """Restore the instructor's cells in a submitted notebook, as nbgrader's autograde does.

    ``trusted`` maps grade ids to the gradebook's record of each cell: ``source``,
    ``cell_type``, ``locked``, ``grade``, ``solution`` and ``points``. Locked cells get
    the trusted source back; every known cell gets its trusted nbgrader flags (so a
    student cannot turn a test cell into an ordinary one); a repeated grade id and an
    unknown one lose their nbgrader metadata and count as the student's own cells.
    """
    seen: set[str] = set()
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta:
            continue
        grade_id = meta.get("grade_id")
        if grade_id in seen or grade_id not in trusted:
            del cell["metadata"]["nbgrader"]
            continue
        seen.add(grade_id)
        record = trusted[grade_id]
        if record["locked"]:
            cell["source"] = record["source"]
            cell["cell_type"] = record["cell_type"]
        meta.update(grade=record["grade"], solution=record["solution"], locked=record["locked"])
        if record["grade"]:
            meta["points"] = record["points"]
        if cell.get("cell_type") == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


def code_fingerprint(nb: Any) -> str:
    """A hash of everything that decides the grades: the code cells, in order, and
    which of them are tests."""
    import hashlib

    digest = hashlib.sha256()
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        digest.update(b"T" if is_test_cell(cell) else b"C")
        digest.update(source.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _defined_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


class _Runner:
    """Runs the student's cells and calls, restarting the kernel when it is lost, within
    the notebook's time budget."""

    def __init__(self, session: KernelSession):
        self.session = session
        self.ok_cells: list[str] = []
        self.cell_problem: dict[str, str] = {}  # function name -> what went wrong in its cell
        self.endless: set[str] = set()  # functions that ran out of time twice: no more retries
        self.budget = session.limits.notebook_seconds
        self.deadline = time.monotonic() + self.budget

    @property
    def budget_note(self) -> str:
        return (f"the notebook's time budget of {self.budget:g} s is used up "
                "(restarts and retries included): not run")

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def _run(self, code: str) -> ExecResult:
        """Run code with the cell timeout, or what is left of the budget if less."""
        left = self.left()
        if left <= 0:
            return ExecResult("budget", error=self.budget_note)
        cell = self.session.limits.cell_timeout
        result = self.session.run(code, timeout=min(cell, left))
        if result.status == "timeout" and left < cell:
            result.error = self.budget_note
        return result

    def run_cell(self, source: str) -> ExecResult:
        result = self._run(source)
        result = self._once_more_if_slow(source, result)
        names = _defined_names(source)
        if result.ok:
            self.ok_cells.append(source)
        else:
            for name in names:
                self.cell_problem[name] = result.error
            if result.kernel_lost:
                self.recover()
        if result.status == "budget":
            result.outputs = [{"output_type": "stream", "name": "stderr",
                               "text": self.budget_note + "\n"}]
        return result

    def _once_more_if_slow(self, code: str, result: ExecResult) -> ExecResult:
        """A timeout may be the machine's fault, a second one on a fresh kernel is not."""
        if result.status != "timeout" or self.left() <= 0:
            return result
        self.recover()
        again = self._run(code)
        if again.status == "timeout" and self.left() > 0:
            again.error += ", twice (the second time on a fresh kernel)"
        return again

    def recover(self) -> None:
        """A fresh kernel with the cells that worked run again (while the budget lasts)."""
        if self.left() <= 0:
            return
        self.session.restart()
        for source in self.ok_cells:
            if self._run(source).kernel_lost and self.left() > 0:  # it worked before
                self.session.restart()

    def call(self, spec: GradedFunction, target: str, todo: list[Any]) -> list[Outcome] | str:
        """Outcomes of calling ``target`` on every case, or why there are none."""
        request = json.dumps({"params": list(spec.params), "cases": [
            {"args": [shim.encode(a) for a in c.args],
             "kwargs": {k: shim.encode(v) for k, v in c.kwargs.items()}} for c in todo]})
        code = (f"exec({SHIM_SOURCE!r}, __calcml_shim__ := {{'__name__': 'calcml_shim'}})\n"
                f"__calcml_shim__['serve'](globals(), {target!r}, {request!r})\n"
                "del __calcml_shim__")
        result = self._run(code)
        if result.status == "budget":
            return f"{spec.name} was not called: {result.error}"
        if result.status == "timeout" and target not in self.endless:
            result = self._once_more_if_slow(code, result)
            if result.status == "timeout":
                self.endless.add(target)
        if result.kernel_lost:
            self.recover()
            return f"calling {spec.name} made the kernel stop: {result.error}"
        if result.payload is None:
            return (f"no result came back from calling {spec.name}"
                    + (f" ({result.error})" if result.error else ""))
        try:
            data = json.loads(result.payload)
            if data.get("missing"):
                why = self.cell_problem.get(target)
                extra = f"; the cell defining it failed: {why}" if why else ""
                return f"{target} is not defined as a function{extra}"
            return [Outcome(value=shim.decode_untrusted(o["value"]) if "value" in o else None,
                            error=o.get("error"), where=tuple(map(str, o.get("where", ())))[:3],
                            warnings=tuple(map(str, o.get("warnings", ())))[:5],
                            mutated=tuple(map(str, o.get("mutated", ())))[:10],
                            seconds=float(o.get("seconds", 0.0)))
                    for o in data["outcomes"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return f"the result of {spec.name} could not be read ({exc})"


def grade_notebook(nb: Any, *, limits: Limits | None = None, secret: str | None = None,
                   files: dict[str, bytes] | None = None) -> NotebookResult:
    """Run a submitted notebook in the sandbox and check every test cell.

    ``nb`` is an nbformat notebook whose test cells hold the instructor's source (as
    nbgrader's autograde leaves them after restoring locked cells); its other code
    cells are the student's and run in order. ``files`` are copied into the kernel's
    private working copy.
    """
    tests: list[TestCellResult] = []
    outputs: dict[int, list[dict[str, Any]]] = {}
    with KernelSession(files, limits) as session:
        runner = _Runner(session)
        for index, cell in enumerate(nb["cells"]):
            if cell.get("cell_type") != "code":
                continue
            source = cell_source(cell)
            if not is_test_cell(cell):
                outputs[index] = runner.run_cell(source).outputs
                continue
            grade_id = cell["metadata"]["nbgrader"].get("grade_id", f"cell-{index}")
            result = TestCellResult(index, grade_id)
            for call in find_checks(source):
                spec = graded_function(call.assignment, call.name)
                todo = cases(spec, call.hidden, secret)
                got = runner.call(spec, call.target, todo)
                verdict = (Verdict(spec.name, False, 0, f"{spec.name}: {got}")
                           if isinstance(got, str) else evaluate(spec, todo, got))
                if not verdict.passed and "calcml" in verdict.message:
                    verdict.message += f"\n  note: {CALCML_NOTE}"
                if call.hidden and not verdict.passed:
                    verdict.message = "hidden " + verdict.message
                result.verdicts.append(verdict)
            if not result.verdicts:
                result.verdicts.append(Verdict(grade_id, False, 0,
                                               f"{grade_id}: this test cell names no check"))
            tests.append(result)
        starts = session.starts
    return NotebookResult(tests, outputs, starts)
