"""The class report: one self-contained HTML page that shows where a class struggles.

    calcml-grade report                  # every assignment in the gradebook
    calcml-grade report 03_gradients     # one (or several) assignments

Built from the gradebook (scores, points per graded function; SQLite or PostgreSQL,
through :func:`autograder.export.class_grades`) and from the verdicts the grader wrote
into the graded test cells of ``autograded/<student>/<assignment>/*.ipynb`` (the error
output ``GradingFailure`` whose text begins with the function's name). The page has
four plots, each with the table it was drawn from: the score distribution per
assignment, the pass rate per graded function, the most common kinds of failure, and
each student's share of points per concept (:mod:`calcml.grading.concepts`). Plots are
PNG images inside the page (data URIs): it loads nothing, and runs no script.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from autograder.export import ClassGrades
from autograder.grade import is_test_cell
from calcml.grading.concepts import CONCEPTS, FUNCTION_CONCEPTS

__all__ = ["failure_kind", "read_verdicts", "ClassReport", "build_report", "write_report"]

#: (pattern in a verdict, the kind of failure it describes), first match wins
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), kind) for p, kind in (
        (r"NotImplementedError|is not defined as a function", "not attempted or not defined"),
        (r"made the kernel stop", "crashed or killed the kernel"),
        (r"still running after|timed? ?out|ran out of time|no result came back",
         "too slow or no result"),
        (r"modified its input", "changes its input in place"),
        (r"has shape|array of shape", "wrong shape"),
        (r"has dtype", "wrong dtype"),
        (r"should be a (tuple|dict|single real number|numpy array)|should have the keys",
         "wrong kind of result"),
        (r"emitted a warning", "overflow or other warning"),
        (r"it raised (\w+)", "raises {0}"),
        (r"is (nan|inf|-inf)\b", "not finite (nan or inf)"),
        (r"\bis .*, expected ", "wrong value"),
        (r"calcml is not available", "calls the course's own implementation"),
    ))


def failure_kind(message: str) -> str:
    """A short name for the kind of failure a verdict describes."""
    problem = re.search(r"^\s*problem:\s*(.*)$", message, re.MULTILINE)
    for text in ((problem.group(1),) if problem else ()) + (message,):
        for pattern, kind in _KINDS:
            found = pattern.search(text)
            if found:
                return kind.format(*found.groups()) if "{0}" in kind else kind
    return "other"


def _failure_texts(cell: Any) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            out.append(str(o.get("evalue", "")))
        elif o.get("output_type") == "stream" and "failed" in str(o.get("text", "")):
            out.append(str(o.get("text", "")))
    return out


def read_verdicts(autograded: Path, grades: ClassGrades) -> tuple[dict[tuple[str, str, str],
                                                                       str], list[str]]:
    """(student, assignment, function) -> failure kind, for every failed function
    whose graded notebook can be read; and the notebooks that could not be."""
    kinds: dict[tuple[str, str, str], str] = {}
    unreadable: list[str] = []
    for student in grades.students:
        for assignment in grades.assignments:
            folder = autograded / student.id / assignment
            if (student.id, assignment) not in grades.score or not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.ipynb")):
                try:
                    nb = nbformat.read(path, 4)
                except Exception as exc:  # noqa: BLE001  (any unreadable file: report it)
                    unreadable.append(f"{path.relative_to(autograded)}: {exc}")
                    continue
                for cell in nb.cells:
                    if not is_test_cell(cell):
                        continue
                    grade_id = str(cell.metadata.nbgrader.get("grade_id", ""))
                    name = grade_id.removeprefix("test_")
                    texts = _failure_texts(cell)
                    if texts:
                        kinds[student.id, assignment, name] = failure_kind("\n".join(texts))
    return kinds, unreadable


@dataclass
class ClassReport:
    grades: ClassGrades
    kinds: dict[tuple[str, str, str], str]
    unreadable: list[str]

    def percent(self, assignment: str) -> list[float]:
        """Scores of the students who submitted, in percent of the maximum."""
        top = self.grades.max_score[assignment] or 1.0
        return [100 * self.grades.score[s.id, assignment] / top for s in self.grades.students
                if (s.id, assignment) in self.grades.score]

    def pass_rates(self) -> list[tuple[str, str, float, int]]:
        """(assignment, function, fraction passed, submissions) per graded function."""
        out = []
        for a in self.grades.assignments:
            subs = [s.id for s in self.grades.students if (s.id, a) in self.grades.score]
            for fn in self.grades.function_names[a]:
                passed = sum(1 for s in subs if _passed(self.grades.functions.get((s, a, fn))))
                out.append((a, fn, passed / len(subs) if subs else 0.0, len(subs)))
        return out

    def failure_counts(self) -> list[tuple[str, int]]:
        return Counter(self.kinds.values()).most_common()

    def concept_shares(self) -> tuple[list[str], list[str], list[list[float | None]]]:
        """students, concepts, and each student's share of points per concept (None
        where no graded function with that concept was submitted)."""
        concepts = [c for c in CONCEPTS if any(
            c in FUNCTION_CONCEPTS.get(fn, ()) for a in self.grades.assignments
            for fn in self.grades.function_names[a])]
        rows = []
        for s in self.grades.students:
            got = dict.fromkeys(concepts, 0.0)
            top = dict.fromkeys(concepts, 0.0)
            for (sid, a, fn), (score, most) in self.grades.functions.items():
                if sid != s.id or a not in self.grades.assignments:
                    continue
                for c in FUNCTION_CONCEPTS.get(fn, ()):
                    if c in got:
                        got[c] += score
                        top[c] += most
            rows.append([got[c] / top[c] if top[c] else None for c in concepts])
        return [s.sortable_name for s in self.grades.students], concepts, rows


def _passed(entry: tuple[float, float] | None) -> bool:
    return entry is not None and entry[1] > 0 and entry[0] >= entry[1]


def build_report(grades: ClassGrades, autograded: Path) -> ClassReport:
    kinds, unreadable = read_verdicts(autograded, grades)
    return ClassReport(grades, kinds, unreadable)


# the page


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figures(report: ClassReport) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    g = report.grades
    figs = {}
    fig, ax = plt.subplots(figsize=(max(5, 1.1 * len(g.assignments)), 3.6))
    data = [report.percent(a) for a in g.assignments]
    ax.boxplot([d or [float("nan")] for d in data], showmeans=True)
    for i, d in enumerate(data, start=1):
        ax.scatter([i] * len(d), d, s=12, alpha=0.6, color="tab:blue")
    ax.set_xticks(range(1, len(g.assignments) + 1), g.assignments, rotation=30, ha="right")
    ax.set_ylabel("score (% of maximum)")
    ax.set_ylim(-5, 105)
    ax.set_title("Score distribution per assignment")
    figs["scores"] = _png(fig)

    rates = report.pass_rates()
    fig, ax = plt.subplots(figsize=(6.5, 0.28 * len(rates) + 1.2))
    labels = [f"{fn} ({a[:2]})" for a, fn, _, _ in rates]
    ax.barh(range(len(rates)), [100 * r for _, _, r, _ in rates], color="tab:green")
    ax.set_yticks(range(len(rates)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("students who passed (% of submissions)")
    ax.set_title("Pass rate per graded function")
    figs["pass"] = _png(fig)

    counts = report.failure_counts()[:12]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * max(1, len(counts)) + 1.2))
    if counts:
        ax.barh(range(len(counts)), [n for _, n in counts], color="tab:red")
        ax.set_yticks(range(len(counts)), [k for k, _ in counts])
        ax.invert_yaxis()
    else:
        ax.text(0.5, 0.5, "no failed function", ha="center", va="center")
    ax.set_xlabel("failed functions")
    ax.set_title("Most common kinds of failure")
    figs["failures"] = _png(fig)

    students, concepts, rows = report.concept_shares()
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(concepts) + 2),
                                    0.35 * len(students) + 2))
    import numpy as np

    grid = np.array([[np.nan if v is None else 100 * v for v in r] for r in rows], dtype=float)
    im = ax.imshow(grid.reshape(len(students), len(concepts)), cmap="RdYlGn", vmin=0, vmax=100,
                   aspect="auto")
    ax.set_xticks(range(len(concepts)), concepts, rotation=40, ha="right")
    ax.set_yticks(range(len(students)), students)
    fig.colorbar(im, ax=ax, label="points earned (%)")
    ax.set_title("Each student's points by concept")
    figs["concepts"] = _png(fig)
    return figs


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 1rem auto;
       padding: 0 1rem; line-height: 1.45; color: #1b1b1b; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.wrap { overflow-x: auto; max-width: 100%; }
"""


def _table(head: list[str], rows: list[list[Any]]) -> str:
    e = html.escape
    cells = "".join(f"<th scope='col'>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(
        f"<td class='num'>{e(str(c))}</td>" if isinstance(c, (int, float)) or
        (isinstance(c, str) and c.endswith("%")) else f"<td>{e(str(c))}</td>" for c in r)
        + "</tr>" for r in rows)
    return (f"<div class='wrap'><table><thead><tr>{cells}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def render(report: ClassReport) -> str:
    """The report as one HTML page (images inline, no script, nothing fetched)."""
    e = html.escape
    g = report.grades
    figs = _figures(report)
    score_rows = []
    for a in g.assignments:
        p = sorted(report.percent(a))
        median = p[len(p) // 2] if p else float("nan")
        score_rows.append([a, len(p), len(g.students) - len(p),
                           f"{sum(p) / len(p):.0f}%" if p else "-",
                           f"{median:.0f}%" if p else "-"])
    pass_rows = [[a, fn, "; ".join(FUNCTION_CONCEPTS.get(fn, ())), f"{100 * r:.0f}%", n]
                 for a, fn, r, n in report.pass_rates()]
    fail_rows = [[k, n] for k, n in report.failure_counts()]
    students, concepts, rows = report.concept_shares()
    concept_rows = [[name, *("-" if v is None else f"{100 * v:.0f}%" for v in r)]
                    for name, r in zip(students, rows, strict=True)]
    progress_rows = [[s.sortable_name, *(
        f"{100 * g.score[s.id, a] / (g.max_score[a] or 1):.0f}%" if (s.id, a) in g.score
        else "-" for a in g.assignments)] for s in g.students]
    problems = ("<p>These graded notebooks could not be read, and their failures are not "
                "counted:</p><ul>" + "".join(f"<li>{e(u)}</li>" for u in report.unreadable)
                + "</ul>") if report.unreadable else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report: {e(", ".join(g.assignments))}</title>
<style>{_STYLE}</style></head><body>
<h1>Class report</h1>
<p>{len(g.students)} students, {len(g.assignments)} assignments
({e(", ".join(g.assignments))}). Scores are after late penalties.</p>
{problems}
<h2 id="scores">Score distribution per assignment</h2>
<img src="{figs['scores']}" alt="Box plot of each assignment's scores in percent of its maximum">
{_table(["assignment", "submitted", "missing", "mean", "median"], score_rows)}
<h2 id="pass">Pass rate per graded function</h2>
<img src="{figs['pass']}" alt="Bar chart of the share of submissions passing each graded function">
{_table(["assignment", "function", "concepts", "passed", "submissions"], pass_rows)}
<h2 id="failures">Most common kinds of failure</h2>
<img src="{figs['failures']}" alt="Bar chart of how often each kind of failure occurred">
{_table(["kind of failure", "failed functions"], fail_rows)}
<h2 id="concepts">Each student's progress by concept</h2>
<img src="{figs['concepts']}" alt="Heat map of the share of points each student earned per concept">
{_table(["student", *concepts], concept_rows)}
<p>And each student's score per assignment, in the order of the course ("-": nothing
submitted):</p>
{_table(["student", *g.assignments], progress_rows)}
</body></html>
"""


def write_report(grades: ClassGrades, autograded: Path, path: Path) -> Path:
    """Build the report and write it to ``path``."""
    page = render(build_report(grades, autograded))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
