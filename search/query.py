"""From what a researcher typed to clauses: what to find, and in which field.

The parser never fails: unbalanced quotes, lone operators and stray symbols are dropped or
read as plain words, and :attr:`ParsedQuery.searched` says what was searched in the end.

Syntax: words (all required), ``"a phrase"``, ``a OR b``, ``-word`` / ``NOT word``, ``prefix*``,
and the fields ``title:``, ``body:`` and ``official:`` before a word or a quoted phrase.
Document numbers (``25-NQ/TW``) are phrases of their parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.analysis import exact_tokens, folded_tokens, nfc, words

FIELD_VIEWS = {
    None: (("title", "title_f"), ("body", "body_f")),
    "title": (("title", "title_f"),),
    "body": (("body", "body_f"),),
    "official": ((None, "officials_f"),),
}
FIELD_ALIASES = {"title": "title", "body": "body", "official": "official", "officials": "official"}
PREFIX_EXPANSION = 64
_LEXEME = re.compile(r'(?P<neg>-?)(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))')


@dataclass
class Clause:
    """One thing to find: a word, a phrase or a prefix, optionally in one field."""

    kind: str  # "word", "phrase" or "prefix"
    text: str
    field: str | None = None

    @property
    def exact(self) -> list[str]:
        return exact_tokens(self.text)

    @property
    def folded(self) -> list[str]:
        return folded_tokens(self.text)

    @property
    def accented(self) -> bool:
        return self.exact != self.folded

    def display(self) -> str:
        text = f'"{self.text}"' if self.kind == "phrase" else self.text
        text = text + "*" if self.kind == "prefix" else text
        return f"{self.field}:{text}" if self.field else text


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    excluded: list[Clause] = field(default_factory=list)
    repaired: bool = False

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def searched(self) -> str:
        parts = [" OR ".join(c.display() for c in group) for group in self.groups]
        parts += ["-" + c.display() for c in self.excluded]
        return " ".join(parts)

    def clauses(self) -> list[Clause]:
        return [c for group in self.groups for c in group]


def parse(text: str) -> ParsedQuery:
    text = nfc(text or "").strip()
    parsed = ParsedQuery()
    if text.count('"') % 2:
        text = text[: text.rindex('"')] + text[text.rindex('"') + 1 :]
        parsed.repaired = True
    pending_or = negate_next = False
    for match in _LEXEME.finditer(text):
        word = match.group("word")
        if word in ("OR", "|", "||") and match.group("phrase") is None:
            pending_or = bool(parsed.groups)
            parsed.repaired |= not pending_or
            continue
        if word in ("AND", "&&", "+"):
            continue
        if word == "NOT":
            negate_next = True
            continue
        clause = _clause(match)
        if clause is None:
            parsed.repaired = True
            continue
        if match.group("neg") or negate_next:
            parsed.excluded.append(clause)
        elif pending_or:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or = negate_next = False
    parsed.repaired |= pending_or or negate_next
    if not parsed.groups and (parsed.excluded or parsed.repaired):
        return _plain_words(text)
    return parsed


def _plain_words(text: str) -> ParsedQuery:
    """What is left when the syntax made no sense: every word of the text, operators included."""
    groups = [[Clause("word", w)] for w in words(text)]
    return ParsedQuery(groups=groups, repaired=True)


def _clause(match: re.Match) -> Clause | None:
    fieldname = FIELD_ALIASES.get((match.group("field") or "").lower())
    phrase, word = match.group("phrase"), match.group("word")
    if match.group("field") and fieldname is None:
        word = f"{match.group('field')}:{phrase if phrase is not None else word}"
        phrase = None
    if phrase is not None:
        clause = Clause("phrase", phrase.strip(), fieldname)
    elif word.endswith("*") and len(folded_tokens(word)) == 1:
        clause = Clause("prefix", word.rstrip("*"), fieldname)
    else:
        tokens = folded_tokens(word)
        kind = "word" if len(tokens) == 1 else "phrase"
        clause = Clause(kind, " ".join(exact_tokens(word)) if kind == "phrase" else word, fieldname)
    return clause if clause.folded else None


def expand_prefix(reader, fieldname: str, prefix: str) -> list[str]:
    """A bounded expansion: the most frequent completions, never the whole lexicon."""
    candidates = []
    for i, term in enumerate(reader.expand_prefix(fieldname, prefix)):
        if i >= PREFIX_EXPANSION * 16:
            break
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        candidates.append((reader.doc_frequency(fieldname, text), text))
    return [text for _, text in sorted(candidates, reverse=True)[:PREFIX_EXPANSION]]


def proximity_runs(parsed: ParsedQuery) -> list[list[str]]:
    """Syllables that stand together form words: each adjacent pair of plain words, and the
    whole run, as folded phrases a hit earns a bonus for."""
    words = [g[0] for g in parsed.groups if len(g) == 1 and g[0].kind == "word" and not g[0].field]
    tokens = [w.folded[0] for w in words]
    pairs = [tokens[i : i + 2] for i in range(len(tokens) - 1)]
    return pairs + ([tokens] if len(tokens) > 2 else [])


def highlight_terms(parsed: ParsedQuery) -> set[str]:
    """Folded tokens a snippet should mark: every spelling that matched, accented or not."""
    return {t for c in parsed.clauses() if c.kind != "prefix" for t in c.folded}


def prefixes(parsed: ParsedQuery) -> list[str]:
    return [c.folded[0] for c in parsed.clauses() if c.kind == "prefix"]
