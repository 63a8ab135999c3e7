"""The checks behind every assignment's tests: one place, used three ways.

- In a student's notebook, a visible test is ``check("01_derivatives", "sigmoid",
  sigmoid)``: fixed cases, run in the student's kernel, with hints on failure.
- A hidden test is ``check(..., hidden=True)``: fresh cases drawn from the course's
  secret. Run in a notebook (as the solution notebooks are under nbval) it checks in
  the same kernel; during grading the autograder reads the same line but calls the
  student's function from outside, in a sandbox, and decides the verdict itself.
- The autograder looks up :func:`graded_function` and :func:`cases` directly.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from calcml.grading.compare import TIME_LIMIT, GradingFailure, passed_summary
from calcml.grading.core import (
    Case,
    Fn,
    GradedFunction,
    Outcome,
    Verdict,
    call_locally,
    evaluate,
)
from calcml.grading.secret import hidden_rng

__all__ = ["check", "graded_function", "assignment_functions", "cases", "ASSIGNMENTS",
           "Case", "Fn", "GradedFunction", "Outcome", "Verdict", "GradingFailure"]

#: assignment id -> module holding its list FUNCTIONS of GradedFunction
ASSIGNMENTS: dict[str, str] = {
    "01_derivatives": "calcml.grading.a01_derivatives",
    "02_partial_derivatives": "calcml.grading.a02_partial_derivatives",
    "03_gradients": "calcml.grading.a03_gradients",
    "04_hessian": "calcml.grading.a04_hessian",
    "05_gradient_descent": "calcml.grading.a05_gradient_descent",
    "06_newton": "calcml.grading.a06_newton",
    "07_perceptron": "calcml.grading.a07_perceptron",
    "08_logistic_regression": "calcml.grading.a08_logistic_regression",
    "09_softmax_regression": "calcml.grading.a09_softmax_regression",
    "10_backpropagation": "calcml.grading.a10_backpropagation",
    "11_optimizers": "calcml.grading.a11_optimizers",
    "12_autodiff": "calcml.grading.a12_autodiff",
}


def assignment_functions(assignment: str) -> dict[str, GradedFunction]:
    """The graded functions of one assignment, by name."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"unknown assignment {assignment!r}; known: {sorted(ASSIGNMENTS)}")
    module = importlib.import_module(ASSIGNMENTS[assignment])
    return {f.name: f for f in module.FUNCTIONS}


def graded_function(assignment: str, name: str) -> GradedFunction:
    """One graded function's specification."""
    functions = assignment_functions(assignment)
    if name not in functions:
        raise KeyError(f"{assignment} has no graded function {name!r}; it has {sorted(functions)}")
    return functions[name]


def cases(spec: GradedFunction, hidden: bool, secret: str | None = None) -> list[Case]:
    """The visible cases, or the hidden ones drawn from the course secret."""
    if hidden:
        return spec.hidden(hidden_rng(spec.assignment, spec.name, secret))
    return spec.visible()


def check(assignment: str, name: str, fn: Callable[..., Any], *, hidden: bool = False) -> None:
    """Check ``fn`` against the reference on the visible (or hidden) cases.

    Prints a one-line summary when every case passes; raises :class:`GradingFailure`
    describing the first failing case otherwise. A call running longer than
    ``TIME_LIMIT`` seconds is stopped and fails (an endless loop cannot hang the notebook).
    """
    spec = graded_function(assignment, name)
    if not callable(fn):
        raise GradingFailure(f"{name} is not a function (it is {type(fn).__name__})")
    todo = cases(spec, hidden)
    outcomes = [call_locally(fn, case, spec.params, TIME_LIMIT) for case in todo]
    verdict = evaluate(spec, todo, outcomes)
    if not verdict.passed:
        raise GradingFailure(verdict.message)
    print(passed_summary(name, [(spec.signature(case), out.value, case.note)
                                for case, out in zip(todo, outcomes, strict=True)], hidden))
