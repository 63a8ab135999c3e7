"""The per-course secret from which the hidden tests' inputs are drawn.

The repository is public, so anyone can read the grading library; what they cannot
know is the course's secret, and with it the inputs the hidden tests will use. It is
read, in this order, from the environment variable ``CALCML_GRADING_SECRET``, from the
file named by ``CALCML_GRADING_SECRET_FILE``, or from ``~/.config/calcml/grading-secret``.
Without any of them a fixed public default is used (fine for practice, not for a class).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

__all__ = ["course_secret", "hidden_rng", "DEFAULT_SECRET"]

DEFAULT_SECRET = "calcml-public-default"


def course_secret() -> str:
    """The course's secret (or the public default when none is configured)."""
    value = os.environ.get("CALCML_GRADING_SECRET")
    if value:
        return value
    path = os.environ.get("CALCML_GRADING_SECRET_FILE")
    candidates = [Path(path)] if path else [Path.home() / ".config" / "calcml" / "grading-secret"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8").strip()
        if path:
            raise FileNotFoundError(
                f"CALCML_GRADING_SECRET_FILE names {path}, which does not exist")
    return DEFAULT_SECRET


def hidden_rng(assignment: str, function: str, secret: str | None = None) -> np.random.Generator:
    """The random generator of one function's hidden tests, seeded from the secret."""
    key = f"{course_secret() if secret is None else secret}\0{assignment}\0{function}"
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:16], "little")
    return np.random.default_rng(seed)
