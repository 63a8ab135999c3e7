"""A throw-away PostgreSQL server on 127.0.0.1 for the tests (Debian's `postgresql`).

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def available() -> str | None:
    """None when a server can be started here, else why not."""
    if not (_bin("initdb") and _bin("pg_ctl")):
        return "PostgreSQL's initdb/pg_ctl are not installed (Debian package postgresql)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a fresh temporary folder; yield a SQLAlchemy URL of an empty
    database. (The folder is outside pytest's, which the postgres user cannot enter.)"""
    with tempfile.TemporaryDirectory(prefix="calcml-pg-") as tmp:
        os.chmod(tmp, 0o755)
        with _server(Path(tmp)) as url:
            yield url


@contextmanager
def _server(base: Path) -> Iterator[str]:
    data, run = base / "data", base / "run"
    data.mkdir(parents=True)
    run.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        for p in (data, run):
            shutil.chown(p, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run([*as_user, _bin("initdb"), "-D", str(data), "-A", "trust", "-U", "calcml",
                    "--no-sync"], check=True, capture_output=True)
    log = base / "server.log"
    if as_user:
        log.touch()
        shutil.chown(log, "postgres")
    subprocess.run([*as_user, _bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w", "start",
                    "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {run} -c fsync=off"],
                   check=True, capture_output=True)
    try:
        url = f"postgresql://calcml@127.0.0.1:{port}/postgres"
        import sqlalchemy

        engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
        for _ in range(50):
            try:
                with engine.connect() as conn:
                    conn.execute(sqlalchemy.text("CREATE DATABASE gradebook"))
                break
            except sqlalchemy.exc.OperationalError:
                time.sleep(0.2)
        engine.dispose()
        yield f"postgresql://calcml@127.0.0.1:{port}/gradebook"
    finally:
        subprocess.run([*as_user, _bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
