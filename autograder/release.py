"""Regenerate the student notebooks in ``exercises/`` from ``solutions/`` (``make exercises``).

Runs ``nbgrader generate_assignment`` (solutions become ``# YOUR CODE HERE`` stubs,
hidden tests are removed, outputs cleared) for every assignment, or the ones named,
without touching any gradebook. ``--check`` regenerates into a temporary folder and
fails, naming the files, when ``exercises/`` differs: the tests use it to catch stale
or hand-edited student notebooks.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["assignments", "generate", "stale_files", "main"]


def assignments(root: Path = ROOT) -> list[str]:
    """Assignment ids: the folders of solutions/ that hold a notebook."""
    return sorted(p.name for p in (root / "solutions").iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb")))


def generate(ids: list[str], release_dir: Path, root: Path = ROOT) -> None:
    """Write the student version of each assignment into ``release_dir/<id>/``."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               CALCML_COURSE_ROOT=str(root))
    for assignment in ids:
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
               "--no-db", f"--CourseDirectory.release_directory={release_dir}",
               "--log-level=WARN"]
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if proc.returncode != 0 or "ERROR" in proc.stderr:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{proc.stderr}")


def stale_files(root: Path = ROOT) -> list[str]:
    """Files of exercises/ that differ from a fresh generation (or are missing or extra)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "exercises"
        generate(assignments(root), fresh, root)
        return _differences(fresh, root / "exercises")


def _differences(a: Path, b: Path, rel: str = "") -> list[str]:
    if not b.is_dir():
        return [f"exercises/{rel} is missing"]
    cmp = filecmp.dircmp(a, b)
    out = [f"exercises/{rel}{n} is missing" for n in cmp.left_only]
    out += [f"exercises/{rel}{n} is not generated from solutions/" for n in cmp.right_only
            if n != "README.md"]
    out += [f"exercises/{rel}{n} differs from what solutions/ generates"
            for n in cmp.diff_files]
    for sub in cmp.common_dirs:
        out += _differences(a / sub, b / sub, f"{rel}{sub}/")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        print("\n".join(stale) if stale else "exercises/ is up to date")
        return 1 if stale else 0
    generate(args.ids or assignments(), ROOT / "exercises")
    print(f"regenerated exercises/ for {', '.join(args.ids or assignments())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
