"""Taking a submission folder in without following a single link.

A submission is what a student hands in: regular files in ordinary folders. A symbolic
link (``notebook.ipynb -> ../../../solutions/...``), a hard link to a file elsewhere
(``st_nlink > 1``), a device, a FIFO or a socket could make the grader read, copy or
block on something that is not the student's. The folder is walked here with
``O_NOFOLLOW`` and ``lstat`` from an open directory descriptor downwards (no path is
resolved twice), and any such entry is refused with a message naming it; nbgrader's
own copy in ``autograded/`` is never read for the student's files.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["SubmissionRefused", "check_submission", "regular_files", "shown_name"]

#: largest single file taken into the kernel's working copy, and all of them together
MAX_FILE_BYTES = 8 << 20
MAX_TOTAL_BYTES = 64 << 20

_KINDS = {stat.S_IFLNK: "a symbolic link", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFIFO: "a FIFO (named pipe)",
          stat.S_IFSOCK: "a socket"}


class SubmissionRefused(ValueError):
    """A submission holds something other than regular files and folders."""


def _problem(st: os.stat_result) -> str | None:
    kind = stat.S_IFMT(st.st_mode)
    if kind in _KINDS:
        return _KINDS[kind]
    if kind == stat.S_IFREG and st.st_nlink > 1:
        return f"a hard link ({st.st_nlink} names for one file)"
    return None


def _walk(folder: str | os.PathLike[str]) -> list[tuple[str, str | None, bytes | None]]:
    """(relative path, problem or None, contents of a regular file or None) for every
    entry below ``folder``; regular files larger than MAX_FILE_BYTES are not read."""
    found: list[tuple[str, str | None, bytes | None]] = []
    top = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    _walk_fd(top, "", found)
    return found


def _walk_fd(dir_fd: int, prefix: str, found: list[tuple[str, str | None, bytes | None]]
             ) -> None:
    try:
        names = sorted(os.listdir(dir_fd))
        for name in names:
            rel = prefix + name
            st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            problem = _problem(st)
            if problem is not None:
                found.append((rel, problem, None))
            elif stat.S_ISDIR(st.st_mode):
                sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                              dir_fd=dir_fd)
                _walk_fd(sub, rel + "/", found)
            elif st.st_size > MAX_FILE_BYTES:
                found.append((rel, None, None))
            else:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                             dir_fd=dir_fd)
                with os.fdopen(fd, "rb") as f:
                    again = os.fstat(f.fileno())
                    if (again.st_ino, again.st_dev) != (st.st_ino, st.st_dev):
                        found.append((rel, "a file that changed while it was read", None))
                        continue
                    found.append((rel, _problem(again), f.read(MAX_FILE_BYTES + 1)))
    finally:
        os.close(dir_fd)


def check_submission(folder: str | os.PathLike[str], shown_as: str | None = None) -> None:
    """Raise :class:`SubmissionRefused` naming every entry of ``folder`` that is not a
    regular file or folder. ``shown_as`` is how the folder is named in the message
    (e.g. ``submitted/alice/01_derivatives``)."""
    shown = shown_as or str(folder)
    try:
        st = os.lstat(folder)
    except OSError as exc:
        raise SubmissionRefused(f"{shown}: the submission folder cannot be read ({exc})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise SubmissionRefused(f"{shown} is {_problem(st) or 'not a folder'}: a submission "
                                "must be a real folder")
    bad = [f"{shown}/{rel} is {problem}" for rel, problem, _ in _walk(folder) if problem]
    if bad:
        raise SubmissionRefused(
            "submission refused: " + "; ".join(bad) + ". Only regular files and folders are "
            "graded: ask the student to hand in the files themselves (not links to them), "
            "or replace each named entry by a copy of the file, then grade again.")


def regular_files(folder: str | os.PathLike[str], *, skip_suffix: str = ".ipynb",
                  limit: int = MAX_TOTAL_BYTES) -> dict[str, bytes]:
    """The regular files of a submission folder (relative path -> contents), without
    notebooks, links or special files, each at most MAX_FILE_BYTES and ``limit`` in all.
    Entries that :func:`check_submission` would refuse are left out here."""
    out: dict[str, bytes] = {}
    total = 0
    if not os.path.isdir(folder) or os.path.islink(folder):
        return out
    for rel, problem, data in _walk(folder):
        if problem or data is None or rel.endswith(skip_suffix) or len(data) > MAX_FILE_BYTES:
            continue
        if total + len(data) > limit:
            continue
        total += len(data)
        out[rel] = data
    return out


def shown_name(folder: str | os.PathLike[str]) -> str:
    """``submitted/<student>/<assignment>`` for a course's submission folder."""
    parts = Path(folder).parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(folder)
