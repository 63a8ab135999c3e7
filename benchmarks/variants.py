"""Self-test of the hidden inputs' variants (PrairieLearn's idea), over 50 submissions.

Not a test (tests/test_variants.py runs the same check on a sample). For 50 random
(student, attempt) pairs, each a submission key derived from a random course secret,
the student id and a timestamp exactly as grading derives it: in every assignment the
reference solution passes every function's visible and hidden cases, every valid
alternative of tests/mutants/ too, and every wrong one fails (so loses its points).
Evaluated in-process (no nbgrader, no sandbox); prints the problems found, the seconds
per variant, and the share of variants in which every check held.

    python benchmarks/variants.py                 # 50 pairs x every assignment
    python benchmarks/variants.py --pairs 5 --assignments 01_derivatives
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from course import variant_problems  # noqa: E402

from autograder.release import assignments  # noqa: E402
from calcml.grading.secret import submission_secret  # noqa: E402


def random_pairs(n: int) -> list[tuple[str, str]]:
    """n (student id, submission timestamp) pairs: random ids, random times in a term."""
    start = datetime(2026, 9, 1, tzinfo=UTC)
    return [(f"student{secrets.randbelow(10**6):06d}",
             (start + timedelta(seconds=secrets.randbelow(120 * 86400))).isoformat())
            for _ in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=50, help="(student, attempt) pairs")
    parser.add_argument("--assignments", nargs="*", default=None, help="default: all")
    args = parser.parse_args(argv)
    secret = secrets.token_hex(32)
    ids = args.assignments or assignments()
    pairs = random_pairs(args.pairs)
    problems: list[str] = []
    clean = 0
    start = time.perf_counter()
    for student, timestamp in pairs:
        key = submission_secret(secret, student, timestamp)
        found = [p for a in ids for p in variant_problems(a, key)]
        clean += not found
        problems += [f"[{student} at {timestamp}] {p}" for p in found]
    seconds = time.perf_counter() - start
    print(f"{len(pairs)} (student, attempt) pairs x {len(ids)} assignments: "
          f"{seconds / len(pairs):.2f} s per variant; every check held in "
          f"{clean}/{len(pairs)} variants ({clean / len(pairs):.0%})")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
