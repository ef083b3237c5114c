"""Writes the data dir refused: a read-only file system, a missing permission, a full disk.

Such a failure is the machine's, not vnsearch's, so the user gets one sentence naming the path
and what to do. Nothing needs repairing afterwards: the store commits each page in one
transaction, the captures drop a record cut short, and the index swaps in only what it
finished writing.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

READ_ONLY = frozenset({errno.EROFS})
NO_PERMISSION = frozenset({errno.EACCES, errno.EPERM})
FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
KEPT = "what was stored and indexed before is kept"


def explain(error: BaseException, data_dir: str | Path) -> str | None:
    """One sentence for a write to ``data_dir`` that the system refused, else None.

    The error's causes are looked at too: a failure while recording the failure (the crawl's
    run on a full disk) keeps the first one as its context."""
    seen: BaseException | None = error
    while seen is not None:
        kind, path = _kind(seen, Path(data_dir))
        if kind:
            return _SENTENCES[kind].format(path=path, kept=KEPT)
        seen = seen.__cause__ or seen.__context__
    return None


_SENTENCES = {
    "read-only": "{path} is on a read-only file system: remount it read-write, or give "
    "--data-dir a writable directory (a copy of this one will do); {kept}",
    "no permission": "{path} is not writable by this user: fix its owner or permissions, or "
    "run as the user who owns the data dir; {kept}",
    "full": "the disk holding {path} is full: free some space and run the command again; "
    "{kept}",
}


def _kind(error: BaseException, data_dir: Path) -> tuple[str | None, Path]:
    if isinstance(error, OSError):
        path = Path(error.filename) if error.filename else data_dir
        if error.errno in READ_ONLY:
            return "read-only", path
        if error.errno in NO_PERMISSION:
            return "no permission", path
        if error.errno in FULL:
            return "full", path
        return None, path
    if isinstance(error, sqlite3.OperationalError):
        return _sqlite_kind(str(error).lower(), data_dir), data_dir
    return None, data_dir


def _sqlite_kind(message: str, data_dir: Path) -> str | None:
    """SQLite says "disk is full" and "readonly database" plainly, but a store it cannot even
    open, or an I/O error, needs a look at the data dir itself."""
    if "disk is full" in message:
        return "full"
    if "readonly" in message:
        return _state(data_dir) or "no permission"
    if "unable to open" in message or "disk i/o error" in message:
        return _state(data_dir)
    return None


def _state(data_dir: Path) -> str | None:
    try:
        stats = os.statvfs(data_dir)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY:
        return "read-only"
    if not os.access(data_dir, os.W_OK):
        return "no permission"
    if stats.f_bavail * stats.f_frsize < 1 << 20:
        return "full"
    return None
