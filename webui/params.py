"""The search state a URL carries, read once for every page, the API, the exports and the feed.

Links on the results page are built from this state, so every facet click, page turn and
"drop this filter" link keeps the rest of the search, and works without JavaScript.

Reprints are collapsed into stories by default on the HTML pages (a reader wants each story
once) and not in the data (the API, exports and the feed keep every copy unless asked), so
``collapse`` has a default per surface: a URL carries it only where it differs from the default
of the surface the URL leads to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from index.officials import name_key
from search.engine import SearchError, SearchRequest
from search.filters import Filters

MAX_QUERY_CHARS = 500
MAX_VALUE_CHARS = 200
MAX_OFFICIALS = 10
DEFAULT_SORT = "relevance"
DEFAULT_PAGE_SIZE = 10
DEFAULT_MATCH = "words"
PAGE_COLLAPSE = "story"  # the HTML pages: one hit a story
DATA_COLLAPSE = "none"  # the API, exports and feed: every copy a hit, as before stories


def integer(args, name: str, default: int) -> int:
    """An integer parameter; anything else is the caller's mistake, said in a 400."""
    value = args.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SearchError(f"{name} must be an integer") from None


def text(args, name: str, limit: int = MAX_VALUE_CHARS) -> str:
    value = args.get(name, "").strip()
    if len(value) > limit:
        raise SearchError(f"{name} must be at most {limit} characters")
    return value


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    officials: tuple[str, ...] = ()
    source: str = ""
    section: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    match: str = DEFAULT_MATCH
    collapse: str = PAGE_COLLAPSE  # a state made for a page's links; a request's: from_args

    @classmethod
    def from_args(cls, args, collapse: str = DATA_COLLAPSE) -> SearchState:
        """The state of a request; ``collapse`` is the surface's default."""
        officials = tuple(o.strip() for o in args.getlist("official") if o.strip())
        if len(officials) > MAX_OFFICIALS:
            raise SearchError(f"at most {MAX_OFFICIALS} official filters")
        if any(len(o) > MAX_VALUE_CHARS for o in officials):
            raise SearchError(f"official must be at most {MAX_VALUE_CHARS} characters")
        return cls(
            q=text(args, "q", MAX_QUERY_CHARS),
            officials=tuple(dict.fromkeys(officials)),
            source=text(args, "source"),
            section=text(args, "section"),
            date_from=text(args, "from"),
            date_to=text(args, "to"),
            sort=text(args, "sort") or DEFAULT_SORT,
            page=integer(args, "page", 1),
            page_size=integer(args, "page_size", DEFAULT_PAGE_SIZE),
            match=text(args, "match") or DEFAULT_MATCH,
            collapse=text(args, "collapse") or collapse,
        )

    def request(self, **changes) -> SearchRequest:
        filters = Filters(
            list(self.officials),
            self.source or None,
            self.section or None,
            self.date_from or None,
            self.date_to or None,
        )
        values = dict(q=self.q, filters=filters, sort=self.sort, page=self.page,
                      page_size=self.page_size, match=self.match, collapse=self.collapse)
        return SearchRequest(**{**values, **changes})

    @property
    def filtered(self) -> bool:
        return bool(self.officials or self.source or self.section or self.date_from or self.date_to)

    @property
    def by_story(self) -> bool:
        return self.collapse == "story"

    def pairs(self, collapse: str) -> list[tuple[str, str]]:
        """The query string of this state, leaving out what equals the default (``collapse``:
        the default of the surface the query string is for)."""
        pairs = [("q", self.q)] if self.q else []
        pairs += [("official", o) for o in self.officials]
        for key, value in (("source", self.source), ("section", self.section),
                           ("from", self.date_from), ("to", self.date_to)):
            if value:
                pairs.append((key, value))
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        if self.page_size != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", str(self.page_size)))
        if self.match != DEFAULT_MATCH:
            pairs.append(("match", self.match))
        if self.collapse != collapse:
            pairs.append(("collapse", self.collapse))
        return pairs

    def query_string(self, collapse: str) -> str:
        return urlencode(self.pairs(collapse))

    def change(self, **changes) -> SearchState:
        """The same search with some values changed, from its first page unless told."""
        return replace(self, **{"page": 1, **changes})

    def toggle_official(self, name: str) -> SearchState:
        """Add ``name``, or remove it with every typed spelling of it (with or without accents)."""
        key = name_key(name)
        kept = tuple(o for o in self.officials if name_key(o) != key)
        return self.change(officials=kept if len(kept) < len(self.officials) else (*kept, name))

    def has_official(self, name: str) -> bool:
        return name_key(name) in {name_key(o) for o in self.officials}

    def without_dates(self) -> SearchState:
        return self.change(date_from="", date_to="")

    def period(self, value: str) -> SearchState:
        """Narrow to one year (``2019``) or one month (``2019-05``)."""
        return self.change(date_from=value, date_to=value)

    @property
    def one_period(self) -> str:
        """The year or month the range is exactly set to, or ``""``."""
        return self.date_from if self.date_from and self.date_from == self.date_to else ""

    def active_filters(self) -> list[tuple[str, str, SearchState]]:
        """``(label, value, state without it)`` for every filter in use."""
        active = [("Cán bộ", o, self.change(officials=tuple(x for x in self.officials if x != o)))
                  for o in self.officials]
        if self.source:
            active.append(("Nguồn", self.source, self.change(source="")))
        if self.section:
            active.append(("Chuyên mục", self.section, self.change(section="")))
        if self.date_from:
            active.append(("Từ", self.date_from, self.change(date_from="")))
        if self.date_to:
            active.append(("Đến", self.date_to, self.change(date_to="")))
        return active
