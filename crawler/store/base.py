"""The archive's one interface: articles, URL states, crawl runs, the frontier and scheduled
jobs, written transactionally, whichever database holds them.

Every change to an article bumps its ``seq`` from one counter, so the index can catch up with
"everything after seq N" and a crash between store and index loses nothing: the index simply
replays from its last seq. The counter is a row that each writing transaction locks until it
commits, so seqs become visible in their own order even with several crawlers writing at once
(an index that read seq 11 can never later meet a seq 10).

The SQL here is the common dialect of SQLite and PostgreSQL, with ``?`` for parameters; a
backend (:mod:`crawler.store.sqlite`, :mod:`crawler.store.postgres`) supplies the connection,
transactions and the per-site claim.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.article import Article
from crawler.store import migrations

ARTICLE_COLUMNS = (
    "id, url, title, body, published, date_source, source, source_name, section, author, officials"
)
JOB_STALE_AFTER = 60  # seconds without a heartbeat after which a running job's process is gone


class StoreError(Exception):
    """The store cannot be opened or used; the message is one sentence for a person."""


class DuplicateURL(StoreError):
    """Another article (another id) already has this URL."""


def now() -> str:
    return stamp(datetime.now(timezone.utc))


def stamp(moment: datetime) -> str:
    """How the store writes times: UTC, ISO 8601, whole seconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def content_hash(article: Article) -> str:
    data = article.to_dict()
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class Store(ABC):
    """The archive in a database; open one with :func:`crawler.store.open_store`.

    One object is one connection: a thread or process that needs the store opens its own with
    :meth:`reopen`. Outside :meth:`transaction` each statement commits on its own.
    """

    location: str  # what open_store() takes to open this store again
    dialect: str  # "sqlite" or "postgresql", for the schema migrations

    @classmethod
    def in_data_dir(cls, data_dir: str | Path) -> Store:
        """The embedded default: SQLite in ``DATA/store.sqlite``."""
        from crawler.store import open_store

        return open_store(None, data_dir)

    def reopen(self) -> Store:
        from crawler.store import open_store

        return open_store(self.location)

    @abstractmethod
    def close(self):
        """Close the connection (a claim held through it ends too)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @abstractmethod
    def transaction(self) -> AbstractContextManager:
        """All-or-nothing: a kill inside leaves the store as it was before."""

    @abstractmethod
    def claim(self, site: str) -> AbstractContextManager[bool]:
        """True while this process holds ``site`` (no other process crawls it meanwhile); False
        at once if another does. The claim dies with the process that holds it."""

    @abstractmethod
    def _execute(self, sql: str, params=()):
        """Run one statement; the cursor's rows are dicts."""

    @abstractmethod
    def _has_table(self, name: str) -> bool:
        """Whether the table exists (before migrations can tell)."""

    @abstractmethod
    def _has_column(self, table: str, column: str) -> bool:
        """Whether the table has the column (a step that adds it may find it there)."""

    @abstractmethod
    def _lock_schema(self) -> None:
        """Inside a transaction: keep other processes from migrating at the same time."""

    def _pending(self) -> list[tuple[int, migrations.Step]]:
        versions = self._all("SELECT version FROM schema_migrations")
        try:
            return migrations.pending({row["version"] for row in versions})
        except migrations.SchemaTooNew as error:
            raise StoreError(str(error)) from None

    def _migrate(self) -> None:
        """Apply the schema steps this store lacks, all in one transaction; a store already up
        to date is only read."""
        if self._has_table("schema_migrations") and not self._pending():
            return
        with self.transaction():
            self._lock_schema()
            self._execute(migrations.TABLE)
            for version, step in self._pending():
                for statement in migrations.statements(step, self.dialect, self._has_column):
                    self._execute(statement)
                self._execute(
                    "INSERT INTO schema_migrations (version, applied) VALUES (?, ?)",
                    (version, now()),
                )

    def _one(self, sql: str, params=()) -> dict | None:
        return self._execute(sql, params).fetchone()

    def _all(self, sql: str, params=()) -> list[dict]:
        return self._execute(sql, params).fetchall()

    def _value(self, sql: str, params=()):
        row = self._one(sql, params)
        return next(iter(row.values())) if row else None

    def _next_seq(self) -> int:
        """Locks the counter until the transaction ends: seqs commit in their own order."""
        return self._value("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value")

    # -- articles ---------------------------------------------------------------------------

    def save_article(self, article: Article, capture: str | None = None) -> str:
        """Insert or update by id; returns ``new``, ``updated`` or ``unchanged``. Raises
        :class:`DuplicateURL`, and leaves the transaction usable, if another id has the URL.

        Call inside :meth:`transaction` together with the URL state, so that a page is either
        fully recorded or not at all.
        """
        digest = content_hash(article)
        row = self._one(
            "SELECT content_hash, status FROM articles WHERE id = ?", (article.id,)
        )
        stamp = now()
        if row is not None and row["content_hash"] == digest and row["status"] == "live":
            self._execute(
                "UPDATE articles SET last_seen = ?, capture = COALESCE(?, capture) WHERE id = ?",
                (stamp, capture, article.id),
            )
            return "unchanged"
        values = article.to_dict()
        values["officials"] = json.dumps(values["officials"], ensure_ascii=False)
        params = [values[k] for k in ARTICLE_COLUMNS.split(", ")]
        if row is None:
            cursor = self._execute(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, content_hash, capture, first_seen,"
                " last_seen, seq) VALUES (" + ", ".join(["?"] * (len(params) + 5)) + ")"
                " ON CONFLICT (url) DO NOTHING",
                [*params, digest, capture, stamp, stamp, self._next_seq()],
            )
            if cursor.rowcount == 0:
                raise DuplicateURL(f"another article already has the URL {article.url}")
            return "new"
        assignments = ", ".join(f"{k} = ?" for k in ARTICLE_COLUMNS.split(", ")[1:])
        self._execute(
            f"UPDATE articles SET {assignments}, content_hash = ?, capture = COALESCE(?, capture),"
            " status = 'live', last_seen = ?, seq = ? WHERE id = ?",
            [*params[1:], digest, capture, stamp, self._next_seq(), article.id],
        )
        return "updated"

    def mark_gone(self, article_id: str) -> bool:
        """The site no longer serves it; the archive keeps it, marked as such."""
        cursor = self._execute(
            "UPDATE articles SET status = 'gone', seq = ? WHERE id = ? AND status != 'gone'",
            (self._next_seq(), article_id),
        )
        return cursor.rowcount > 0

    def article(self, article_id: str) -> Article | None:
        row = self._one(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        )
        return _article(row) if row else None

    def article_meta(self, article_id: str) -> dict | None:
        """Archive facts beside the text: status, capture reference, first and last seen."""
        row = self._one(
            "SELECT status, capture, first_seen, last_seen FROM articles WHERE id = ?",
            (article_id,),
        )
        return dict(row) if row else None

    def first_seen(self, ids: list[str]) -> dict[str, str]:
        """When the archive first met each of ``ids`` (the ones it holds): what names a story
        of several copies is the copy met first."""
        seen = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._all(f"SELECT id, first_seen FROM articles WHERE id IN ({marks})", chunk)
            seen.update((row["id"], row["first_seen"]) for row in rows)
        return seen

    def article_id_for_url(self, url: str) -> str | None:
        row = self._one("SELECT id FROM articles WHERE url = ?", (url,))
        return row["id"] if row else None

    def changes_since(
        self, seq: int, upto: int | None = None, batch: int = 1000
    ) -> Iterator[tuple[int, Article, str]]:
        """``(seq, article, status)`` in seq order: what the index has not seen yet (up to and
        including ``upto``, when given)."""
        upto = self.max_seq() if upto is None else upto
        while True:
            rows = self._all(
                f"SELECT {ARTICLE_COLUMNS}, status, seq FROM articles WHERE seq > ? AND seq <= ?"
                " ORDER BY seq LIMIT ?",
                (seq, upto, batch),
            )
            if not rows:
                return
            for row in rows:
                yield row["seq"], _article(row), row["status"]
            seq = rows[-1]["seq"]

    def seq_ranges(self, parts: int) -> list[tuple[int, int]]:
        """``(after, upto)`` seq ranges that split the articles into ``parts`` near-equal runs."""
        count, upto = self.count_articles(), self.max_seq()
        cuts = [
            self._value("SELECT seq FROM articles ORDER BY seq LIMIT 1 OFFSET ?", (count * i // parts,))
            for i in range(1, parts)
        ]
        bounds = [0, *cuts, upto]
        return list(zip(bounds, bounds[1:], strict=False))

    def captures(self) -> Iterator[tuple[str, str, str]]:
        """``(article id, url, capture reference)`` for re-extraction from the raw responses."""
        rows = self._execute(
            "SELECT id, url, capture FROM articles WHERE capture IS NOT NULL ORDER BY seq"
        )
        yield from ((r["id"], r["url"], r["capture"]) for r in rows)

    def count_articles(self) -> int:
        return self._value("SELECT COUNT(*) FROM articles")

    def max_seq(self) -> int:
        return self._value("SELECT COALESCE(MAX(seq), 0) FROM articles")

    # -- URL states -------------------------------------------------------------------------

    def url_state(self, url: str) -> dict | None:
        row = self._one("SELECT * FROM urls WHERE url = ?", (url,))
        return dict(row) if row else None

    def record_url(self, url: str, site: str = "", **fields) -> None:
        """Remember what the last fetch of ``url`` said (status, validators, error, article)."""
        fields = {"site": site, "fetched_at": now(), **fields}
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        updates = ", ".join(f"{k} = excluded.{k}" for k in fields)
        self._execute(
            f"INSERT INTO urls (url, {names}) VALUES (?, {marks})"
            f" ON CONFLICT(url) DO UPDATE SET {updates}",
            [url, *fields.values()],
        )

    def site_article_urls(self, site: str) -> dict[str, str]:
        """URL -> article id of live articles first found under ``site``."""
        rows = self._execute(
            "SELECT u.url, u.article_id FROM urls u JOIN articles a ON a.id = u.article_id"
            " WHERE u.site = ? AND a.status = 'live'",
            (site,),
        )
        return {r["url"]: r["article_id"] for r in rows}

    # -- crawl runs -------------------------------------------------------------------------

    def start_run(self, site: str = "") -> int:
        return self._value("INSERT INTO runs (site, started) VALUES (?, ?) RETURNING id", (site, now()))

    def finish_run(self, run_id: int, outcome: str, counts: dict) -> None:
        self._execute(
            "UPDATE runs SET finished = ?, outcome = ?, counts = ? WHERE id = ?",
            (now(), outcome, json.dumps(counts, ensure_ascii=False), run_id),
        )

    def update_run(self, run_id: int, counts: dict) -> None:
        """Counts so far, written with each page so that a killed run's figures stay true."""
        self._execute(
            "UPDATE runs SET counts = ? WHERE id = ?",
            (json.dumps(counts, ensure_ascii=False), run_id),
        )

    def runs(self, limit: int = 20) -> list[dict]:
        rows = self._execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [_counted(r) for r in rows]

    def latest_run(self, site: str) -> dict | None:
        row = self._one(
            "SELECT * FROM runs WHERE site = ? ORDER BY id DESC LIMIT 1", (site,)
        )
        return _counted(row) if row else None

    # -- crawl frontier ---------------------------------------------------------------------
    # One pass over a site may take several runs (page budgets, kills): its queue lives here,
    # written in the same transaction as the page that filled it.

    def begin_pass(self, site: str) -> None:
        """Start a new pass over ``site`` unless the last one still has URLs queued."""
        self._execute(
            "DELETE FROM frontier WHERE site = ?"
            " AND NOT EXISTS (SELECT 1 FROM frontier WHERE site = ? AND done = 0)",
            (site, site),
        )

    def queue_url(
        self, site: str, url: str, fetch_url: str, depth: int, priority: int, again: bool = False
    ) -> bool:
        """Queue a canonical URL unless this pass has seen it; ``again`` queues it anyway.
        True if it was queued."""
        conflict = (
            "DO UPDATE SET done = 0, priority = excluded.priority, depth = excluded.depth"
            if again
            else "DO NOTHING"
        )
        cursor = self._execute(
            "INSERT INTO frontier (site, url, fetch_url, depth, priority) VALUES (?, ?, ?, ?, ?)"
            f" ON CONFLICT(site, url) {conflict}",
            (site, url, fetch_url, depth, priority),
        )
        return cursor.rowcount > 0

    def next_queued(self, site: str) -> dict | None:
        """The queued URL to fetch next: lowest priority first, then in the order found."""
        row = self._one(
            "SELECT url, fetch_url, depth, priority FROM frontier WHERE site = ? AND done = 0"
            " ORDER BY priority, rowid LIMIT 1",
            (site,),
        )
        return dict(row) if row else None

    def mark_done(self, site: str, url: str) -> None:
        """Fetched in this pass, so not queued again until the next one."""
        self._execute(
            "INSERT INTO frontier (site, url, fetch_url, depth, priority, done)"
            " VALUES (?, ?, ?, 0, 0, 1) ON CONFLICT(site, url) DO UPDATE SET done = 1",
            (site, url, url),
        )

    # -- scheduled jobs ---------------------------------------------------------------------
    # One row a site: how the scheduler's last run of it ended and when it is due again. The
    # claim on a site (see claim()) dies with its process; owner and heartbeat only say who
    # holds it, for the status table.

    def plan_job(self, site: str, schedule: str, next_run: datetime) -> None:
        """Add a site's job, or re-plan it for a changed schedule; a job that is due sooner
        under the old schedule (a run to resume, say) keeps its earlier time."""
        self._execute(
            "INSERT INTO jobs (site, schedule, next_run) VALUES (?, ?, ?)"
            " ON CONFLICT(site) DO UPDATE SET schedule = excluded.schedule,"
            " next_run = CASE WHEN excluded.next_run < jobs.next_run THEN excluded.next_run"
            " ELSE jobs.next_run END",
            (site, schedule, stamp(next_run)),
        )

    def job(self, site: str) -> dict | None:
        row = self._one("SELECT * FROM jobs WHERE site = ?", (site,))
        return _counted(row) if row else None

    def jobs(self, stale_after: float = JOB_STALE_AFTER) -> list[dict]:
        """Every job, by site; a job whose process stopped beating reads ``interrupted``."""
        oldest = stamp(datetime.now(timezone.utc) - timedelta(seconds=stale_after))
        jobs = [_counted(r) for r in self._execute("SELECT * FROM jobs ORDER BY site")]
        for job in jobs:
            job["running"] = job["outcome"] == "running" and (job["heartbeat"] or "") >= oldest
            if job["outcome"] == "running" and not job["running"]:
                job["outcome"] = "interrupted"
        return jobs

    def start_job(self, site: str, owner: str, started: datetime) -> None:
        self._execute(
            "UPDATE jobs SET last_run_started = ?, outcome = 'running', owner = ?, heartbeat = ?"
            " WHERE site = ?",
            (stamp(started), owner, now(), site),
        )

    def beat_job(self, site: str, owner: str) -> None:
        self._execute(
            "UPDATE jobs SET heartbeat = ? WHERE site = ? AND owner = ?", (now(), site, owner)
        )

    def finish_job(
        self,
        site: str,
        outcome: str,
        counts: dict,
        finished: datetime,
        next_run: datetime,
        failures: int,
        error: str | None = None,
    ) -> None:
        self._execute(
            "UPDATE jobs SET last_run_finished = ?, outcome = ?, counts = ?, next_run = ?,"
            " failures = ?, error = ?, owner = NULL, heartbeat = NULL WHERE site = ?",
            (
                stamp(finished),
                outcome,
                json.dumps(counts, ensure_ascii=False),
                stamp(next_run),
                failures,
                error,
                site,
            ),
        )

    # -- small settings ---------------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self._execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _counted(row: dict) -> dict:
    """A run or a job, its counts read back from JSON."""
    return {**dict(row), "counts": json.loads(row["counts"])}


def _article(row: dict) -> Article:
    values = {k: row[k] for k in ARTICLE_COLUMNS.split(", ")}
    values["officials"] = json.loads(values["officials"])
    return Article(**values)

