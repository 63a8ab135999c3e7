"""The packaged copy calcml/data/seed_examples.json must equal the course team's file.

The verified table lives in ``shared/seed_examples.json`` next to the repository
(``../shared/seed_examples.json`` from the repository root); calcml ships a copy so
that the book and the graders can read it without that directory. When the shared
file is not present (e.g. a clone of the repository alone) the test is skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calcml.seeds import all_seed_examples

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGED = REPO_ROOT / "calcml" / "data" / "seed_examples.json"
SHARED = REPO_ROOT.parent / "shared" / "seed_examples.json"


def test_packaged_copy_equals_the_shared_file():
    if not SHARED.is_file():
        pytest.skip(f"the shared verified table {SHARED} is not present next to the repository; "
                    f"nothing to compare the packaged copy with")
    shared = json.loads(SHARED.read_text(encoding="utf-8"))
    packaged = json.loads(PACKAGED.read_text(encoding="utf-8"))
    assert packaged == shared, (
        f"{PACKAGED} differs from {SHARED}; copy the shared file into calcml/data/"
    )


def test_packaged_copy_is_what_calcml_seeds_reads():
    packaged = json.loads(PACKAGED.read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in packaged]
    assert len(ids) == len(set(ids)), "duplicate example ids"
    assert list(all_seed_examples()) == ids
    for entry in packaged:
        assert {"id", "inputs", "expected"} <= set(entry), entry.get("id")
