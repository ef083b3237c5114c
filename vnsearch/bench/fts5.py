"""The baseline: the same archive and queries on SQLite FTS5 (the standard library's sqlite3).

* ``fts(title, body, title_f, body_f)``: ``unicode61 remove_diacritics 2`` strips the marks
  Unicode decomposes, but not ``đ``, so ``title_f``/``body_f`` hold the text pre-folded with
  :func:`index.analysis.fold_text` (``Đảng`` -> ``dang``) for queries typed without diacritics;
* ``docs``: metadata (published, year, source, section) by the same rowid;
* ``officials(article, name)``: the side table an official filter and facet read.

A query is one FTS5 MATCH (a word or quoted phrase typed with diacritics on the accented columns
OR on the folded ones, as vnsearch matches it; one typed without on the folded columns only; a
word of several syllables as a phrase),
filters as ``IN``/``WHERE`` on the side tables, the top 10 by bm25 (weights as vnsearch's field
boosts) with ``snippet()``, and four ``GROUP BY`` counts over the full match set, which is
materialised once in a temp table. Filters are written ``+fts.rowid IN (...)`` so the planner
applies them to the match instead of pushing them into FTS5 as rowid lookups, each of which
re-runs the MATCH (and bm25's statistics): seconds a query instead of milliseconds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from index.analysis import fold_text

SCHEMA = """
CREATE TABLE docs (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    year TEXT,
    source TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT ''
);
CREATE TABLE officials (
    article INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (article, name)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(
    title, body, title_f, body_f, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(3.0, 1.0, 2.0, 0.7)');
"""
INDEXES = """
CREATE INDEX officials_name ON officials (name, article);
CREATE INDEX docs_published ON docs (published);
"""
TOP_OFFICIALS = 20
SNIPPET_TOKENS = 40


def build(path: str | Path, articles: Iterable[dict]) -> int:
    """Create the database at ``path`` from export-format articles; returns how many."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(SCHEMA)
        db.execute("BEGIN")
        count = 0
        for article in articles:
            published = article.get("published") or None
            rowid = db.execute(
                "INSERT INTO docs (id, url, title, published, year, source, section, author)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.get("id") or article["url"], article["url"], article.get("title", ""),
                    published, published[:4] if published else None,
                    article.get("source") or "", article.get("section") or "",
                    article.get("author") or "",
                ),
            ).lastrowid
            title, body = article.get("title", ""), article.get("body", "")
            db.execute(
                "INSERT INTO fts (rowid, title, body, title_f, body_f) VALUES (?, ?, ?, ?, ?)",
                (rowid, title, body, fold_text(title), fold_text(body)),
            )
            db.executemany(
                "INSERT OR IGNORE INTO officials (article, name) VALUES (?, ?)",
                [(rowid, o["name"]) for o in article.get("officials") or []],
            )
            count += 1
        db.execute("COMMIT")
        db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        db.executescript(INDEXES)
        db.execute("ANALYZE")
        return count
    finally:
        db.close()


def match_expression(text: str, words: list[str] | None = None) -> str:
    """The FTS5 MATCH for a benchmark query: ``"quoted"`` is one phrase, else every word, and
    a word of several syllables (``words``, as the query was made) is a phrase: ``dân vận`` is
    ``"dân vận"``, as vnsearch reads it, not ``dân AND vận``.

    As in vnsearch, a clause typed with diacritics is found through the folded columns too
    (``đơn`` also finds ``dớn``, which ``unicode61`` keeps apart since it does not fold ``đ``)
    and matches on the accented columns count in the rank; a clause typed without diacritics
    searches the folded columns only.
    """
    phrase = len(text) > 1 and text.startswith('"') and text.endswith('"')
    syllables = text.strip('"').lower().split()
    if phrase:
        clauses = [" ".join(syllables)]
    elif words and fold_text(" ".join(words)) == fold_text(" ".join(syllables)):
        clauses = [w.lower() for w in words]
    else:
        clauses = syllables
    return " AND ".join(_clause(c) for c in clauses)


def _clause(text: str) -> str:
    folded = fold_text(text)
    accentless = folded == text
    found = f'{{title_f body_f}} : "{_quote(folded)}"'
    return found if accentless else f'({{title body}} : "{_quote(text)}" OR {found})'


def _quote(text: str) -> str:
    return text.replace('"', '""')


class Searcher:
    """One connection, reused across queries like vnsearch's warm searcher."""

    def __init__(self, path: str | Path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("CREATE TEMP TABLE matched (rowid INTEGER PRIMARY KEY)")

    def close(self):
        self.db.close()

    def search(self, q: str, officials=(), date_from: str | None = None,
               date_to: str | None = None, limit: int = 10, words=None) -> dict:
        match = match_expression(q, words)
        where, params = ["fts MATCH ?"], [match]
        for name in officials:
            where.append("+fts.rowid IN (SELECT article FROM officials WHERE name = ?)")
            params.append(name)
        if date_from or date_to:
            where.append(
                "+fts.rowid IN (SELECT rowid FROM docs WHERE published >= ? AND published < ?)"
            )
            params += [_date_start(date_from), _date_after(date_to)]
        db = self.db
        db.execute("DELETE FROM matched")
        db.execute(
            f"INSERT INTO matched SELECT fts.rowid FROM fts WHERE {' AND '.join(where)}", params
        )
        total = db.execute("SELECT count(*) FROM matched").fetchone()[0]
        narrowed = " AND +fts.rowid IN (SELECT rowid FROM matched)" if len(where) > 1 else ""
        hits = db.execute(
            "SELECT d.id, d.url, d.title, d.published, d.source, d.section,"
            f" snippet(fts, -1, '<mark>', '</mark>', '…', {SNIPPET_TOKENS})"
            " FROM fts JOIN docs d ON d.rowid = fts.rowid"
            f" WHERE fts MATCH ?{narrowed} ORDER BY rank LIMIT ?",
            (match, limit),
        ).fetchall()
        facets = {
            "officials": db.execute(
                "SELECT o.name, count(*) AS n FROM matched m JOIN officials o ON o.article = m.rowid"
                " GROUP BY o.name ORDER BY n DESC, o.name LIMIT ?",
                (TOP_OFFICIALS,),
            ).fetchall(),
            "year": db.execute(
                "SELECT d.year, count(*) FROM matched m JOIN docs d ON d.rowid = m.rowid"
                " WHERE d.year IS NOT NULL GROUP BY d.year ORDER BY d.year"
            ).fetchall(),
        }
        for column in ("source", "section"):
            facets[column] = db.execute(
                f"SELECT d.{column}, count(*) AS n FROM matched m JOIN docs d ON d.rowid = m.rowid"
                f" WHERE d.{column} != '' GROUP BY d.{column} ORDER BY n DESC"
            ).fetchall()
        return {"total": total, "hits": hits, "facets": facets}


def _date_start(value: str | None) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> the first ISO string of that period."""
    if not value:
        return ""
    parts = value.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _date_after(value: str | None) -> str:
    """The first ISO string after the period (published values compare as text)."""
    if not value:
        return "\uffff"
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return f"{parts[0] + 1:04d}"
    if len(parts) == 2:
        year, month = parts[0] + parts[1] // 12, parts[1] % 12 + 1
        return f"{year:04d}-{month:02d}"
    return f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}\uffff"
