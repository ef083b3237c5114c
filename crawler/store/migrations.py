"""The store's schema, as numbered steps applied in order by both backends.

A step is SQL in the common dialect, with a few words that differ put in braces: ``{id}`` (an
auto-numbered key), ``{int}`` (a 64-bit integer) and ``{queue_order}`` (SQLite numbers a
frontier row by its ``rowid``; PostgreSQL gets a column of that name); or columns to add, as
``{table: {column: definition}}``, each added only where it is missing (a store made between
releases may have it already). The table
``schema_migrations`` records the steps applied; a store opened by a newer vnsearch gains the
missing steps in one transaction, and one opened by an older vnsearch is refused.

Plain numbered SQL rather than a migration framework: two backends, a handful of tables and no
ORM, so a framework (Alembic needs SQLAlchemy) would bring more than it does here. Step 1 is
written with ``IF NOT EXISTS`` so that stores made before migrations existed adopt it as they are.
"""

from __future__ import annotations

DIALECTS = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "int": "INTEGER", "queue_order": ""},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "int": "BIGINT",
                   "queue_order": "rowid BIGSERIAL,"},
}

Step = str | dict[str, dict[str, str]]

STEPS: list[Step] = [
    # 1: articles, URL states, runs, the frontier, jobs, settings and the seq counter
    """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published TEXT,
    source TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    officials TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'live',
    capture TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    seq {int} NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_seq ON articles(seq);
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL DEFAULT '',
    http_status INTEGER,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT,
    error TEXT,
    article_id TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id {id},
    site TEXT NOT NULL DEFAULT '',
    started TEXT NOT NULL,
    finished TEXT,
    outcome TEXT,
    counts TEXT NOT NULL DEFAULT '{{}}'
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS frontier (
    {queue_order}
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    fetch_url TEXT NOT NULL,
    depth INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site, url)
);
CREATE INDEX IF NOT EXISTS frontier_next ON frontier(site, done, priority);
CREATE TABLE IF NOT EXISTS jobs (
    site TEXT PRIMARY KEY,
    schedule TEXT NOT NULL,
    next_run TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    last_run_started TEXT,
    last_run_finished TEXT,
    outcome TEXT,
    counts TEXT NOT NULL DEFAULT '{{}}',
    error TEXT,
    owner TEXT,
    heartbeat TEXT
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value {int} NOT NULL);
INSERT INTO counters (name, value) SELECT 'seq', COALESCE(MAX(seq), 0) FROM articles
    WHERE true ON CONFLICT (name) DO NOTHING
""",
    # 2: where an article's date was read, and the site's name as the sites file gives it
    {"articles": {"date_source": "TEXT NOT NULL DEFAULT ''",
                  "source_name": "TEXT NOT NULL DEFAULT ''"}},
]

TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)"


class SchemaTooNew(RuntimeError):
    """The store was written by a newer vnsearch."""


def statements(step: Step, dialect: str, has_column) -> list[str]:
    """The step's statements in ``dialect``; ``has_column(table, column)`` tells which of the
    columns a step adds are there already."""
    if isinstance(step, dict):
        return [
            f"ALTER TABLE {table} ADD COLUMN {column} {definition}"
            for table, columns in step.items()
            for column, definition in columns.items()
            if not has_column(table, column)
        ]
    text = step.format(**DIALECTS[dialect])
    return [part.strip() for part in text.split(";") if part.strip()]


def pending(applied: set[int]) -> list[tuple[int, Step]]:
    """``(version, step)`` not yet applied; raises if the store knows steps this code does not."""
    newer = {v for v in applied if v > len(STEPS)}
    if newer:
        raise SchemaTooNew(
            f"the store has schema version {max(newer)}, this vnsearch knows up to "
            f"{len(STEPS)}; upgrade vnsearch"
        )
    return [(n, step) for n, step in enumerate(STEPS, 1) if n not in applied]
