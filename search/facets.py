"""Facet counts over *all* matching documents, and date order without scoring.

Whoosh's ``groupedby`` costs about 15 µs a matching document and holds every hit; counting the
matched document numbers against per-generation columns is one ``bincount`` a facet.
"""

from __future__ import annotations

import numpy as np

from search.columns import Columns


def count(columns: Columns, docs: np.ndarray, top_officials: int = 20,
          months: bool = False, copies: np.ndarray | None = None) -> dict:
    """Counts of ``docs``; of ``copies`` for sources, when given: with stories collapsed,
    ``docs`` holds one copy a story and ``copies`` every matching copy, so an outlet counts
    the copies it carried."""
    result = {
        "officials": _top(_official_counts(columns, docs), columns.official_names, top_officials),
        "year": _by_value(columns, "year", docs),
        "source": _named(_top(*_facet_counts(columns, "source", docs if copies is None else copies)),
                         columns.source_names),
        "section": _top(*_facet_counts(columns, "section", docs)),
    }
    if months:
        result["month"] = _by_value(columns, "month", docs)
    return result


def by_date(columns: Columns, docs: np.ndarray, k: int, newest: bool) -> list[int]:
    """The first ``k`` matches by publication date (undated last), oldest or newest first."""
    dates = columns.published[docs]
    dates = np.where(dates > 0, dates, np.iinfo(np.int64).max) if not newest else dates
    keys = -dates if newest else dates
    order = np.lexsort((docs, keys))[:k]
    return docs[order].tolist()


def _facet_counts(columns: Columns, name: str, docs: np.ndarray):
    facet = columns.facets[name]
    codes = facet.codes[docs]
    return np.bincount(codes[codes >= 0], minlength=len(facet.values)), facet.values


def _official_counts(columns: Columns, docs: np.ndarray) -> np.ndarray:
    matched = np.zeros(columns.size, dtype=bool)
    matched[docs] = True
    pair_docs, pair_officials = columns.official_pairs
    return np.bincount(pair_officials[matched[pair_docs]], minlength=len(columns.official_names))


def _top(counts: np.ndarray, values: list[str], limit: int | None = None) -> list[dict]:
    order = sorted((i for i in np.flatnonzero(counts)), key=lambda i: (-counts[i], values[i]))
    return [{"value": values[i], "count": int(counts[i])} for i in order[:limit]]


def _named(items: list[dict], names: dict[str, str]) -> list[dict]:
    return [{**item, "name": names.get(item["value"]) or item["value"]} for item in items]


def _by_value(columns: Columns, name: str, docs: np.ndarray) -> list[dict]:
    counts, values = _facet_counts(columns, name, docs)
    return [{"value": values[i], "count": int(counts[i])} for i in np.flatnonzero(counts)]
