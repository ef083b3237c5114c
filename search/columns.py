"""Per-document arrays: facet codes, dates, officials, lengths, read once per segment.

Counting facets, filtering by date and ranking all touch every matching document, and a word
typed without diacritics matches most of the archive. Whoosh reads these values one call a
document; read once into numpy arrays, each of those jobs becomes a vector operation.

A segment's documents never change once written (a later commit only marks some deleted), so
the arrays are read per segment and kept by segment id; an index generation's arrays are the
segments' arrays laid end to end. A crawl that commits a few articles then costs a read of the
new segment and a look at the deletions, not a read of the whole archive.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

FACET_FIELDS = ("year", "month", "source", "section")
SCORED_FIELDS = ("title", "title_f", "body", "body_f", "officials_f")
UNDATED = 2**63  # and above: what a numeric column holds for a document without the value


@dataclass
class Facet:
    values: list[str]
    codes: np.ndarray  # value index per document, -1 where the document has none


@dataclass
class SegmentColumns:
    """One segment's arrays, deleted documents included (deletions change, the rest never)."""

    size: int
    facets: dict[str, Facet]
    published: np.ndarray
    official_names: list[str]
    official_pairs: tuple[np.ndarray, np.ndarray]
    lengths: dict[str, np.ndarray]
    stories: np.ndarray  # the story's key per document, 0 where the index holds none

    @classmethod
    def read(cls, reader) -> SegmentColumns:
        size = reader.doc_count_all()
        names = [term.decode("utf-8") for term in reader.lexicon("officials")]
        docs, officials = [], []
        for index, name in enumerate(names):
            ids = list(unfiltered(reader.postings("officials", name)).all_ids())
            docs.extend(ids)
            officials.extend([index] * len(ids))
        return cls(
            size=size,
            facets={f: _facet(reader, f, size) for f in FACET_FIELDS},
            published=_dates(reader, size),
            official_names=names,
            official_pairs=(np.array(docs, dtype=np.int64), np.array(officials, dtype=np.int64)),
            lengths={f: _lengths(reader, f, size) for f in SCORED_FIELDS},
            stories=np.array(_raw(reader, "story") or np.zeros(size), dtype=np.int64),
        )


@dataclass
class Columns:
    size: int
    live: np.ndarray  # bool per document: False once deleted
    facets: dict[str, Facet]
    published: np.ndarray  # int64 per document (Whoosh's long form), 0 where undated
    official_names: list[str]
    official_pairs: tuple[np.ndarray, np.ndarray]  # (document, official index), live only
    lengths: dict[str, np.ndarray]  # field length per document, for BM25
    average_length: dict[str, float]
    source_names: dict[str, str]  # source key -> the site's name, from its newest document
    stories: np.ndarray  # int64 per document: its story's key; an article alone has its own

    @classmethod
    def read(cls, reader) -> Columns:
        """Every segment of ``reader`` read afresh."""
        return cls.combine([(SegmentColumns.read(leaf), live_mask(leaf))
                            for leaf, _ in reader.leaf_readers()], reader)

    @classmethod
    def combine(cls, parts: list[tuple[SegmentColumns, np.ndarray]], reader) -> Columns:
        """The arrays of ``reader``'s segments laid end to end, in its order of segments."""
        live = _concat([mask for _, mask in parts], bool)
        segments = [segment for segment, _ in parts]
        offsets = np.cumsum([0] + [s.size for s in segments])[:-1].tolist()
        names, remaps = _merged([s.official_names for s in segments])
        pair_docs = _concat([s.official_pairs[0] + o
                             for s, o in zip(segments, offsets, strict=True)], np.int64)
        pair_names = _concat([r[s.official_pairs[1]]
                              for s, r in zip(segments, remaps, strict=True)], np.int64)
        alive = live[pair_docs]
        lengths = {f: _concat([s.lengths[f] for s in segments], np.float64)
                   for f in SCORED_FIELDS}
        facets = {f: _merged_facet([s.facets[f] for s in segments]) for f in FACET_FIELDS}
        return cls(
            size=len(live),
            live=live,
            facets=facets,
            published=_concat([s.published for s in segments], np.int64),
            official_names=names,
            official_pairs=(pair_docs[alive], pair_names[alive]),
            lengths=lengths,
            average_length={f: float(a[live].mean()) if live.any() else 1.0
                            for f, a in lengths.items()},
            source_names=_source_names(reader, facets["source"], live),
            stories=_stories([s.stories for s in segments]),
        )

    @cached_property
    def _story_order(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.stories, kind="stable")
        return order, self.stories[order]

    def story_members(self, docnum: int) -> np.ndarray:
        """The live documents of ``docnum``'s story, itself included, in docnum order."""
        order, keys = self._story_order
        key = self.stories[docnum]
        members = order[np.searchsorted(keys, key):np.searchsorted(keys, key, side="right")]
        return np.sort(members[self.live[members]])


def live_mask(reader) -> np.ndarray:
    """Which of a segment's documents are not deleted: the one thing a later commit changes."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    segment = reader.segment()
    deleted = list(segment.deleted_docs()) if segment is not None else []
    if deleted:
        live[np.array(deleted, dtype=np.int64)] = False
    elif segment is None:
        live[:] = False
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    return live


def segment_key(reader):
    """Names a segment for as long as its documents stay as written; None for a reader that
    is not one segment (it is then read each time)."""
    segment = reader.segment()
    if segment is None:
        return None
    return (str(getattr(reader.storage(), "folder", "")), segment.segment_id())


def unfiltered(matcher):
    """The segment's own matcher under the one that skips deleted documents: the live mask
    does that job, the segment's postings then stay the same whatever is deleted, and the
    block reader of :mod:`search.matching` gets the matcher it knows."""
    if not isinstance(matcher, FilterMatcher):
        return matcher
    matcher.child.reset()  # the filter has stepped it past the first deleted documents
    return matcher.child


def _concat(arrays: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype)


def _stories(parts: list[np.ndarray]) -> np.ndarray:
    """The segments' story keys end to end; a document without one (indexed before stories
    were) is a story of its own, under a key no story has."""
    keys = _concat(parts, np.int64)
    alone = np.flatnonzero(keys == 0)
    keys[alone] = np.iinfo(np.int64).min + alone
    return keys


def _merged(value_lists: list[list[str]]) -> tuple[list[str], list[np.ndarray]]:
    """The sorted union of the segments' values, and for each segment its codes' new codes."""
    values = sorted(set().union(*value_lists))
    index = {v: i for i, v in enumerate(values)}
    return values, [np.array([index[v] for v in vs], dtype=np.int64) for vs in value_lists]


def _merged_facet(facets: list[Facet]) -> Facet:
    values, remaps = _merged([f.values for f in facets])
    codes = [f.codes if f.values == values  # most segments hold every value: no remap
             else np.where(f.codes >= 0, r[np.maximum(f.codes, 0)] if len(r) else -1, -1)
             for f, r in zip(facets, remaps, strict=True)]
    return Facet(values, _concat(codes, np.int64))


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
    """The arrays of each segment, kept while the segment is in the index, and those of the
    current index generation, shared by every thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key = None
        self._columns: Columns | None = None
        self._segments: dict = {}

    def get(self, reader, key) -> Columns:
        with self._lock:
            if key != self._key:
                self._columns, self._key = self._combined(reader), key
            return self._columns

    def _combined(self, reader) -> Columns:
        parts, kept = [], {}
        for leaf, _ in reader.leaf_readers():
            name = segment_key(leaf)
            segment = self._segments.get(name) if name is not None else None
            if segment is None:
                segment = self._read_segment(leaf)
            if name is not None:
                kept[name] = segment
            parts.append((segment, live_mask(leaf)))
        self._segments = kept
        return Columns.combine(parts, reader)

    def _read_segment(self, reader) -> SegmentColumns:
        return SegmentColumns.read(reader)
