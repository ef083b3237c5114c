"""Vietnamese text analysis for Whoosh.

Vietnamese breaks naive search in four ways, and each has its own small step here:

* typing tools emit decomposed Unicode (NFD) -> the tokenizer composes (NFC) before it splits,
  since a regex over NFD text cuts ``Việt`` into ``vie`` + ``t``;
* the tone mark of ``oa``, ``oe`` and ``uy`` sits on either vowel (``Hòa``/``Hoà``,
  ``Thủy``/``Thuỷ``) -> :class:`ToneMarkFilter` moves it to one canonical vowel;
* people type without diacritics, and ``đ`` is a letter Unicode does not decompose ->
  :class:`FoldFilter` strips every mark and maps ``đ`` to ``d``;
* document numbers (``25-NQ/TW``, ``16/CT-TTg``) are typed with any punctuation -> the tokenizer
  splits them into their parts at consecutive positions, so every spelling is the same phrase.

Canonical tone placement is the traditional ("old") style used by most of the Party and State
press: in an open syllable the mark of ``oa``, ``oe``, ``uy`` goes on the first vowel
(``hòa``, ``khỏe``, ``thủy``); everywhere else both styles agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain

from unidecode import unidecode
from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer
from whoosh.analysis.analyzers import CompositeAnalyzer

TONE_MARKS = {
    "\u0300": "huyền",
    "\u0301": "sắc",
    "\u0303": "ngã",
    "\u0309": "hỏi",
    "\u0323": "nặng",
}
_VOWELS = set("aăâeêioôơuưy")
# Vowels whose quality mark claims the tone in a cluster (``ơ`` wins over ``ư`` in ``ươ``).
_MARKED_VOWELS = "ơêâăôư"
_SYLLABLE = re.compile(
    r"^(?P<onset>qu|gi(?=[aăâeêoôơuưy])|[bcdđghklmnpqrstvx]*)"
    r"(?P<nucleus>[aăâeêioôơuưy]+)(?P<coda>[cghmnpt]*)$"
)
_TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _tone_vowel(nucleus: str, closed: bool) -> int:
    """Index in ``nucleus`` of the vowel that carries the tone, in the canonical style."""
    for mark in _MARKED_VOWELS:
        if mark in nucleus:
            return nucleus.rindex(mark) if mark == "ơ" else nucleus.index(mark)
    if len(nucleus) == 3:
        return 1
    if len(nucleus) == 2:
        return 1 if closed else 0
    return 0


@lru_cache(maxsize=65536)
def place_tone(word: str) -> str:
    """Put the tone mark of a lowercase syllable on its canonical vowel.

    Words that are not one Vietnamese syllable (``café``, ``Kring``, numbers) come back as NFC,
    unchanged.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if not tones:
        return nfc(word)
    bare = nfc("".join(c for c in decomposed if c not in TONE_MARKS))
    match = _SYLLABLE.match(bare)
    if not match:
        return nfc(word)
    start, nucleus = match.start("nucleus"), match.group("nucleus")
    at = start + _tone_vowel(nucleus, closed=bool(match.group("coda")))
    return nfc(bare[: at + 1] + tones[0] + bare[at + 1 :])


def is_syllable(word: str) -> bool:
    """Whether a lowercase word is spelled as one Vietnamese syllable (``ủy`` is, ``ubnd`` is
    not)."""
    bare = nfc("".join(c for c in unicodedata.normalize("NFD", word) if c not in TONE_MARKS))
    return _SYLLABLE.match(bare) is not None


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Strip every diacritic and map ``đ`` to ``d``: what a user types without accents.

    Letters of other scripts that survive stripping are transliterated when a transliteration
    exists, so a folded token is ASCII whenever it can be and never empty.
    """
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    )
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    if stripped.isascii():
        return stripped
    ascii_form = unidecode(stripped).lower()
    return ascii_form if ascii_form.isalnum() else nfc(stripped)


def normalize(text: str) -> str:
    """The exact view of a phrase: NFC, lowercase, canonical tone placement per word."""
    return " ".join(place_tone(t) for t in nfc(text).lower().split())


def fold_text(text: str) -> str:
    """The folded view of a phrase, word by word."""
    return " ".join(fold(t) for t in nfc(text).lower().split())


def words(text: str) -> list[str]:
    """The tokens of ``text`` as the tokenizer cuts them, before any filter."""
    return _TOKEN.findall(nfc(text))


class VietnameseTokenizer(Tokenizer):
    """Syllables and numbers of NFC text; punctuation inside a document number splits it."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = nfc(value)
        if not tokenize:
            token.original = token.text = text
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(text)
            yield token
            return
        end = None
        for pos, match in enumerate(_TOKEN.finditer(text), start_pos):
            token.text = match.group()
            token.joined = end is not None and not BREAKS.search(text, end, match.start())
            end = match.end()
            token.boost = 1.0
            if keeporiginal:
                token.original = token.text
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class ToneMarkFilter(Filter):
    """Moves each syllable's tone mark to its canonical vowel (``hoà`` -> ``hòa``)."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = place_tone(token.text)
            yield token


class FoldFilter(Filter):
    """Removes all diacritics and maps ``đ`` to ``d``; drops tokens that fold to nothing."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            if token.text:
                yield token


class ReadingFilter(Filter):
    """Keys an exact syllable by its folded form (``đảng`` -> ``dang|đảng``), so that every
    reading of a syllable typed without diacritics is one prefix range of the lexicon."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = reading_key(token.text)
            yield token


class PairFilter(Filter):
    """Turns exact syllables into the pairs that stand next to each other, keyed by their folded
    form (``dân vận`` -> ``dan van|dân vận``) at the first syllable's position.

    Two syllables are a pair only when nothing but spaces, periods, hyphens or slashes stands
    between them (see :data:`BREAKS`): a word never spans a comma, a bracket or a line."""

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            if previous is not None and token.joined and token.pos == previous[1] + 1:
                text = token.text
                token.text, token.pos = pair_key(previous[0], text), previous[1]
                yield token
                token.text, token.pos = text, previous[1] + 1
            previous = (token.text, token.pos)


# What ends a word: anything between two syllables but these (spaces, but not line breaks;
# the period of ``TP. HCM``; the hyphens and slashes of ``25-NQ/TW`` and ``kinh tế - xã hội``).
BREAKS = re.compile(r"[^\w\u0300-\u036f \t\u00a0\u2000-\u200b\u202f\u205f\u3000.\-/'’–]")
READING_SEPARATOR = "|"


def reading_key(exact: str) -> str:
    """The exact view's term for one syllable: its folded form, then the syllable."""
    return f"{fold(exact)}{READING_SEPARATOR}{exact}"


def pair_key(first: str, second: str) -> str:
    """The pair view's term for two exact syllables: the folded pair, then the exact pair."""
    return f"{fold(first)} {fold(second)}{READING_SEPARATOR}{first} {second}"


def reading_prefix(folded: list[str]) -> str:
    """The lexicon prefix shared by every reading of folded syllables (one or a pair)."""
    return " ".join(folded) + READING_SEPARATOR


def reading_of(key: str) -> str:
    """The exact syllable or pair of a key made by :func:`reading_key` or :func:`pair_key`."""
    return key.partition(READING_SEPARATOR)[2]


def ExactAnalyzer():
    """Diacritics kept, so ``bầu`` and ``bấu`` stay apart."""
    return VietnameseTokenizer() | LowercaseFilter() | ToneMarkFilter()


def ReadingAnalyzer():
    """The exact view as indexed: exact syllables keyed by their folded form."""
    return ExactAnalyzer() | ReadingFilter()


def FoldedAnalyzer():
    """What a query typed without diacritics meets: ``dang`` for ``Đảng``."""
    return VietnameseTokenizer() | LowercaseFilter() | FoldFilter()


def PairAnalyzer():
    """Adjacent exact syllables, keyed by their folded form: a two-syllable word is one term,
    and a longer one a run of pairs at consecutive positions."""
    return ExactAnalyzer() | PairFilter()


def exact_tokens(text: str) -> list[str]:
    return [t.text for t in ExactAnalyzer()(text)]


def folded_tokens(text: str) -> list[str]:
    return [t.text for t in FoldedAnalyzer()(text)]


class TermMemo:
    """An analyzer's terms and their positions, with the filters run once per distinct word.

    Indexing would run the tokenizer's regular expression and the filter chain over every
    occurrence, yet a Vietnamese archive has only a few thousand distinct syllables: splitting
    on whitespace (which never falls inside a token) and remembering what each piece becomes
    makes analysis several times faster. This is sound only because each filter here turns one
    token into one token (or drops it) by its text alone, so :meth:`for_analyzer` accepts no
    other pipeline, except a last :class:`PairFilter`, whose pairs are formed here from the
    remembered syllables within each stretch of text that holds no :data:`BREAKS`.
    """

    PURE_FILTERS = (LowercaseFilter, ToneMarkFilter, FoldFilter, ReadingFilter)
    LIMIT = 500_000  # distinct pieces remembered; numbers and names keep it growing

    def __init__(self, filters, pairs: bool = False):
        self._filters = filters
        self._pairs = pairs
        self._pieces: dict[str, tuple[bytes, ...]] = {}

    @classmethod
    def for_analyzer(cls, analyzer) -> TermMemo | None:
        """The memo for ``analyzer``, or None when its results cannot be memoised."""
        if not isinstance(analyzer, CompositeAnalyzer):
            return None
        tokenizer, *filters = analyzer.items
        pairs = bool(filters) and type(filters[-1]) is PairFilter
        filters = filters[:-1] if pairs else filters
        pure = all(type(f) in cls.PURE_FILTERS for f in filters)
        return cls(filters, pairs) if type(tokenizer) is VietnameseTokenizer and pure else None

    def positions(self, text: str) -> dict[bytes, list[int]]:
        """Each term of ``text`` (UTF-8, as Whoosh stores terms) with the positions the
        analyzer gives its occurrences; a dropped token keeps its position unused."""
        found: dict[bytes, list[int]] = defaultdict(list)
        for pos, term in self._postings(text):
            found[term].append(pos)
        return found

    def frequencies(self, text: str) -> Counter[bytes]:
        """Each term of ``text`` with its number of occurrences."""
        return Counter(term for _, term in self._postings(text))

    def _postings(self, text: str) -> Iterator[tuple[int, bytes]]:
        if self._pairs:
            return self._pair_postings(text)
        return ((pos, term) for pos, term in enumerate(self._terms(nfc(text))) if term)

    def _pair_postings(self, text: str) -> Iterator[tuple[int, bytes]]:
        start = 0
        for stretch in BREAKS.split(nfc(text)):
            terms = list(self._terms(stretch))
            for pos, (first, second) in enumerate(zip(terms, terms[1:], strict=False), start):
                if first and second:
                    yield pos, _joined_pair(first, second)
            start += len(terms)

    def _terms(self, text: str) -> Iterator[bytes]:
        """The term of each token in order, ``b""`` for a token the filters drop."""
        pieces = text.split()
        known = self._pieces
        unseen = set(pieces).difference(known)
        if len(known) + len(unseen) > self.LIMIT:
            known.clear()
            unseen = set(pieces)
        for piece in unseen:
            known[piece] = tuple(self._analyse(raw) for raw in _TOKEN.findall(piece))
        return chain.from_iterable(map(known.__getitem__, pieces))

    def _analyse(self, raw: str) -> bytes:
        token = Token(positions=True, boosts=True)
        token.text, token.boost, token.stopped, token.pos = raw, 1.0, False, 0
        stream = iter((token,))
        for step in self._filters:
            stream = step(stream)
        return next((t.text.encode("utf-8") for t in stream), b"")


@lru_cache(maxsize=1 << 18)
def _joined_pair(first: bytes, second: bytes) -> bytes:
    return pair_key(first.decode("utf-8"), second.decode("utf-8")).encode("utf-8")
