"""The visible tests as a student runs them, from data: no reference implementation.

``calcml-grade release`` ships this file as the ``__init__.py`` of the student package
``calcml_student`` (beside :mod:`calcml.grading.compare`, shipped as its ``compare.py``),
with one JSON file per assignment in ``calcml_student/data/``: each visible case's
inputs, the expected value computed at release time by the course's reference, the
comparison rule by name, the note and the hint. ``check`` calls the student's function
on copies of those inputs (stopping it after a few seconds), compares with the stored
value and fails with the message the grader would give. Nothing here can compute a
graded function's result on new inputs.

The same file holds :func:`encode` and :func:`decode`, the two halves of the data
format, so that writing (at release) and reading (in the student's kernel) cannot drift.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .compare import (
    TIME_LIMIT,
    Fn,
    GradingFailure,
    call_with,
    failure_message,
    from_rule,
    passed_summary,
    problem,
    signature,
)

__all__ = ["check", "GradingFailure", "encode", "decode", "DATA", "FORMAT"]

#: the folder of the assignments' data files, beside this file
DATA = Path(__file__).resolve().parent / "data"
#: version of the data format (a newer package refuses older data and says so)
FORMAT = 1


def encode(value: Any) -> Any:
    """A JSON-ready form of a test input or expected value that :func:`decode` turns back
    into an equal value of the same type (numpy arrays keep dtype and shape; floats,
    inf and nan round-trip exactly; a test function keeps its source)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if getattr(value, "_calcml_fn", False):
        return {"fn": value.source}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot store an array of dtype {value.dtype} as test data")
        return {"ndarray": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot store a numpy {value.dtype} as test data")
        return {"scalar": value.item(), "dtype": value.dtype.str}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot store a {type(value).__name__} ({value!r:.80}) as test data")


def decode(data: Any) -> Any:
    """The value :func:`encode` stored."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "fn" in data:
        return Fn(data["fn"])
    if "ndarray" in data:
        return np.array(data["ndarray"], dtype=np.dtype(data["dtype"])).reshape(data["shape"])
    if "scalar" in data:
        return np.dtype(data["dtype"]).type(data["scalar"])
    if "tuple" in data:
        return tuple(decode(v) for v in data["tuple"])
    if "dict" in data:
        return {decode(k): decode(v) for k, v in data["dict"]}
    raise ValueError(f"unknown test data {sorted(data)}")


@cache
def _assignment(assignment: str) -> dict[str, Any]:
    path = DATA / f"{assignment}.json"
    if not path.is_file():
        known = sorted(p.stem for p in DATA.glob("*.json"))
        raise GradingFailure(f"this student package has no tests for assignment {assignment!r} "
                             f"(it has {', '.join(known) or 'none'}); install the bundle that "
                             "came with this notebook: pip install ./<bundle folder>")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise GradingFailure(f"{path} was written for another version of calcml_student; "
                             "install the bundle that came with this notebook again")
    return data


def check(assignment: str, name: str, fn: Callable[..., Any], *, hidden: bool = False) -> None:
    """Run the visible tests of ``name`` on ``fn``.

    Prints each passed case with the value ``fn`` returned; raises
    :class:`GradingFailure` describing the first failing case (the call, the expected
    and the received value, the problem and a hint). A call running longer than
    ``TIME_LIMIT`` seconds is stopped and fails.
    """
    if hidden:
        raise GradingFailure("hidden tests run only when your submission is graded, on "
                             "inputs drawn for your submission")
    functions = _assignment(assignment)["functions"]
    if name not in functions:
        raise GradingFailure(f"{assignment} has no graded function {name!r}; it has "
                             f"{sorted(functions)}")
    if not callable(fn):
        raise GradingFailure(f"{name} is not a function (it is {type(fn).__name__})")
    spec = functions[name]
    params = tuple(spec["params"])
    rows = []
    for n, stored in enumerate(spec["cases"]):
        args = tuple(decode(stored["args"]))
        kwargs = {k: decode(v) for k, v in stored["kwargs"].items()}
        expected = decode(stored["expected"])
        call = signature(name, params, args, kwargs)
        out = call_with(fn, args, kwargs, params, TIME_LIMIT)
        compare = from_rule(stored["compare"]["rule"], decode(stored["compare"]["params"]))
        found = problem(compare, lambda expected=expected: expected, out, stored["no_warnings"])
        if found:
            raise GradingFailure(failure_message(name, n, len(spec["cases"]), stored["note"],
                                                 call, out, expected, found, spec["hint"],
                                                 raises=getattr(compare, "raises", None)))
        rows.append((call, out.value, stored["note"]))
    print(passed_summary(name, rows))
