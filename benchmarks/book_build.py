"""How long the book takes to build: cold, then again with nothing changed.

Builds the whole book (every page of _toc.yml) twice into a fresh temporary folder with
``jupyter-book build --path-output``, so the repository's own ``_build/`` and its
execution cache are never touched:

1. cold: empty output folder and empty jupyter-cache, so every chapter is executed;
2. no-change rebuild: the same command again; nothing is re-executed or re-written.

Then it prints the execution time of each page as recorded in the jupyter-cache
database (``<output>/_build/.jupyter_cache``). Not a test: run it by hand or with
``make bench``::

    python benchmarks/book_build.py [--keep] [--output DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def build(output: Path, log: Path) -> float:
    """Run one full book build into ``output``; return its wall time in seconds."""
    jupyter_book = BIN / "jupyter-book"
    command = [str(jupyter_book) if jupyter_book.exists() else "jupyter-book", "build",
               str(ROOT), "--path-output", str(output), "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    with log.open("w") as stream:
        result = subprocess.run(command, cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT,
                                check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-30:])
        raise SystemExit(f"the build failed (exit {result.returncode}); end of {log}:\n{tail}")
    return elapsed


def execution_times(cache_dir: Path) -> list[tuple[str, float | None]]:
    """(page, seconds) for every notebook in the jupyter-cache at ``cache_dir``."""
    from jupyter_cache import get_cache

    latest: dict[str, object] = {}
    for record in get_cache(str(cache_dir)).list_cache_records():
        # a page edited between the builds has one record per version: keep the newest
        if record.uri not in latest or record.created > latest[record.uri].created:
            latest[record.uri] = record
    rows = []
    for uri, record in latest.items():
        seconds = (record.data or {}).get("execution_seconds")
        path = Path(uri)
        rows.append((str(path.relative_to(ROOT)) if ROOT in path.parents else uri, seconds))
    return sorted(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=None,
                        help="build folder (default: a new temporary folder); it must be "
                             "empty or missing so that the first build is cold")
    parser.add_argument("--keep", action="store_true",
                        help="keep the build folder instead of deleting it")
    args = parser.parse_args(argv)

    output = args.output or Path(tempfile.mkdtemp(prefix="calcml-book-bench-"))
    resolved = output.resolve()
    if resolved == ROOT or ROOT in resolved.parents:
        raise SystemExit("--output must be outside the repository (its _build/ is not touched)")
    if output.exists() and any(output.iterdir()):
        raise SystemExit(f"{output} is not empty: a cold build needs an empty folder")
    output.mkdir(parents=True, exist_ok=True)

    subprocess.run([sys.executable, str(ROOT / "scripts" / "static_assets.py")], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        cold = build(output, output / "cold.log")
        warm = build(output, output / "rebuild.log")
        pages = execution_times(output / "_build" / ".jupyter_cache")
    finally:
        if not args.keep and args.output is None:
            shutil.rmtree(output, ignore_errors=True)

    print(f"cold build (empty output and execution cache): {cold:7.1f} s")
    print(f"no-change rebuild:                              {warm:7.1f} s")
    print("execution time per page (jupyter-cache):")
    total = 0.0
    for page, seconds in pages:
        shown = "    n/a" if seconds is None else f"{seconds:7.2f}"
        total += seconds or 0.0
        print(f"  {page:<45} {shown} s")
    print(f"  {'total':<45} {total:7.2f} s")
    if args.keep or args.output is not None:
        print(f"build kept in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
