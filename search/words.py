"""Reading a run of query syllables as words: which syllables must stand together.

Vietnamese writes words of several syllables with spaces inside (``dân vận``, ``Bộ Chính trị``),
so a query is a string of syllables whose word boundaries the reader must find. The reading is
the one with the fewest words made of known units; among equally short readings the one whose
units are the most used wins (``học sinh | học`` or ``học | sinh học``). Known units are:

* the fixed terms of the political press and the names of places (``terms.txt``, ours);
* the abbreviations and their long forms (``abbreviations.txt``, through :mod:`search.vocabulary`);
* the officials' names the archive knows (passed in, compared without marks);
* the general word list (``lexicon.txt``: two open word lists, kept where the press uses them,
  most used first; see its header and docs/words.md);
* when the archive's statistics are given, runs of syllables that the archive writes together
  far more often than chance (words and names the lists lack: ``kỳ họp``, ``lấy phiếu``),
  joined only where no listed unit covers them.

A syllable typed with marks must be that syllable; one typed bare may be any reading of it, so
``uy ban nhan dan`` is ``ủy ban nhân dân`` while ``dân vẫn`` is not ``dân vận``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Protocol

from index.analysis import fold, fold_text, words
from search.vocabulary import (
    Spelling,
    abbreviation_units,
    compatible,
    read_lines,
    spelling_key,
    syllables_of,
    typed,
)

LEXICON_PATH = Path(__file__).with_name("lexicon.txt")
TERMS_PATH = Path(__file__).with_name("terms.txt")
# Two syllables no known unit covers stand together when the archive writes them side by side
# at least MIN_PAIR times and MIN_PMI bits more often than chance; a run of up to MAX_RUN such
# syllables is one unit. Chosen on the judged set (docs/words.md).
MIN_PAIR = 10
MIN_PMI = 3.0
MAX_RUN = 4


class WordStats(Protocol):
    """Archive statistics the engine passes in, read from the index (may be None in tests)."""

    total: int  # syllable occurrences in the archive (body)

    def syllable(self, folded: str) -> int: ...  # occurrences of one folded syllable

    def pair(self, a: str, b: str) -> int: ...  # occurrences of folded a directly followed by b


class CountedStats:
    """:class:`WordStats` counted from texts, as the index's syllables and pairs count them."""

    def __init__(self, texts: Iterable[str] = ()):
        self.syllables: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.total = 0
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        folded = fold_text(" ".join(words(text))).split()
        self.syllables.update(folded)
        self.pairs.update(pairwise(folded))
        self.total += len(folded)

    def syllable(self, folded: str) -> int:
        return self.syllables[folded]

    def pair(self, a: str, b: str) -> int:
        return self.pairs[a, b]


@dataclass(frozen=True)
class Lexicon:
    """Multi-syllable units by their folded syllables, each spelling with its weight."""

    units: dict[Spelling, tuple[tuple[Spelling, float], ...]]
    longest: int
    top: float  # the weight of the fixed terms, above every word of the word list
    standalone: frozenset[str]  # folded one-syllable terms (UBND), never joined to a neighbour


def load_lexicon(ranked: Iterable[Spelling], terms: Iterable[Spelling]) -> Lexicon:
    """Units from a word list, most used first, and from fixed terms, which outrank them all.

    A word's weight falls with the log of its rank, as its frequency would (Zipf's law), so the
    order of the list is all the frequency it needs to keep.
    """
    ranked = list(ranked)
    top = math.log(len(ranked) + 2)
    weights: dict[Spelling, float] = {}
    for spelling in terms:
        weights[spelling] = top
    for rank, spelling in enumerate(ranked, 1):
        weights.setdefault(spelling, top - math.log(rank + 1))
    units: dict[Spelling, list[tuple[Spelling, float]]] = {}
    standalone = set()
    for spelling, weight in weights.items():
        if len(spelling) > 1:
            units.setdefault(spelling_key(spelling), []).append((spelling, weight))
        elif spelling:
            standalone.add(fold(spelling[0]))
    return Lexicon(
        {key: tuple(found) for key, found in units.items()},
        max(map(len, units), default=1),
        top,
        frozenset(standalone),
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    terms = [syllables_of(line) for line in read_lines([TERMS_PATH])]
    terms += [tuple(unit) for unit in abbreviation_units()]
    # The word list is written in the exact view already (scripts/words_quality.py).
    return load_lexicon((tuple(line.split()) for line in read_lines([LEXICON_PATH])), terms)


def read_words(
    syllables: Sequence[str],
    stats: WordStats | None = None,
    names: Iterable[str] = (),
    lexicon: Lexicon | None = None,
) -> list[int]:
    """Lengths of the words the run of syllables reads as, in order; they sum to
    ``len(syllables)``.

    ``syllables`` are one unquoted run of the query as typed (any case, tone placement, with or
    without marks); ``names`` are further units the archive knows (officials' names), compared
    without marks; pass a frozenset to have them prepared once.
    """
    lexicon = lexicon or default_lexicon()
    word = typed(syllables)
    folded = spelling_key(word)
    names_known = _name_keys(names if isinstance(names, (frozenset, tuple)) else tuple(names))

    def listed(i: int, length: int) -> float | None:
        key = folded[i : i + length]
        if key in names_known:
            return lexicon.top
        found = lexicon.units.get(key, ())
        return max((w for s, w in found if compatible(word[i : i + length], s)), default=None)

    lengths = _fewest_words(len(word), lexicon.longest, listed)
    return _join_unlisted(lengths, word, folded, lexicon, stats) if stats else lengths


def _fewest_words(n: int, longest: int, weight: Callable[[int, int], float | None]) -> list[int]:
    """The reading of ``n`` syllables in the fewest units, then the greatest total weight;
    ``weight(i, length)`` is that of the unit starting at ``i``, None if there is none."""
    # best[i]: (units, -weight) of the best reading of the first i syllables, and its last unit
    best: list[tuple[int, float, int]] = [(0, 0.0, 0)] + [(n + 1, 0.0, 1)] * n
    for i in range(n):
        units, minus_weight, _ = best[i]
        for length in range(1, min(longest, n - i) + 1):
            w = 0.0 if length == 1 else weight(i, length)
            if w is not None and (units + 1, minus_weight - w) < best[i + length][:2]:
                best[i + length] = (units + 1, minus_weight - w, length)
    lengths, at = [], n
    while at > 0:
        lengths.append(best[at][2])
        at -= best[at][2]
    return lengths[::-1]


def _join_unlisted(
    lengths: list[int], word: Spelling, folded: Spelling, lexicon: Lexicon, stats: WordStats
) -> list[int]:
    """Runs of syllables no known unit covers, joined where the archive binds them
    (``lấy phiếu | tín nhiệm``, ``Tân Sơn Nhất``); known units are never cut or extended."""
    bonds: dict[int, bool] = {}

    def bound(i: int) -> bool:
        if i not in bonds:
            bonds[i] = _bound(lexicon, word[i : i + 2], folded[i : i + 2], stats)
        return bonds[i]

    def chain(start: int) -> Callable[[int, int], float | None]:
        return lambda i, n: 0.0 if all(bound(start + i + k) for k in range(n - 1)) else None

    out, at, run = [], 0, 0  # run: loose syllables waiting before ``at``
    for length in [*lengths, 0]:
        loose = length == 1 and folded[at].isalpha() and folded[at] not in lexicon.standalone
        if loose:
            run += 1
        else:
            out += _fewest_words(run, MAX_RUN, chain(at - run)) if run > 1 else [1] * run
            out += [length] if length else []
            run = 0
        at += length
    return out


def _bound(lexicon: Lexicon, word: Spelling, pair: Spelling, stats: WordStats) -> bool:
    """Whether two syllables stand together in the archive far more often than chance.

    The counts are of folded syllables, so a pair the word list knows in other marks than the
    ones typed (``dân vẫn``, where the archive's ``dan van`` is mostly ``dân vận``) is no bond.
    """
    listed = lexicon.units.get(pair, ())
    if listed and not any(compatible(word, s) for s, _ in listed):
        return False
    together = stats.pair(*pair)
    apart = max(stats.syllable(pair[0]) * stats.syllable(pair[1]), 1)
    return together >= MIN_PAIR and math.log2(together * max(stats.total, 1) / apart) >= MIN_PMI


@lru_cache(maxsize=8)
def _name_keys(names: frozenset[str] | tuple[str, ...]) -> frozenset[Spelling]:
    keys = (spelling_key(syllables_of(name)) for name in names)
    return frozenset(k for k in keys if len(k) > 1)
