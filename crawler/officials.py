"""Named officials and their positions, as Vietnamese political news introduces them.

The press names an official in a few fixed shapes: ``đồng chí NAME - POSITION, POSITION``,
``ông/bà NAME, POSITION``, ``POSITION NAME`` (``Thủ tướng Chính phủ Nguyễn Xuân Phúc``).
A capitalised run is taken as a name only in one of those shapes, never on its own, because
places and bodies are capitalised too (``Kon Tum``, ``Ban Dân vận``, ``Mặt trận Tổ quốc``),
and many ethnic-minority names (``Y Mửi``, ``Ksor Phước``, ``H'Yim Kđoh``) start with no common
surname, so a surname list can only help split a name off a place, not find one.

Positions come from a plain-text lexicon (``positions.txt``, syntax in its header). Matching
runs on a tone-folded copy of the text of the same length, so ``Ủy``/``Uỷ`` and ``Hòa``/``Hoà``
meet while the spans still cut the names and positions out of the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from crawler.article import Official

LEXICON_PATH = Path(__file__).with_name("positions.txt")
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

_S = r"[^\S\n]+"  # a space that stays inside one paragraph
_UPPER = "A-ZĐÂĂÊÔƠƯ"  # capitals once tone marks are folded away
_CAP = rf"(?-i:[{_UPPER}][\w'’]*)"
_LOW = r"(?-i:[a-zđâăêôơư][\w'’]*)"
_OPEN = {
    "PLACE": rf"{_CAP}(?:{_S}{_CAP})*",
    "ORG": rf"{_CAP}(?:{_S}{_LOW})?(?:{_S}(?:và{_S})?{_CAP}(?:{_S}{_LOW})?)*",
}
_RUN = re.compile(rf"{_CAP}(?:{_S}{_CAP})*")
_TOKEN = re.compile(r"\{\w+\}|[()\[\]|]|[^\s()\[\]|{}]+")
_CUE = re.compile(
    r"(?<!\w)(?P<cue>đồng chí|đ/c|ông|bà|(?:đại|thượng|trung|thiếu) (?:tá|tướng)|đại tướng)"
    r"(?:[^\S\n]*:)?[^\S\n]+",
    re.IGNORECASE,
)
_LIST_START = re.compile(r"[^\S\n]*(?:[-–—,(:]|kiêm)?[^\S\n]*")
_LIST_NEXT = re.compile(r"[^\S\n]*(?:,|kiêm)[^\S\n]*")
_NEXT_PERSON = re.compile(r"[^\S\n]*[;,][^\S\n]*(?:và[^\S\n]+)?(?:(?:đồng chí|đ/c)[^\S\n]+)?")

# Words that open most names: the common surnames, and the words that open many names of the
# Central Highlands peoples (Y, A, H'..., Ksor, Siu). Only used to find where a place or a body
# ends and a name begins, never to accept a name.
# fmt: off
_NAME_OPENERS = frozenset([
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "trương", "đinh", "lương", "tô", "trịnh", "vương",
    "y", "a", "ksor", "siu", "kpă", "rơ", "nay", "rah", "điểu",
])
# Words no name contains, and words that start a place or a body rather than a name.
_NEVER_IN_NAME = frozenset([
    "ubnd", "hđnd", "mttq", "đbqh", "ủy", "uỷ", "đảng", "huyện", "xã", "sở", "bộ",
])
_NEVER_FIRST = frozenset([
    "ban", "hội", "mặt", "việt", "nhà", "cộng", "chính", "quân", "công", "trung", "thành",
    "quốc", "tỉnh", "kon", "đắk", "đăk", "krông", "ia", "ea", "cư", "chư", "bắc", "nam", "tây",
    "đông", "nghị",
])
# fmt: on


@dataclass(frozen=True)
class Lexicon:
    patterns: tuple[re.Pattern, ...]


def fold(text: str) -> str:
    """``text`` with tone marks dropped, one character for one, so spans carry over."""
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", char) if c not in TONE_MARKS)
    bare = unicodedata.normalize("NFC", bare)
    return bare if len(bare) == 1 else char


def name_key(text: str) -> str:
    """A key equal for spellings that differ only in case or tone-mark placement."""
    words = []
    for word in unicodedata.normalize("NFD", text.casefold()).split():
        tones = "".join(sorted(c for c in word if c in TONE_MARKS))
        words.append(
            unicodedata.normalize("NFC", "".join(c for c in word if c not in TONE_MARKS)) + tones
        )
    return " ".join(words)


# -- the lexicon -----------------------------------------------------------------------------


def load_lexicon(extra_paths: Iterable[str | Path] = ()) -> Lexicon:
    """The bundled lexicon plus the user's files, which may add patterns and list names."""
    lines = []
    for path in (LEXICON_PATH, *extra_paths):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = unicodedata.normalize("NFC", line.split("#", 1)[0]).strip()
            if line:
                lines.append(line)
    lists: dict[str, list[str]] = {}
    for line in lines:
        name, sep, names = line.partition("=")
        if sep and re.fullmatch(r"\s*[A-Z]+\s*", name):
            lists.setdefault(name.strip(), []).extend(n.strip() for n in names.split("|"))
    patterns = [line for line in lines if not re.match(r"[A-Z]+\s*=", line)]
    return Lexicon(tuple(_compile(p, lists) for p in patterns))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()


def _compile(pattern: str, lists: dict[str, list[str]]) -> re.Pattern:
    alternatives, _ = _parse(_TOKEN.findall(pattern), 0, None, pattern)
    slots = iter(range(1000))
    source = _render_alternatives(alternatives, lists, slots)
    return re.compile(rf"(?<!\w){source}(?!\w)", re.IGNORECASE)


def _parse(tokens: list[str], i: int, close: str | None, pattern: str):
    """Alternatives (each a list of items) up to ``close``; items are (kind, value) pairs."""
    alternatives, items = [], []
    while i < len(tokens):
        token, i = tokens[i], i + 1
        if token == close:
            alternatives.append(items)
            return alternatives, i
        if token == "|":
            alternatives.append(items)
            items = []
        elif token in ("(", "["):
            inner, i = _parse(tokens, i, ")" if token == "(" else "]", pattern)
            items.append(("optional" if token == "[" else "group", inner))
        elif token in (")", "]"):
            raise ValueError(f"unbalanced {token!r} in lexicon pattern: {pattern}")
        else:
            items.append(("slot" if token.startswith("{") else "word", token))
    if close:
        raise ValueError(f"missing {close!r} in lexicon pattern: {pattern}")
    alternatives.append(items)
    return alternatives, i


def _render_alternatives(alternatives, lists, slots) -> str:
    # Longest first, as re takes the first alternative that fits.
    rendered = sorted((_render_sequence(seq, lists, slots) for seq in alternatives), key=len)
    return "(?:" + "|".join(reversed(rendered)) + ")"


def _render_sequence(items, lists, slots) -> str:
    """Words joined by spaces; an optional part takes its own space with it."""
    out, spaced = "", False
    for kind, value in items:
        if kind == "optional":
            inner = _render_alternatives(value, lists, slots)
            out += f"(?:{_S}{inner})?" if spaced else f"(?:{inner}{_S})?"
            continue
        if kind == "group":
            part = _render_alternatives(value, lists, slots)
        elif kind == "slot":
            part = _render_slot(value[1:-1], lists, slots)
        else:
            part = re.escape(fold(value))
        out += (_S if spaced else "") + part
        spaced = True
    return out


def _render_slot(name: str, lists, slots) -> str:
    known = sorted((fold(n) for n in lists.get(name, [])), key=len, reverse=True)
    options = [_S.join(map(re.escape, n.split())) for n in known]
    if name in _OPEN:
        options.append(f"(?P<open{next(slots)}>{_OPEN[name]})")
    if not options:
        raise ValueError(f"lexicon list {{{name}}} has no names")
    return "(?:" + "|".join(options) + ")"


# -- finding officials -----------------------------------------------------------------------


def find_officials(text: str, lexicon: Lexicon | None = None) -> list[Official]:
    """Officials named in ``text``, one per person in order of first mention.

    Spellings differing only in case or tone placement are one person (the first spelling is
    kept); their positions are merged in order of first appearance.
    """
    text = unicodedata.normalize("NFC", text or "")
    finder = _Finder(text, lexicon or default_lexicon())
    mentions = sorted(finder.after_cues() + finder.after_positions(), key=lambda m: m[0])
    merged: dict[str, Official] = {}
    for _, name, positions in mentions:
        official = merged.setdefault(name_key(name), Official(name, []))
        seen = {name_key(p) for p in official.positions}
        for position in positions:
            if name_key(position) not in seen:
                seen.add(name_key(position))
                official.positions.append(position)
    return list(merged.values())


class _Finder:
    """One text and its folded copy; spans found in the copy are cut from the text."""

    def __init__(self, text: str, lexicon: Lexicon):
        self.text, self.folded, self.lexicon = text, fold(text), lexicon
        self.known: set[str] = set()  # folded names already met after a cue

    def cut(self, start: int, end: int) -> str:
        return " ".join(self.text[start:end].split()).rstrip(",-–— ")

    def after_cues(self) -> list[tuple[int, str, list[str]]]:
        """``đồng chí NAME - POSITION, ...`` and lists of such (``các đồng chí: A - X; B - Y``)."""
        found = []
        for cue in _CUE.finditer(self.text):
            is_comrade = cue["cue"].lower() in ("đồng chí", "đ/c")
            at = cue.end()
            while (name := self.name_at(at)) is not None:
                positions, at = self.position_list(name[1])
                if not (positions or is_comrade):
                    break
                found.append((name[0], self.cut(*name), positions))
                self.known.add(self.folded[name[0] : name[1]].lower())
                follow = _NEXT_PERSON.match(self.text, at)
                nxt = self.name_at(follow.end()) if follow else None
                if nxt is None or not self.position_list(nxt[1])[0]:
                    break
                at = follow.end()
        return found

    def after_positions(self) -> list[tuple[int, str, list[str]]]:
        """``Ủy viên Bộ Chính trị, Thủ tướng Chính phủ NAME``: positions chained before a name."""
        found, chain = [], []
        for start, end in self.all_positions():
            if chain and not _LIST_NEXT.fullmatch(self.folded, chain[-1][1], start):
                chain = []
            chain.append((start, end))
            space = re.match(_S, self.folded[end:])
            name = self.name_at(end + space.end()) if space else None
            if name:
                found.append((name[0], self.cut(*name), [self.cut(*span) for span in chain]))
                chain = []
        return found

    def all_positions(self) -> list[tuple[int, int]]:
        matches = sorted(
            (
                (m.start(), self.trimmed_end(m))
                for p in self.lexicon.patterns
                for m in p.finditer(self.folded)
            ),
            key=lambda span: (span[0], -span[1]),
        )
        spans, end = [], -1
        for span in matches:
            if span[0] >= end:
                spans.append(span)
                end = span[1]
        return spans

    def position_at(self, at: int) -> int | None:
        """End of the longest position starting at ``at``."""
        ends = [
            self.trimmed_end(m) for p in self.lexicon.patterns if (m := p.match(self.folded, at))
        ]
        return max(ends, default=None)

    def position_list(self, at: int) -> tuple[list[str], int]:
        """Positions set after a name: ``- A, B kiêm C``; stops where the prose starts."""
        positions, sep = [], _LIST_START.match(self.folded, at)
        while sep and (end := self.position_at(sep.end())):
            positions.append(self.cut(sep.end(), end))
            at, sep = end, _LIST_NEXT.match(self.folded, end)
        return positions, at

    def trimmed_end(self, match: re.Match) -> int:
        """Where a position ends once a name its open tail swallowed is handed back.

        ``Bộ trưởng Bộ Y tế Nguyễn Thanh Long``: the open ``{ORG}`` runs on over the name; it
        is cut before the first word that opens a valid name and either commonly opens names
        or opens one the article has already introduced (``Bí thư Huyện ủy Kring Ba``).
        """
        tails = [g for g, v in match.groupdict().items() if v and match.end(g) == match.end()]
        if not tails:
            return match.end()
        start = match.start(tails[0])
        for word in re.finditer(r"\S+", self.text[start : match.end()]):
            at = start + word.start()
            known = any(self.folded[at : at + len(k)].lower() == k for k in self.known)
            if (known or _opens_name(word[0])) and self.name_at(at):
                return len(self.text[:at].rstrip())
        return match.end()

    def name_at(self, at: int) -> tuple[int, int] | None:
        """The span of a 2-5 word capitalised name starting at ``at``, cut before a position."""
        run = _RUN.match(self.folded, at)
        if not run:
            return None
        words = list(re.finditer(r"\S+", self.text[at : run.end()]))
        for i, word in enumerate(words[1:], 1):
            if any(p.match(self.folded, at + word.start()) for p in self.lexicon.patterns):
                words = words[:i]
                break
        lowered = [w[0].lower() for w in words]
        if not 2 <= len(words) <= 5 or lowered[0] in _NEVER_FIRST or _NEVER_IN_NAME & set(lowered):
            return None
        return at, at + words[-1].end()


def _opens_name(word: str) -> bool:
    word = word.lower()
    return word in _NAME_OPENERS or word.startswith(("h'", "h’"))
