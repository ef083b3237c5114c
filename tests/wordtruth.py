"""Which articles hold a word, read straight from their text without the index's analyzer.

A word is held where its syllables stand side by side, nothing but spaces, periods, hyphens,
slashes or apostrophes between them (a comma, a bracket or a line ends a word), each syllable
with the diacritics typed (any tone placement, any case) or, typed bare, in any reading.
"""

from __future__ import annotations

import re
import unicodedata

from index.analysis import fold, place_tone
from search.query import Syllable

JOINING = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000./'’–_-]*")
_SYLLABLE = re.compile(r"[^\W_]+")


def syllables_of(text: str) -> list[tuple[str, bool]]:
    """(exact syllable, joined to the one before) of a text."""
    text = unicodedata.normalize("NFC", text)
    found, end = [], None
    for match in _SYLLABLE.finditer(text):
        joined = end is not None and JOINING.fullmatch(text[end : match.start()]) is not None
        found.append((place_tone(match.group().lower()), joined))
        end = match.end()
    return found


def typed(text: str, marks: bool = True) -> list[Syllable]:
    """A word as a reader types it."""
    return [Syllable.read(place_tone(s.lower()), marks) for s in _SYLLABLE.findall(
        unicodedata.normalize("NFC", text))]


class Text:
    """The syllables of one field, with where each folded syllable stands."""

    def __init__(self, text: str):
        self.tokens = syllables_of(text)
        self.starts: dict[str, list[int]] = {}
        for p, (exact, _) in enumerate(self.tokens):
            self.starts.setdefault(fold(exact), []).append(p)

    def holds(self, word: list[Syllable]) -> bool:
        def agrees(syllable, exact):
            return syllable.exact == exact if syllable.exact else syllable.folded == fold(exact)

        for p in self.starts.get(word[0].folded, ()):
            window = self.tokens[p : p + len(word)]
            if len(window) == len(word) and all(j for _, j in window[1:]) and all(
                agrees(s, t) for s, (t, _) in zip(word, window, strict=True)
            ):
                return True
        return False


def articles_holding(texts: dict, spellings: list[list[Syllable]]) -> set:
    """Ids of the articles (id -> its fields as :class:`Text`) holding any spelling."""
    return {key for key, fields in texts.items()
            if any(field.holds(word) for field in fields for word in spellings)}
