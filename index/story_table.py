"""The stories of an index generation: each copy's signature, bands and story, in SQLite.

An incremental update must find a new article's earlier copies among everything indexed before,
without reading every signature: the bands are a table with an index, so a new article costs
one lookup of its :data:`~index.stories.BANDS` keys. The file lives in the generation's
directory, so a rebuild, a swap and ``publish`` carry it with the index it describes. The table
is committed after the index and before the generation's seq, so a kill between them is
repaired by the replay that follows (placing a copy twice places it the same way).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import stories

FILE = "stories.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS copies (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    first_seen TEXT NOT NULL,
    size INTEGER NOT NULL,
    signature BLOB NOT NULL,
    sentences BLOB NOT NULL,
    story TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS copies_story ON copies(story);
CREATE TABLE IF NOT EXISTS bands (key INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key, n))
    WITHOUT ROWID;
"""


@dataclass
class Copy:
    """One article as grouping sees it."""

    id: str
    first_seen: str
    print: stories.Fingerprint

    def row(self, story: str) -> tuple:
        fingerprint = self.print
        return (None, self.id, self.first_seen, fingerprint.size, fingerprint.signature.tobytes(),
                fingerprint.sentences.tobytes(), story)


def founders(ids: list[str], first_seen: list[str], labels: np.ndarray) -> list[str]:
    """Each copy's story id: the id of its group's copy met first (then the smallest id)."""
    first = {}
    for article_id, seen, label in zip(ids, first_seen, labels.tolist(), strict=True):
        if label not in first or (seen, article_id) < first[label]:
            first[label] = (seen, article_id)
    return [first[label][1] for label in labels.tolist()]


class StoryTable:
    def __init__(self, generation: str | Path):
        self.db = sqlite3.connect(Path(generation) / FILE, isolation_level="DEFERRED")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def commit(self) -> None:
        self.db.commit()

    def stories(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Each copy's story: every copy's, or that of those of ``ids`` the table holds."""
        if ids is not None:
            return self._stories_for(ids)
        return dict(self.db.execute("SELECT id, story FROM copies"))

    def fill(self, copies: list[Copy]) -> dict[str, str]:
        """Group a whole archive at once into an empty table (a rebuild); each id's story."""
        if not copies:
            return {}
        labels = stories.group([c.print for c in copies])
        ids = [c.id for c in copies]
        named = founders(ids, [c.first_seen for c in copies], labels)
        self.db.executemany("INSERT INTO copies VALUES (?, ?, ?, ?, ?, ?, ?)",
                            ((n, *c.row(story)[1:]) for n, (c, story)
                             in enumerate(zip(copies, named, strict=True), start=1)))
        self._add_bands(copies, np.arange(1, len(copies) + 1))
        return dict(zip(ids, named, strict=True))

    def place(self, copies: list[Copy]) -> dict[str, str]:
        """Add or replace ``copies`` and regroup what they touch: the story of each of them and
        of every other copy whose story changed (two stories joined, or one split)."""
        if not copies:
            return {}
        given = {c.id for c in copies}
        before = self._members(self._stories_of(given))
        self._remove(given)
        self.db.executemany("INSERT INTO copies VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (c.row(c.id) for c in copies))
        number = dict(self._where_in("SELECT id, n FROM copies WHERE id IN ({marks})", given))
        self._add_bands(copies, np.array([number[c.id] for c in copies]))
        regroup = set(before) | given
        edges, nodes = self._edges(regroup)
        old = {**self._stories_for(nodes - regroup), **before}
        intact = [(a, b) for a, b in _chains(old, nodes - regroup)]
        now = self._components(sorted(nodes), edges + intact)
        changed = {i: s for i, s in now.items() if i in given or old.get(i) != s}
        self.db.executemany("UPDATE copies SET story = ? WHERE id = ?",
                            ((s, i) for i, s in changed.items()))
        return changed

    # -- the steps ----------------------------------------------------------------------------

    def _add_bands(self, copies: list[Copy], numbers: np.ndarray) -> None:
        """Only a copy long enough to group has bands: a short one never meets another. Rows go
        in key order, which SQLite appends to its index far faster than in any other."""
        long_enough = np.array([c.print.size >= stories.MIN_SHINGLES for c in copies], dtype=bool)
        if not long_enough.any():
            return
        keys = stories.band_keys(np.stack([c.print.signature
                                           for c, ok in zip(copies, long_enough, strict=True) if ok]))
        rows = np.stack([keys.ravel(), np.repeat(numbers[long_enough], stories.BANDS)], axis=1)
        rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
        for start in range(0, len(rows), 100_000):  # as Python values, a few at a time
            self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                                rows[start:start + 100_000].tolist())

    def _remove(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        list(self._where_in(
            "DELETE FROM bands WHERE n IN (SELECT n FROM copies WHERE id IN ({marks}))", ids))
        list(self._where_in("DELETE FROM copies WHERE id IN ({marks})", ids))

    def _stories_of(self, ids: Iterable[str]) -> set[str]:
        return set(self._stories_for(ids).values())

    def _stories_for(self, ids: Iterable[str]) -> dict[str, str]:
        return dict(self._where_in("SELECT id, story FROM copies WHERE id IN ({marks})", ids))

    def _members(self, story_ids: Iterable[str]) -> dict[str, str]:
        return dict(self._where_in("SELECT id, story FROM copies WHERE story IN ({marks})",
                                   story_ids))

    def _where_in(self, sql: str, values: Iterable) -> Iterable[tuple]:
        """``sql``'s rows with ``{marks}`` standing for ``values``, a few hundred at a time."""
        values = list(values)
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            yield from self.db.execute(sql.format(marks=", ".join("?" * len(chunk))), chunk)

    def _edges(self, ids: set[str]) -> tuple[list[tuple[str, str]], set[str]]:
        """The same-story pairs of ``ids`` with any copy, and every copy those reach together
        with the whole stories of the copies reached."""
        edges, nodes = [], set(ids)
        for article_id, own in self._prints(ids).items():
            found = self._candidates(article_id, own.signature)
            if not found:
                continue
            others = list(found.values())
            close = stories.alike(own.signature[None, :], own.size,
                                  np.stack([o.signature for o in others]),
                                  np.array([o.size for o in others]))
            edges += [(article_id, other) for (other, theirs), ok in
                      zip(found.items(), close.tolist(), strict=True)
                      if ok and stories.same_sentences(own.sentences, theirs.sentences)]
        reached = {b for _, b in edges} - nodes
        nodes |= reached | set(self._members(self._stories_of(reached)))
        return edges, nodes

    def _candidates(self, article_id: str, signature: np.ndarray) -> dict[str, stories.Fingerprint]:
        """The copies that share a band with ``signature``, with their fingerprints."""
        keys = stories.band_keys(signature[None, :])[0].tolist()
        found = self._prints(keys, "n IN (SELECT n FROM bands WHERE key IN ({marks}))")
        found.pop(article_id, None)
        return found

    def _prints(self, values: Iterable, where: str = "id IN ({marks})"
                ) -> dict[str, stories.Fingerprint]:
        rows = self._where_in(f"SELECT id, signature, size, sentences FROM copies WHERE {where}",
                              values)
        return {i: stories.Fingerprint(np.frombuffer(signature, dtype=np.uint32), size,
                                       np.frombuffer(sentences, dtype=np.uint32))
                for i, signature, size, sentences in rows}

    def _components(self, nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, str]:
        index = {node: n for n, node in enumerate(nodes)}
        pairs = np.array([(index[a], index[b]) for a, b in edges if a in index and b in index],
                         dtype=np.int64).reshape(-1, 2)
        labels = stories.components(len(nodes), pairs)
        seen = self._first_seen(nodes)
        return dict(zip(nodes, founders(nodes, [seen[n] for n in nodes], labels), strict=True))

    def _first_seen(self, ids: list[str]) -> dict[str, str]:
        return dict(self._where_in("SELECT id, first_seen FROM copies WHERE id IN ({marks})", ids))


def _chains(old: dict[str, str], ids: set[str]) -> Iterable[tuple[str, str]]:
    """Edges that hold each untouched story together: every member tied to the first."""
    first = {}
    for article_id in sorted(ids):
        story = old[article_id]
        if story in first:
            yield first[story], article_id
        else:
            first[story] = article_id
