"""Stories at query time: one hit per story, counts of stories, and where a story went.

A story's copies share a key in :attr:`search.columns.Columns.stories` (grouped when indexed,
:mod:`index.stories`), so collapsing is array work over the matching documents: a story counts
once, dated by its earliest matching copy, and is shown by its best-scoring one.

The *original* of a story is its earliest published copy; when copies share that moment, the
national outlet's (the Party and State press, ``national.txt``) comes first: the provinces
republish the centre, rarely the other way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from whoosh.util.times import long_to_datetime

from search.columns import Columns

_NEVER = np.iinfo(np.int64).max  # the date an undated copy sorts by
COPIES_SHOWN = 20  # a story's other copies listed with a hit; copies_total counts them all
NATIONAL_HOSTS = frozenset(
    line.strip() for line in (Path(__file__).with_name("national.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#")
)


def firsts(columns: Columns, docs: np.ndarray) -> np.ndarray:
    """One document a story among ``docs`` (sorted): its earliest dated copy, undated last."""
    dates = columns.published[docs]
    return docs[least_per_group(columns.stories[docs], np.where(dates > 0, dates, _NEVER))]


def best(keys: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The positions, in order, of the best score of each key (ties: the earlier position)."""
    return least_per_group(keys, -scores)


def least_per_group(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The position of the least value of each key, the earliest of equals, in order: one
    stable sort by key, then a pass over each key's run (a three-key sort costs twice as much
    on the hundred thousand matches of a common word)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = values[order]
    new_group = np.r_[True, keys[order][1:] != keys[order][:-1]]
    starts = np.flatnonzero(new_group)
    least = np.minimum.reduceat(ordered, starts)
    group = np.cumsum(new_group) - 1
    hits = np.flatnonzero(ordered == least[group])
    first = hits[np.r_[True, group[hits][1:] != group[hits][:-1]]]
    return np.sort(order[first])


def is_national(url: str) -> bool:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return any(host == h or host.endswith("." + h) for h in NATIONAL_HOSTS)


def copies(searcher, columns: Columns, docnum: int, limit: int | None = None,
           leave_out: int | None = None) -> list[dict]:
    """The live copies of ``docnum``'s story but ``leave_out``, the original first, then by
    date, copies of one moment in the order the index holds them (the first ``limit``), as
    ``{id, url, source, source_name, published}`` with ``original`` and ``lag_days`` (whole
    days after the original; None where either is undated). Ordered by the date column, so
    only the copies listed are read from the stored fields."""
    members = columns.story_members(docnum)
    dates = columns.published[members]
    order = np.lexsort((members, np.where(dates > 0, dates, _NEVER)))
    members, dates = members[order].tolist(), dates[order]
    tied = int(np.sum(dates == dates[0])) if dates[0] > 0 and len(members) > 1 else 1
    read = {m: _listed(searcher, m) for m in members[:tied]} if tied > 1 else {}
    if tied > 1:  # the national outlet's copy is the original of copies of one moment
        members[:tied] = sorted(members[:tied], key=lambda m: not is_national(read[m]["url"]))
    first_date = long_to_datetime(int(dates[0])) if dates[0] > 0 else None
    listed = []
    for member in [m for m in members if m != leave_out][:limit]:
        copy = read.get(member) or _listed(searcher, member)
        copy.update(original=member == members[0], lag_days=_lag(first_date, copy["published"]))
        listed.append(copy)
    return listed


def _listed(searcher, docnum: int) -> dict:
    fields = searcher.stored_fields(docnum)
    return {
        "id": fields["id"],
        "url": fields.get("url", ""),
        "source": fields.get("source", ""),
        "source_name": fields.get("source_name") or fields.get("source", ""),
        "published": fields.get("published"),
    }


def _lag(original, published) -> int | None:
    if not isinstance(original, datetime) or not isinstance(published, datetime):
        return None
    return (published.date() - original.date()).days
