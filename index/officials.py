"""Officials as entities: one canonical name per person, whatever spelling a page used.

Pages write the same name with the tone mark on different vowels (``Hòa``/``Hoà``) and in
different cases; the canonical name is the exact view of each syllable, capitalised, so
``Nguyễn Văn Hoà`` and ``NGUYỄN VĂN HÒA`` are both ``Nguyễn Văn Hòa``.
"""

from __future__ import annotations

from crawler.article import Official
from index.analysis import fold_text, nfc, place_tone


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


def merge(officials: list[Official]) -> list[Official]:
    """One entry per canonical name, positions kept in the order first seen."""
    merged: dict[str, Official] = {}
    for official in officials:
        name = canonical_name(official.name)
        if not name:
            continue
        entry = merged.setdefault(name, Official(name=name))
        for position in official.positions:
            position = nfc(position).strip()
            if position and position not in entry.positions:
                entry.positions.append(position)
    return list(merged.values())
