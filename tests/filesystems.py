"""Real file systems that refuse writes: a small tmpfs, filled up or remounted read-only.

Mounting needs root (CI runs as root); elsewhere the tests that need it are skipped with the
reason. Permissions are no substitute: root writes into a directory without write permission.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> str | None:
    """None when it worked, else why not."""
    try:
        result = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return "no mount command"
    return None if result.returncode == 0 else result.stderr.strip() or "mount failed"


@contextmanager
def tmpfs(where: Path, size: str = "8m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` for the duration."""
    where.mkdir(parents=True, exist_ok=True)
    failure = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
    if failure:
        pytest.skip(f"cannot mount a tmpfs to test a full or read-only disk: {failure}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, timeout=30)


def remount(where: Path, mode: str) -> None:
    """``mode`` is ``ro`` or ``rw``."""
    failure = _mount("-o", f"remount,{mode}", str(where))
    assert failure is None, failure


def fill(where: Path, leave: int) -> Path:
    """Take all the free space of the file system at ``where`` but about ``leave`` bytes;
    deleting the returned file gives it back."""
    stats = os.statvfs(where)
    filler = where / "filler"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return filler
