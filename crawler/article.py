"""The article record that flows from extraction through the store to the index and the API."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


@dataclass
class Official:
    """A named official as written in one article, with the positions given beside the name."""

    name: str
    positions: list[str] = field(default_factory=list)


@dataclass
class Article:
    url: str
    title: str
    body: str
    published: str | None = None  # ISO 8601 with the +07:00 offset; None when no date is known
    date_source: str = ""  # where the date was read: page, meta, json-ld or url ("" if none)
    source: str = ""  # the site's key, as filters and the API name it
    source_name: str = ""  # the site's name as readers know it ("Báo Ngọc Linh")
    section: str = ""
    author: str = ""
    officials: list[Official] = field(default_factory=list)
    id: str = ""

    def __post_init__(self):
        if not self.id:
            self.id = article_id(self.url)
        self.officials = [
            o if isinstance(o, Official) else Official(**o) for o in self.officials
        ]

    def to_dict(self) -> dict:
        """The export object: the same keys, in the same order, everywhere."""
        data = asdict(self)
        return {key: data[key] for key in EXPORT_KEYS}


EXPORT_KEYS = (
    "id", "url", "title", "published", "date_source", "source", "source_name", "section",
    "author", "officials", "body",
)
DATE_SOURCES = ("page", "meta", "json-ld", "url")


def article_id(url: str) -> str:
    """A stable id from the canonical URL, so a recrawl or an import addresses the same record."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
