"""The pieces every assignment's checks are made of.

A :class:`GradedFunction` knows, for one function a student writes, how to make test
cases (fixed visible ones and seeded hidden ones), how to compute the expected result
independently (:attr:`GradedFunction.reference`), how to compare and what to say when
the student's result is wrong. :func:`evaluate` turns the outcomes of calling the
student's function on those cases into a :class:`Verdict`; where the calls happen
(in the student's own kernel for the visible tests, in the autograder's sandbox for
grading) is up to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from calcml.grading.compare import (
    Compare,
    Fn,
    Outcome,
    array_problem,
    call_with,
    close,
    describe,
    exactly,
    failure_message,
    finite_scalar,
    integer_array,
    problem,
    signature,
)

__all__ = [
    "Fn",
    "Case",
    "Outcome",
    "Verdict",
    "GradedFunction",
    "close",
    "exactly",
    "array_problem",
    "integer_array",
    "finite_scalar",
    "evaluate",
    "call_locally",
    "describe",
]


@dataclass(frozen=True)
class Case:
    """One call of the student's function: its arguments and what the case probes."""

    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""  #: e.g. "large negative z: exp(-z) overflows"
    no_warnings: bool = False  #: fail if the call emits any warning
    compare: Callable[[Any, Any], str | None] | None = None  #: overrides the function's own


@dataclass
class Verdict:
    """The result of checking one function on a list of cases."""

    function: str
    passed: bool
    checked: int  #: how many cases were checked (all of them when passed)
    message: str = ""  #: on failure: input, expected, received, problem, hint


@dataclass(frozen=True)
class GradedFunction:
    """Everything the grader knows about one function of one assignment."""

    assignment: str
    name: str
    params: tuple[str, ...]  #: parameter names, in order, as COURSE_SPEC gives them
    reference: Callable[..., Any]  #: independent computation of the expected result
    visible: Callable[[], list[Case]]  #: fixed cases shown to students
    hidden: Callable[[np.random.Generator], list[Case]]  #: fresh cases for grading
    compare: Compare = field(default_factory=lambda: close())
    hint: str = ""  #: general advice shown with any failure
    points: float = 1.0

    @property
    def qualname(self) -> str:
        return f"{self.assignment}.{self.name}"

    def signature(self, case: Case) -> str:
        """``name(p1=..., p2=...)`` describing the call of ``case``."""
        return signature(self.name, self.params, case.args, case.kwargs)


# --------------------------------------------------------------------------------------
# running the checks


def evaluate(spec: GradedFunction, cases: Sequence[Case], outcomes: Sequence[Outcome],
             *, show_hint: bool = True) -> Verdict:
    """Compare the student's outcomes with the reference on every case.

    Stops at the first failing case and describes it: the call, the expected and the
    received value, what is wrong, and a hint.
    """
    if len(outcomes) != len(cases):
        return Verdict(spec.name, False, 0, f"{spec.name}: the grader received "
                       f"{len(outcomes)} results for {len(cases)} test cases")
    for n, (case, out) in enumerate(zip(cases, outcomes, strict=True)):
        expected = cache(lambda case=case: spec.reference(*case.args, **case.kwargs))
        compare = case.compare or spec.compare
        error = getattr(compare, "raises", None)  # the right answer is this exception
        found = problem(compare, expected, out, case.no_warnings)
        if found:
            shown = expected() if error is None and out.error is None and not out.timed_out \
                else None
            return Verdict(spec.name, False, n, failure_message(
                spec.name, n, len(cases), case.note, spec.signature(case), out, shown, found,
                spec.hint if show_hint else "", raises=error))
    return Verdict(spec.name, True, len(cases))


def call_locally(fn: Callable[..., Any], case: Case, params: Sequence[str],
                 seconds: float | None = None) -> Outcome:
    """Call ``fn`` in this process on copies of the case's arguments (stopped after
    ``seconds``, when given)."""
    return call_with(fn, case.args, case.kwargs, params, seconds)
