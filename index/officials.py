"""Officials as entities: one canonical name per person, whatever spelling a page used.

Pages write the same name with the tone mark on different vowels (``Hòa``/``Hoà``) and in
different cases; the canonical name is the exact view of each syllable, capitalised, so
``Nguyễn Văn Hoà`` and ``NGUYỄN VĂN HÒA`` are both ``Nguyễn Văn Hòa``. Positions are words
too: ``Phó Bí thư Tỉnh uỷ`` and ``Phó bí thư Tỉnh ủy`` share one key, the words the analyzer
reads in canonical form, and are shown as written.
"""

from __future__ import annotations

from crawler.article import Official
from index.analysis import fold_text, nfc, normalize, place_tone, words


def _capitalise(syllable: str) -> str:
    # "h'yim" -> "H'Yim": every letter after an apostrophe or hyphen starts a part of the name.
    parts = []
    for i, ch in enumerate(syllable):
        starts = i == 0 or syllable[i - 1] in "'’-"
        parts.append(ch.upper() if starts else ch)
    return "".join(parts)


def canonical_name(name: str) -> str:
    return " ".join(_capitalise(place_tone(word)) for word in nfc(name).lower().split())


def name_key(name: str) -> str:
    """What an accentless, tone-insensitive filter compares: ``nguyen van hoa``."""
    return fold_text(name)


def position_key(position: str) -> str:
    """What spellings of one position share: its words, lowercase, tone marks in canonical place
    (spacing and punctuation aside, so ``Văn hoá , Thể thao`` meets ``Văn hóa, Thể thao``)."""
    return normalize(" ".join(words(position)))


def merge(officials: list[Official]) -> list[Official]:
    """One entry per canonical name, each position once in its first spelling, in order seen."""
    merged: dict[str, Official] = {}
    keys: dict[str, set[str]] = {}
    for official in officials:
        name = canonical_name(official.name)
        if not name:
            continue
        entry = merged.setdefault(name, Official(name=name))
        seen = keys.setdefault(name, set())
        for position in official.positions:
            position = " ".join(nfc(position).split())
            if position and position_key(position) not in seen:
                seen.add(position_key(position))
                entry.positions.append(position)
    return list(merged.values())
