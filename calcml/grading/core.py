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

import copy
import math
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

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


class Fn:
    """A function used as a test input, carried as its source text.

    The sandbox rebuilds it from ``source`` (with ``np`` and ``math`` in scope); the
    grader evaluates the same source for the reference, so both sides use the same f.
    """

    _calcml_fn = True

    def __init__(self, source: str):
        self.source = source
        self._fn: Callable[..., Any] = eval(source, {"np": np, "math": math})

    def __call__(self, *args: Any) -> Any:
        return self._fn(*args)

    def __repr__(self) -> str:
        return self.source

    def __deepcopy__(self, memo: dict[int, Any]) -> Fn:
        return self


@dataclass(frozen=True)
class Case:
    """One call of the student's function: its arguments and what the case probes."""

    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""  #: e.g. "large negative z: exp(-z) overflows"
    no_warnings: bool = False  #: fail if the call emits any warning
    compare: Callable[[Any, Any], str | None] | None = None  #: overrides the function's own


@dataclass
class Outcome:
    """What happened when the student's function was called on one case."""

    value: Any = None
    error: str | None = None  #: "ZeroDivisionError: division by zero"
    where: Sequence[str] = ()  #: last lines of the student's code in the traceback
    warnings: Sequence[str] = ()
    mutated: Sequence[str] = ()  #: names of array arguments changed in place
    seconds: float = 0.0


@dataclass
class Verdict:
    """The result of checking one function on a list of cases."""

    function: str
    passed: bool
    checked: int  #: how many cases were checked (all of them when passed)
    message: str = ""  #: on failure: input, expected, received, problem, hint


Compare = Callable[[Any, Any], "str | None"]


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
        parts = [f"{p}={describe(a)}" for p, a in zip(self.params, case.args, strict=False)]
        parts += [f"{k}={describe(v)}" for k, v in case.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"


# --------------------------------------------------------------------------------------
# comparisons: each returns None when the received value is right, else the problem


def _is_real_number(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    if isinstance(x, (int, float, np.integer, np.floating)):
        return True
    return isinstance(x, np.ndarray) and x.shape == () and x.dtype.kind in "iuf"


def close(rtol: float = 1e-6, atol: float = 1e-10, dtype: str | None = None) -> Compare:
    """Compare numbers, arrays and (nested) tuples, lists and dicts of them.

    A scalar may be returned as a float, an int, a numpy scalar or a 0-d array; an
    array must be a numpy array of the expected shape with real entries (``dtype``
    "float" or "int" demands that kind). A tuple may be returned as a tuple, a list or
    a numpy array whose first axis has the tuple's length (entry or row i is value i).
    """

    def compare(expected: Any, received: Any, where: str = "") -> str | None:
        if isinstance(expected, dict):
            if not isinstance(received, dict):
                return f"{where or 'the result'} should be a dict, got {_kind(received)}"
            if set(received) != set(expected):
                return (f"{where or 'the result'} should have the keys {sorted(expected)}, "
                        f"got {sorted(map(str, received))}")
            for k in expected:
                problem = compare(expected[k], received[k], f"{where}[{k!r}]")
                if problem:
                    return problem
            return None
        if isinstance(expected, tuple):
            if (isinstance(received, np.ndarray) and received.ndim >= 1
                    and len(received) == len(expected)):
                received = tuple(received)  # the values stacked along the first axis
            if not isinstance(received, (tuple, list)) or len(received) != len(expected):
                return (f"{where or 'the result'} should be a tuple of {len(expected)} values, "
                        f"got {_kind(received)}")
            for i, (e, r) in enumerate(zip(expected, received, strict=True)):
                problem = compare(e, r, f"{where}[{i}]")
                if problem:
                    return problem
            return None
        label = where or "the result"
        exp = np.asarray(expected)
        if exp.ndim == 0:
            if not _is_real_number(received):
                return f"{label} should be a single real number, got {_kind(received)}"
            rec = np.asarray(received)
            problem = _dtype_problem(rec, dtype, label)
        else:
            rec = received
            problem = array_problem(exp, received, dtype, label)
        if problem:
            return problem
        exp_f, rec_f = exp.astype(float), rec.astype(float)
        bad = ~np.isclose(rec_f, exp_f, rtol=rtol, atol=atol, equal_nan=True)
        if np.any(bad):
            if exp.ndim == 0:
                return f"{label} is {float(rec)!r}, expected {float(exp)!r}"
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            return (f"{label}{list(idx)} is {rec_f[idx]!r}, expected {exp_f[idx]!r} "
                    f"({int(bad.sum())} of {bad.size} entries differ)")
        return None

    return compare


def array_problem(expected: Any, received: Any, dtype: str | None = None,
                  label: str = "the result") -> str | None:
    """What is wrong with the form (not the values) of an array result, or None.

    It must be a numpy array of the expected shape with real entries; ``dtype``
    "float" or "int" demands that kind.
    """
    shape = np.shape(expected)
    if not isinstance(received, np.ndarray):
        return f"{label} should be a numpy array of shape {shape}, got {_kind(received)}"
    if received.shape != shape:
        return f"{label} has shape {received.shape}, expected shape {shape}"
    if received.dtype.kind not in "iuf":
        return f"{label} has dtype {received.dtype}, expected real numbers"
    return _dtype_problem(received, dtype, label)


def _dtype_problem(received: np.ndarray, dtype: str | None, label: str) -> str | None:
    if dtype == "float" and received.dtype.kind != "f":
        return f"{label} has dtype {received.dtype}, expected a float array"
    if dtype == "int" and received.dtype.kind not in "iu":
        return f"{label} has dtype {received.dtype}, expected an integer array"
    return None


def exactly(expected: Any, received: Any) -> str | None:
    """The result must equal the expected value (strings, labels). Where a string is
    expected, any str counts (a numpy string too); otherwise the type must match."""
    if isinstance(expected, str):
        if not isinstance(received, str):
            return f"the result should be the string {expected!r}, got {_kind(received)}"
        ok = str(received) == expected
    else:
        ok = type(received) is type(expected) and bool(received == expected)
    if not ok:
        return f"the result is {describe(received)}, expected {describe(expected)}"
    return None


def integer_array(expected: Any, received: Any) -> str | None:
    """An integer array (or a Python/numpy int for a scalar) equal to the expected one."""
    exp = np.asarray(expected)
    if exp.ndim == 0:
        if not isinstance(received, (int, np.integer)) or isinstance(received, bool):
            if not (isinstance(received, np.ndarray) and received.shape == ()
                    and received.dtype.kind in "iu"):
                return f"the result should be an integer, got {_kind(received)}"
    return close(rtol=0, atol=0, dtype="int")(expected, received)


def finite_scalar(expected: Any, received: Any) -> str | None:
    """Only a finite real number is demanded (e.g. a clipped logarithm at p = 0 or 1)."""
    if not _is_real_number(received):
        return f"the result should be a single real number, got {_kind(received)}"
    if not math.isfinite(float(received)):
        return f"the result is {describe(received)}; it must be finite (clip p away from 0 and 1)"
    return None


# --------------------------------------------------------------------------------------
# describing values in messages


def describe(value: Any) -> str:
    """A short, readable rendering of a value for a feedback message."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=8, threshold=12, edgeitems=3,
                               separator=", ", max_line_width=10_000)
        extra = f", dtype={value.dtype}" if value.dtype.kind not in "f" else ""
        return f"array({text}{extra})"
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) if not isinstance(value, np.floating) else \
            f"np.{type(value).__name__}({float(value)!r})"
    if isinstance(value, tuple):
        inner = ", ".join(describe(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(describe(v) for v in value[:10]) + (", ...]" if len(value) > 10
                                                                    else "]")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {describe(v)}" for k, v in value.items()) + "}"
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None (did the function forget to return?)"
    return f"{type(value).__name__} {describe(value)}"


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
        problem = _problem(spec, case, out)
        if problem:
            lines = [f"{spec.name} failed on test case {n + 1} of {len(cases)}"
                     + (f" ({case.note})" if case.note else "") + ":",
                     f"  call:     {spec.signature(case)}"]
            if out.error is None:
                lines.append(f"  expected: {describe(spec.reference(*case.args, **case.kwargs))}")
                lines.append(f"  received: {describe(out.value)}")
            lines.append(f"  problem:  {problem}")
            if out.where:
                lines.append("  in your code: " + " | ".join(out.where))
            if show_hint and spec.hint:
                lines.append(f"  hint:     {spec.hint}")
            return Verdict(spec.name, False, n, "\n".join(lines))
    return Verdict(spec.name, True, len(cases))


def _problem(spec: GradedFunction, case: Case, out: Outcome) -> str | None:
    if out.error is not None:
        return f"it raised {out.error}"
    if out.mutated:
        return f"it modified its input {', '.join(out.mutated)} in place; work on a copy"
    compare = case.compare or spec.compare
    problem = compare(spec.reference(*case.args, **case.kwargs), out.value)
    if problem:
        return problem
    if case.no_warnings and out.warnings:
        return f"it emitted a warning ({out.warnings[0]}); it must stay quiet for this input"
    return None


def call_locally(fn: Callable[..., Any], case: Case, params: Sequence[str]) -> Outcome:
    """Call ``fn`` in this process on copies of the case's arguments."""
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(dict(case.kwargs))
    before = copy.deepcopy((args, kwargs))
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, np.errstate(
            over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
            error, where = None, ()
        except Exception as exc:  # the student's exception becomes part of the message
            value = None
            error = f"{type(exc).__name__}: {exc}"
            frames = traceback.extract_tb(exc.__traceback__)[1:][-3:]
            where = tuple(f"line {f.lineno}: {f.line}" for f in frames)
    mutated = [name for name, old, new in _pairs(params, before, (args, kwargs))
               if not _same(old, new)]
    return Outcome(value, error, where, tuple(f"{w.category.__name__}: {w.message}"
                                              for w in caught), tuple(mutated),
                   time.perf_counter() - start)


def _pairs(params: Sequence[str], before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    (args0, kw0), (args1, kw1) = before, after
    out = [(params[i] if i < len(params) else f"argument {i}", a, b)
           for i, (a, b) in enumerate(zip(args0, args1, strict=True))]
    return out + [(k, kw0[k], kw1[k]) for k in kw0]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray):
        return (isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
                and a.tobytes() == b.tobytes())
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(
            _same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return True
