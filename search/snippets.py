"""The best fragment of an article's body with the matched words marked.

A word is marked where it matched: its syllables side by side, folded alike, and with the
diacritics typed where some were. The body is folded with one ``str.translate`` that maps every
precomposed letter to one letter, so offsets in the folded text are offsets in the body and the
words are found by a regular expression, not by a Python loop over every word. Everything is
escaped; ``<mark>`` is the only markup added.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from index.analysis import exact_tokens, fold, nfc

WIDTH = 260  # characters in a fragment, about forty words
LEAD = 60  # characters shown before the first match of the fragment
_WORD_CHARS = r"[^\W_]"
_BETWEEN = r"[ \t\u00a0./-]+"  # what may stand between the syllables of one word


def _folding_table() -> dict[int, str]:
    """Each letter that folds to exactly one character, mapped to it (length-preserving)."""
    table = {}
    for code in range(0x41, 0x2000):
        char = chr(code)
        if not char.isalpha() or len(char.lower()) != 1:
            continue
        folded = fold(char.lower())
        if len(folded) == 1 and folded != char:
            table[code] = folded
    return table


_FOLD = _folding_table()


@lru_cache(maxsize=256)
def _pattern(words: frozenset[tuple[str, ...]], prefixes: tuple[str, ...]) -> re.Pattern | None:
    found = [_BETWEEN.join(map(re.escape, w)) for w in sorted(words, key=len, reverse=True)]
    found += [re.escape(p) + _WORD_CHARS + "*" for p in prefixes]
    if not found:
        return None
    return re.compile(rf"(?<!{_WORD_CHARS})(?:{'|'.join(found)})(?!{_WORD_CHARS})")


def snippet(body: str, words: list[tuple[tuple[str, ...], tuple[str | None, ...]]],
            prefixes: tuple[str, ...] = ()) -> str:
    """``words`` are (folded syllables, exact syllables or None where any reading will do)."""
    body = nfc(body or "")
    if not body.strip():
        return ""
    wanted: dict[tuple[str, ...], list[tuple[str | None, ...]]] = {}
    for folded, exact in words:
        wanted.setdefault(folded, []).append(exact)
    pattern = _pattern(frozenset(wanted), prefixes)
    hits = [m.span() for m in pattern.finditer(body.translate(_FOLD))] if pattern else []
    hits = [h for h in hits if _as_typed(body[h[0] : h[1]], wanted)]
    start = _snap_start(body, _best_start(hits))
    end = _snap_end(body, start + WIDTH)
    text = _marked(body, [h for h in hits if start <= h[0] and h[1] <= end], start, end)
    return str(("… " if start else "") + text + (" …" if end < len(body) else ""))


def _as_typed(text: str, wanted) -> bool:
    """Whether a match found by its folded form has the diacritics typed (prefixes always)."""
    tokens = exact_tokens(text)
    spellings = wanted.get(tuple(fold(t) for t in tokens))
    if spellings is None:
        return True
    return any(all(e in (None, t) for e, t in zip(exact, tokens, strict=True))
               for exact in spellings)


def _best_start(hits: list[tuple[int, int]]) -> int:
    """Start of the fragment holding the most matches (the first such fragment)."""
    if not hits:
        return 0
    best, best_count, j = hits[0][0], 0, 0
    for i, (begin, _) in enumerate(hits):
        while j < len(hits) and hits[j][1] <= begin + WIDTH - LEAD:
            j += 1
        if j - i > best_count:
            best, best_count = begin, j - i
    return max(0, best - LEAD)


def _snap_start(body: str, start: int) -> int:
    """Move a fragment's start to the beginning of a word."""
    if start == 0:
        return 0
    space = body.find(" ", start)
    return space + 1 if 0 <= space < start + LEAD else start


def _snap_end(body: str, end: int) -> int:
    if end >= len(body):
        return len(body)
    space = body.rfind(" ", 0, end)
    return space if space > 0 else end


def _marked(body: str, hits, start: int, end: int) -> Markup:
    out, cursor = [], start
    for begin, finish in hits:
        out.append(escape(body[cursor:begin]))
        out.append(Markup("<mark>%s</mark>") % body[begin:finish])
        cursor = finish
    out.append(escape(body[cursor:end]))
    return Markup("").join(out)
