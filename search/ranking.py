"""The order of relevance hits: BM25 over both views, then a proximity re-rank.

Every clause scores its words in the folded views; words typed with diacritics also score in the
exact views, boosted, so the word the user typed comes before the words that merely fold alike.
Scores are computed for the matching documents only, as vectors over the postings already read
for matching. Then the first :data:`WINDOW` hits earn a bonus for each adjacent pair of query
words that stands together in them: Vietnamese words are several syllables, and ``dân vận``
written together means something that ``dân`` and ``vận`` apart do not. Re-ranking a fixed
window keeps pagination stable.
"""

from __future__ import annotations

import math

import numpy as np

from search.matching import Postings, phrase_docs, union
from search.query import FIELD_VIEWS, Clause, ParsedQuery, expand_prefix, proximity_runs

WINDOW = 100
K1, B = 1.2, 0.75
FIELD_BOOSTS = {"title": 2.0, "title_f": 1.5, "body": 1.0, "body_f": 0.7, "officials_f": 1.0}
EXACT_BOOST = 3.0
PREFIX_BOOST = 0.5
PROXIMITY_BONUS = 2.0  # a hit with every pair of query words together scores three times


def ranked(postings: Postings, parsed: ParsedQuery, docs: np.ndarray,
           wanted: int) -> list[tuple[int, float]]:
    """``(docnum, score)`` of the first ``wanted`` hits among ``docs``."""
    if not len(docs):
        return []
    scores = bm25(postings, _terms(postings, parsed), docs)
    limit = min(len(docs), max(wanted, WINDOW))
    top = np.argpartition(-scores, limit - 1)[:limit] if limit < len(docs) else np.arange(len(docs))
    hits = sorted(zip(docs[top].tolist(), scores[top].tolist(), strict=True),
                  key=lambda h: (-h[1], h[0]))
    runs = proximity_runs(parsed)
    if runs:
        hits = _rerank(postings, runs, hits[:WINDOW]) + hits[WINDOW:]
    return hits[:wanted]


def bm25(postings: Postings, terms, docs: np.ndarray) -> np.ndarray:
    """Scores of ``docs`` (a sorted array) for weighted ``(field, text, boost)`` terms."""
    columns = postings.columns
    live = max(int(columns.live.sum()), 1)
    scores = np.zeros(len(docs))
    for fieldname, text, boost in terms:
        ids, tf = postings.get(fieldname, text)
        if not len(ids):
            continue
        idf = math.log(1 + (live - len(ids) + 0.5) / (len(ids) + 0.5))
        at = np.searchsorted(docs, ids)
        inside = (at < len(docs)) & (docs[np.minimum(at, len(docs) - 1)] == ids)
        ids, tf, at = ids[inside], tf[inside], at[inside]
        norm = 1 - B + B * columns.lengths[fieldname][ids] / columns.average_length[fieldname]
        scores[at] += boost * idf * tf * (K1 + 1) / (tf + K1 * norm)
    return scores


def _terms(postings: Postings, parsed: ParsedQuery) -> list[tuple[str, str, float]]:
    terms = []
    for clause in parsed.clauses():
        terms.extend(_clause_terms(postings, clause))
    return terms


def _clause_terms(postings: Postings, clause: Clause):
    for exact_field, folded_field in FIELD_VIEWS[clause.field]:
        if clause.kind == "prefix":
            reader = postings.searcher.reader()
            for term in expand_prefix(reader, folded_field, clause.folded[0]):
                yield folded_field, term, FIELD_BOOSTS[folded_field] * PREFIX_BOOST
            continue
        for token in clause.folded:
            yield folded_field, token, FIELD_BOOSTS[folded_field]
        if clause.accented and exact_field:
            for token in clause.exact:
                yield exact_field, token, FIELD_BOOSTS[exact_field] * EXACT_BOOST


def _rerank(postings: Postings, runs, hits):
    bonus = dict.fromkeys((d for d, _ in hits), 0)
    candidates = np.array(sorted(bonus), dtype=np.int64)
    for run in runs:
        together = union(phrase_docs(postings, f, run, within=candidates)
                         for f in ("title_f", "body_f"))
        for docnum in together.tolist():
            bonus[docnum] += 1
    scored = [(d, s * (1 + PROXIMITY_BONUS * bonus[d] / len(runs))) for d, s in hits]
    return sorted(scored, key=lambda hit: (-hit[1], hit[0]))
