"""Comparing a student's result with the expected one, and calling the student's function.

This module holds no reference implementation of any graded function: it only
compares a received value with an expected one, describes values in messages and
calls a function on copies of its arguments. It imports nothing but numpy and the
standard library, so the student bundle (``calcml-grade release``) ships this very
file as ``calcml_student/compare.py``: the visible tests a student runs and the
grader give the same messages from one piece of code.
"""

from __future__ import annotations

import copy
import math
import re
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "GradingFailure",
    "Fn",
    "Outcome",
    "Compare",
    "close",
    "exactly",
    "array_problem",
    "integer_array",
    "finite_scalar",
    "largest_entry_close",
    "relu_prime_close",
    "relu_vjp_close",
    "raises",
    "RULES",
    "rule_of",
    "from_rule",
    "describe",
    "signature",
    "problem",
    "failure_message",
    "passed_summary",
    "call_with",
    "TIME_LIMIT",
]

Compare = Callable[[Any, Any], "str | None"]

#: seconds one call of a student's function may run in a visible test
TIME_LIMIT = 10.0


class GradingFailure(AssertionError):
    """A check failed; the message says on which input and how."""


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


@dataclass
class Outcome:
    """What happened when the student's function was called on one case."""

    value: Any = None
    error: str | None = None  #: "ZeroDivisionError: division by zero"
    where: Sequence[str] = ()  #: last lines of the student's code in the traceback
    warnings: Sequence[str] = ()
    mutated: Sequence[str] = ()  #: names of array arguments changed in place
    seconds: float = 0.0
    timed_out: bool = False  #: stopped at the time limit (then ``seconds`` is the limit)


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

    compare.rule = ("close", {"rtol": rtol, "atol": atol, "dtype": dtype})  # type: ignore[attr-defined]
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


def largest_entry_close(rtol: float, atol: float) -> Compare:
    """A square matrix (a Hessian) whose entries are within ``rtol`` of its largest
    entry (plus ``atol``) of the expected ones: second-order differences pass."""

    def compare(expected: Any, received: Any) -> str | None:
        exp = np.asarray(expected, dtype=float)
        problem = array_problem(exp, received)
        if problem:
            return problem
        rec = received.astype(float)
        allowed = rtol * np.max(np.abs(exp)) + atol
        err = np.abs(rec - exp)
        if not np.all(err <= allowed):  # also catches nan
            i, j = (int(k) for k in np.unravel_index(
                np.nanargmax(np.where(np.isnan(err), np.inf, err)), err.shape))
            text = (f"the result[{i}, {j}] is {rec[i, j]!r}, expected {exp[i, j]!r} (allowed "
                    f"error {allowed:.2g}, i.e. {_short(rtol)} of the largest entry)")
            if np.all(np.isfinite(rec)) and np.max(np.abs(rec - rec.T)) > allowed:
                text += "; the result is not symmetric either"
            return text
        return None

    compare.rule = ("largest_entry_close", {"rtol": rtol, "atol": atol})  # type: ignore[attr-defined]
    return compare


def _short(x: float) -> str:
    """1e-5 rather than 1e-05."""
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{x:g}").replace("e+", "e")


def relu_prime_close(z: Any) -> Compare:
    """For ReLU's derivative at ``z``: a float array, 1 where z > 0, 0 where z < 0 and
    anything in [0, 1] where z == 0 (the derivative does not exist there)."""
    z = np.asarray(z, dtype=float)

    def compare(expected: Any, received: Any) -> str | None:
        problem = array_problem(z, received, dtype="float")
        if problem:
            return problem
        for mask, label, ok in ((z > 0, "z > 0", lambda r: r == 1.0),
                                (z < 0, "z < 0", lambda r: r == 0.0),
                                (z == 0, "z = 0", lambda r: (r >= 0) & (r <= 1))):
            bad = mask & ~ok(received)
            if np.any(bad):
                idx = tuple(int(i) for i in np.argwhere(bad)[0])
                want = {"z > 0": "1.0", "z < 0": "0.0", "z = 0": "a value in [0, 1]"}[label]
                return (f"the result{list(idx)} is {float(received[idx])!r} where {label}; "
                        f"expected {want}")
        return None

    compare.rule = ("relu_prime_close", {"z": z})  # type: ignore[attr-defined]
    return compare


def relu_vjp_close(z: Any, g: Any) -> Compare:
    """For the VJP of ReLU at ``z`` with upstream gradient ``g``: g where z > 0, 0 where
    z < 0 and t g with t in [0, 1] where z == 0 (ReLU has no derivative there)."""
    z = np.asarray(z, dtype=float)
    g = np.asarray(g, dtype=float)

    def compare(expected: Any, received: Any) -> str | None:
        problem = array_problem(z, received)
        if problem:
            return problem
        r = received.astype(float)
        tol = 1e-10 + 1e-6 * np.abs(g)
        low, high = np.minimum(0.0, g), np.maximum(0.0, g)
        for mask, label, ok in ((z > 0, "Z > 0", np.abs(r - g) <= tol),
                                (z < 0, "Z < 0", np.abs(r) <= 1e-10),
                                (z == 0, "Z == 0", (r >= low - tol) & (r <= high + tol))):
            bad = mask & ~ok
            if np.any(bad):
                idx = tuple(int(i) for i in np.argwhere(bad)[0])
                at = f"G{list(idx)} = {g[idx]!r}"
                want = {"Z > 0": at, "Z < 0": "0.0",
                        "Z == 0": f"t * G{list(idx)} with t in [0, 1], {at}"}[label]
                return (f"the result{list(idx)} is {r[idx]!r} where {label}; expected "
                        f"{want} ({int(bad.sum())} entries wrong)")
        return None

    compare.rule = ("relu_vjp_close", {"z": z, "g": g})  # type: ignore[attr-defined]
    return compare


def raises(error: str) -> Compare:
    """The call must raise the exception class named ``error`` (e.g. ``"ValueError"``):
    returning anything, or raising another exception, fails."""

    def compare(expected: Any, received: Any) -> str | None:
        return f"it returned {describe(received)}; it should raise {error}"

    compare.rule = ("raises", {"error": error})  # type: ignore[attr-defined]
    compare.raises = error  # type: ignore[attr-defined]
    return compare


exactly.rule = ("exactly", {})  # type: ignore[attr-defined]
integer_array.rule = ("integer_array", {})  # type: ignore[attr-defined]
finite_scalar.rule = ("finite_scalar", {})  # type: ignore[attr-defined]

#: comparison rules by name: a rule and its parameters rebuild the comparison (the
#: student bundle stores each visible case's rule as data)
RULES: dict[str, Callable[..., Compare]] = {
    "close": close,
    "exactly": lambda: exactly,
    "integer_array": lambda: integer_array,
    "finite_scalar": lambda: finite_scalar,
    "largest_entry_close": largest_entry_close,
    "relu_prime_close": relu_prime_close,
    "relu_vjp_close": relu_vjp_close,
    "raises": raises,
}


def rule_of(compare: Compare) -> tuple[str, dict[str, Any]]:
    """The rule name and parameters a comparison was built from (see :data:`RULES`)."""
    rule = getattr(compare, "rule", None)
    if rule is None:
        name = getattr(compare, "__qualname__", repr(compare))
        raise ValueError(f"the comparison {getattr(compare, '__module__', '?')}.{name} has no "
                         "rule: build it with one of calcml.grading.compare's rules "
                         f"({', '.join(sorted(RULES))}) so it can be stored as data")
    return rule


def from_rule(name: str, params: Mapping[str, Any]) -> Compare:
    """The comparison a rule name and its parameters describe."""
    if name not in RULES:
        raise ValueError(f"unknown comparison rule {name!r}; known: {sorted(RULES)}")
    return RULES[name](**params)


# --------------------------------------------------------------------------------------
# describing values and failures in messages


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


def signature(name: str, params: Sequence[str], args: Sequence[Any],
              kwargs: Mapping[str, Any]) -> str:
    """``name(p1=..., p2=...)`` describing one call."""
    parts = [f"{p}={describe(a)}" for p, a in zip(params, args, strict=False)]
    parts += [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def problem(compare: Compare, expected: Callable[[], Any], out: Outcome,
            no_warnings: bool) -> str | None:
    """What is wrong with one outcome (None when it is right): an exception, a time-out,
    an input changed in place, a wrong value, or a warning where none is allowed.
    ``expected()`` gives the expected value (asked for only when there is a value to
    compare)."""
    if out.timed_out:
        return (f"it did not return within {out.seconds:.2g} s and was stopped: an endless "
                "loop? (check that every loop ends, e.g. its stopping rule or max_iter)")
    error = getattr(compare, "raises", None)
    if error is not None:  # a case where the right answer is an exception
        if out.mutated:
            return f"it modified its input {', '.join(out.mutated)} in place; work on a copy"
        if out.error is None:
            return compare(None, out.value)
        if out.error.split(":", 1)[0].strip() != error:
            return f"it raised {out.error}; it should raise {error}"
        return None
    if out.error is not None:
        return f"it raised {out.error}"
    if out.mutated:
        return f"it modified its input {', '.join(out.mutated)} in place; work on a copy"
    found = compare(expected(), out.value)
    if found:
        return found
    if no_warnings and out.warnings:
        return f"it emitted a warning ({out.warnings[0]}); it must stay quiet for this input"
    return None


def failure_message(name: str, n: int, total: int, note: str, call: str, out: Outcome,
                    expected: Any, found: str, hint: str, raises: str | None = None) -> str:
    """The message of a failed test case: the call, the expected and the received
    value (or, where the call should raise ``raises``, that exception), the problem,
    where in the student's code, and a hint."""
    lines = [f"{name} failed on test case {n + 1} of {total}"
             + (f" ({note})" if note else "") + ":",
             f"  call:     {call}"]
    if raises is not None and not out.timed_out:
        lines.append(f"  expected: it raises {raises}")
        lines.append(f"  received: {out.error or describe(out.value)}")
    elif out.error is None and not out.timed_out:
        lines.append(f"  expected: {describe(expected)}")
        lines.append(f"  received: {describe(out.value)}")
    lines.append(f"  problem:  {found}")
    if out.where:
        lines.append("  in your code: " + " | ".join(out.where))
    if hint:
        lines.append(f"  hint:     {hint}")
    return "\n".join(lines)


def passed_summary(name: str, rows: Sequence[tuple[str, Any, str]], hidden: bool = False) -> str:
    """What a passed check prints: how many cases passed and, for visible tests, each
    call with the value it returned and what the case probes (rows of call, value, note)."""
    if hidden:
        return f"{name}: all {len(rows)} hidden test cases passed"
    lines = [f"{name}: all {len(rows)} visible test cases passed"]
    for call, value, note in rows:
        lines.append(f"  ok  {call} -> {describe(value)}" + (f"   ({note})" if note else ""))
    return "\n".join(lines)


class _OutOfTime(BaseException):
    """Raised inside a student's function at the time limit (a BaseException, so that
    ``except Exception`` in the student's code cannot swallow it)."""


@contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise :class:`_OutOfTime` in this (the main) thread after ``seconds``."""
    if not seconds or not hasattr(signal, "setitimer") or (
            threading.current_thread() is not threading.main_thread()):
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call_with(fn: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any],
              params: Sequence[str], seconds: float | None = None) -> Outcome:
    """Call ``fn`` in this process on copies of ``args`` and ``kwargs``, recording its
    value or exception, its warnings and any argument it changed in place; after
    ``seconds`` (on the main thread of a POSIX system) the call is stopped."""
    args = copy.deepcopy(tuple(args))
    kwargs = copy.deepcopy(dict(kwargs))
    before = copy.deepcopy((args, kwargs))
    start = time.perf_counter()
    timed_out = False
    with warnings.catch_warnings(record=True) as caught, np.errstate(
            over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            with _alarm(seconds):
                value = fn(*args, **kwargs)
            error, where = None, ()
        except _OutOfTime as exc:  # where it was when stopped helps find the loop
            value, error, where, timed_out = None, None, _where(exc), True
        except Exception as exc:  # the student's exception becomes part of the message
            value, error, where = None, f"{type(exc).__name__}: {exc}", _where(exc)
    mutated = [] if timed_out else [name for name, old, new in
                                    _pairs(params, before, (args, kwargs)) if not _same(old, new)]
    seconds_used = float(seconds) if timed_out else time.perf_counter() - start  # the limit
    return Outcome(value, error, where, tuple(f"{w.category.__name__}: {w.message}"
                                              for w in caught), tuple(mutated),
                   seconds_used, timed_out)


def _where(exc: BaseException) -> tuple[str, ...]:
    """The last three lines of the student's code in an exception's traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)[1:] if f.filename != __file__]
    return tuple(f"line {f.lineno}: {f.line}" for f in frames[-3:])


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
