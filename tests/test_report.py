"""`calcml-grade report`: the class report built from a PostgreSQL gradebook (a real
server, tests/pg.py) and the graded notebooks, opened in headless Chromium."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from course import REPO
from graded_class import WRONG, A, graded_class
from pg import available, postgres_server

from autograder.report import failure_kind
from calcml.grading import cases, graded_function
from calcml.grading.concepts import concepts_of
from calcml.grading.core import call_locally, evaluate

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def verdict(assignment: str, name: str, fn) -> str:
    """The grader's own message for ``fn`` on the visible cases."""
    spec = graded_function(assignment, name)
    todo = cases(spec, False)
    result = evaluate(spec, todo, [call_locally(fn, c, spec.params) for c in todo])
    assert not result.passed
    return result.message


def test_failure_kinds_of_real_verdicts():
    def stub(*args):
        raise NotImplementedError()

    def naive_sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def halves(z):
        return np.zeros_like(np.asarray(z, dtype=float))[..., None]

    def mutating(a):
        a[0] = a[0] + 1.0
        return float(np.mean(a))

    assert failure_kind(verdict(A, "coin_mle", stub)) == "not attempted or not defined"
    assert failure_kind(verdict(A, "coin_mle", lambda h, t: t / (h + t))) == "wrong value"
    assert failure_kind(verdict(A, "sigmoid", naive_sigmoid)) in (
        "overflow or other warning", "not finite (nan or inf)", "wrong value")
    assert failure_kind(verdict(A, "sigmoid", halves)) == "wrong shape"
    assert failure_kind(verdict(A, "square_loss_minimizer", mutating)) == \
        "changes its input in place"
    assert failure_kind(verdict(A, "coin_mle", lambda h, t: {}["x"])) == "raises KeyError"
    assert failure_kind("sigmoid: calling sigmoid made the kernel stop: died") == \
        "crashed or killed the kernel"
    assert failure_kind("sigmoid: no result came back from calling sigmoid (still running "
                        "after 20 s)") == "too slow or no result"
    assert failure_kind("garbled") == "other"


def test_every_graded_function_has_concepts():
    from calcml.grading import ASSIGNMENTS, assignment_functions

    for assignment in ASSIGNMENTS:
        for name in assignment_functions(assignment):
            assert concepts_of(name), name
    with pytest.raises(KeyError, match="concepts.py"):
        concepts_of("no_such_function")


@pytest.fixture(scope="module")
def pg_course(tmp_path_factory):
    if available():
        pytest.fail(f"PostgreSQL is needed for this test: {available()}", pytrace=False)
    with postgres_server() as url:
        yield graded_class(tmp_path_factory.mktemp("report_class"), db_url=url)


@pytest.mark.slow
@pytest.mark.browser
def test_report_from_postgres_in_chromium(pg_course):
    from playwright import sync_api

    course = pg_course
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "report"], cwd=REPO,
                          env=course.env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    page_path = course.root / "exports" / "report.html"
    html = page_path.read_text()
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html

    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1100, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.as_uri(), wait_until="load")
            state = page.evaluate("""() => ({
                images: Array.from(document.images).map(i => [i.src.slice(0, 22), i.naturalWidth]),
                headings: Array.from(document.querySelectorAll('h2')).map(h => h.innerText),
                tables: Array.from(document.querySelectorAll('table')).map(t =>
                    Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.innerText))),
                overflow: document.documentElement.scrollWidth
                    - document.documentElement.clientWidth,
            })""")
            shots = REPO / "_build" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "class_report.png"), full_page=True)
        finally:
            chromium.close()
    assert [u for u in requests if not u.startswith(("data:", "file://"))] == []
    assert len(state["images"]) == 4
    assert all(src.startswith("data:image/png;base64") and w > 100 for src, w in state["images"])
    assert state["headings"] == ["Score distribution per assignment",
                                 "Pass rate per graded function",
                                 "Most common kinds of failure",
                                 "Each student's progress by concept"]
    assert state["overflow"] <= 0
    scores, passes, failures, concepts, progress = state["tables"]

    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "calcml") as gb:
        subs = list(gb.assignment_submissions(A))
        mean = np.mean([100 * (s.score - s.late_submission_penalty) / s.max_score for s in subs])
        passed: dict[str, int] = {}
        for s in subs:
            for nb in s.notebooks:
                for g in nb.grades:
                    if g.name.startswith("test_"):
                        passed.setdefault(g.name[5:], 0)
                        passed[g.name[5:]] += g.score == g.max_score
    assert scores[1][:4] == [A, "3", "1", f"{mean:.0f}%"]
    table = {r[1]: r[3] for r in passes[1:]}
    assert table == {fn: f"{100 * n / 3:.0f}%" for fn, n in passed.items()}
    kinds = {r[0]: int(r[1]) for r in failures[1:]}
    assert kinds["not attempted or not defined"] == len(passed)  # ben left every stub
    assert kinds["wrong value"] >= 1  # cy's coin_mle
    assert sum(kinds.values()) == len(passed) + len(WRONG)
    rows = {r[0]: r[1:] for r in concepts[1:]}
    assert set(rows) == {"Lovelace, Ada", "Okafor, Jr., Ben", "Young, Cy", "Ng, Dee"}
    assert all(v == "100%" for v in rows["Lovelace, Ada"])
    assert all(v == "0%" for v in rows["Okafor, Jr., Ben"])
    assert all(v == "-" for v in rows["Ng, Dee"])  # nothing submitted
    assert concepts[0][0] == "student" and "chain rule" in concepts[0]
    assert re.search(r"\d+%", " ".join(rows["Young, Cy"]))
    by_student = {r[0]: r[1] for r in progress[1:]}
    assert by_student["Lovelace, Ada"] == "100%" and by_student["Ng, Dee"] == "-"
    assert by_student["Okafor, Jr., Ben"] == "0%"
