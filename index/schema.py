"""The Whoosh schema of an article.

Title and body are indexed twice: the *exact* view keeps diacritics (so ``bầu`` and ``bấu`` stay
apart and the word the user typed ranks first), the *folded* view meets queries typed without
them. Phrases are matched in the folded views, which keep positions; the exact body view keeps
only frequencies, since positions there would double the cost of indexing a body for no match
the folded view cannot find. Facet fields are sortable columns, so counts come from column data instead of stored
fields.
"""

from __future__ import annotations

import json
from datetime import datetime

from whoosh import fields

from crawler.article import Article
from index.analysis import ExactAnalyzer, FoldedAnalyzer
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
    exact, folded = ExactAnalyzer(), FoldedAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        url=fields.STORED(),
        title=positional(exact, stored=True),
        title_f=positional(folded),
        body=fields.TEXT(analyzer=exact, stored=True, phrase=False),
        body_f=positional(folded),
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
    )


def parse_published(value: str | None) -> datetime | None:
    """The local (UTC+7) wall-clock time of an ISO date, naive, as Whoosh's DATETIME wants."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def document(article: Article, status: str = "live") -> dict:
    """The fields Whoosh stores and indexes for one article."""
    officials = merge(article.officials)
    published = parse_published(article.published)
    doc = {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "title_f": article.title,
        "body": article.body,
        "body_f": article.body,
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
    if published is not None:
        doc.update(published=published, year=f"{published:%Y}", month=f"{published:%Y-%m}")
    return doc
