"""The archive's store: one small interface (:class:`Store`), two backends.

SQLite in the data dir is the default and the embedded choice; PostgreSQL
(``postgresql://USER@HOST:PORT/DB``) lets several crawlers on several machines share one
archive. Everything above the crawler (index, search, web, CLI) opens a store with
:func:`open_store` and never learns which database is behind it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.store.base import (
    JOB_STALE_AFTER,
    DuplicateURL,
    Store,
    StoreError,
    content_hash,
    now,
    stamp,
)

POSTGRES_SCHEMES = ("postgresql://", "postgres://")

__all__ = ["JOB_STALE_AFTER", "DuplicateURL", "Store", "StoreError", "content_hash", "database_errors",
           "is_postgres", "now", "open_store", "stamp"]


def is_postgres(location: str | None) -> bool:
    return bool(location) and location.startswith(POSTGRES_SCHEMES)


def database_errors() -> tuple[type[Exception], ...]:
    """What opening or reading a store may raise when the database is away or damaged."""
    import psycopg

    return StoreError, sqlite3.Error, psycopg.Error


def open_store(location: str | None, data_dir: str | Path | None = None) -> Store:
    """The store at ``location``: a PostgreSQL URL, a SQLite file, or (None) the SQLite file
    in ``data_dir``."""
    if is_postgres(location):
        from crawler.store.postgres import PostgresStore  # psycopg only when it is used

        return PostgresStore(location)
    from crawler.store.sqlite import SQLiteStore

    if location:
        return SQLiteStore(location)
    if data_dir is None:
        raise ValueError("open_store needs a location or a data dir")
    return SQLiteStore(Path(data_dir) / "store.sqlite")
