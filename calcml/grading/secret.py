"""The per-course secret from which the hidden tests' inputs are drawn.

The repository is public, so anyone can read the grading library; what they cannot
know is the course's secret, and with it the inputs the hidden tests will use. It is
read, in this order, from the environment variable ``CALCML_GRADING_SECRET``, from the
file named by ``CALCML_GRADING_SECRET_FILE``, or from ``~/.config/calcml/grading-secret``
(``calcml-grade secret`` creates that file). Without any of them a fixed public default
is used, which is fine for practice and refused when grading a class
(:func:`grading_secret`) unless practice mode is asked for with ``CALCML_PRACTICE=1``.

Every submission meets inputs of its own: :func:`submission_secret` derives, with
HMAC-SHA256, a key from the course secret, the student id and the submission's
timestamp, and the hidden cases of each function are drawn from that key
(:func:`hidden_rng`). Two students, or two submissions of one student, meet different
inputs; regrading one submission draws exactly its own inputs again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import numpy as np

__all__ = ["course_secret", "grading_secret", "submission_secret", "hidden_rng",
           "create_secret", "secret_path", "practice_mode", "MissingSecret", "DEFAULT_SECRET"]

DEFAULT_SECRET = "calcml-public-default"
PRACTICE_VARIABLE = "CALCML_PRACTICE"


class MissingSecret(ValueError):
    """Grading a class was asked for with the public default secret."""


def secret_path() -> Path:
    """Where the course secret is read from when no environment variable names it."""
    return Path.home() / ".config" / "calcml" / "grading-secret"


def course_secret() -> str:
    """The course's secret (or the public default when none is configured)."""
    value = os.environ.get("CALCML_GRADING_SECRET")
    if value:
        return value
    path = os.environ.get("CALCML_GRADING_SECRET_FILE")
    candidate = Path(path) if path else secret_path()
    if candidate.is_file():
        text = candidate.read_text(encoding="utf-8").strip()
        if not text:
            raise MissingSecret(f"the grading secret file {candidate} is empty; create a new "
                                f"one with `calcml-grade secret --force --path {candidate}`")
        return text
    if path:
        raise FileNotFoundError(f"CALCML_GRADING_SECRET_FILE names {path}, which does not "
                                f"exist; create it with `calcml-grade secret --path {path}`")
    return DEFAULT_SECRET


def practice_mode() -> bool:
    """True when the instructor asked to grade with the public default (``CALCML_PRACTICE=1``)."""
    return os.environ.get(PRACTICE_VARIABLE, "").strip().lower() in {"1", "true", "yes"}


def grading_secret() -> str:
    """The course secret for grading a class: refuses the public default, whose hidden
    inputs anyone can compute, unless practice mode is asked for explicitly."""
    secret = course_secret()
    if secret == DEFAULT_SECRET and not practice_mode():
        raise MissingSecret(
            "no course grading secret is configured, and with the public default every "
            "student could compute the hidden tests' inputs. Create one with "
            f"`calcml-grade secret` (it writes {secret_path()}, readable by you only), or "
            "set CALCML_GRADING_SECRET_FILE to a secret file; to grade with the public "
            f"default anyway (practice only), set {PRACTICE_VARIABLE}=1")
    return secret


def submission_secret(secret: str, student: str, timestamp: str) -> str:
    """The key of one submission's hidden inputs: HMAC-SHA256 of the student id and the
    submission's timestamp under the course secret (hex). Knowing it reveals neither the
    course secret nor any other submission's key."""
    message = f"calcml-submission\0{student}\0{timestamp}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def hidden_rng(assignment: str, function: str, secret: str | None = None) -> np.random.Generator:
    """The random generator of one function's hidden tests, seeded from the secret
    (the course secret, or a submission's key from :func:`submission_secret`)."""
    key = f"{course_secret() if secret is None else secret}\0{assignment}\0{function}"
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:16], "little")
    return np.random.default_rng(seed)


def create_secret(path: Path | None = None, *, force: bool = False) -> Path:
    """Write a new random course secret (256 bits, hex) to ``path`` (default
    :func:`secret_path`) with permissions 0600, creating its folder (0700); refuses
    to replace an existing secret unless ``force`` (that would change every hidden
    input of submissions still to be regraded)."""
    path = Path(path) if path is not None else secret_path()
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists; it is the course secret that "
                              "regrades need: keep it (pass --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path
