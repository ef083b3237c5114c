"""The abbreviations of the political press, which stand for their words both ways.

``UBND`` is ``Ủy ban nhân dân``, ``TP. HCM`` and ``TPHCM`` are ``Thành phố Hồ Chí Minh``: an
article that writes one counts for a query that types the other. The spellings come from a
plain-text file (``abbreviations.txt``, syntax in its header), extended with the user's own files
the way the positions lexicon is (:func:`load_vocabulary` takes ``extra_paths``).

Spellings are compared syllable by syllable as the index reads them: a syllable typed without
marks meets every reading (``ubnd``, ``uy ban nhan dan``), one typed with marks only its own, in
any case and tone placement (``Uỷ`` = ``Ủy``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.analysis import fold, is_syllable, normalize, words

ABBREVIATIONS_PATH = Path(__file__).with_name("abbreviations.txt")

Spelling = tuple[str, ...]  # syllables, lowercase, canonical tone placement


@dataclass(frozen=True)
class Vocabulary:
    groups: tuple[tuple[Spelling, ...], ...]  # the spellings of one word, long form first
    by_key: dict[Spelling, tuple[int, ...]]  # folded syllables -> the groups spelled so


def syllables_of(text: str) -> Spelling:
    """The syllables of ``text`` as the index's tokenizer cuts them, in their exact view."""
    return tuple(normalize(" ".join(words(text))).split())


def typed(syllables: Sequence[str]) -> Spelling:
    """Syllables as typed, put in the exact view (NFC, lowercase, canonical tone placement)."""
    return tuple(normalize(s) or s for s in syllables)


def compatible(typed_syllables: Spelling, spelling: Spelling) -> bool:
    """Whether what was typed can be ``spelling``: bare syllables meet any marks, marked ones
    only their own. Both sides have the same folded syllables."""
    return all(t == fold(t) or t == s for t, s in zip(typed_syllables, spelling, strict=True))


def read_lines(paths: Iterable[str | Path]) -> list[str]:
    """The lines of data files, NFC, without ``#`` comments and blank lines."""
    lines = []
    for path in paths:
        text = unicodedata.normalize("NFC", Path(path).read_text(encoding="utf-8"))
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                lines.append(line)
    return lines


def load_vocabulary(extra_paths: Iterable[str | Path] = ()) -> Vocabulary:
    """The bundled abbreviations plus the user's files; a line sharing a spelling with an
    earlier one adds its spellings to that word."""
    groups: list[list[Spelling]] = []
    by_key: dict[Spelling, int] = {}
    for line in read_lines((ABBREVIATIONS_PATH, *extra_paths)):
        short, sep, long = line.partition("=")
        if not sep:
            raise ValueError(f"abbreviation line without '=': {line}")
        spellings = [syllables_of(s) for s in (*long.split("|"), *short.split("|"))]
        spellings = [s for s in spellings if s]
        if len(spellings) < 2:
            raise ValueError(f"abbreviation line needs a short and a long form: {line}")
        known = {by_key[k] for k in map(spelling_key, spellings) if k in by_key}
        group = min(known) if known else len(groups)
        if group == len(groups):
            groups.append([])
        for other in sorted(known - {group}, reverse=True):  # a line joining two words
            groups[group].extend(groups[other])
            groups[other] = []
        for spelling in spellings:
            if spelling not in groups[group]:
                groups[group].append(spelling)
        for spelling in groups[group]:
            by_key[spelling_key(spelling)] = group
    index: dict[Spelling, list[int]] = {}
    for i, group in enumerate(groups):
        for spelling in group:
            index.setdefault(spelling_key(spelling), []).append(i)
    return Vocabulary(
        tuple(tuple(g) for g in groups), {k: tuple(dict.fromkeys(v)) for k, v in index.items()}
    )


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    return load_vocabulary()


def expansions(syllables: Sequence[str], vocabulary: Vocabulary | None = None) -> list[list[str]]:
    """Other spellings of one word (its syllables as typed): ``ủy ban nhân dân`` -> ``[["ubnd"]]``
    and back; ``[]`` when the word has none. Each comes as the index's tokenizer cuts it, in its
    exact view (``["tp", "hcm"]``)."""
    vocabulary = vocabulary or default_vocabulary()
    word = typed(syllables)
    key = spelling_key(word)
    found: dict[Spelling, Spelling] = {}
    for group in vocabulary.by_key.get(key, ()):
        spellings = vocabulary.groups[group]
        if not any(spelling_key(s) == key and compatible(word, s) for s in spellings):
            continue
        for spelling in spellings:
            if spelling_key(spelling) != key:
                found.setdefault(spelling_key(spelling), spelling)
    return [list(s) for s in found.values()]


def abbreviation_units(vocabulary: Vocabulary | None = None) -> list[list[str]]:
    """Every long form and abbreviation as syllables, so that a query keeps each one whole."""
    vocabulary = vocabulary or default_vocabulary()
    return [list(s) for group in vocabulary.groups for s in group]


def shown(spelling: Sequence[str]) -> str:
    """A spelling as the press writes it: letters that make no syllable are an abbreviation's,
    in capitals (``UBND``, ``TP HCM``), the rest as they are (``ủy ban nhân dân``)."""
    return " ".join(s if is_syllable(s) else s.upper() for s in spelling)


def spelling_key(spelling: Spelling) -> Spelling:
    """The key spellings are compared by: the syllables without marks."""
    return tuple(map(fold, spelling))
