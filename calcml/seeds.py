"""The book's worked examples, with their independently verified values.

``calcml/data/seed_examples.json`` is a copy of the course team's verified table of
every numeric worked example the book shows (each value checked twice). A chapter that
shows such an example computes it in code and calls :func:`agree` on the result, so
the page cannot build if the computed number and the verified one ever part ways.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["seed_example", "expected", "agree", "all_seed_examples"]


@cache
def all_seed_examples() -> dict[str, dict[str, Any]]:
    """Every seed example, keyed by its id (e.g. ``"s002_power_lines"``)."""
    text = resources.files("calcml").joinpath("data/seed_examples.json").read_text("utf-8")
    return {entry["id"]: entry for entry in json.loads(text)}


def seed_example(example_id: str) -> dict[str, Any]:
    """The whole entry of one example: description, inputs, expected values, notes."""
    examples = all_seed_examples()
    if example_id not in examples:
        raise KeyError(f"no seed example {example_id!r}; known ids: {sorted(examples)}")
    return examples[example_id]


def expected(example_id: str, key: str) -> Any:
    """The verified value ``expected[key]`` of one example."""
    entry = seed_example(example_id)
    if key not in entry["expected"]:
        raise KeyError(
            f"seed example {example_id!r} has no expected value {key!r}; "
            f"it has {sorted(entry['expected'])}"
        )
    return entry["expected"][key]


def agree(example_id: str, key: str, computed: Any, rtol: float = 1e-9, atol: float = 1e-12) -> Any:
    """Check that ``computed`` equals the verified ``expected[key]``; return ``computed``.

    Numbers and nested lists of numbers are compared with ``np.allclose``, dicts key by
    key with the same tolerance, anything else (strings, booleans) must be equal.
    Raises ``AssertionError`` naming the example, the key and both values when they
    differ.
    """
    want = expected(example_id, key)
    problem = _difference(computed, want, rtol, atol)
    if problem is not None:
        raise AssertionError(
            f"seed example {example_id}[{key!r}]{problem}: computed {computed!r}, "
            f"verified value {want!r}"
        )
    return computed


def _difference(computed: Any, want: Any, rtol: float, atol: float, where: str = "") -> str | None:
    """None when ``computed`` matches ``want``, else where they part (e.g. "['dx']")."""
    if isinstance(want, dict):
        if not isinstance(computed, dict) or set(computed) != set(want):
            return where or " (keys differ)"
        for k in want:
            problem = _difference(computed[k], want[k], rtol, atol, f"{where}[{k!r}]")
            if problem is not None:
                return problem
        return None
    if isinstance(want, (bool, str)) or want is None:
        return None if computed == want else where
    try:
        got, exp = np.asarray(computed, dtype=float), np.asarray(want, dtype=float)
    except (TypeError, ValueError):
        return None if computed == want else where
    if got.shape != exp.shape or not np.allclose(got, exp, rtol=rtol, atol=atol):
        return where
    return None
