"""The course secret cannot be forgotten: `calcml-grade secret` creates it (0600), and
grading a class with the public default is refused unless practice mode is asked for."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from course import REPO, Course

from calcml.grading.secret import (
    DEFAULT_SECRET,
    MissingSecret,
    course_secret,
    create_secret,
    grading_secret,
)

A = "01_derivatives"


def _bare_env(home: Path) -> dict[str, str]:
    """A machine with no secret configured: a fresh home, no secret variables."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CALCML_GRADING_SECRET", "CALCML_GRADING_SECRET_FILE", "CALCML_PRACTICE")}
    env["HOME"] = str(home)
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def test_create_secret_is_private_and_not_replaced_silently(tmp_path):
    path = create_secret(tmp_path / "new" / "folder" / "secret")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    first = path.read_text().strip()
    assert len(first) == 64 and int(first, 16) >= 0
    with pytest.raises(FileExistsError, match="already exists"):
        create_secret(path)
    assert path.read_text().strip() == first  # nothing is lost
    create_secret(path, force=True)
    assert path.read_text().strip() != first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_secret_command_works_on_a_fresh_machine(tmp_path):
    env = _bare_env(tmp_path)
    proc = _cli(env, "secret")
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / ".config" / "calcml" / "grading-secret"
    assert str(path) in proc.stdout and "0600" in proc.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    read = subprocess.run([sys.executable, "-c", "from calcml.grading.secret import "
                           "grading_secret; print(grading_secret())"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert read.stdout.strip() == path.read_text().strip(), read.stderr
    again = _cli(env, "secret")
    assert again.returncode == 2 and "already exists" in again.stderr
    other = _cli(env, "secret", "--path", str(tmp_path / "course-secret"))
    assert other.returncode == 0 and "CALCML_GRADING_SECRET_FILE=" in other.stdout


def test_grading_refuses_the_public_default_unless_practice(tmp_path, monkeypatch):
    for name in ("CALCML_GRADING_SECRET", "CALCML_GRADING_SECRET_FILE", "CALCML_PRACTICE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert course_secret() == DEFAULT_SECRET  # practice in a notebook still works
    with pytest.raises(MissingSecret, match="calcml-grade secret"):
        grading_secret()
    monkeypatch.setenv("CALCML_PRACTICE", "1")
    assert grading_secret() == DEFAULT_SECRET
    monkeypatch.delenv("CALCML_PRACTICE")
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("CALCML_GRADING_SECRET_FILE", str(missing))
    with pytest.raises(FileNotFoundError, match=f"calcml-grade secret --path {missing}"):
        grading_secret()
    missing.write_text("\n")
    with pytest.raises(MissingSecret, match="is empty"):
        grading_secret()


@pytest.mark.slow
def test_class_grading_without_a_secret_is_refused(tmp_path):
    course = Course(tmp_path)
    course.generate(A)
    course.submit("ada", A, course.source(A))
    course.env = _bare_env(tmp_path / "home") | {
        k: v for k, v in course.env.items() if k.startswith("CALCML_") and "SECRET" not in k}
    course.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    stock = course.nbgrader("autograde", A, "--force", check=False)
    assert "no course grading secret is configured" in stock.stderr
    assert "calcml-grade secret" in stock.stderr
    assert course.scores(A).get("ada", {}).get("coin_mle") in (None, 0)
    ours = subprocess.run([sys.executable, "-m", "autograder.cli", "autograde", A, "--quiet"],
                          cwd=REPO, env=course.env, capture_output=True, text=True, timeout=600)
    assert ours.returncode == 2 and "no course grading secret is configured" in ours.stderr
    course.env["CALCML_PRACTICE"] = "1"  # asked for explicitly: graded with the default
    course.autograde(A)
    assert course.scores(A)["ada"]["coin_mle"] == 1
