"""Named officials and their positions, as Vietnamese political news introduces them.

The press names an official in a few fixed shapes: ``đồng chí NAME - POSITION, POSITION``,
``thượng tá NAME``, ``ông/bà NAME, POSITION``, ``POSITION NAME`` (``Thủ tướng Chính phủ Nguyễn
Xuân Phúc``, ``Chủ tịch UBND TP. HCM Nguyễn Thành Phong``: the place joins the position) and
``NAME ( nguyên POSITION )``. A capitalised run is taken as a name only in one of those shapes,
never on its own, because places and bodies are capitalised too (``Kon Tum``, ``Ban Dân vận``,
``Mặt trận Tổ quốc``), and many ethnic-minority names (``Y Mửi``, ``Ksor Phước``, ``H'Yim
Kđoh``) start with no common surname, so a surname list can only help split a name off a place,
not find one.

Positions come from a plain-text lexicon (``positions.txt``, syntax in its header). Matching
runs on a tone-folded copy of the text of the same length, so ``Ủy``/``Uỷ`` and ``Hòa``/``Hoà``
meet while the spans still cut the names and positions out of the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from crawler.article import Official

LEXICON_PATH = Path(__file__).with_name("positions.txt")
_PLACE_LISTS = ("PROVINCE", "PLACE", "COUNTRY")
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

_S = r"[^\S\n]+"  # a space that stays inside one paragraph
_UPPER = "A-ZĐÂĂÊÔƠƯ"  # capitals once tone marks are folded away
_CAP = rf"(?-i:[{_UPPER}][\w'’]*)"
_LOW = r"(?-i:[a-zđâăêôơư][\w'’]*)"
_OPEN = {
    "PLACE": rf"{_CAP}(?:{_S}{_CAP})*",
    "ORG": rf"{_CAP}(?:{_S}{_LOW})?(?:{_S}(?:và{_S})?{_CAP}(?:{_S}{_LOW})?)*",
    # The few words inside a phrase the lexicon closes (a steering committee's remit): lazy,
    # and never past the end of a clause.
    "WORDS": rf"[^\s.;:!?()]+(?:{_S}[^\s.;:!?()]+){{0,11}}?",
}
_RUN = re.compile(rf"{_CAP}(?:{_S}{_CAP})*")
_SPACE = re.compile(_S)
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"(?<!\w)\w+")
_TOKEN = re.compile(r"\{\w+\}|[()\[\]|]|[^\s()\[\]|{}]+")
# A comrade, a rank (retired or not) or ``đại biểu`` (a deputy) names an official on its own; ``ông``, ``bà``,
# ``anh``, ``chị`` and a degree or a profession (``TS``, ``kỹ sư``) only with a position after.
_CUE = re.compile(
    r"(?<!\w)(?:(?P<comrade>đồng chí|đ/c)"
    r"|(?P<rank>(?:(?:đại|thượng|trung|thiếu)[^\S\n]+(?:tướng|tá|úy|uý)|(?<!thủ )tướng)"
    r"(?:[^\S\n]+(?:đã[^\S\n]+)?(?:nghỉ|về)[^\S\n]+hưu)?|đại biểu)"
    r"|ông|bà|anh|chị|TS|ThS|PGS|GS|tiến sĩ|thạc sĩ|giáo sư|bác sĩ|kỹ sư|kiến trúc sư)"
    r"(?:[^\S\n]*:)?[^\S\n]+",
    re.IGNORECASE,
)
# Folded "nguyên", "cựu" (former), "quyền" (acting), "nguyên là".
_FORMER = r"(?:(?:nguyên|cưu|quyên)(?:[^\S\n]+la)?[^\S\n]+)?"
_LIST_START = re.compile(rf"[^\S\n]*(?:[-–—,(:]|kiêm)?[^\S\n]*{_FORMER}", re.IGNORECASE)
_LIST_NEXT = re.compile(rf"[^\S\n]*(?:,|kiêm)[^\S\n]*{_FORMER}", re.IGNORECASE)
_CHAIN_NEXT = re.compile(rf"[^\S\n]*(?:,|kiêm|[-–—])[^\S\n]*{_FORMER}", re.IGNORECASE)
_NEXT_PERSON = re.compile(
    r"[^\S\n]*(?:[;,][^\S\n]*(?:và[^\S\n]+)?|và[^\S\n]+)(?:(?:đồng chí|đ/c|ông|bà)[^\S\n]+)?"
)
# Between a position and its holder, in the folded text: ``Giám đốc Sở Xây dựng - Lê Văn A``,
# ``Chủ tịch UBND tỉnh - ông Đinh Văn B``, ``3 phó cục trưởng là ông A, ông B và bà C``.
_TO_NAME = re.compile(
    r"[^\S\n]*(?:(?P<copula>la)[^\S\n]+|[-–—:][^\S\n]*|,[^\S\n]*(?=(?:ông|ba)[^\S\n]))?"
    r"(?:(?:ông|ba)[^\S\n]+)?",
    re.IGNORECASE,
)
# ``Nguyễn Văn A , nguyên Giám đốc Sở`` with no cue: a name in apposition to its positions.
_APPOSITION = re.compile(rf"[^\S\n]*[,\-–—][^\S\n]*{_FORMER}", re.IGNORECASE)
# Words after which a capitalised name is a place or a street named for someone.
_NAMESAKE_PLACES = frozenset([
    "xã", "phường", "quận", "huyện", "tỉnh", "trấn", "đường", "phố", "trường", "thôn", "ấp",
    "làng", "cầu", "chùa", "đền", "khu", "tổ", "số", "tại", "ở", "giải", "lăng", "tượng",
])
# ``Phạm Văn A ( nguyên Trưởng phòng ...`` and ``Lê Văn B ( 38 tuổi , Phó Công an huyện ...``:
# a name with no cue, its positions in brackets.
_BRACKET = re.compile(
    rf"[^\S\n]*\([^\S\n]*(?:(?:SN[^\S\n]*\d{{4}}|\d{{1,3}}[^\S\n]+tuôi)[^\S\n]*,[^\S\n]*)?"
    rf"{_FORMER}",
    re.IGNORECASE,
)
_PUNCT = re.compile(r"([,&\-–])")
# HCM, UBND, TP., Tp., and brands with a capital inside (OceanBank): never part of a name.
_ABBREVIATION = re.compile(r"(?:[A-ZĐ][A-ZĐ.&-]+|[A-ZĐ][a-zđ]?\.|[A-ZĐ][a-zđ]+[A-ZĐ]\w*)\Z")
# Folded "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn".
_ADMIN_WORD = r"(?:tinh|thanh phô|huyên|quân|thi xa|xa|phương|thi trân)(?!\w)"
_ADMIN = re.compile(rf"{_ADMIN_WORD}{_S}(?=(?-i:[{_UPPER}]))", re.IGNORECASE)  # before a place
# The place a position names after it: ``huyện Bình Sơn``, ``Công an TP. Hưng Yên``,
# ``Đoàn P. 7``, ``tỉnh``; a short abbreviation's dot may start it.
_SHORT_DOT = r"(?:(?<=(?<!\w)[A-Z])|(?<=(?<!\w)[A-Z][A-Za-z]))\."
_PLACE_TAIL = re.compile(
    rf"(?:{_SHORT_DOT})?(?:{_S}{_ADMIN_WORD})?(?:{_S}(?:(?-i:[A-Z][A-Za-z]?\.)|{_CAP}|\d+))+"
    rf"|{_S}{_ADMIN_WORD}"
)

# Words that open most names: the common surnames, and the words that open many names of the
# Central Highlands peoples (Y, A, H'..., Ksor, Siu). Only used to find where a place or a body
# ends and a name begins, never to accept a name. The rarer surnames also open places
# (``Hà Tĩnh``, ``Cao Lãnh``, ``Thái Bình``), so a common one later in the run wins over them.
# fmt: off
_NAME_OPENERS = frozenset([
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "trương", "đinh", "lương", "tô", "trịnh", "vương",
    "y", "a", "ksor", "siu", "kpă", "rơ", "nay", "rah", "điểu",
])
_RARER_OPENERS = frozenset([
    "lại", "mai", "đào", "cao", "tạ", "chu", "thái", "lâm", "hà", "quách", "kiều", "khuất",
    "lưu", "doãn", "nông", "lò", "giàng", "hứa", "mạc", "triệu", "tôn", "đàm", "tống", "phùng",
    "bạch", "lữ", "nghiêm", "diệp", "mẫn", "cù", "khổng", "thân", "vi", "hầu", "lã",
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
    places: re.Pattern = re.compile(r"(?!)")  # a known place, in the folded text
    before_names: tuple[re.Pattern, ...] = ()  # positions read only right before a name
    # For each of every_pattern, the folded lowercase words it can start with (None: any word).
    first_words: tuple[frozenset[str] | None, ...] = ()

    @property
    def every_pattern(self) -> tuple[re.Pattern, ...]:
        return self.patterns + self.before_names

    def starting_with(self, word: str) -> tuple[re.Pattern, ...]:
        """The patterns that can match at a word (folded, lowercase): the text is only tried
        where a position can start, not with every pattern at every word."""
        by_word, anywhere = self._index
        return by_word.get(word, anywhere)

    @cached_property
    def _index(self) -> tuple[dict[str, tuple[re.Pattern, ...]], tuple[re.Pattern, ...]]:
        firsts = self.first_words or (None,) * len(self.every_pattern)
        pairs = list(zip(self.every_pattern, firsts, strict=True))
        anywhere = tuple(p for p, words in pairs if words is None)
        by_word: dict[str, list[re.Pattern]] = {}
        for pattern, words in pairs:
            for word in words or ():
                by_word.setdefault(word, []).append(pattern)
        return {w: (*ps, *anywhere) for w, ps in by_word.items()}, anywhere


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
    anywhere = [_compile(p, lists) for p in patterns if not p.startswith(">")]
    before_names = [_compile(p[1:].strip(), lists) for p in patterns if p.startswith(">")]
    places = sorted({fold(n) for key in _PLACE_LISTS for n in lists.get(key, []) if n}, key=len)
    return Lexicon(
        tuple(p for p, _ in anywhere),
        re.compile(
            "(?:" + "|".join(_S.join(map(_phrase, n.split())) for n in reversed(places)) + r")(?!\w)",
            re.IGNORECASE,
        ),
        tuple(p for p, _ in before_names),
        tuple(words for _, words in anywhere + before_names),
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()


def _compile(pattern: str, lists: dict[str, list[str]]) -> tuple[re.Pattern, frozenset | None]:
    """The pattern's regex and the words it can start with."""
    alternatives, _ = _parse(_TOKEN.findall(pattern), 0, None, pattern)
    slots = iter(range(1000))
    source = _render_alternatives(alternatives, lists, slots)
    regex = re.compile(rf"(?<!\w){source}(?!\w)", re.IGNORECASE)
    firsts = _first_words(alternatives)
    return regex, None if firsts is None else frozenset(firsts)


def _first_words(alternatives) -> set[str] | None:
    """Folded lowercase first words of the alternatives; None when a slot or nothing opens one."""
    firsts: set[str] = set()
    for items in alternatives:
        for kind, value in items:
            if kind == "slot":
                return None
            if kind == "word":
                firsts.add(_word_key(value))
                break
            inner = _first_words(value)
            if inner is None:
                return None
            firsts |= inner
            if kind == "group":
                break
        else:  # every item optional: what follows the pattern may open it
            return None
    return firsts


def _word_key(word: str) -> str:
    """What ``starting_with`` is asked: the leading letters of a word, folded and lowercase."""
    return (re.match(r"\w*", fold(word).lower()) or [""])[0]


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
            part = _phrase(fold(value))
        out += (_S if spaced else "") + part
        spaced = True
    return out


def _render_slot(name: str, lists, slots) -> str:
    known = sorted((fold(n) for n in lists.get(name, [])), key=len, reverse=True)
    options = [_S.join(map(_phrase, n.split())) for n in known]
    if name in _OPEN:
        options.append(f"(?P<open{next(slots)}>{_OPEN[name]})")
    if not options:
        raise ValueError(f"lexicon list {{{name}}} has no names")
    return "(?:" + "|".join(options) + ")"


def _phrase(word: str) -> str:
    """A lexicon word whose punctuation may stand apart: ``NN&PTNT`` = ``NN & PTNT``, ``hóa ,``."""
    return r"[^\S\n]*".join(re.escape(part) for part in _PUNCT.split(word) if part)


# -- finding officials -----------------------------------------------------------------------


def find_officials(text: str, lexicon: Lexicon | None = None) -> list[Official]:
    """Officials named in ``text``, one per person in order of first mention.

    Spellings differing only in case or tone placement are one person (the first spelling is
    kept); their positions are merged in order of first appearance.
    """
    text = unicodedata.normalize("NFC", text or "")
    finder = _Finder(text, lexicon or default_lexicon())
    mentions = finder.after_cues() + finder.before_appositions() + finder.after_positions()
    merged: dict[str, Official] = {}
    for _, name, positions in sorted(mentions, key=lambda m: m[0]):
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
        self.lowered = self.folded.lower()
        self.known: set[str] = set()  # folded names already met after a cue
        self.listed: set[int] = set()  # starts of positions already read after a name
        self.names: dict[int, tuple[int, int] | None] = {}  # name_at, by offset
        self.matches: dict[int, list[re.Match]] = {}  # matches_at, by offset

    def cut(self, start: int, end: int) -> str:
        return " ".join(self.text[start:end].split()).rstrip(",-–— ")

    def mention(self, name: tuple[int, int], spans: list[tuple[int, int]]):
        self.known.add(self.lowered[name[0] : name[1]])
        self.listed.update(start for start, _ in spans)
        return name[0], self.cut(*name), [self.cut(*span) for span in spans]

    def after_cues(self) -> list[tuple[int, str, list[str]]]:
        """``đồng chí NAME - POSITION, ...``, ``thượng tá NAME`` and lists of such
        (``các đồng chí: A - X; B - Y``, ``đồng chí A, B và C``)."""
        found = []
        for cue in _CUE.finditer(self.text):
            named_alone = bool(cue["comrade"] or cue["rank"])
            at = cue.end()
            while (name := self.name_at(at)) is not None:
                spans, at = self.position_list(name[1])
                if not (spans or named_alone):
                    break
                found.append(self.mention(name, spans))
                follow = _NEXT_PERSON.match(self.text, at)
                nxt = self.name_at(follow.end()) if follow else None
                if nxt is None or not (
                    self.position_list(nxt[1])[0] or cue["comrade"] and self.opens_name(nxt[0])
                ):
                    break
                at = follow.end()
        return found

    def before_appositions(self) -> list[tuple[int, str, list[str]]]:
        """No cue, a name and its positions beside it: ``Phạm Văn A ( nguyên Trưởng phòng ... )``,
        ``Nguyễn Văn B , nguyên Giám đốc Sở Xây dựng``. A bracket is clear enough for a rarer
        surname; a comma or a dash wants a common one, and no street or place word before it
        (``xã Lê Lợi , Chủ tịch UBND xã`` names a commune)."""
        found = []
        for run in _RUN.finditer(self.folded):
            name = self.name_at(run.start())
            if not name or self.word_before(name[0]).lower() in _NAMESAKE_PLACES:
                continue
            bracket = _BRACKET.match(self.folded, name[1])
            if self.opens_name(name[0]) and self.place_at(name[0]) is None:
                beside = bracket or self.apposition(name)
            else:
                beside = self.opens_rarer_name(name[0]) and bracket
            if beside and (spans := self.position_list(beside.end())[0]):
                found.append(self.mention(name, spans))
        return found

    def apposition(self, name: tuple[int, int]) -> re.Match | None:
        """``NAME , POSITION`` unless the name closes a mention of its own (``Bộ trưởng X NAME ,
        Thứ trưởng Y NAME2``) or the position opens the next one (``NAME , Bộ trưởng X NAME2``)."""
        beside = _APPOSITION.match(self.folded, name[1])
        if not beside or len(self.text[: name[0]].rstrip()) in self.position_ends:
            return None
        spans, end = self.position_list(beside.end(), over_places=False)
        sep = _TO_NAME.match(self.folded, end)
        if spans and sep.end() > end and self.place_then_name(end, sep.end())[1]:
            return None
        return beside

    @cached_property
    def position_ends(self) -> set[int]:
        return {end for _, end in self.positions}

    def after_positions(self) -> list[tuple[int, str, list[str]]]:
        """``Ủy viên Bộ Chính trị, Thủ tướng Chính phủ NAME``: positions chained before a name,
        and the names a ``là`` lists after them (``các phó cục trưởng là ông A, ông B và bà C``)."""
        found, chain = [], []
        for start, end in self.positions:
            if start in self.listed:  # read after a name already: what follows is no name
                chain = []
                continue
            if chain and not _CHAIN_NEXT.fullmatch(self.folded, chain[-1][1], start):
                chain = []
            if self.text.startswith(".", end) and _ABBREVIATION.match(self.word_before(end + 1)):
                end += 1  # "Bí thư Thành ủy TP." stops at its dot, the place goes on
            sep = _TO_NAME.match(self.folded, end)
            end, name = self.place_then_name(end, sep.end()) if sep.end() > end else (end, None)
            chain.append((start, end))
            if name:
                positions = [self.cut(*span) for span in chain]
                names = [name] + (self.names_after(name[1]) if sep["copula"] else [])
                found += [(n[0], self.cut(*n), positions) for n in names]
                chain = []
        return found

    def names_after(self, at: int) -> list[tuple[int, int]]:
        """The further names of a list (``, ông B và bà C``), each opening like a name."""
        names = []
        while (follow := _NEXT_PERSON.match(self.text, at)) and (
            (name := self.name_at(follow.end())) and self.opens_name(name[0])
        ):
            names.append(name)
            at = name[1]
        return names

    @cached_property
    def positions(self) -> list[tuple[int, int]]:
        """Every position in the text, the longest where they overlap."""
        matches = sorted(
            (
                (m.start(), self.trimmed_end(m))
                for word in _LETTERS.finditer(self.folded)
                for m in self.matches_at(word.start())
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
        """End of the longest position starting at ``at`` that may follow a name."""
        before_names = self.lexicon.before_names
        ends = [self.trimmed_end(m) for m in self.matches_at(at) if m.re not in before_names]
        return max(ends, default=None)

    def matches_at(self, at: int) -> list[re.Match]:
        """The lexicon's matches starting at ``at``, every pattern tried once per offset."""
        if at not in self.matches:
            word = _LETTERS.match(self.folded, at)
            patterns = self.lexicon.starting_with(word[0].lower()) if word else ()
            self.matches[at] = [m for p in patterns if (m := p.match(self.folded, at))]
        return self.matches[at]

    def position_list(self, at: int, over_places: bool = True) -> tuple[list[tuple[int, int]], int]:
        """Positions set after a name: ``- A, B kiêm C``; stops where the prose starts.

        No name follows a position here, so each runs on over the capitalised place after it
        (``Trưởng Công an huyện Bình Sơn``, ``Phó Chủ tịch UBND phường Bùi Thị Xuân``).
        """
        spans, sep = [], _LIST_START.match(self.folded, at)
        while sep and (end := self.position_at(sep.end())):
            if over_places and (tail := _PLACE_TAIL.match(self.folded, end)):
                end = tail.end()
            spans.append((sep.end(), end))
            at, sep = end, _LIST_NEXT.match(self.folded, end)
        return spans, at

    def place_then_name(self, end: int, at: int) -> tuple[int, tuple[int, int] | None]:
        """After a position ending at ``end``: where it ends once the place written before the
        name joins it, and the name (``Giám đốc Sở Xây dựng Hà Nội Lê Văn A``, ``Chủ tịch UBND
        TP. HCM Nguyễn Văn B``, ``Bí thư tỉnh đoàn Quảng Nam Đinh Văn C``)."""
        start = at
        while (skipped := self.place_at(start)) is not None:
            start = skipped
        if start > at and not _RUN.match(self.folded, start) and self.opens_name(at):
            start = at  # the place was the name: "Chủ tịch Hồ Chí Minh"
        run = _RUN.match(self.folded, start)
        starts = self.word_starts(start, run.end()) if run else []
        begin = self.best_name_start([s for s in starts if self.name_at(s)], fallback=True)
        if begin is None:
            return end, None
        name = self.name_at(begin)
        return (len(self.text[:begin].rstrip()) if begin > at else end), name

    def word_before(self, end: int) -> str:
        return self.text[:end].rsplit(maxsplit=1)[-1] if self.text[:end].strip() else ""

    def place_at(self, at: int) -> int | None:
        """Where the next word starts after a known place, an abbreviation (``TP.``, ``HCM``),
        a district's number (``quận 6``) or an administrative word before a place (``tỉnh
        Quảng Ninh``) at ``at``; else None."""
        if admin := _ADMIN.match(self.folded, at):
            return admin.end()
        word = _WORD.match(self.text, at)
        if word and (_ABBREVIATION.match(word[0]) or word[0].isdigit()):
            end = word.end()
        else:
            place = self.lexicon.places.match(self.folded, at)
            end = place.end() if place else None
        space = _SPACE.match(self.text, end) if end else None
        return space.end() if space else None

    def word_starts(self, start: int, end: int) -> list[int]:
        return [start + word.start() for word in _WORD.finditer(self.text[start:end])]

    def trimmed_end(self, match: re.Match) -> int:
        """Where a position ends once a name its open tail swallowed is handed back.

        ``Bộ trưởng Bộ Y tế Nguyễn Thanh Long``: the open ``{ORG}`` runs on over the name; it
        is cut before the word that most likely opens a name (see ``best_name_start``).
        """
        tails = [g for g, v in match.groupdict().items() if v and match.end(g) == match.end()]
        if not tails:
            return match.end()
        start = match.start(tails[0])
        starts = self.word_starts(start, match.end())
        begin = self.best_name_start([s for s in starts if self.name_at(s)], fallback=False)
        return match.end() if begin is None else len(self.text[:begin].rstrip())

    def best_name_start(self, starts: list[int], fallback: bool) -> int | None:
        """Of the words where a name could begin, the one that does: the first common opener or
        name already introduced (``Bí thư Huyện ủy Kring Ba``); failing that, with ``fallback``
        the first word (``Phó Chủ tịch Quốc hội Uông Chu Lưu``), without it the first rarer
        surname (an open tail: ``Cục trưởng Hàng không Lại Xuân Thanh``). Never a known place."""
        starts = [s for s in starts if self.place_at(s) is None or self.opens_name(s)]
        if chosen := next((s for s in starts if self.opens_name(s)), None):
            return chosen
        if fallback:
            return starts[0] if starts else None
        return next((s for s in starts if self.opens_rarer_name(s)), None)

    def opens_name(self, at: int) -> bool:
        word = self.text[at:].split(maxsplit=1)[0].lower()
        known = any(self.lowered.startswith(k, at) for k in self.known)
        return known or word in _NAME_OPENERS or word.startswith(("h'", "h’"))

    def opens_rarer_name(self, at: int) -> bool:
        return self.text[at:].split(maxsplit=1)[0].lower() in _RARER_OPENERS

    def name_at(self, at: int) -> tuple[int, int] | None:
        """The span of a 2-5 word capitalised name starting at ``at``, cut before a position or an
        abbreviation (``UBND``, ``HCM``: words no name holds unless all of it is in capitals)."""
        if at not in self.names:
            self.names[at] = self.read_name(at)
        return self.names[at]

    def read_name(self, at: int) -> tuple[int, int] | None:
        run = _RUN.match(self.folded, at)
        if not run:
            return None
        words = list(_WORD.finditer(self.text[at : run.end()]))
        shouting = all(w[0].isupper() for w in words)
        for i, word in enumerate(words):
            if self.opens_position(at + word.start()) or (
                not shouting and _ABBREVIATION.match(word[0])
            ):
                words = words[:i]
                break
        lowered = [w[0].lower() for w in words]
        if not 2 <= len(words) <= 5 or lowered[0] in _NEVER_FIRST or _NEVER_IN_NAME & set(lowered):
            return None
        return at, at + words[-1].end()

    def opens_position(self, at: int) -> bool:
        return bool(self.matches_at(at))
