"""Confine the current process with Linux Landlock (no privileges needed).

After :func:`restrict` the process (and every child it forks) can read only the
paths it was given as readable, write only beneath the paths given as writable,
open no TCP connection, bind no TCP port, send no signal to a process outside its
own sandbox, and reach no abstract Unix socket outside it. The rules cannot be
lifted again by the process itself.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterable

__all__ = ["LandlockUnavailable", "abi_version", "restrict"]

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # x86_64 and arm64
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# filesystem rights by ABI version
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_ABI1 = (1 << 13) - 1  # EXECUTE .. MAKE_SYM
_REFER, _TRUNCATE, _IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV


class LandlockUnavailable(RuntimeError):
    """The running kernel does not offer Landlock (or offers too old a version)."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The Landlock ABI version of the running kernel, 0 when it has none."""
    version = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


def _fs_rights(abi: int) -> int:
    rights = _FS_ABI1
    if abi >= 2:
        rights |= _REFER
    if abi >= 3:
        rights |= _TRUNCATE
    if abi >= 5:
        rights |= _IOCTL_DEV
    return rights


def restrict(readable: Iterable[str], writable: Iterable[str], *, min_abi: int = 6) -> int:
    """Confine this process for good; return the Landlock ABI version used.

    ``readable`` paths (files or directories) may be read and executed, ``writable``
    directories (and files) may also be written, created and removed beneath.
    Paths that do not exist are skipped. Raises :class:`LandlockUnavailable` when the
    kernel's ABI is older than ``min_abi`` (6 adds signal and abstract-socket scoping).
    """
    abi = abi_version()
    if abi < min_abi:
        raise LandlockUnavailable(
            f"Landlock ABI {abi} found, {min_abi} needed (Linux 6.12 or newer with Landlock "
            "enabled): refusing to run untrusted code without a sandbox"
        )
    handled = _fs_rights(abi)
    net = _NET_BIND_TCP | _NET_CONNECT_TCP
    attr = _RulesetAttr(handled, net, _SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL)
    fd = _libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        read_rights = _EXECUTE | _READ_FILE | _READ_DIR
        for rights, paths in ((read_rights, readable), (handled, writable)):
            for path in paths:
                _add_path(fd, path, rights)
        if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        if _libc.syscall(_SYS_RESTRICT_SELF, fd, 0) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(fd)
    return abi


def _add_path(ruleset_fd: int, path: str, rights: int) -> None:
    try:
        pfd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS
        rule = _PathBeneathAttr(rights, pfd)
        if _libc.syscall(_SYS_ADD_RULE, ruleset_fd, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
    finally:
        os.close(pfd)
