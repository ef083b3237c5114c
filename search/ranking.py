"""The order of relevance hits: Whoosh's BM25F over both views, then a proximity re-rank.

Whoosh ranks the top of the matching set with its block-quality shortcuts (the exact view, when
the user typed diacritics, is boosted so the word typed comes first). Then the first
:data:`WINDOW` hits earn a bonus for each adjacent pair of query words that stands together in
them: Vietnamese words are several syllables, and ``dân vận`` written together means something
that ``dân`` and ``vận`` apart do not. Re-ranking a fixed window keeps pagination stable.
"""

from __future__ import annotations

from search.query import ParsedQuery, proximity_phrases, to_whoosh

WINDOW = 100


def ranked(searcher, parsed: ParsedQuery, docs: set[int], wanted: int) -> list[tuple[int, float]]:
    """``(docnum, score)`` of the first ``wanted`` hits among ``docs``."""
    if not docs:
        return []  # Whoosh reads an empty filter as no filter at all
    limit = max(wanted, WINDOW)
    results = searcher.search(to_whoosh(parsed, searcher.reader()), filter=docs, limit=limit)
    hits = [(hit.docnum, hit.score) for hit in results]
    phrases = proximity_phrases(parsed)
    if not phrases:
        return hits[:wanted]
    head = _rerank(searcher, phrases, hits[:WINDOW])
    return (head + hits[WINDOW:])[:wanted]


def _rerank(searcher, phrases, hits):
    bonus = dict.fromkeys((d for d, _ in hits), 0)
    candidates = sorted(bonus)
    for phrase in phrases:
        for docnum in _phrase_hits(searcher, phrase, candidates):
            bonus[docnum] += 1
    scored = [(d, s * (1 + bonus[d] / len(phrases))) for d, s in hits]
    return sorted(scored, key=lambda hit: -hit[1])


def _phrase_hits(searcher, phrase, candidates):
    """Which of the sorted candidates hold the phrase, skipping straight to each of them."""
    matcher = phrase.matcher(searcher)
    for docnum in candidates:
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                return
        if matcher.id() == docnum:
            yield docnum
