"""Running notebooks under nbval in a subprocess, for the chapter and solution tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Seconds one cell may run under nbval (each chapter should run in well under 20 s).
CELL_TIMEOUT = 120


def run_nbval(
    paths: Iterable[Path | str],
    *,
    extra_args: Sequence[str] = (),
    cwd: Path = ROOT,
    timeout: float | None = 900,
) -> subprocess.CompletedProcess[str]:
    """Run ``pytest --nbval-lax`` on the notebooks ``paths`` in a subprocess.

    Parameters
    ----------
    paths:
        .ipynb files to execute.
    extra_args:
        More pytest arguments (e.g. ``["--nbval-current-env"]`` is already included).
    cwd:
        Working directory of the run (the repository root by default).
    timeout:
        Seconds for the whole run (``None``: no limit).

    Returns
    -------
    subprocess.CompletedProcess
        ``returncode`` 0 means every cell of every notebook ran without error;
        ``stdout`` holds pytest's report (stderr is merged into it).
    """
    notebooks = [str(Path(p)) for p in paths]
    if not notebooks:
        raise ValueError("paths must name at least one notebook")
    missing = [p for p in notebooks if not Path(p).is_file()]
    if missing:
        raise FileNotFoundError(f"no such notebook: {missing}")
    command = [
        sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
        f"--nbval-cell-timeout={CELL_TIMEOUT}", "-p", "no:cacheprovider", "-q",
        # the repository's pytest configuration (testpaths, -ra ...) is for tests/, not this
        "-c", os.devnull, "--rootdir", str(cwd), *extra_args, *notebooks,
    ]
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=timeout, stdin=subprocess.DEVNULL, check=False)
