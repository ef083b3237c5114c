"""The SQLite store: articles, URL states, crawl runs and scheduled jobs, written transactionally.

Every change to an article bumps its ``seq`` from one counter, so the index can catch up with
"everything after seq N" and a crash between store and index loses nothing: the index simply
replays from its last seq.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.article import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published TEXT,
    date_source TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    source_name TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    officials TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'live',
    capture TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    seq INTEGER NOT NULL
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL DEFAULT '',
    started TEXT NOT NULL,
    finished TEXT,
    outcome TEXT,
    counts TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS frontier (
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
    counts TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    owner TEXT,
    heartbeat TEXT
);
"""

ARTICLE_COLUMNS = (
    "id, url, title, body, published, date_source, source, source_name, section, author, officials"
)
# Columns added after the first release: a store made before them gains them when opened.
ADDED_COLUMNS = {
    "articles": {
        "date_source": "TEXT NOT NULL DEFAULT ''",
        "source_name": "TEXT NOT NULL DEFAULT ''",
    },
}
JOB_STALE_AFTER = 60  # seconds without a heartbeat after which a running job's process is gone


def now() -> str:
    return stamp(datetime.now(timezone.utc))


def stamp(moment: datetime) -> str:
    """How the store writes times: UTC, ISO 8601, whole seconds."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def content_hash(article: Article) -> str:
    data = article.to_dict()
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class Store:
    """One SQLite database in the data dir; safe to share between a crawler and readers (WAL)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        for table, columns in ADDED_COLUMNS.items():
            have = {row["name"] for row in self.db.execute(f"PRAGMA table_info({table})")}
            for name, definition in columns.items():
                if name not in have:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")

    @classmethod
    def in_data_dir(cls, data_dir: str | Path) -> Store:
        return cls(Path(data_dir) / "store.sqlite")

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing: a kill inside, or a COMMIT that fails (a full disk), leaves the
        store as it was before. SQLite may already have rolled back by itself."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _next_seq(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()
        return row[0]

    # -- articles ---------------------------------------------------------------------------

    def save_article(self, article: Article, capture: str | None = None) -> str:
        """Insert or update by id; returns ``new``, ``updated`` or ``unchanged``.

        Call inside :meth:`transaction` together with the URL state, so that a page is either
        fully recorded or not at all.
        """
        digest = content_hash(article)
        row = self.db.execute(
            "SELECT content_hash, status FROM articles WHERE id = ?", (article.id,)
        ).fetchone()
        stamp = now()
        if row is not None and row["content_hash"] == digest and row["status"] == "live":
            self.db.execute(
                "UPDATE articles SET last_seen = ?, capture = COALESCE(?, capture) WHERE id = ?",
                (stamp, capture, article.id),
            )
            return "unchanged"
        values = article.to_dict()
        values["officials"] = json.dumps(values["officials"], ensure_ascii=False)
        params = [values[k] for k in ARTICLE_COLUMNS.split(", ")]
        if row is None:
            self.db.execute(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, content_hash, capture, first_seen,"
                " last_seen, seq) VALUES (" + ", ".join(["?"] * (len(params) + 5)) + ")",
                [*params, digest, capture, stamp, stamp, self._next_seq()],
            )
            return "new"
        assignments = ", ".join(f"{k} = ?" for k in ARTICLE_COLUMNS.split(", ")[1:])
        self.db.execute(
            f"UPDATE articles SET {assignments}, content_hash = ?, capture = COALESCE(?, capture),"
            " status = 'live', last_seen = ?, seq = ? WHERE id = ?",
            [*params[1:], digest, capture, stamp, self._next_seq(), article.id],
        )
        return "updated"

    def mark_gone(self, article_id: str) -> bool:
        """The site no longer serves it; the archive keeps it, marked as such."""
        cursor = self.db.execute(
            "UPDATE articles SET status = 'gone', seq = ? WHERE id = ? AND status != 'gone'",
            (self._next_seq(), article_id),
        )
        return cursor.rowcount > 0

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return _article(row) if row else None

    def article_meta(self, article_id: str) -> dict | None:
        """Archive facts beside the text: status, capture reference, first and last seen."""
        row = self.db.execute(
            "SELECT status, capture, first_seen, last_seen FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        return dict(row) if row else None

    def article_id_for_url(self, url: str) -> str | None:
        row = self.db.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
        return row["id"] if row else None

    def changes_since(
        self, seq: int, upto: int | None = None, batch: int = 1000
    ) -> Iterator[tuple[int, Article, str]]:
        """``(seq, article, status)`` in seq order: what the index has not seen yet (up to and
        including ``upto``, when given)."""
        upto = self.max_seq() if upto is None else upto
        while True:
            rows = self.db.execute(
                f"SELECT {ARTICLE_COLUMNS}, status, seq FROM articles WHERE seq > ? AND seq <= ?"
                " ORDER BY seq LIMIT ?",
                (seq, upto, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield row["seq"], _article(row), row["status"]
            seq = rows[-1]["seq"]

    def seq_ranges(self, parts: int) -> list[tuple[int, int]]:
        """``(after, upto)`` seq ranges that split the articles into ``parts`` near-equal runs."""
        count, upto = self.count_articles(), self.max_seq()
        cuts = [
            self.db.execute(
                "SELECT seq FROM articles ORDER BY seq LIMIT 1 OFFSET ?", (count * i // parts,)
            ).fetchone()[0]
            for i in range(1, parts)
        ]
        bounds = [0, *cuts, upto]
        return list(zip(bounds, bounds[1:], strict=False))

    def captures(self) -> Iterator[tuple[str, str, str]]:
        """``(article id, url, capture reference)`` for re-extraction from the raw responses."""
        rows = self.db.execute(
            "SELECT id, url, capture FROM articles WHERE capture IS NOT NULL ORDER BY seq"
        )
        yield from ((r["id"], r["url"], r["capture"]) for r in rows)

    def count_articles(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def max_seq(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]

    # -- URL states -------------------------------------------------------------------------

    def url_state(self, url: str) -> dict | None:
        row = self.db.execute("SELECT * FROM urls WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None

    def record_url(self, url: str, site: str = "", **fields) -> None:
        """Remember what the last fetch of ``url`` said (status, validators, error, article)."""
        fields = {"site": site, "fetched_at": now(), **fields}
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        updates = ", ".join(f"{k} = excluded.{k}" for k in fields)
        self.db.execute(
            f"INSERT INTO urls (url, {names}) VALUES (?, {marks})"
            f" ON CONFLICT(url) DO UPDATE SET {updates}",
            [url, *fields.values()],
        )

    def site_article_urls(self, site: str) -> dict[str, str]:
        """URL -> article id of live articles first found under ``site``."""
        rows = self.db.execute(
            "SELECT u.url, u.article_id FROM urls u JOIN articles a ON a.id = u.article_id"
            " WHERE u.site = ? AND a.status = 'live'",
            (site,),
        )
        return {r["url"]: r["article_id"] for r in rows}

    # -- crawl runs -------------------------------------------------------------------------

    def start_run(self, site: str = "") -> int:
        cursor = self.db.execute(
            "INSERT INTO runs (site, started) VALUES (?, ?)", (site, now())
        )
        return cursor.lastrowid

    def finish_run(self, run_id: int, outcome: str, counts: dict) -> None:
        self.db.execute(
            "UPDATE runs SET finished = ?, outcome = ?, counts = ? WHERE id = ?",
            (now(), outcome, json.dumps(counts, ensure_ascii=False), run_id),
        )

    def update_run(self, run_id: int, counts: dict) -> None:
        """Counts so far, written with each page so that a killed run's figures stay true."""
        self.db.execute(
            "UPDATE runs SET counts = ? WHERE id = ?",
            (json.dumps(counts, ensure_ascii=False), run_id),
        )

    def runs(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [_counted(r) for r in rows]

    def latest_run(self, site: str) -> dict | None:
        row = self.db.execute(
            "SELECT * FROM runs WHERE site = ? ORDER BY id DESC LIMIT 1", (site,)
        ).fetchone()
        return _counted(row) if row else None

    # -- crawl frontier ---------------------------------------------------------------------
    # One pass over a site may take several runs (page budgets, kills): its queue lives here,
    # written in the same transaction as the page that filled it.

    def begin_pass(self, site: str) -> None:
        """Start a new pass over ``site`` unless the last one still has URLs queued."""
        self.db.execute(
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
        cursor = self.db.execute(
            "INSERT INTO frontier (site, url, fetch_url, depth, priority) VALUES (?, ?, ?, ?, ?)"
            f" ON CONFLICT(site, url) {conflict}",
            (site, url, fetch_url, depth, priority),
        )
        return cursor.rowcount > 0

    def next_queued(self, site: str) -> dict | None:
        """The queued URL to fetch next: lowest priority first, then in the order found."""
        row = self.db.execute(
            "SELECT url, fetch_url, depth, priority FROM frontier WHERE site = ? AND done = 0"
            " ORDER BY priority, rowid LIMIT 1",
            (site,),
        ).fetchone()
        return dict(row) if row else None

    def mark_done(self, site: str, url: str) -> None:
        """Fetched in this pass, so not queued again until the next one."""
        self.db.execute(
            "INSERT INTO frontier (site, url, fetch_url, depth, priority, done)"
            " VALUES (?, ?, ?, 0, 0, 1) ON CONFLICT(site, url) DO UPDATE SET done = 1",
            (site, url, url),
        )

    # -- scheduled jobs ---------------------------------------------------------------------
    # One row a site: how the scheduler's last run of it ended and when it is due again. The
    # lock on a site is a file lock that dies with its process; owner and heartbeat only say
    # who holds it, for the status table.

    def plan_job(self, site: str, schedule: str, next_run: datetime) -> None:
        """Add a site's job, or re-plan it for a changed schedule; a job that is due sooner
        under the old schedule (a run to resume, say) keeps its earlier time."""
        self.db.execute(
            "INSERT INTO jobs (site, schedule, next_run) VALUES (?, ?, ?)"
            " ON CONFLICT(site) DO UPDATE SET schedule = excluded.schedule,"
            " next_run = MIN(next_run, excluded.next_run)",
            (site, schedule, stamp(next_run)),
        )

    def job(self, site: str) -> dict | None:
        row = self.db.execute("SELECT * FROM jobs WHERE site = ?", (site,)).fetchone()
        return _counted(row) if row else None

    def jobs(self, stale_after: float = JOB_STALE_AFTER) -> list[dict]:
        """Every job, by site; a job whose process stopped beating reads ``interrupted``."""
        oldest = stamp(datetime.now(timezone.utc) - timedelta(seconds=stale_after))
        jobs = [_counted(r) for r in self.db.execute("SELECT * FROM jobs ORDER BY site")]
        for job in jobs:
            job["running"] = job["outcome"] == "running" and (job["heartbeat"] or "") >= oldest
            if job["outcome"] == "running" and not job["running"]:
                job["outcome"] = "interrupted"
        return jobs

    def start_job(self, site: str, owner: str, started: datetime) -> None:
        self.db.execute(
            "UPDATE jobs SET last_run_started = ?, outcome = 'running', owner = ?, heartbeat = ?"
            " WHERE site = ?",
            (stamp(started), owner, now(), site),
        )

    def beat_job(self, site: str, owner: str) -> None:
        self.db.execute(
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
        self.db.execute(
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
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _counted(row: sqlite3.Row) -> dict:
    """A run or a job, its counts read back from JSON."""
    return {**dict(row), "counts": json.loads(row["counts"])}


def _article(row: sqlite3.Row) -> Article:
    values = {k: row[k] for k in ARTICLE_COLUMNS.split(", ")}
    values["officials"] = json.loads(values["officials"])
    return Article(**values)

