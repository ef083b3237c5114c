"""Per-document arrays read once per index generation: facet codes, dates, officials, lengths.

Counting facets, filtering by date and ranking all touch every matching document, and a word
typed without diacritics matches most of the archive. Whoosh reads these values one call a
document; read once into numpy arrays, each of those jobs becomes a vector operation.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from itertools import repeat

import numpy as np

FACET_FIELDS = ("year", "month", "source", "section")
SCORED_FIELDS = ("title", "title_f", "body", "body_f", "officials_f")
UNDATED = 2**63  # and above: what a numeric column holds for a document without the value


@dataclass
class Facet:
    values: list[str]
    codes: np.ndarray  # value index per document, -1 where the document has none


@dataclass
class Columns:
    size: int
    live: np.ndarray  # bool per document: False once deleted
    facets: dict[str, Facet]
    published: np.ndarray  # int64 per document (Whoosh's long form), 0 where undated
    official_names: list[str]
    official_pairs: tuple[np.ndarray, np.ndarray]  # (document, official index) pairs
    lengths: dict[str, np.ndarray]  # field length per document, for BM25
    average_length: dict[str, float]
    source_names: dict[str, str]  # source key -> the site's name, from its newest document

    @classmethod
    def read(cls, reader) -> Columns:
        size = reader.doc_count_all()
        live = np.zeros(size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        names = [term.decode("utf-8") for term in reader.lexicon("officials")]
        docs, officials = [], []
        for index, name in enumerate(names):
            ids = list(reader.postings("officials", name).all_ids())
            docs.extend(ids)
            officials.extend([index] * len(ids))
        lengths = {f: _lengths(reader, f, size) for f in SCORED_FIELDS}
        facets = {f: _facet(reader, f, size) for f in FACET_FIELDS}
        return cls(
            size=size,
            live=live,
            facets=facets,
            published=_dates(reader, size),
            official_names=names,
            official_pairs=(np.array(docs, dtype=np.int64), np.array(officials, dtype=np.int64)),
            lengths=lengths,
            average_length={f: float(a[live].mean()) if live.any() else 1.0
                            for f, a in lengths.items()},
            source_names=_source_names(reader, facets["source"], live),
        )


def _dates(reader, size) -> np.ndarray:
    """Whoosh's long form of each date; an undated document's column holds the unsigned
    maximum, which is no date and no int64: 0 stands for it."""
    raw = _raw(reader, "published") or [0] * size
    return np.array([v if 0 < v < UNDATED else 0 for v in raw], dtype=np.int64)


def _raw(reader, name) -> list:
    """The column's stored values, one per document (empty where the reader has none)."""
    return list(reader.column_reader(name, translate=False)) if reader.has_column(name) else []


def _facet(reader, name, size) -> Facet:
    raw = _raw(reader, name)
    values = sorted(v.decode("utf-8") for v in set(raw) if v)
    index = {v.encode("utf-8"): i for i, v in enumerate(values)}
    codes = np.fromiter(map(index.get, raw, repeat(-1)), dtype=np.int64, count=len(raw))
    return Facet(values, codes if len(raw) == size else np.full(size, -1, dtype=np.int64))


def _source_names(reader, facet: Facet, live: np.ndarray) -> dict[str, str]:
    """One stored document a source (the last live one) tells its site's name."""
    names = {}
    for code, value in enumerate(facet.values):
        docs = np.flatnonzero((facet.codes == code) & live)
        if len(docs):
            names[value] = reader.stored_fields(int(docs[-1])).get("source_name") or value
    return names


def _lengths(reader, fieldname, size) -> np.ndarray:
    if fieldname not in reader.schema or not reader.schema[fieldname].scorable:
        return np.ones(size, dtype=np.float64)
    length = reader.doc_field_length
    return np.fromiter((length(d, fieldname) or 0 for d in range(size)), dtype=np.float64,
                       count=size)


class ColumnsCache:
    """One :class:`Columns` per index generation, shared by every thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key = None
        self._columns: Columns | None = None

    def get(self, reader, key) -> Columns:
        with self._lock:
            if key != self._key:
                self._columns, self._key = Columns.read(reader), key
            return self._columns
