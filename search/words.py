"""Reading a run of query syllables as words: which syllables must stand together.

Vietnamese writes words of several syllables with spaces inside (``dân vận``, ``Bộ Chính trị``),
so a query is a string of syllables whose word boundaries the reader must find. The reading is
the one with the fewest words made of known units; among equally short readings the one whose
units are the most used wins (``học sinh | học`` or ``học | sinh học``). Known units are:

* the fixed terms of the political press and the names of places (``terms.txt``, ours);
* the abbreviations and their long forms (``abbreviations.txt``, through :mod:`search.vocabulary`);
* the officials' names the archive knows (passed in, compared without marks);
* the general word list (``lexicon.txt``: two open word lists, kept where the press uses them,
  most used first; see its header and docs/words.md).

A syllable typed with marks must be that syllable; one typed bare may be any reading of it, so
``uy ban nhan dan`` is ``ủy ban nhân dân`` while ``dân vẫn`` is not ``dân vận``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from index.analysis import fold
from search.vocabulary import (
    Spelling,
    abbreviation_units,
    compatible,
    read_lines,
    syllables_of,
    typed,
)

LEXICON_PATH = Path(__file__).with_name("lexicon.txt")
TERMS_PATH = Path(__file__).with_name("terms.txt")


class WordStats(Protocol):
    """Archive statistics the engine passes in, read from the index (may be None in tests)."""

    total: int  # syllable occurrences in the archive (body)

    def syllable(self, folded: str) -> int: ...  # occurrences of one folded syllable

    def pair(self, a: str, b: str) -> int: ...  # occurrences of folded a directly followed by b


@dataclass(frozen=True)
class Lexicon:
    """Multi-syllable units by their folded syllables, each spelling with its weight."""

    units: dict[Spelling, tuple[tuple[Spelling, float], ...]]
    longest: int
    top: float  # the weight of the fixed terms, above every word of the word list


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
    for spelling, weight in weights.items():
        if len(spelling) > 1:
            units.setdefault(_key(spelling), []).append((spelling, weight))
    return Lexicon(
        {key: tuple(found) for key, found in units.items()},
        max(map(len, units), default=1),
        top,
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    terms = [syllables_of(line) for line in read_lines([TERMS_PATH])]
    terms += [tuple(unit) for unit in abbreviation_units()]
    return load_lexicon((syllables_of(line) for line in read_lines([LEXICON_PATH])), terms)


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
    folded = tuple(fold(s) for s in word)
    names_known = _name_keys(names if isinstance(names, (frozenset, tuple)) else tuple(names))
    n = len(word)
    # best[i]: (words, -weight) of the best reading of the first i syllables, and its last word
    best: list[tuple[int, float, int]] = [(0, 0.0, 0)] + [(n + 1, 0.0, 1)] * n
    for i in range(n):
        words_so_far, minus_weight, _ = best[i]
        for length in range(1, min(lexicon.longest, n - i) + 1):
            if length == 1:
                weight = 0.0
            else:
                key = folded[i : i + length]
                weight = _unit_weight(lexicon, word[i : i + length], key, names_known)
                if weight is None:
                    continue
            candidate = (words_so_far + 1, minus_weight - weight, length)
            if candidate[:2] < best[i + length][:2]:
                best[i + length] = candidate
    lengths, at = [], n
    while at > 0:
        lengths.append(best[at][2])
        at -= best[at][2]
    return lengths[::-1]


def _unit_weight(
    lexicon: Lexicon, word: Spelling, key: Spelling, names: frozenset[Spelling]
) -> float | None:
    """The weight of reading ``word`` as one unit, None when it is not a known unit."""
    if key in names:
        return lexicon.top
    weights = [w for spelling, w in lexicon.units.get(key, ()) if compatible(word, spelling)]
    return max(weights, default=None)


@lru_cache(maxsize=8)
def _name_keys(names: frozenset[str] | tuple[str, ...]) -> frozenset[Spelling]:
    keys = (_key(syllables_of(name)) for name in names)
    return frozenset(k for k in keys if len(k) > 1)


def _key(spelling: Spelling) -> Spelling:
    return tuple(fold(s) for s in spelling)
