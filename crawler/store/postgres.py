"""The shared backend: one PostgreSQL database for several crawlers, on one machine or several.

A site is claimed with a session advisory lock (``pg_try_advisory_lock``) on the store's own
connection: PostgreSQL releases it when the session ends, so a scheduler that is killed, or
whose machine goes away, frees its sites for the others at once, and its half-done pass is
resumed from the frontier by whichever scheduler claims the site next.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row

from crawler.store.base import Store, StoreError

SITE_LOCK = "vnsearch site:"
SCHEMA_LOCK = "vnsearch schema"


@lru_cache(maxsize=256)
def _placeholders(sql: str) -> str:
    """The common dialect's ``?`` as psycopg's ``%s`` (the SQL holds no other ``?`` or ``%``)."""
    return sql.replace("?", "%s")


def describe(url: str) -> str:
    """``host:port/db`` of a connection URL, without its password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(unreadable URL)"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


class PostgresStore(Store):
    dialect = "postgresql"

    def __init__(self, url: str):
        self.location = url
        try:
            self.db = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        except psycopg.Error as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise StoreError(f"cannot open the PostgreSQL store {describe(url)}: {reason}") from None
        self._migrate()

    def close(self):
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.transaction():
            yield

    def _execute(self, sql: str, params=()) -> psycopg.Cursor:
        return self.db.execute(_placeholders(sql), params)

    def _has_table(self, name: str) -> bool:
        return self._value("SELECT to_regclass(?) IS NOT NULL", (name,))

    def _has_column(self, table: str, column: str) -> bool:
        return self._one(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? AND column_name = ?", (table, column),
        ) is not None

    def _lock_schema(self) -> None:
        self._execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (SCHEMA_LOCK,))

    @contextmanager
    def claim(self, site: str) -> Iterator[bool]:
        key = SITE_LOCK + site
        held = self._value("SELECT pg_try_advisory_lock(hashtextextended(?, 0))", (key,))
        if not held:
            yield False
            return
        try:
            yield True
        finally:
            if not self.db.closed:
                self._execute("SELECT pg_advisory_unlock(hashtextextended(?, 0))", (key,))
