"""Which documents match: sorted arrays of document numbers computed from the postings.

Counting and facets need *every* match, and a one-word query typed without diacritics matches
most of the archive. Walking Whoosh's matchers costs a Python call a posting; reading postings
a block at a time and combining them as sorted arrays moves that work into C.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from functools import reduce
from itertools import chain

import numpy as np
from whoosh.util.times import datetime_to_long

from search.columns import Columns
from search.filters import Filters, date_range, resolve_official
from search.query import FIELD_VIEWS, Clause, ParsedQuery, expand_prefix

EMPTY = np.zeros(0, dtype=np.int64)


class PostingsCache:
    """Decoded postings of the most used words, kept for one index generation.

    Common words are what every search reads, and decoding a long posting list costs more than
    everything else a search does; the cache is bounded by the postings it holds.
    """

    def __init__(self, max_postings: int = 8_000_000):
        self.max_postings = max_postings
        self._lock = threading.Lock()
        self._key = None
        self._entries: OrderedDict = OrderedDict()
        self._held = 0

    def get(self, generation, term, load):
        with self._lock:
            if generation != self._key:
                self._key, self._held = generation, 0
                self._entries.clear()
            if term in self._entries:
                self._entries.move_to_end(term)
                return self._entries[term]
        value = load()
        with self._lock:
            if generation == self._key and term not in self._entries:
                self._entries[term] = value
                self._held += len(value[0])
                while self._held > self.max_postings and self._entries:
                    self._held -= len(self._entries.popitem(last=False)[1][0])
        return value


class Postings:
    """Postings as one search sees them: matching and ranking ask for the same words."""

    def __init__(self, searcher, columns: Columns, cache: PostingsCache, generation):
        self.searcher, self.columns = searcher, columns
        self._cache, self._generation = cache, generation

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of the live documents holding ``text``."""
        return self._cache.get(
            self._generation, (fieldname, text), lambda: self._load(fieldname, text)
        )

    def docs(self, fieldname: str, text: str) -> np.ndarray:
        return self.get(fieldname, text)[0]

    def _load(self, fieldname, text):
        ids, weights = [], []
        for leaf, offset in self.searcher.leaf_searchers():
            reader = leaf.reader()
            if (fieldname, text) in reader:
                leaf_ids, leaf_weights = _blocks(reader.postings(fieldname, text))
                ids.append(np.asarray(leaf_ids, dtype=np.int64) + offset)
                weights.append(np.asarray(leaf_weights, dtype=np.float32))
        if not ids:
            return EMPTY, np.zeros(0, dtype=np.float32)
        ids, weights = np.concatenate(ids), np.concatenate(weights)
        keep = self.columns.live[ids]
        boost = self.searcher.schema[fieldname].format.field_boost or 1.0
        return ids[keep], (weights[keep] / boost).astype(np.float32)


# The on-disk leaf matcher's block internals that the fast paths read; a matcher lacking any of
# them (another codec, a renamed attribute) takes the public, slower path instead of failing.
_BLOCK_API = ("_next_block", "_read_ids", "_read_weights", "_read_values", "_ids", "_weights",
              "_values", "_i", "block_max_id")


def _reads_blocks(matcher) -> bool:
    return all(hasattr(matcher, name) for name in _BLOCK_API)


def _blocks(matcher) -> tuple[list, list]:
    """All ids and weights of a leaf matcher, a block at a time where the codec allows it."""
    ids, weights = [], []
    if not _reads_blocks(matcher):
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return ids, weights
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        ids.extend(matcher._ids[matcher._i :])
        weights.extend(matcher._weights[matcher._i :])
        matcher._next_block()
    return ids, weights


def union(arrays) -> np.ndarray:
    arrays = [a for a in arrays if len(a)]
    return np.unique(np.concatenate(arrays)) if arrays else EMPTY


def intersection(arrays) -> np.ndarray:
    arrays = sorted(arrays, key=len)
    return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), arrays[1:], arrays[0])


def clause_docs(postings: Postings, clause: Clause) -> np.ndarray:
    fields = [folded for _, folded in FIELD_VIEWS[clause.field]]
    if clause.kind == "word" and clause.field != "official":
        return union(postings.docs(f, clause.folded[0]) for f in fields)
    if clause.kind == "prefix":
        reader = postings.searcher.reader()
        return union(postings.docs(f, term)
                     for f in fields for term in expand_prefix(reader, f, clause.folded[0]))
    return union(phrase_docs(postings, f, clause.folded) for f in fields)


def phrase_docs(postings: Postings, fieldname: str, tokens: list[str],
                within: np.ndarray | None = None) -> np.ndarray:
    """Documents (among ``within``, if given) where the words stand in this order."""
    candidates = intersection(
        [postings.docs(fieldname, t) for t in tokens] + ([within] if within is not None else [])
    )
    if len(tokens) == 1 or not len(candidates):
        return candidates
    rarest_first = sorted(enumerate(tokens), key=lambda w: len(postings.docs(fieldname, w[1])))
    found = []
    for leaf, offset in postings.searcher.leaf_searchers():
        reader = leaf.reader()
        inside = candidates[(candidates >= offset) & (candidates < offset + reader.doc_count_all())]
        if not len(inside):
            continue
        words = [(place, reader.postings(fieldname, t)) for place, t in rarest_first]
        found.extend(d + offset for d in _in_order(words, (inside - offset).tolist()))
    return np.array(found, dtype=np.int64)


def _in_order(words, docs: list[int]) -> list[int]:
    """Which of ``docs`` hold the words in order, given ``(place in phrase, matcher)`` rarest
    first. Each (document, position - place) of a word is one integer, so lining words up is an
    intersection of sorted arrays; the rarest word has the fewest blocks to read, and each next
    word is read only for the documents where the words before it still line up."""
    (place, matcher), *rest = words
    starts = _keys(*_positions(matcher, docs), shift=place)
    for place, matcher in rest:
        if not len(starts):
            break
        later = _keys(*_positions(matcher, np.unique(starts >> 32).tolist()), shift=place)
        starts = np.intersect1d(starts, later, assume_unique=True)
    return np.unique(starts >> 32).tolist()


def _keys(docs: np.ndarray, positions: np.ndarray, shift: int = 0) -> np.ndarray:
    keep = positions >= shift
    return (docs[keep] << 32) | (positions[keep] - shift)


def _positions(matcher, docs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(document, position) pairs of the word in ``docs`` (sorted, all holding it), as two
    arrays, reading each block of postings once instead of a posting at a time."""
    if not _reads_blocks(matcher):
        values = []
        for docnum in docs:
            matcher.skip_to(docnum)
            values.append(matcher.value())
        return _pairs(matcher.format, docs, values)
    values, i = [], 0
    while i < len(docs) and matcher.is_active():
        if matcher.block_max_id() < docs[i]:
            matcher._next_block()
            continue
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._values is None:
            matcher._read_values()
        end = bisect.bisect_right(docs, matcher.block_max_id(), i)
        at = np.searchsorted(np.asarray(matcher._ids), docs[i:end]).tolist()
        values.extend(map(matcher._values.__getitem__, at))
        i = end
    return _pairs(matcher.format, docs[: len(values)], values)


def _pairs(format_, docs: list[int], values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    decode_many = getattr(format_, "decode_many", None)
    if decode_many is not None:
        counts, positions = decode_many(values)
    else:
        lists = [format_.decode_positions(v) for v in values]
        counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        positions = np.fromiter(chain.from_iterable(lists), dtype=np.int64)
    return np.repeat(np.asarray(docs, dtype=np.int64), counts), positions


def query_docs(postings: Postings, parsed: ParsedQuery, any_group: bool = False) -> np.ndarray:
    groups = [union(clause_docs(postings, c) for c in group) for group in parsed.groups]
    docs = union(groups) if any_group else intersection(groups)
    if parsed.excluded:
        docs = np.setdiff1d(docs, union(clause_docs(postings, c) for c in parsed.excluded),
                            assume_unique=True)
    return docs


def live_docs(columns: Columns) -> np.ndarray:
    return np.flatnonzero(columns.live)


def filter_docs(postings: Postings, filters: Filters, officials_by_key) -> np.ndarray | None:
    """The documents the filters allow, or None when there are no filters."""
    arrays = []
    for official in filters.officials:
        names = resolve_official(official, officials_by_key)
        arrays.append(union(postings.docs("officials", n) for n in names))
    for fieldname, value in (("source", filters.source), ("section", filters.section)):
        if value:
            arrays.append(postings.docs(fieldname, value))
    if filters.date_from or filters.date_to:
        arrays.append(_date_docs(filters, postings.columns))
    return intersection(arrays) if arrays else None


def _date_docs(filters: Filters, columns: Columns) -> np.ndarray:
    start, stop = date_range(filters)
    low = datetime_to_long(start) if start else 1
    high = datetime_to_long(stop.replace(microsecond=999999)) if stop else np.iinfo(np.int64).max
    dates = columns.published
    return np.flatnonzero((dates >= low) & (dates <= high) & columns.live)
