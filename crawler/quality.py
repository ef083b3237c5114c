"""How close an extractor comes to hand-checked articles, field by field.

Both sides are plain dicts with the export keys (``title``, ``published``, ``body``, ``author``,
``section``, ``officials``) so the same scoring serves the test fixtures, the bundled sample
archive and any other extractor put beside ours. The two lists are paired by position; a missing
extraction is ``None``. A truth with ``is_article`` false only counts towards
``is_article_accuracy``: a listing page has no body to score.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from crawler.officials import name_key


def score(extracted_articles: Sequence[dict | None], truth_articles: Sequence[dict]) -> dict:
    """Exact-match rates (0-1) for title, date, author and section; body token F1 (mean and
    worst); micro-averaged precision and recall of official names and of (name, position)."""
    pairs = [
        (got or {}, want) for got, want in zip(extracted_articles, truth_articles, strict=True)
    ]
    articles = [(got, want) for got, want in pairs if want.get("is_article", True)]
    f1s = [_token_f1(_text(got.get("body")), _text(want.get("body"))) for got, want in articles]
    names = _precision_recall(articles, _names)
    positions = _precision_recall(articles, _positions)
    return {
        "pages": len(pairs),
        "articles": len(articles),
        "is_article_accuracy": _rate(
            bool(got.get("is_article", bool(got))) == want.get("is_article", True)
            for got, want in pairs
        ),
        "title_exact": _rate(_same(got.get("title"), want.get("title")) for got, want in articles),
        "date_exact": _rate(
            _same_time(got.get("published"), want.get("published")) for got, want in articles
        ),
        "author_exact": _rate(
            _same(got.get("author"), want.get("author")) for got, want in articles
        ),
        "section_exact": _rate(
            _same(got.get("section"), want.get("section")) for got, want in articles
        ),
        "body_f1_mean": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "body_f1_worst": round(min(f1s), 4) if f1s else 0.0,
        "officials_precision": names[0],
        "officials_recall": names[1],
        "positions_precision": positions[0],
        "positions_recall": positions[1],
    }


def _rate(hits) -> float:
    hits = list(hits)
    return round(sum(hits) / len(hits), 4) if hits else 0.0


def _text(value) -> str:
    """Body as a string; truth files may give it as a list of paragraphs."""
    if isinstance(value, list):
        return "\n\n".join(value)
    return value or ""


def _norm(value) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _same(got, want) -> bool:
    return _norm(got) == _norm(want)


def _same_time(got, want) -> bool:
    """Same instant; a date without a time matches any time that day."""
    if not got or not want:
        return not got and not want
    try:
        a, b = datetime.fromisoformat(got), datetime.fromisoformat(want)
    except ValueError:
        return got == want
    if len(want) == 10 or len(got) == 10:
        return a.date() == b.date()
    return a == b


def _token_f1(got: str, want: str) -> float:
    a, b = _tokens(got), _tokens(want)
    if not a or not b:
        return float(a == b)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def _tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))


def _names(article: dict) -> set:
    return {name_key(o["name"]) for o in _officials(article)}


def _positions(article: dict) -> set:
    return {(name_key(o["name"]), name_key(p)) for o in _officials(article) for p in o["positions"]}


def _officials(article: dict) -> list[dict]:
    return [
        o if isinstance(o, dict) else {"name": o.name, "positions": o.positions}
        for o in article.get("officials") or []
    ]


def _precision_recall(pairs, items) -> tuple[float, float]:
    found = expected = hit = 0
    for got, want in pairs:
        a, b = items(got), items(want)
        found, expected, hit = found + len(a), expected + len(b), hit + len(a & b)
    return round(hit / found, 4) if found else 1.0, round(hit / expected, 4) if expected else 1.0
