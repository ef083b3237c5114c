"""Officials across the archive: who is mentioned how often, autocomplete, and profiles."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from whoosh import query as wq

from index.analysis import fold_text
from index.officials import name_key, position_key
from search.columns import Columns


@dataclass
class OfficialsDirectory:
    """Every canonical name with its article count, for one reader generation."""

    counts: dict[str, int]
    by_key: dict[str, list[str]]

    @cached_property
    def names(self) -> frozenset[str]:
        """Every canonical name, as the word reader takes the units it keeps whole."""
        return frozenset(self.counts)

    @classmethod
    def from_columns(cls, columns: Columns) -> OfficialsDirectory:
        """Counted from the (document, official) pairs of the live documents, which are read
        per segment: asking each segment for each name's document frequency took most of the
        first search after a commit, and counted the replaced versions of articles too."""
        _, officials = columns.official_pairs
        found = np.bincount(officials, minlength=len(columns.official_names))
        counts, by_key = {}, defaultdict(list)
        for index in np.flatnonzero(found).tolist():
            name = columns.official_names[index]
            counts[name] = int(found[index])
            by_key[_name_key(name)].append(name)
        return cls(counts, dict(by_key))

    def complete(self, prefix: str = "", limit: int = 20) -> list[dict]:
        """Names whose accentless form, or one of its words, starts with the typed prefix."""
        typed = fold_text(prefix)
        found = [
            name
            for name in self.counts
            if not typed
            or name_key(name).startswith(typed)
            or f" {typed}" in f" {name_key(name)}"
        ]
        found.sort(key=lambda n: (-self.counts[n], n))
        return [{"name": n, "count": self.counts[n]} for n in found[:limit]]


@lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    """Folding thousands of names again after every commit cost more than the counting."""
    return name_key(name)


def profile(searcher, name: str, published_iso) -> dict:
    """Positions over time (first and last dates), articles per year, co-mentioned officials.

    Spellings of one position (``Tỉnh ủy``/``Tỉnh uỷ``, any case) are one position, shown in
    the spelling most articles used.
    """
    positions: dict[str, list[str]] = {}
    spellings: dict[str, Counter] = defaultdict(Counter)
    years: Counter = Counter()
    others: Counter = Counter()
    hits = searcher.search(wq.Term("officials", name), limit=None, sortedby="published")
    for hit in hits:
        date = published_iso(hit.get("published"))
        if date:
            years[date[:4]] += 1
        for official in json.loads(hit.get("officials_data") or "[]"):
            if official["name"] != name:
                others[official["name"]] += 1
                continue
            for position in official["positions"]:
                key = position_key(position)
                spellings[key][" ".join(position.split())] += 1
                seen = positions.setdefault(key, [date, date])
                if date:
                    seen[0] = min(filter(None, [seen[0], date]))
                    seen[1] = max(filter(None, [seen[1], date]))
    return {
        "name": name,
        "count": len(hits),
        "positions": [
            {"position": spellings[key].most_common(1)[0][0], "first": first, "last": last}
            for key, (first, last) in sorted(positions.items(), key=lambda kv: kv[1][0] or "")
        ],
        "years": [{"value": y, "count": years[y]} for y in sorted(years)],
        "co_mentioned": [{"name": n, "count": c} for n, c in others.most_common(20)],
    }
