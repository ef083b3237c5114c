"""The best fragment of an article's body with the matched words marked.

A word is marked when its folded form is one the query looked for, so matches found through
folding are marked too. Everything is escaped; ``<mark>`` is the only markup added.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from index.analysis import fold, nfc

_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
WINDOW = 40  # words in a fragment


def snippet(body: str, folded_terms: set[str], prefixes: tuple[str, ...] = (), words: int = WINDOW) -> str:
    body = nfc(body or "")
    tokens = list(_WORD.finditer(body))
    if not tokens:
        return ""
    hits = [i for i, t in enumerate(tokens) if _matches(t.group(), folded_terms, prefixes)]
    start = _best_window(hits, len(tokens), words)
    end = min(len(tokens), start + words)
    first, last = tokens[start].start(), tokens[end - 1].end()
    text = _marked(body, tokens[start:end], set(hits), start, first, last)
    return str(("… " if start else "") + text + (" …" if end < len(tokens) else ""))


def _matches(word: str, folded_terms: set[str], prefixes: tuple[str, ...]) -> bool:
    folded = fold(word.lower())
    return folded in folded_terms or any(folded.startswith(p) for p in prefixes)


def _best_window(hits: list[int], size: int, words: int) -> int:
    """Start of the window holding the most hits (the first such window)."""
    if not hits:
        return 0
    best_start, best_count, j = hits[0], 0, 0
    for i, start in enumerate(hits):
        while j < len(hits) and hits[j] < start + words:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
    return max(0, min(best_start - words // 4, size - words))


def _marked(body, tokens, hits, offset, first, last) -> Markup:
    out, cursor = [], first
    for i, token in enumerate(tokens, offset):
        if i in hits:
            out.append(escape(body[cursor : token.start()]))
            out.append(Markup("<mark>%s</mark>") % token.group())
            cursor = token.end()
    out.append(escape(body[cursor:last]))
    return Markup("").join(out)
