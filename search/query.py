"""From what a researcher typed to clauses: which words to find, and in which field.

Vietnamese is written in syllables and most words have two or more, so unquoted input is read
as *words*: each run of plain syllables is cut into words by a reader (see :mod:`search.words`),
and a word's syllables must stand next to each other, in order. A syllable typed with
diacritics means that syllable (tone placement, case and Unicode form aside); one typed
without them means every reading. ``match="syllables"`` reads every syllable on its own and
ignores the diacritics, as a plain syllable search would.

The parser never fails: unbalanced quotes, lone operators and stray symbols are dropped or
read as plain words, and :attr:`ParsedQuery.searched` says what was searched in the end.

Syntax: words (all required), ``"a phrase"``, ``a OR b``, ``-word`` / ``NOT word``, ``prefix*``,
and the fields ``title:``, ``body:`` and ``official:`` before a word or a quoted phrase.
Document numbers (``25-NQ/TW``) are phrases of their parts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as default
from functools import cached_property

from index.analysis import exact_tokens, fold, folded_tokens, nfc, words

MATCHES = ("words", "syllables")
VIEWS = {None: ("title", "body"), "title": ("title",), "body": ("body",), "official": ()}
FIELD_ALIASES = {"title": "title", "body": "body", "official": "official", "officials": "official"}
PREFIX_EXPANSION = 64
_LEXEME = re.compile(r'(?P<neg>-?)(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))')

# Reads a run of syllables into the lengths of its words; the default keeps each syllable alone.
WordReader = Callable[[Sequence[str]], list[int]]
# Other spellings of one word (abbreviations and their long forms), as lists of syllables.
Expander = Callable[[Sequence[str]], list[list[str]]]


@dataclass(frozen=True)
class Syllable:
    """One syllable of a word: its folded form, and its exact form when diacritics were typed."""

    folded: str
    exact: str | None

    @classmethod
    def read(cls, exact: str, marks: bool = True) -> Syllable:
        folded = fold(exact)
        return cls(folded, exact if marks and exact != folded else None)


@dataclass
class Clause:
    """One thing to find: a word (syllables that stand together), a quoted phrase or a prefix,
    optionally in one field."""

    kind: str  # "word", "phrase" or "prefix"
    text: str
    field: str | None = None
    marks: bool = True  # False: diacritics typed are ignored
    expansions: list[list[str]] = default(default_factory=list)

    @cached_property
    def exact(self) -> list[str]:
        return exact_tokens(self.text)

    @cached_property
    def folded(self) -> list[str]:
        return folded_tokens(self.text)

    @cached_property
    def syllables(self) -> list[Syllable]:
        return [Syllable.read(e, self.marks) for e in self.exact]

    @property
    def marked(self) -> bool:
        """Whether some syllable was typed with diacritics that the match will respect."""
        return any(s.exact for s in self.syllables)

    def alternatives(self) -> list[list[Syllable]]:
        """The syllables of the clause, then those of each other spelling (read bare)."""
        others = [[Syllable.read(s, marks=False) for s in spelling] for spelling in self.expansions]
        return [self.syllables, *others]

    def display(self) -> str:
        quoted = self.kind == "phrase" or (self.kind == "word" and len(self.folded) > 1)
        text = f'"{self.text}"' if quoted else self.text
        text = text + "*" if self.kind == "prefix" else text
        return f"{self.field}:{text}" if self.field else text


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = default(default_factory=list)  # AND of ORs
    excluded: list[Clause] = default(default_factory=list)
    repaired: bool = False
    match: str = "words"

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def searched(self) -> str:
        parts = [" OR ".join(c.display() for c in group) for group in self.groups]
        parts += ["-" + c.display() for c in self.excluded]
        return " ".join(parts)

    @property
    def marked(self) -> bool:
        return any(c.marked for c in self.clauses())

    def clauses(self) -> list[Clause]:
        return [c for group in self.groups for c in group]

    def without_marks(self) -> ParsedQuery:
        """The same words read without their diacritics: what a slip in the marks falls back to."""
        strip = [[replace(c, marks=False) for c in group] for group in self.groups]
        return replace(self, groups=strip, excluded=[replace(c, marks=False) for c in self.excluded])


@dataclass
class _Piece:
    """A lexeme on its way to a clause: a finished clause, or one plain syllable of a run."""

    clause: Clause | None = None
    syllable: str | None = None
    negated: bool = False
    joins_previous: bool = False  # an OR stood before it


def parse(text: str, match: str = "words", read: WordReader | None = None,
          expand: Expander | None = None) -> ParsedQuery:
    text = nfc(text or "").strip()
    parsed = ParsedQuery(match=match)
    if text.count('"') % 2:
        text = text[: text.rindex('"')] + text[text.rindex('"') + 1 :]
        parsed.repaired = True
    pieces = _pieces(text, parsed, marks=match == "words")
    if match == "words":
        pieces = _read_runs(pieces, read, expand)
    for piece in pieces:
        clause = piece.clause or Clause("word", piece.syllable, marks=False)
        if piece.negated:
            parsed.excluded.append(clause)
        elif piece.joins_previous and parsed.groups:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
    if not parsed.groups and (parsed.excluded or parsed.repaired):
        return _plain_words(text, match)
    return parsed


def _pieces(text: str, parsed: ParsedQuery, marks: bool) -> list[_Piece]:
    pieces: list[_Piece] = []
    pending_or = negate_next = False
    for lexeme in _LEXEME.finditer(text):
        word = lexeme.group("word")
        if word in ("OR", "|", "||") and lexeme.group("phrase") is None:
            pending_or = bool(pieces) and not pieces[-1].negated
            parsed.repaired |= not pending_or
            continue
        if word in ("AND", "&&", "+"):
            continue
        if word == "NOT":
            negate_next = True
            continue
        negated = bool(lexeme.group("neg")) or negate_next
        piece = _piece(lexeme, marks, negated, pending_or)
        if piece is None:
            parsed.repaired = True
            continue
        pieces.append(piece)
        pending_or = negate_next = False
    parsed.repaired |= pending_or or negate_next
    return pieces


def _piece(lexeme: re.Match, marks: bool, negated: bool, joins: bool) -> _Piece | None:
    fieldname = FIELD_ALIASES.get((lexeme.group("field") or "").lower())
    phrase, word = lexeme.group("phrase"), lexeme.group("word")
    if lexeme.group("field") and fieldname is None:
        word = f"{lexeme.group('field')}:{phrase if phrase is not None else word}"
        phrase = None
    if phrase is not None:
        clause = Clause("phrase", phrase.strip(), fieldname, marks)
    elif word.endswith("*") and len(folded_tokens(word)) == 1:
        clause = Clause("prefix", word.rstrip("*"), fieldname, marks)
    else:
        tokens = exact_tokens(word)
        if len(tokens) == 1 and not fieldname and not negated:
            return _Piece(syllable=words(word)[0], joins_previous=joins)
        clause = Clause("word", " ".join(words(word)), fieldname, marks)
    if not clause.folded:
        return None
    return _Piece(clause=clause, negated=negated, joins_previous=joins)


def _read_runs(pieces: list[_Piece], read: WordReader | None,
               expand: Expander | None) -> list[_Piece]:
    """Cut each run of plain syllables into words; an OR starts a new run. Every word, in a
    run or not (``TP.HCM``, ``title:UBND``, ``-UBND``), brings its other spellings."""
    out: list[_Piece] = []
    run: list[_Piece] = []

    def close():
        syllables = [p.syllable for p in run]
        lengths = read(syllables) if read and len(syllables) > 1 else [1] * len(syllables)
        start = 0
        for length in lengths:
            clause = Clause("word", " ".join(syllables[start : start + length]))
            out.append(_Piece(clause=clause, joins_previous=run[start].joins_previous))
            start += length
        run.clear()

    for piece in pieces:
        if piece.syllable is not None and not (run and piece.joins_previous):
            run.append(piece)
            continue
        if run:
            close()
        if piece.syllable is not None:
            run.append(piece)
        else:
            out.append(piece)
    if run:
        close()
    if expand:
        for clause in (p.clause for p in out if p.clause.kind == "word"):
            clause.expansions = expand(clause.exact)
    return out


def _plain_words(text: str, match: str) -> ParsedQuery:
    """What is left when the syntax made no sense: every word of the text, operators included."""
    marks = match == "words"
    groups = [[Clause("word", w, marks=marks)] for w in words(text)]
    return ParsedQuery(groups=groups, repaired=True, match=match)


def expand_prefix(reader, fieldname: str, prefix: str) -> list[str]:
    """A bounded expansion: the most frequent completions, never the whole lexicon."""
    candidates = []
    for i, term in enumerate(reader.expand_prefix(fieldname, prefix)):
        if i >= PREFIX_EXPANSION * 16:
            break
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        candidates.append((reader.doc_frequency(fieldname, text), text))
    return [text for _, text in sorted(candidates, reverse=True)[:PREFIX_EXPANSION]]


def proximity_runs(parsed: ParsedQuery) -> list[list[Syllable]]:
    """Words that stand together read as more than their parts: each two neighbouring plain
    words joined, and all of them, as longer words a hit earns a bonus for."""
    words = [g[0].syllables for g in parsed.groups
             if len(g) == 1 and g[0].kind == "word" and not g[0].field]
    pairs = [words[i] + words[i + 1] for i in range(len(words) - 1)]
    return pairs + ([sum(words, [])] if len(words) > 2 else [])


def highlight_words(parsed: ParsedQuery) -> list[tuple[tuple[str, ...], tuple[str | None, ...]]]:
    """The words a snippet should mark: (folded syllables, exact ones or None), every spelling."""
    return [(tuple(s.folded for s in spelling), tuple(s.exact for s in spelling))
            for clause in parsed.clauses() if clause.kind != "prefix"
            for spelling in clause.alternatives()]


def prefixes(parsed: ParsedQuery) -> list[str]:
    return [c.folded[0] for c in parsed.clauses() if c.kind == "prefix"]
