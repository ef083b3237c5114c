"""The embedded backend: one SQLite file in the data dir, shared by a crawler and its readers
(WAL). Sites are claimed with ``flock`` on ``<store dir>/locks/<site>.lock``, which dies with the
process that holds it, so a killed scheduler never blocks the next one.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from crawler.store.base import Store


def _dict_row(cursor: sqlite3.Cursor, row: tuple) -> dict:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


class SQLiteStore(Store):
    dialect = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.location = str(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def close(self):
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A COMMIT that fails (a full disk) rolls back too; SQLite may have done so itself."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _execute(self, sql: str, params=()) -> sqlite3.Cursor:
        cursor = self.db.cursor()
        cursor.row_factory = _dict_row
        return cursor.execute(sql, params)

    def _has_table(self, name: str) -> bool:
        return self._one(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ) is not None

    def _has_column(self, table: str, column: str) -> bool:
        return any(row["name"] == column for row in self._all(f"PRAGMA table_info({table})"))

    def _lock_schema(self) -> None:
        """Nothing to add: BEGIN IMMEDIATE already keeps every other writer out."""

    @contextmanager
    def claim(self, site: str) -> Iterator[bool]:
        locks = self.path.parent / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with open(locks / f"{quote(site, safe='')}.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
