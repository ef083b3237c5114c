"""The query mix, drawn from the corpus itself so that every query matches at least one article.

Words are picked by position in real bodies, so common words come up as often as they occur;
an accentless word then matches most of the archive, as it does for a reader who types without
diacritics.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from index.analysis import fold, nfc
from search.engine import SearchRequest
from search.filters import Filters

QUERY_TYPES = ("accented", "accentless", "two_words", "phrase3", "official_word", "dates_word")
SAMPLE_SIZE = 2000  # articles the queries are drawn from
_SEGMENT = re.compile(r"[^\s.,;:!?()\"“”…]+(?:[ \t]+[^\s.,;:!?()\"“”…]+)*")


@dataclass
class BenchQuery:
    type: str
    q: str
    officials: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    article: str = ""  # the id of the article it was drawn from, which it must match

    def request(self, page_size: int = 10) -> SearchRequest:
        filters = Filters(
            officials=list(self.officials), date_from=self.date_from, date_to=self.date_to
        )
        return SearchRequest(q=self.q, filters=filters, page_size=page_size)

    def params(self, page_size: int = 10) -> dict:
        """The same search as ``GET /api/search`` parameters."""
        wanted = {"q": self.q, "official": list(self.officials), "from": self.date_from,
                  "to": self.date_to, "page_size": page_size}
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


def _word(article, rng, accented: bool = False) -> str | None:
    words = [w for run in runs(article["body"]) for w in run]
    if accented:
        words = [w for w in words if fold(w) != w]
    return rng.choice(words) if words else None


def _adjacent(article, rng, n: int) -> str | None:
    candidates = [run for run in runs(article["body"]) if len(run) >= n]
    if not candidates:
        return None
    run = rng.choice(candidates)
    start = rng.randrange(len(run) - n + 1)
    return " ".join(run[start : start + n])


def _build(kind: str, article: dict, rng: random.Random) -> BenchQuery | None:
    made = BenchQuery(kind, "", article=article.get("id", ""))
    if kind == "accented":
        made.q = _word(article, rng, accented=True)
    elif kind == "accentless":
        word = _word(article, rng)
        made.q = fold(word) if word else None
    elif kind == "two_words":
        made.q = _adjacent(article, rng, 2)
    elif kind == "phrase3":
        phrase = _adjacent(article, rng, 3)
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
