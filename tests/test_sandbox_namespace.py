"""The pieces of the sandbox on their own: the bwrap command line, the link-free intake,
the layers a kernel reports, and a clear error where bubblewrap is missing."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from autograder import intake, namespace
from autograder.session import KernelSession, SandboxError


def binds(cmd: list[str]) -> dict[str, str]:
    """destination -> source of every read-only or writable bind of a bwrap command."""
    out = {}
    for i, arg in enumerate(cmd):
        if arg in ("--ro-bind", "--bind", "--ro-bind-try"):
            out[cmd[i + 2]] = cmd[i + 1]
    return out


def test_the_command_binds_no_course_folder_and_masks_the_course_packages(tmp_path):
    mounts = namespace.Mounts(tmp_path / "boot", tmp_path / "files", tmp_path / "run", 1 << 20)
    cmd = namespace.bwrap_command(mounts, ["true"])
    bound = binds(cmd)
    assert "/usr" not in bound and "/" not in bound and "/etc" not in bound
    for folder in namespace.course_folders():
        for dest, source in bound.items():
            if source == "/dev/null":
                continue
            real = os.path.realpath(source)
            assert not (real == folder or real.startswith(folder + "/")) or \
                dest.startswith(str(Path(sys.prefix))), f"{source} of the course is bound"
    masked = {cmd[i + 2] for i, a in enumerate(cmd) if a == "--ro-bind" and cmd[i + 1] ==
              "/dev/null"} | {cmd[i + 1] for i, a in enumerate(cmd) if a == "--tmpfs"}
    for hidden in namespace.hidden_paths():
        if any(os.path.realpath(hidden).startswith(os.path.realpath(s) + "/")
               for s in bound.values()):
            assert os.path.realpath(hidden) in masked, f"{hidden} is not masked"
    for flag in ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in cmd
    work = next(i for i in range(len(cmd)) if cmd[i:i + 2] == ["--tmpfs", namespace.WORK])
    assert cmd[work - 2:work] == ["--size", str(1 << 20)], "the working copy has no size"


def test_a_python_under_tmp_is_bound_into_the_sandbox_tmp(tmp_path, monkeypatch):
    """A clone (and its venv) under /tmp, as CI may make it: the sandbox's own /tmp is
    mounted first and the Python bound into it, read-only; /run still refuses."""
    mounts = namespace.Mounts(tmp_path / "boot", tmp_path / "files", tmp_path / "run", 1 << 20)
    venv_path = str(Path(tempfile.mkdtemp(dir="/tmp")) / ".venv")
    os.mkdir(venv_path)
    monkeypatch.setattr(namespace, "_python_roots", lambda: [venv_path])
    cmd = namespace.bwrap_command(mounts, ["true"])
    tmp = next(i for i in range(len(cmd)) if cmd[i:i + 2] == ["--tmpfs", "/tmp"])
    venv = next(i for i in range(len(cmd)) if cmd[i] == "--ro-bind" and cmd[i + 2] == venv_path)
    assert tmp < venv, "the sandbox's /tmp would hide the Python bound before it"
    monkeypatch.setattr(namespace, "_python_roots", lambda: ["/run/venv"])
    with pytest.raises(namespace.SandboxUnavailable, match="/run/venv lies where"):
        namespace.bwrap_command(mounts, ["true"])


def test_a_missing_bubblewrap_is_named_with_what_to_do(monkeypatch):
    def missing() -> str:
        raise namespace.SandboxUnavailable("bubblewrap (bwrap) is not installed: install it")

    monkeypatch.setattr(namespace, "bwrap_path", missing)
    with pytest.raises(SandboxError, match="bubblewrap"):
        with KernelSession():
            pass


def test_the_kernel_reports_its_layers():
    with KernelSession() as session:
        assert session.run("1").ok
        layers = session.layers
    assert layers["uid"] == namespace.SANDBOX_UID
    assert layers["capabilities"] == "0000000000000000"
    assert "pid" in layers["namespaces"] and "net" in layers["namespaces"]
    assert layers["landlock"].startswith(("on", "off", "not available"))


def test_intake_refuses_links_and_special_files_by_name(tmp_path):
    folder = tmp_path / "submitted" / "ada" / "01"
    (folder / "data").mkdir(parents=True)
    (folder / "nb.ipynb").write_text("{}")
    (folder / "data" / "x.csv").write_text("1,2\n")
    intake.check_submission(folder)  # regular files and folders only: taken
    assert intake.regular_files(folder) == {"data/x.csv": b"1,2\n"}
    (folder / "data" / "link.csv").symlink_to("/etc/passwd")
    os.link(folder / "data" / "x.csv", tmp_path / "elsewhere.csv")
    os.mkfifo(folder / "pipe")
    with pytest.raises(intake.SubmissionRefused) as refused:
        intake.check_submission(folder, "submitted/ada/01")
    message = str(refused.value)
    assert "submitted/ada/01/data/link.csv is a symbolic link" in message
    assert "submitted/ada/01/data/x.csv is a hard link" in message
    assert "submitted/ada/01/pipe is a FIFO" in message
    assert intake.regular_files(folder) == {}  # nothing refused is ever read


def test_intake_refuses_a_linked_submission_folder(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    with pytest.raises(intake.SubmissionRefused, match="symbolic link"):
        intake.check_submission(tmp_path / "linked")
    with pytest.raises(intake.SubmissionRefused, match="cannot be read"):
        intake.check_submission(tmp_path / "missing")
