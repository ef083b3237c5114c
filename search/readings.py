"""What the archive says about the words of a query: how often syllables stand together, and
which readings a word typed without diacritics has.

Both are read from the index's lexicon at query time, so they follow the archive as it grows:
the pair view's terms are keyed by their folded form (``dan van|dân vận``), so every reading of
a folded pair is one prefix range, and the lexicon's counts come with each term.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from index.analysis import normalize, reading_of, reading_prefix
from search.matching import Postings, union, word_postings
from search.query import VIEWS, Clause, ParsedQuery, Syllable

TOP = 5  # readings shown for a word
CANDIDATES = 8  # readings whose exact counts are read, the most frequent in the lexicon first


class IndexWordStats:
    """Occurrences of folded syllables and adjacent pairs in the bodies of the archive: the
    statistics :func:`search.words.read_words` reads a run of syllables with."""

    def __init__(self, reader):
        self._reader = reader
        self.total = int(reader.field_length("body_f") or 0)

    def syllable(self, folded: str) -> int:
        return int(self._reader.frequency("body_f", folded))

    def pair(self, a: str, b: str) -> int:
        return sum(count for _, count in _lexicon(self._reader, "body_pairs", [a, b]))


def _lexicon(reader, field: str, folded: list[str]):
    """``(term, occurrences)`` of every reading of folded syllables in one field."""
    for term in reader.expand_prefix(field, reading_prefix(folded)):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        yield text, reader.frequency(field, text)


@dataclass
class Reading:
    text: str
    count: int


def readings(postings: Postings, clause: Clause) -> list[Reading]:
    """The most frequent readings of a word typed without diacritics, with the number of live
    articles holding each (title or body); none for a word typed with them."""
    if clause.kind != "word" or clause.marked or clause.field == "official":
        return []
    candidates = _candidates(postings.searcher.reader(), clause.folded)
    found = []
    for syllables in candidates[:CANDIDATES]:
        spelling = [Syllable(fold_, exact) for fold_, exact in syllables]
        docs = union(word_postings(postings, v, spelling)[0] for v in VIEWS[clause.field])
        if len(docs):
            found.append(Reading(" ".join(e for _, e in syllables), len(docs)))
    found.sort(key=lambda r: (-r.count, r.text))
    return found[:TOP]


def _candidates(reader, folded: list[str]) -> list[list[tuple[str, str]]]:
    """Readings of the whole word, most frequent first: a syllable's readings from the exact
    view, a longer word's from its pairs, chained where neighbouring pairs share a syllable."""
    if len(folded) == 1:
        return [[(folded[0], reading_of(t))] for t, _ in _ranked(reader, ("title", "body"), folded)]
    chains: list[tuple[list[str], int]] = [([], 1 << 62)]
    for i in range(len(folded) - 1):
        pairs = _ranked(reader, ("title_pairs", "body_pairs"), folded[i : i + 2])
        grown = []
        for (chain, count), (term, pair_count) in product(chains, pairs):
            one, two = reading_of(term).split(" ")
            if not chain or chain[-1] == one:
                grown.append(((chain or [one]) + [two], min(count, pair_count)))
        chains = sorted(grown, key=lambda c: -c[1])[:CANDIDATES]
    return [list(zip(folded, chain, strict=True)) for chain, _ in chains]


def _ranked(reader, fields: tuple[str, ...], folded: list[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for field in fields:
        for term, count in _lexicon(reader, field, folded):
            counts[term] = counts.get(term, 0) + count
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: CANDIDATES * 2]


def query_with(parsed: ParsedQuery, clause: Clause, reading: str) -> str:
    """The query again, with one word read as ``reading``."""
    parts = []
    for group in parsed.groups:
        shown = [(f'"{reading}"' if " " in reading else reading) if c is clause else c.display()
                 for c in group]
        parts.append(" OR ".join(shown))
    return " ".join(parts + ["-" + c.display() for c in parsed.excluded])


def describe(postings: Postings, parsed: ParsedQuery) -> list[dict]:
    """The readings of each word typed without diacritics, as the response lists them."""
    if parsed.match != "words":
        return []
    found = []
    for clause in parsed.clauses():
        listed = readings(postings, clause)
        if len(listed) > 1 or (listed and listed[0].text != normalize(clause.text)):
            found.append({
                "word": clause.text,
                "readings": [{"text": r.text, "count": r.count,
                              "q": query_with(parsed, clause, r.text)} for r in listed],
            })
    return found
