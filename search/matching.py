"""Which documents match: sets of document numbers computed from the postings directly.

Counting and facets need *every* match, and a one-word query typed without diacritics matches
most of the archive. Walking Whoosh's matchers costs a Python call a posting; reading postings
a block at a time and combining them as sets moves that work into C. Whoosh still ranks the
top hits (see :mod:`search.ranking`), restricted to these sets.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.util.times import datetime_to_long

from search.facets import FacetColumns
from search.filters import Filters, date_range, resolve_official
from search.query import FIELD_VIEWS, Clause, ParsedQuery, expand_prefix


def term_docs(searcher, fieldname: str, text: str) -> set[int]:
    docs: set[int] = set()
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if (fieldname, text) not in reader:
            continue
        ids = _posting_ids(reader.postings(fieldname, text))
        docs.update(ids if offset == 0 else (offset + i for i in ids))
    return docs


def _posting_ids(matcher) -> list[int]:
    """All ids of a leaf matcher, a block at a time where the codec allows it."""
    if not hasattr(matcher, "_next_block"):
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return ids


def clause_docs(searcher, clause: Clause) -> set[int]:
    fields = [folded for _, folded in FIELD_VIEWS[clause.field]]
    if clause.kind == "word" and clause.field != "official":
        return set().union(*(term_docs(searcher, f, clause.folded[0]) for f in fields))
    if clause.kind == "prefix":
        return set().union(
            *(term_docs(searcher, f, term)
              for f in fields for term in expand_prefix(searcher.reader(), f, clause.folded[0]))
        )
    phrase = wq.Or([wq.Phrase(f, clause.folded) for f in fields])
    return set(searcher.docs_for_query(phrase))


def query_docs(searcher, parsed: ParsedQuery, any_group: bool = False) -> set[int]:
    groups = [set().union(*(clause_docs(searcher, c) for c in g)) for g in parsed.groups]
    if any_group:
        docs = set().union(*groups)
    else:
        groups.sort(key=len)
        docs = groups[0].intersection(*groups[1:])
    for clause in parsed.excluded:
        docs -= clause_docs(searcher, clause)
    return docs


def live_docs(searcher) -> set[int]:
    return set(searcher.reader().all_doc_ids())


def filter_docs(searcher, filters: Filters, officials_by_key, columns: FacetColumns):
    """The documents the filters allow, or None when there are no filters."""
    sets = []
    for official in filters.officials:
        names = resolve_official(official, officials_by_key)
        sets.append(set().union(*(term_docs(searcher, "officials", n) for n in names)))
    for fieldname, value in (("source", filters.source), ("section", filters.section)):
        if value:
            sets.append(term_docs(searcher, fieldname, value))
    if filters.date_from or filters.date_to:
        sets.append(_date_docs(filters, columns))
    if not sets:
        return None
    sets.sort(key=len)
    return sets[0].intersection(*sets[1:])


def _date_docs(filters: Filters, columns: FacetColumns) -> set[int]:
    start, stop = date_range(filters)
    low = datetime_to_long(start) if start else 1
    high = datetime_to_long(stop.replace(microsecond=999999)) if stop else float("inf")
    return columns.published_between(low, high)
