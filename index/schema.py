"""The Whoosh schema of an article.

Title and body are indexed three times. The *exact* view keeps diacritics, so ``Đảng`` never
counts ``đang``; its terms are keyed by their folded form (``dang|đảng``), so the readings of a
syllable typed without diacritics are one prefix range of the lexicon. The *folded* view meets
a syllable typed without them in one posting list. The *pair* view holds every two syllables
that stand together, exact and keyed the same way (``dan van|dân vận``), with positions: a
two-syllable word is one posting list, a longer word a run of pairs at consecutive positions,
and a word typed without diacritics is the prefix range of its folded pairs. Only the pair
view keeps positions: every phrase is a run of pairs. Facet fields are sortable columns, so
counts come from column data instead of stored fields; so is the story an article belongs to
(:mod:`index.stories`), as a number, so that collapsing copies is one array operation.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from whoosh import columns, fields

from crawler.article import Article
from index.analysis import FoldedAnalyzer, PairAnalyzer, ReadingAnalyzer
from index.formats import PackedPositions
from index.officials import merge, name_key

# Separates canonical official names inside one KEYWORD value; names never contain it.
OFFICIAL_SEPARATOR = ","


def positional(analyzer, **options) -> fields.TEXT:
    """A text field whose positions decode fast (see :mod:`index.formats`)."""
    field = fields.TEXT(analyzer=analyzer, phrase=True, **options)
    field.format = PackedPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> fields.Schema:
    exact, folded, pairs = ReadingAnalyzer(), FoldedAnalyzer(), PairAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title=fields.TEXT(analyzer=exact, stored=True, phrase=False),
        title_f=fields.TEXT(analyzer=folded, phrase=False),
        title_pairs=positional(pairs),
        body=fields.TEXT(analyzer=exact, stored=True, phrase=False),
        body_f=fields.TEXT(analyzer=folded, phrase=False),
        body_pairs=positional(pairs),
        published=fields.DATETIME(stored=True, sortable=True),
        date_source=fields.STORED(),
        year=fields.ID(stored=True, sortable=True),
        month=fields.ID(sortable=True),
        source=fields.ID(stored=True, sortable=True),
        source_name=fields.STORED(),
        section=fields.ID(stored=True, sortable=True),
        author=fields.STORED(),
        status=fields.ID(stored=True),
        officials=fields.KEYWORD(stored=True, commas=True, lowercase=False),
        officials_f=positional(folded),
        officials_data=fields.STORED(),
        story=fields.COLUMN(columns.NumericColumn("q", default=0)),
        story_id=fields.STORED(),
    )


def parse_published(value: str | None) -> datetime | None:
    """The local (UTC+7) wall-clock time of an ISO date, naive, as Whoosh's DATETIME wants."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def story_key(story_id: str) -> int:
    """A story id as a signed 64-bit number for the column; 0 stands for "no story"."""
    digest = hashlib.blake2b(story_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True) or 1


def document(article: Article, status: str = "live", story: str = "") -> dict:
    """The fields Whoosh stores and indexes for one article, ``story`` the id of its story."""
    officials = merge(article.officials)
    published = parse_published(article.published)
    doc = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "title_f": article.title,
        "title_pairs": article.title,
        "body": article.body,
        "body_f": article.body,
        "body_pairs": article.body,
        "source": article.source or "",
        "source_name": article.source_name or "",
        "date_source": article.date_source or "",
        "section": article.section or "",
        "author": article.author or "",
        "status": status,
        "officials": OFFICIAL_SEPARATOR.join(o.name for o in officials),
        "officials_f": " . ".join(name_key(o.name) for o in officials),
        "officials_data": json.dumps(
            [{"name": o.name, "positions": o.positions} for o in officials], ensure_ascii=False
        ),
    }
    if story:
        doc.update(story=story_key(story), story_id=story)
    if published is not None:
        doc.update(published=published, year=f"{published:%Y}", month=f"{published:%Y-%m}")
    return doc
