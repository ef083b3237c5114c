"""The search service the CLI and the web app share: one object per data dir.

Searchers are reused across requests (one per thread, since Whoosh readers are not
thread-safe) and refreshed only when the index changed; facet columns are read once per segment
and laid end to end per index generation, and the officials directory is counted from them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from index.officials import canonical_name
from index.writer import current_generation, open_index
from search import facets, matching, ranking, readings, stories
from search import filters as search_filters
from search import query as search_query
from search.columns import ColumnsCache
from search.filters import FilterError, Filters
from search.officials import OfficialsDirectory, profile
from search.readers import reopen
from search.readings import IndexWordStats
from search.snippets import snippet
from search.vocabulary import expansions, shown
from search.words import default_lexicon, read_words

SORTS = ("relevance", "newest", "oldest")
COLLAPSES = ("", "none", "story")  # "" and "none": every copy is a hit
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
LOCAL_OFFSET = "+07:00"


class SearchError(ValueError):
    """A request the engine cannot answer; the message says what to change."""


@dataclass
class SearchRequest:
    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10
    top_officials: int = 20
    match: str = "words"
    collapse: str = ""

    @property
    def by_story(self) -> bool:
        return self.collapse == "story"

    def validate(self) -> None:
        if self.collapse not in COLLAPSES:
            raise SearchError("collapse must be story (one hit a story) or none (every copy)")
        if self.match not in search_query.MATCHES:
            raise SearchError(f"match must be one of {', '.join(search_query.MATCHES)}")
        if self.sort not in SORTS:
            raise SearchError(f"sort must be one of {', '.join(SORTS)}")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise SearchError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        if not 1 <= self.page <= MAX_PAGE:
            raise SearchError(f"page must be between 1 and {MAX_PAGE}")


def published_iso(value) -> str | None:
    return value.isoformat() + LOCAL_OFFSET if isinstance(value, datetime) else None


class Engine:
    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self._local = threading.local()
        self._columns = ColumnsCache()
        self._postings = matching.PostingsCache()
        self._officials_lock = threading.Lock()
        self._officials: tuple[object, OfficialsDirectory] | None = None
        self._schemas: dict = {}  # the live generation's, unpickled once
        default_lexicon()  # read the word lists now, not in every thread of the first requests

    # -- the reader ---------------------------------------------------------------------------

    def searcher(self):
        """This thread's searcher, reopened when a rebuild swapped generations or an update
        committed, keeping the readers of the segments a commit left alone."""
        held = getattr(self._local, "held", None)
        if (
            held is None
            or held[0] != current_generation(self.data_dir)
            or not held[1].up_to_date()
        ):
            generation = current_generation(self.data_dir)
            schema = self._schemas.get(str(generation))
            searcher = reopen(open_index(self.data_dir, schema), held[1] if held else None)
            self._schemas = {str(generation): searcher.schema}
            held = self._local.held = (generation, searcher)
        return held[1]

    def _key(self, searcher):
        """Which index state the per-generation caches belong to (read when the searcher was)."""
        return (str(self._local.held[0]), searcher.reader().generation())

    def officials_directory(self, searcher=None) -> OfficialsDirectory:
        searcher = searcher or self.searcher()
        key = self._key(searcher)
        with self._officials_lock:
            if self._officials is None or self._officials[0] != key:
                columns = self._columns.get(searcher.reader(), key)
                self._officials = (key, OfficialsDirectory.from_columns(columns))
            return self._officials[1]

    # -- search -------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        request.validate()
        searcher = self.searcher()
        officials = self.officials_directory(searcher)
        parsed = self.parse(request.q, request.match, searcher, officials)
        columns = self._columns.get(searcher.reader(), self._key(searcher))
        postings = matching.Postings(searcher, columns, self._postings, self._key(searcher))
        try:
            allowed = matching.filter_docs(postings, request.filters, officials.by_key)
        except FilterError as error:
            raise SearchError(str(error)) from None
        parsed, docs, fallback = self._match(postings, parsed, allowed)
        counted = stories.firsts(columns, docs) if request.by_story else docs
        sort = request.sort if not parsed.empty else (
            "newest" if request.sort == "relevance" else request.sort
        )
        wanted = request.page * request.page_size
        if sort == "relevance":
            page = ranking.ranked(postings, parsed, docs, wanted, request.by_story)
            page = page[wanted - request.page_size :]
        else:
            ordered = facets.by_date(columns, counted, wanted, newest=sort == "newest")
            page = [(docnum, None) for docnum in ordered[wanted - request.page_size :]]
        terms = search_query.highlight_words(parsed)
        prefixes = tuple(search_query.prefixes(parsed))
        hits = [self._hit(searcher.stored_fields(d), score, terms, prefixes) for d, score in page]
        if request.by_story:
            for hit, (docnum, _) in zip(hits, page, strict=True):
                hit.update(_other_copies(searcher, columns, docnum))
        return {
            "query": request.q,
            "match": parsed.match,
            "searched": parsed.searched,
            "repaired": parsed.repaired,
            "fallback": fallback,
            "readings": readings.describe(postings, parsed),
            "expanded": [{"word": c.text, "includes": [shown(e) for e in c.expansions]}
                         for c in parsed.clauses() + parsed.excluded if c.expansions],
            "collapse": "story" if request.by_story else None,
            "total": len(counted),
            "total_counts": "stories" if request.by_story else "articles",
            "articles": len(docs),
            "page": request.page,
            "page_size": request.page_size,
            "sort": sort,
            "hits": hits,
            "facets": facets.count(
                columns, counted, request.top_officials, months=_one_year(request.filters),
                copies=docs,
            ),
        }

    def parse(self, q: str, match: str, searcher, officials: OfficialsDirectory):
        """The query read into words with the archive's own statistics and officials."""
        stats = IndexWordStats(searcher.reader())

        def read(syllables):
            return read_words(syllables, stats, officials.names)

        return search_query.parse(q, match, read=read, expand=expansions)

    @staticmethod
    def _match(postings, parsed, allowed):
        """The query that matched, its docnums and the fallback used: the words as typed first,
        then without their diacritics (a slip in the marks), then any word if none has all."""
        if parsed.empty:
            docs = allowed if allowed is not None else matching.live_docs(postings.columns)
            return parsed, docs, None
        tries = [(parsed, False, None)]
        if parsed.marked:
            tries.append((parsed.without_marks(), False, "marks"))
        if len(parsed.groups) > 1:
            tries.append((parsed, True, "any"))
        for candidate, any_group, fallback in tries:
            docs = matching.query_docs(postings, candidate, any_group)
            if allowed is not None:
                docs = matching.intersection([docs, allowed])
            if len(docs):
                return candidate, docs, fallback
        return parsed, docs, None

    def _hit(self, fields: dict, score, terms, prefixes) -> dict:
        hit = _article(fields)
        body = hit.pop("body")
        hit["snippet"] = snippet(body, terms, prefixes)
        hit["score"] = round(score, 4) if score is not None else None
        return hit

    # -- single records -----------------------------------------------------------------------

    def record(self, article_id: str) -> dict | None:
        """The article as indexed, with its story's id but not its copies (an export's row)."""
        searcher = self.searcher()
        docnum = searcher.document_number(id=article_id)
        return None if docnum is None else _article(searcher.stored_fields(docnum))

    def article(self, article_id: str) -> dict | None:
        """The article, with its story: every other copy, and how long after the original."""
        searcher = self.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return None
        article = _article(searcher.stored_fields(docnum))
        columns = self._columns.get(searcher.reader(), self._key(searcher))
        listed = [_copy(c) for c in stories.copies(searcher, columns, docnum)]
        own = next(c for c in listed if c["id"] == article_id)
        article["story"] = {
            "id": article["story_id"],
            "original_id": next(c["id"] for c in listed if c["original"]),
            "lag_days": own["lag_days"],
            "copies_total": len(listed) - 1,
            "copies": [c for c in listed if c["id"] != article_id],
        }
        return article

    def officials(self, prefix: str = "", limit: int = 20) -> list[dict]:
        return self.officials_directory().complete(prefix, limit)

    def official_profile(self, name: str) -> dict | None:
        searcher = self.searcher()
        directory = self.officials_directory(searcher)
        names = search_filters.resolve_official(name, directory.by_key)
        if not names:
            return None
        best = canonical_name(name) if canonical_name(name) in names else names[0]
        return profile(searcher, best, published_iso)


def _other_copies(searcher, columns, docnum: int) -> dict:
    """A collapsed hit's story: the other copies (the first :data:`stories.COPIES_SHOWN`)."""
    listed = stories.copies(searcher, columns, docnum, stories.COPIES_SHOWN, leave_out=docnum)
    return {"copies": [_copy(c) for c in listed],
            "copies_total": len(columns.story_members(docnum)) - 1}


def _copy(copy: dict) -> dict:
    return {**copy, "published": published_iso(copy["published"])}


def _article(fields: dict) -> dict:
    return {
        "id": fields["id"],
        "story_id": fields.get("story_id") or fields["id"],
        "url": fields.get("url", ""),
        "title": fields.get("title", ""),
        "published": published_iso(fields.get("published")),
        "date_source": fields.get("date_source", ""),
        "source": fields.get("source", ""),
        "source_name": fields.get("source_name") or fields.get("source", ""),
        "section": fields.get("section", ""),
        "author": fields.get("author", ""),
        "status": fields.get("status", "live"),
        "officials": json.loads(fields.get("officials_data") or "[]"),
        "body": fields.get("body", ""),
    }


def _one_year(filters: Filters) -> bool:
    """Month counts make sense once the date range is inside one year."""
    start, stop = filters.date_from, filters.date_to
    return bool(start and stop and start[:4] == stop[:4])
