"""The query mix, drawn from the corpus itself so that every query matches at least one article.

A body is read into words (the longest known word first, from ``words.txt`` beside it and
the political vocabulary of :mod:`vnsearch.bench.corpus`), and words are picked by position, so
common words come up as often as they occur. The most common one-syllable words (``của``, ``và``, ``được``)
are not queries anyone types and are not picked; a word of two or more syllables always may be.
Each query keeps the words it was made of, so the FTS5 baseline can ask for each word as a
phrase: both engines then answer the same question.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from index.analysis import fold, nfc, place_tone
from search.engine import SearchRequest
from search.filters import Filters
from vnsearch.bench.corpus import POLITICAL_WORDS, WORDS_FILE, read_words

QUERY_TYPES = ("accented", "accentless", "two_words", "phrase3", "official_word", "dates_word")
SAMPLE_SIZE = 2000  # articles the queries are drawn from
COMMON = 150  # the most frequent words; those of one syllable are not picked as queries
_SEGMENT = re.compile(r"[^\s.,;:!?()\"“”…]+(?:[ \t]+[^\s.,;:!?()\"“”…]+)*")


@dataclass
class BenchQuery:
    type: str
    q: str
    officials: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    article: str = ""  # the id of the article it was drawn from, which it must match
    words: list[str] = field(default_factory=list)  # the words ``q`` was made of

    def request(self, page_size: int = 10, collapse: str = "") -> SearchRequest:
        """The search; ``collapse="story"`` asks for one hit a story (none: one a copy)."""
        filters = Filters(
            officials=list(self.officials), date_from=self.date_from, date_to=self.date_to
        )
        by_story = {"collapse": collapse} if collapse else {}
        return SearchRequest(q=self.q, filters=filters, page_size=page_size, **by_story)

    def params(self, page_size: int = 10, collapse: str = "") -> dict:
        """The same search as ``GET /api/search`` parameters."""
        wanted = {"q": self.q, "official": list(self.officials), "from": self.date_from,
                  "to": self.date_to, "page_size": page_size, "collapse": collapse}
        return {k: v for k, v in wanted.items() if v}

    def to_dict(self) -> dict:
        return asdict(self)


def sample_articles(articles: Iterable[dict], count: int, seed: int, size: int = SAMPLE_SIZE):
    """A seeded sample of ``size`` of the first ``count`` articles, read in one pass."""
    rng = random.Random(f"vnsearch-bench/{seed}/sample")
    wanted = set(rng.sample(range(count), min(size, count)))
    return [a for i, a in enumerate(articles) if i in wanted and i < count]


def runs(body: str) -> list[list[str]]:
    """Maximal runs of plain words (no punctuation, numbers or symbols between them)."""
    found = []
    for segment in _SEGMENT.findall(nfc(body)):
        run: list[str] = []
        for token in segment.split():
            if token.isalpha():
                run.append(token.lower())
                continue
            if run:
                found.append(run)
            run = []
        if run:
            found.append(run)
    return found


class Lexicon:
    """Reads runs of syllables into words, the longest known word first."""

    def __init__(self):
        news = read_words(WORDS_FILE)
        known = [w.lower() for w in news] + [w.lower() for w in POLITICAL_WORDS if "," not in w]
        self.known = {tuple(map(place_tone, w.split())) for w in known if " " in w}
        self.longest = max(map(len, self.known))
        self.common = {w.lower() for w in list(news)[:COMMON] if " " not in w}

    def words(self, run: list[str]) -> list[str]:
        """The run cut into words as written; looked up in either tone placement."""
        found, i, canonical = [], 0, [place_tone(s) for s in run]
        while i < len(run):
            n = next((n for n in range(min(self.longest, len(run) - i), 1, -1)
                      if tuple(canonical[i : i + n]) in self.known), 1)
            found.append(" ".join(run[i : i + n]))
            i += n
        return found

    def wanted(self, word: str) -> bool:
        return " " in word or word not in self.common


_LEXICON: list[Lexicon] = []


def lexicon() -> Lexicon:
    if not _LEXICON:
        _LEXICON.append(Lexicon())
    return _LEXICON[0]


def word_runs(article: dict) -> list[list[str]]:
    """The body's runs of plain syllables, each read into words."""
    return [lexicon().words(run) for run in runs(article["body"])]


def _word(article, rng, accented: bool = False) -> str | None:
    words = [w for run in word_runs(article) for w in run if lexicon().wanted(w)]
    if accented:
        words = [w for w in words if fold(w) != w]
    return rng.choice(words) if words else None


def _adjacent_words(article, rng) -> list[str] | None:
    """Two words standing next to each other, both worth a query."""
    pairs = [run[i : i + 2] for run in word_runs(article) for i in range(len(run) - 1)
             if lexicon().wanted(run[i]) and lexicon().wanted(run[i + 1])]
    return rng.choice(pairs) if pairs else None


def _three_syllables(article, rng) -> str | None:
    """A word of three syllables if the article has one, else three syllables from a word's
    start."""
    found = word_runs(article)
    whole = [w for run in found for w in run if w.count(" ") == 2]
    if whole:
        return rng.choice(whole)
    starts = [" ".join(" ".join(run[i:]).split()[:3]) for run in found for i in range(len(run))]
    starts = [s for s in starts if s.count(" ") == 2]
    return rng.choice(starts) if starts else None


def _build(kind: str, article: dict, rng: random.Random) -> BenchQuery | None:
    made = BenchQuery(kind, "", article=article.get("id", ""))
    if kind == "accented":
        made.q = _word(article, rng, accented=True)
    elif kind == "accentless":
        word = _word(article, rng)
        made.q = fold(word) if word else None
    elif kind == "two_words":
        pair = _adjacent_words(article, rng)
        made.q = " ".join(pair) if pair else None
        made.words = pair or []
    elif kind == "phrase3":
        phrase = _three_syllables(article, rng)
        made.q = f'"{phrase}"' if phrase else None
    elif kind == "official_word":
        if not article.get("officials"):
            return None
        made.officials = [rng.choice(article["officials"])["name"]]
        made.q = _word(article, rng)
    elif kind == "dates_word":
        year = int((article.get("published") or "")[:4] or 0)
        if not year:
            return None
        span = rng.randint(1, 3)
        start = rng.randint(year - span + 1, year)
        made.date_from, made.date_to = str(start), str(start + span - 1)
        made.q = _word(article, rng)
    else:
        raise ValueError(f"unknown query type {kind!r}")
    if made.q and not made.words:
        made.words = [made.q.strip('"')]
    return made if made.q else None


def make_queries(sample: list[dict], per_type: int, seed: int) -> list[BenchQuery]:
    """``per_type`` queries of every type, in type order, deterministic for the seed."""
    if not sample:
        raise ValueError("no articles to draw queries from")
    queries = []
    for kind in QUERY_TYPES:
        rng = random.Random(f"vnsearch-bench/{seed}/queries/{kind}")
        made, tries = [], 0
        while len(made) < per_type:
            tries += 1
            if tries > 100 * per_type + 1000:
                raise ValueError(f"the corpus has no article to draw a {kind} query from")
            query = _build(kind, rng.choice(sample), rng)
            if query is not None:
                made.append(query)
        queries += made
    return queries
