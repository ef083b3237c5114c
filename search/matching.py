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

from index.analysis import pair_key, reading_key, reading_of, reading_prefix
from search.columns import Columns, segment_key, unfiltered
from search.filters import Filters, date_range, resolve_official
from search.query import VIEWS, Clause, ParsedQuery, Syllable, expand_prefix

EMPTY = np.zeros(0, dtype=np.int64)
EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


class PostingsCache:
    """Decoded postings of the most used words, kept for one index generation and handed on
    to the next segment by segment.

    Common words are what every search reads, and decoding a long posting list costs more than
    everything else a search does; the cache is bounded by the postings it holds. A commit
    writes a new segment and marks deletions in old ones, whose postings stay as written: the
    next generation takes an entry's documents in unchanged segments from the entry kept for
    the generation before (a slice of a sorted array) and reads only the segments it lacks.
    """

    def __init__(self, max_postings: int = 8_000_000):
        self.max_postings = max_postings
        self._lock = threading.Lock()
        self._key = None
        self._layout: dict = {}
        self._entries: OrderedDict = OrderedDict()
        self._before: tuple[dict, OrderedDict] = ({}, OrderedDict())
        self._held = 0

    def begin(self, generation, layout: dict) -> None:
        """Start ``generation``, whose segments are ``{segment key: (first document, size)}``;
        the entries of the generation before stay to be sliced until they are read again."""
        with self._lock:
            if generation == self._key:
                return
            if self._entries:
                self._before = (self._layout, self._entries)
            self._held = sum(_size(v) for v in self._before[1].values())
            self._key, self._layout, self._entries = generation, layout, OrderedDict()

    def before(self, term):
        """``(layout, entry)`` of ``term`` in the generation before, if it was kept."""
        with self._lock:
            layout, entries = self._before
            return (layout, entries[term]) if term in entries else None

    def holds(self, generation, term) -> bool:
        with self._lock:
            return generation == self._key and term in self._entries

    def get(self, generation, term, load):
        with self._lock:
            if generation == self._key and term in self._entries:
                self._entries.move_to_end(term)
                return self._entries[term]
        value = load()
        self.put(generation, term, value)
        return value

    def put(self, generation, term, value) -> None:
        with self._lock:
            if generation != self._key or term in self._entries:
                return
            old = self._before[1].pop(term, None)
            self._held += _size(value) - (_size(old) if old is not None else 0)
            self._entries[term] = value
            for entries in (self._before[1], self._entries):
                while self._held > self.max_postings and entries:
                    self._held -= _size(entries.popitem(last=False)[1])


def _size(value) -> int:
    return len(value[0])


class Postings:
    """Postings as one search sees them: matching and ranking ask for the same words."""

    def __init__(self, searcher, columns: Columns, cache: PostingsCache, generation):
        self.searcher, self.columns = searcher, columns
        self._cache, self._generation = cache, generation
        self._segments = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        cache.begin(generation, {segment_key(r): (offset, r.doc_count_all())
                                 for r, offset in self._segments if segment_key(r) is not None})

    def get(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of the live documents holding ``text``."""
        return self._cache.get(
            self._generation, (fieldname, text), lambda: self._read(fieldname, text)[0]
        )

    def docs(self, fieldname: str, text: str) -> np.ndarray:
        return self.get(fieldname, text)[0]

    def read_with_positions(self, fieldname: str, text: str) -> None:
        """Keep a phrase word's documents and occurrences, read in one pass: unpickling a
        block, which holds both, is most of the cost of either."""
        key = (fieldname, text)
        if not self._cache.holds(self._generation, key):
            postings, keys = self._read(fieldname, text, positions=True)
            self._cache.put(self._generation, key, postings)
            self._cache.put(self._generation, (*key, "positions"), (keys,))

    def positions(self, fieldname: str, text: str, docs: np.ndarray) -> np.ndarray:
        """The occurrences of ``text`` in ``docs`` (sorted), each as one int64,
        ``document << 32 | position``, sorted.

        A word's occurrences are decoded whole and kept, unless ``docs`` is a small part of
        the word's documents and the word is not kept yet: then only the blocks holding
        ``docs`` are read (the proximity re-rank of a hundred candidates, say)."""
        key = (fieldname, text, "positions")
        if len(self.docs(fieldname, text)) > SPARSE * len(docs) and not self._cache.holds(
            self._generation, key
        ):
            return self._positions_in(fieldname, text, docs)
        return self._cache.get(
            self._generation, key, lambda: (self._read(fieldname, text, positions=True)[1],)
        )[0]

    def _leaves(self, fieldname, text):
        """``(matcher, first document, documents)`` of each segment holding ``text``; deleted
        documents are left to the live mask."""
        for reader, offset in self._segments:
            if (fieldname, text) in reader:
                yield unfiltered(reader.postings(fieldname, text)), offset, reader.doc_count_all()

    def _read(self, fieldname, text, positions: bool = False):
        """((live documents, frequencies), occurrence keys or None) of a word: each segment's
        part sliced from what the generation before kept, or read."""
        kept = [self._cache.before((fieldname, text))]
        if positions:
            kept.append(self._cache.before((fieldname, text, "positions")))
        ids, weights, keys = [EMPTY], [EMPTY_WEIGHTS], [EMPTY]
        for reader, offset in self._segments:
            name = segment_key(reader)
            part = _kept_part(kept, name) if name is not None else None
            if part is None and (fieldname, text) in reader:
                part = self._read_segment(reader, fieldname, text, positions)
            if part is not None:
                ids.append(part[0] + offset)
                weights.append(part[1])
                keys.append(part[2] + (offset << 32) if positions else EMPTY)
        ids, weights = np.concatenate(ids), np.concatenate(weights)
        keep = self.columns.live[ids]
        if not positions:
            return (ids[keep], weights[keep]), None
        keys = np.concatenate(keys)
        return (ids[keep], weights[keep]), keys[self.columns.live[keys >> 32]]

    def _read_segment(self, reader, fieldname, text, positions):
        """(documents, frequencies, occurrence keys) of a word in one segment, numbered from
        the segment's first document, deleted ones included."""
        format_ = self._format(fieldname)
        ids, weights, values = _blocks(unfiltered(reader.postings(fieldname, text)), positions)
        weights = (np.asarray(weights, dtype=np.float32) / (format_.field_boost or 1.0)).astype(
            np.float32
        )
        return ids, weights, _keys(0, *_pairs(format_, ids, values)) if positions else EMPTY

    def _format(self, fieldname):
        """The field's posting format (a segment with deletions hands out filtering matchers,
        which do not carry it)."""
        return self.searcher.schema[fieldname].format

    def _positions_in(self, fieldname, text, docs):
        keys = [EMPTY]
        for matcher, offset, count in self._leaves(fieldname, text):
            inside = docs[(docs >= offset) & (docs < offset + count)] - offset
            if len(inside):
                found = _positions_in(matcher, self._format(fieldname), inside.tolist())
                keys.append(_keys(offset, *found))
        return np.concatenate(keys)


def _keys(offset: int, docs: np.ndarray, positions: np.ndarray) -> np.ndarray:
    return ((docs + offset) << 32) | positions


def _kept_part(kept: list, name):
    """A segment's (documents, frequencies, occurrence keys) cut from the entries the
    generation before kept, if they cover it; documents numbered from the segment's first."""
    if any(k is None or name not in k[0] for k in kept):
        return None
    start, size = kept[0][0][name]
    end, (ids, weights) = start + size, kept[0][1]
    low, high = np.searchsorted(ids, [start, end])
    part = [ids[low:high] - start, weights[low:high], EMPTY]
    if len(kept) > 1:
        keys = kept[1][1][0]
        low, high = np.searchsorted(keys, [start << 32, end << 32])
        part[2] = keys[low:high] - (start << 32)
    return part



# The on-disk leaf matcher's block internals that the fast path reads; a matcher lacking any of
# them (another codec, a renamed attribute) takes the public, slower path instead of failing.
_BLOCK_API = ("_next_block", "_read_data", "_data", "_read_values", "_values", "block_max_id")
# A word is read only where the candidates are once it is in this many times more documents.
SPARSE = 16


def _reads_blocks(matcher) -> bool:
    return all(hasattr(matcher, name) for name in _BLOCK_API)


def _blocks(matcher, values: bool = False) -> tuple[np.ndarray, list, list]:
    """All ids, weights and (if asked) encoded values of a fresh leaf matcher.

    Where the codec allows, each block's stored tuple is read once and its delta-coded ids are
    summed by numpy: Whoosh's own decoding takes a Python step per posting."""
    deltas, lengths, weights, encoded = [], [], [], []
    if not _reads_blocks(matcher):
        while matcher.is_active():
            deltas.append(matcher.id())
            weights.append(matcher.weight())
            if values:
                encoded.append(matcher.value())
            matcher.next()
        return np.asarray(deltas, dtype=np.int64), weights, encoded
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        block_ids, block_weights = matcher._data[0], matcher._data[1]
        deltas.extend(block_ids)
        lengths.append(len(block_ids))
        if block_weights is None or isinstance(block_weights, float):
            block_weights = [1.0 if block_weights is None else block_weights] * len(block_ids)
        weights.extend(block_weights)
        if values:
            if matcher._values is None:
                matcher._read_values()
            encoded.extend(matcher._values)
        matcher._next_block()
    return _summed(deltas, lengths), weights, encoded


def _summed(deltas: list[int], lengths: list[int]) -> np.ndarray:
    """Ids from blocks of deltas, each block starting again from zero."""
    total = np.cumsum(np.asarray(deltas, dtype=np.int64))
    before = np.concatenate(([0], total))[np.cumsum(lengths) - lengths]
    return total - np.repeat(before, lengths)


def _positions_in(matcher, format_, docs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(document, position) pairs of the word in ``docs`` (sorted, all holding it), reading
    only the blocks that hold them."""
    if not _reads_blocks(matcher):
        values = []
        for docnum in docs:
            matcher.skip_to(docnum)
            values.append(matcher.value())
        return _pairs(format_, docs, values)
    values, i = [], 0
    while i < len(docs) and matcher.is_active():
        if matcher.block_max_id() < docs[i]:
            matcher._next_block()
            continue
        if matcher._data is None:
            matcher._read_data()
        if matcher._values is None:
            matcher._read_values()
        ids = _summed(matcher._data[0], [len(matcher._data[0])])
        end = bisect.bisect_right(docs, matcher.block_max_id(), i)
        values.extend(map(matcher._values.__getitem__, np.searchsorted(ids, docs[i:end]).tolist()))
        i = end
    return _pairs(format_, docs[: len(values)], values)


def union(arrays) -> np.ndarray:
    """Sorted document numbers in any of the arrays; marking a boolean array costs less than
    sorting when the arrays hold most of the archive."""
    arrays = [a for a in arrays if len(a)]
    if len(arrays) < 2:
        return arrays[0] if arrays else EMPTY
    marked = np.zeros(max(int(a.max()) for a in arrays) + 1, dtype=bool)
    for a in arrays:
        marked[a] = True
    return np.flatnonzero(marked)


def intersection(arrays) -> np.ndarray:
    """Document numbers in all of the sorted arrays, shortest first."""
    return reduce(_common, sorted(arrays, key=len))


def clause_docs(postings: Postings, clause: Clause) -> np.ndarray:
    views = VIEWS[clause.field]
    if clause.field == "official":
        return official_docs(postings, clause.folded)
    if clause.kind == "prefix":
        reader = postings.searcher.reader()
        return union(postings.docs(f"{v}_f", term) for v in views
                     for term in expand_prefix(reader, f"{v}_f", clause.folded[0]))
    return union(word_postings(postings, v, spelling)[0]
                 for v in views for spelling in clause.alternatives())


def official_docs(postings: Postings, tokens: list[str]) -> np.ndarray:
    """Articles naming an official whose folded name holds these syllables in this order."""
    if len(tokens) == 1:
        return postings.docs("officials_f", tokens[0])
    return _documents(run_starts(postings, "officials_f", [[t] for t in tokens]))


def word_postings(postings: Postings, view: str, syllables: list[Syllable],
                  within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(documents, occurrences) of a word in one view (``title`` or ``body``): its syllables
    next to each other, each with the diacritics typed, or any reading where none were.

    One syllable is one posting list of the exact or the folded view; two are the pairs of
    the pair view that read as typed; more are runs of such pairs at consecutive positions."""
    if len(syllables) == 1:
        (syllable,) = syllables
        found = (postings.get(view, reading_key(syllable.exact)) if syllable.exact
                 else postings.get(f"{view}_f", syllable.folded))
        return _within(found, within)
    field = f"{view}_pairs"
    slots = [pair_terms(postings, field, a, b) for a, b in zip(syllables, syllables[1:], strict=False)]
    if len(slots) == 1:
        return _within(merged(postings, field, slots[0]), within)
    return _occurrences(run_starts(postings, field, slots, within))


def pair_terms(postings: Postings, field: str, first: Syllable, second: Syllable) -> list[str]:
    """The pair view's terms for two syllables: one when both carry their diacritics, else
    every reading in the archive that agrees with the diacritics typed."""
    if first.exact and second.exact:
        return [pair_key(first.exact, second.exact)]
    terms = []
    prefix = reading_prefix([first.folded, second.folded])
    for term in postings.searcher.reader().expand_prefix(field, prefix):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        one, _, two = reading_of(text).partition(" ")
        if first.exact in (None, one) and second.exact in (None, two):
            terms.append(text)
    return terms


def merged(postings: Postings, field: str, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(documents, summed frequencies) of any of ``terms``."""
    found = [p for p in (postings.get(field, t) for t in terms) if len(p[0])]
    if len(found) < 2:
        return found[0] if found else (EMPTY, EMPTY_WEIGHTS)
    docs, inverse = np.unique(np.concatenate([p[0] for p in found]), return_inverse=True)
    weights = np.concatenate([p[1] for p in found])
    return docs, np.bincount(inverse, weights=weights).astype(np.float32)


def run_starts(postings: Postings, field: str, slots: list[list[str]],
               within: np.ndarray | None = None) -> np.ndarray:
    """Where a run of slots stands, as sorted ``document << 32 | position`` keys of its
    first slot; each slot holds the terms any of which may stand at its place.

    Each occurrence of a term is one integer; shifted back by its slot's place in the run,
    the occurrences that line up are equal, so a run is an intersection of sorted arrays,
    rarest slot first."""
    if within is None:
        for term in {t for terms in slots for t in terms}:
            postings.read_with_positions(field, term)
    docs = [merged(postings, field, terms)[0] for terms in slots]
    candidates = intersection(docs + ([within] if within is not None else []))
    if not len(candidates):
        return EMPTY
    starts = None
    for place in sorted(range(len(slots)), key=lambda i: len(docs[i])):
        alive = candidates if starts is None else _documents(starts)
        keys = _slot_keys(postings, field, slots[place], alive)
        keys = keys[(keys & 0xFFFFFFFF) >= place] - place
        starts = keys if starts is None else _common(starts, keys)
        if not len(starts):
            return EMPTY
    return starts[np.isin(starts >> 32, candidates)]


def _slot_keys(postings: Postings, field: str, terms: list[str], alive: np.ndarray):
    keys = [postings.positions(field, t, _common(alive, postings.docs(field, t))) for t in terms]
    return keys[0] if len(keys) == 1 else np.sort(np.concatenate(keys))


def _occurrences(starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    docs, counts = np.unique(starts >> 32, return_counts=True)
    return docs, counts.astype(np.float32)


def _within(found, within):
    if within is None:
        return found
    keep = np.isin(found[0], within)
    return found[0][keep], found[1][keep]


def _documents(keys: np.ndarray) -> np.ndarray:
    """The documents of sorted occurrence keys, each once."""
    docs = keys >> 32
    return docs[np.concatenate(([True], docs[1:] != docs[:-1]))] if len(docs) else docs


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both sorted arrays, in time proportional to the shorter one."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return a[b[at] == a]


def _pairs(format_, docs: list[int], values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(document, position) of every occurrence, as two arrays."""
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
