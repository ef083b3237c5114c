"""The order of relevance hits: BM25 over the words of the query, then a proximity re-rank.

Every word scores in the title and the body by its own occurrences (a two-syllable word is one
posting list of the pair view, any reading of a word typed without diacritics counts), title
first. Scores are computed for the matching documents only, as vectors over the postings
already read for matching. Then the first :data:`WINDOW` hits earn a bonus for each pair of
neighbouring query words that stands together in them: ``dân vận`` next to ``chính quyền``
means more than the two words apart. Re-ranking a fixed window keeps pagination stable.
"""

from __future__ import annotations

import math

import numpy as np

from search import stories
from search.matching import Postings, official_docs, union, word_postings
from search.query import VIEWS, Clause, ParsedQuery, expand_prefix, proximity_runs

WINDOW = 100
K1, B = 1.2, 0.75
FIELD_BOOSTS = {"title": 2.0, "body": 1.0, "officials_f": 1.0}
PREFIX_BOOST = 0.5
PROXIMITY_BONUS = 2.0  # a hit with every pair of query words together scores three times


def ranked(postings: Postings, parsed: ParsedQuery, docs: np.ndarray,
           wanted: int, collapse: bool = False) -> list[tuple[int, float]]:
    """``(docnum, score)`` of the first ``wanted`` hits among ``docs``; with ``collapse``, of
    the best-scoring copy of each story only."""
    if not len(docs):
        return []
    scores = bm25(postings, _scored(postings, parsed), docs)
    if collapse:
        kept = stories.best(postings.columns.stories[docs], scores)
        docs, scores = docs[kept], scores[kept]
    limit = min(len(docs), max(wanted, WINDOW))
    top = np.argpartition(-scores, limit - 1)[:limit] if limit < len(docs) else np.arange(len(docs))
    hits = sorted(zip(docs[top].tolist(), scores[top].tolist(), strict=True),
                  key=lambda h: (-h[1], h[0]))
    runs = proximity_runs(parsed)
    if runs:
        hits = _rerank(postings, runs, hits[:WINDOW]) + hits[WINDOW:]
    return hits[:wanted]


def bm25(postings: Postings, scored, docs: np.ndarray) -> np.ndarray:
    """Scores of ``docs`` (a sorted array) for weighted ``((ids, tf), length field, boost)``."""
    columns = postings.columns
    live = max(int(columns.live.sum()), 1)
    scores = np.zeros(len(docs))
    for (ids, tf), length_field, boost in scored:
        if not len(ids):
            continue
        idf = math.log(1 + (live - len(ids) + 0.5) / (len(ids) + 0.5))
        at = np.searchsorted(docs, ids)
        inside = (at < len(docs)) & (docs[np.minimum(at, len(docs) - 1)] == ids)
        ids, tf, at = ids[inside], tf[inside], at[inside]
        lengths = columns.lengths[length_field]
        norm = 1 - B + B * lengths[ids] / columns.average_length[length_field]
        scores[at] += boost * idf * tf * (K1 + 1) / (tf + K1 * norm)
    return scores


def _scored(postings: Postings, parsed: ParsedQuery):
    for clause in parsed.clauses():
        yield from _clause_scored(postings, clause)


def _clause_scored(postings: Postings, clause: Clause):
    if clause.field == "official":
        ids = official_docs(postings, clause.folded)
        yield (ids, np.ones(len(ids), dtype=np.float32)), "officials_f", FIELD_BOOSTS["officials_f"]
        return
    for view in VIEWS[clause.field]:
        if clause.kind == "prefix":
            reader, folded = postings.searcher.reader(), f"{view}_f"
            for term in expand_prefix(reader, folded, clause.folded[0]):
                yield postings.get(folded, term), view, FIELD_BOOSTS[view] * PREFIX_BOOST
            continue
        for spelling in clause.alternatives():
            yield word_postings(postings, view, spelling), view, FIELD_BOOSTS[view]


def _rerank(postings: Postings, runs, hits):
    bonus = dict.fromkeys((d for d, _ in hits), 0)
    candidates = np.array(sorted(bonus), dtype=np.int64)
    for run in runs:
        together = union(word_postings(postings, view, run, within=candidates)[0]
                         for view in VIEWS[None])
        for docnum in together.tolist():
            bonus[docnum] += 1
    scored = [(d, s * (1 + PROXIMITY_BONUS * bonus[d] / len(runs))) for d, s in hits]
    return sorted(scored, key=lambda hit: (-hit[1], hit[0]))
