"""Mutation suites, graded through the real pipeline (nbgrader autograde + sandbox).

For every assignment with a file tests/mutants/mNN_<id>.py: the reference solution
earns full marks, the untouched student version zero; submission k replaces every
function's answer by its k-th realistic wrong implementation, and each replaced
function must lose its points while every other function keeps them (a bug costs only
its own points); each valid alternative implementation earns full marks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from course import Course, mutants, points, with_answers

from calcml.grading import assignment_functions

MUTANTS = Path(__file__).parent / "mutants"
SUITES = sorted(p.stem[1:] for p in MUTANTS.glob("m[0-9][0-9]_*.py"))


@pytest.mark.parametrize("assignment", SUITES)
def test_suite_covers_every_function(assignment):
    module = mutants(assignment)
    for name in assignment_functions(assignment):
        assert len(module.WRONG.get(name, [])) >= 3, f"{name}: fewer than 3 wrong implementations"
        assert len(module.RIGHT.get(name, [])) >= 1, f"{name}: no valid alternative"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", SUITES)
def test_mutation_suite(assignment, tmp_path):
    module = mutants(assignment)
    course = Course(tmp_path)
    course.generate(assignment)
    source, blank = course.source(assignment), course.release(assignment)
    full = points(source)
    plans: dict[str, dict[str, tuple[str, str]]] = {}
    for kind, table in (("wrong", module.WRONG), ("right", module.RIGHT)):
        for k in range(max(len(v) for v in table.values())):
            plans[f"{kind}{k}"] = {fn: impls[k] for fn, impls in table.items() if k < len(impls)}
    course.submit("reference", assignment, source)
    course.submit("blank", assignment, blank)
    for student, plan in plans.items():
        answers = {fn: code for fn, (_, code) in plan.items()}
        course.submit(student, assignment, with_answers(source, answers))
    course.autograde(assignment)
    scores = course.scores(assignment)

    problems = []
    for fn, pts in full.items():
        if scores["reference"][fn] != pts:
            problems.append(f"reference solution: {fn} scored {scores['reference'][fn]}/{pts}")
        if scores["blank"][fn] != 0:
            problems.append(f"blank notebook: {fn} scored {scores['blank'][fn]}")
    for student, plan in plans.items():
        for fn, pts in full.items():
            got = scores[student][fn]
            if student.startswith("wrong") and fn in plan and got != 0:
                problems.append(f"wrong {fn} ({plan[fn][0]}) scored {got}/{pts}")
            elif (student.startswith("right") or fn not in plan) and got != pts:
                label = plan[fn][0] if fn in plan else "reference answer beside mutants"
                problems.append(f"{student}: correct {fn} ({label}) scored {got}/{pts}")
    assert not problems, "\n".join(problems)
