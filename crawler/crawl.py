"""The crawl loop: take the next queued URL, fetch it, store what it holds, queue what it links.

Each page is committed in one transaction with its article, its URL state and the URLs it
queued, so a crawl killed at any moment resumes where it stopped and stores every article once.
A pass over a site may span several runs; a run that finds nothing queued starts a new pass with
the feeds, sitemaps and start pages, which is also how a recrawl picks up new articles. The run's
counts are committed with each page too, so the figures of a killed run stay true.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from tqdm import tqdm

from crawler.article import Article
from crawler.capture import CaptureWriter, captures_dir
from crawler.config import Site
from crawler.discover import Links, html_links, rejection, xml_links
from crawler.extract import extract
from crawler.fetch import Fetcher, Response, Stopped
from crawler.store import Store
from crawler.urls import canonicalize, in_scope

MAX_DEPTH = 6
FEEDS, START_PAGES, PAGES = 0, 1, 2  # queue priorities: what a recrawl looks at first
GONE = frozenset({404, 410})


@dataclass
class CrawlSummary:
    run_id: int
    pages: int = 0  # fetched, whatever came back
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0
    gone: int = 0  # stored articles the site now answers 404 or 410 for
    undated: int = 0  # articles stored without a date: none on the page nor in its URL
    errors: Counter = field(default_factory=Counter)  # error kind -> pages
    dropped: Counter = field(default_factory=Counter)  # why a page is no article -> pages
    outcome: str = "running"  # then "complete", "budget" (max_pages reached) or "stopped"

    def counts(self) -> dict:
        return {
            "pages": self.pages,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "gone": self.gone,
            "undated": self.undated,
            "errors": dict(sorted(self.errors.items())),
            "dropped": dict(sorted(self.dropped.items())),
        }


Progress = Callable[[CrawlSummary, str], None]


def crawl(
    store: Store,
    data_dir: str | Path,
    start_urls: list[str] | tuple = (),
    site: Site | None = None,
    max_pages: int | None = None,
    delay: float | None = None,
    progress: Progress | None = None,
    stop_event: threading.Event | None = None,
    *,
    max_depth: int = MAX_DEPTH,
    fetcher: Fetcher | None = None,
    captures: str | Path | None = None,
) -> CrawlSummary:
    """Crawl one site (or the hosts of ``start_urls``) until nothing is queued, ``max_pages``
    pages were fetched, or ``stop_event`` is set (the page in hand is finished first).

    ``start_urls`` replace the site's own; ``max_pages`` and ``delay`` default to the site's.
    ``fetcher`` is for tuning limits and the contact URL; its delay and stop event are set here.
    WARC captures go to ``captures`` (default ``DATA/warc``).
    """
    scope = site or Site.for_urls(list(start_urls))
    if start_urls:
        scope = replace(scope, start_urls=list(start_urls))
    if not scope.seeds:
        raise ValueError("nothing to crawl: give start URLs, or a site with start_urls or feeds")
    stop_event = stop_event or threading.Event()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
    fetcher.delay = scope.delay if delay is None else delay
    fetcher.stop_event = stop_event
    run = _Run(store, captures_dir(data_dir, captures), scope, fetcher, max_depth,
               named=site is not None)
    try:
        run.seed()
        run.loop(max_pages or scope.max_pages, progress, stop_event)
    except Stopped:
        run.summary.outcome = "stopped"
    except BaseException:
        with suppress(Exception):  # on a full or read-only disk this fails too: keep the cause
            store.finish_run(run.summary.run_id, "failed", run.summary.counts())
        raise
    finally:
        run.captures.close()
        if own_fetcher:
            fetcher.close()
    store.finish_run(run.summary.run_id, run.summary.outcome, run.summary.counts())
    return run.summary


@contextmanager
def progress_bar(max_pages: int, **options) -> Iterator[Progress]:
    """A ``progress`` callback that draws a tqdm bar (on stderr unless ``file=`` says)."""
    with tqdm(total=max_pages, unit="page", **options) as bar:

        def update(summary: CrawlSummary, url: str):
            bar.set_postfix(new=summary.new, errors=sum(summary.errors.values()), refresh=False)
            bar.update(1)

        yield update


class _Run:
    def __init__(
        self, store: Store, captures: Path, site: Site, fetcher: Fetcher, max_depth: int,
        named: bool,
    ):
        self.store = store
        self.site = site
        self.fetcher = fetcher
        self.max_depth = max_depth
        self.named = named
        self.summary = CrawlSummary(run_id=store.start_run(site.name))
        self.captures = CaptureWriter(captures, self.summary.run_id)

    def seed(self):
        """Queue the seeds again, and the sitemaps that robots.txt names, in recrawl order."""
        seeds = [(url, FEEDS) for url in [*self.site.feeds, *self.site.sitemaps]]
        for host_url in dict.fromkeys(_origin(url) for url in self.site.seeds):
            rules = self.fetcher.robots(host_url)
            seeds += [(url, FEEDS) for url in (rules.sitemaps if rules else ())]
        seeds += [(url, START_PAGES) for url in self.site.start_urls]
        with self.store.transaction():
            self.store.begin_pass(self.site.name)
            for url, priority in seeds:
                canonical = canonicalize(url)
                if canonical and in_scope(canonical, self.site):
                    self.store.queue_url(self.site.name, canonical, url, 0, priority, again=True)

    def loop(self, max_pages: int, progress: Progress | None, stop_event: threading.Event):
        while not stop_event.is_set():
            row = self.store.next_queued(self.site.name)
            if row is None or self.summary.pages >= max_pages:
                self.summary.outcome = "complete" if row is None else "budget"
                return
            self.visit(row)
            if progress:
                progress(self.summary, row["fetch_url"])
        self.summary.outcome = "stopped"

    def visit(self, row: dict):
        state = self.store.url_state(row["url"]) or {}
        validators = (
            {"etag": state["etag"], "last_modified": state["last_modified"]}
            if state.get("article_id")
            else {}
        )
        response = self.fetcher.fetch(row["fetch_url"], in_scope=self.in_scope, **validators)
        self.summary.pages += 1
        final = row["url"] if response.error else canonicalize(response.url) or row["url"]
        links, article = self.read(response, {row["url"], final})
        capture = None
        if article is not None:
            capture = self.captures.write(
                response.url, response.status, response.headers, response.content
            )
        with self.store.transaction():
            self.record(row["url"], final, response, state, article, capture)
            self.queue(row, links)
            self.store.mark_done(self.site.name, row["url"])
            self.store.mark_done(self.site.name, final)
            self.store.update_run(self.summary.run_id, self.summary.counts())

    def in_scope(self, url: str) -> bool:
        return in_scope(url, self.site)

    def read(self, response: Response, own_urls: set[str]) -> tuple[Links, Article | None]:
        """Links to queue, and the article if the page is one and is its own canonical page
        (a print version or a duplicate queues its canonical page instead). A page that is
        no article is counted under the reason why."""
        if response.error or response.kind is None:  # counted as an error, or not modified
            return Links(), None
        if response.kind == "xml":
            return xml_links(response.content), None
        links = html_links(response.text, response.url)
        page = extract(response.text, response.url, self.site.selectors)
        reason = rejection(page, response.url, self.site)
        if reason:
            self.summary.dropped[reason] += 1
            return links, None
        canonical = self.canonical(page.canonical, response.url)
        if canonical not in own_urls:
            self.summary.dropped["duplicate"] += 1
            links.pages.append(canonical)
            return links, None
        if self.named:
            source, name = self.site.name, self.site.title
        else:
            source, name = urlsplit(canonical).netloc, ""
        return links, replace(page, canonical=canonical).to_article(source, name)

    def canonical(self, declared: str, url: str) -> str:
        """The page's ``rel=canonical`` if it stays on the site, else its own canonical URL."""
        target = canonicalize(declared, base=url)
        return target if target and in_scope(target, self.site) else canonicalize(url)

    def record(
        self,
        url: str,
        final: str,
        response: Response,
        state: dict,
        article: Article | None,
        capture: str | None,
    ):
        site = self.site.name
        if response.error:
            self.summary.errors[response.error] += 1
            forget = {}
            if response.status in GONE:
                if state.get("article_id") and self.store.mark_gone(state["article_id"]):
                    self.summary.gone += 1
                # a page that comes back must be fetched whole, not answered with a 304
                forget = {"etag": None, "last_modified": None}
            self.store.record_url(
                url, site, http_status=response.status, error=response.error, **forget
            )
            return
        if response.not_modified:
            self.summary.not_modified += 1
            self.store.record_url(url, site, http_status=304, error=None)
            return
        article_id = None
        if article is not None:
            outcome = self.store.save_article(article, capture)
            setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
            self.summary.undated += article.published is None
            article_id = article.id
        for each in dict.fromkeys([url, final]):
            self.store.record_url(
                each,
                site,
                http_status=response.status,
                error=None,
                article_id=article_id,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )

    def queue(self, row: dict, links: Links):
        """Queue what the page links to. Articles already stored are fetched again only from
        the start pages and feeds, where corrections to recent articles show; a listing's next
        page only while the listing still turns up URLs not seen before."""
        depth = row["depth"]
        refresh = row["priority"] < PAGES and links.source != "sitemap"
        for url in [*links.feeds, *links.sitemaps]:
            self.add(url, depth, FEEDS)
        fresh = sum(self.add(url, depth + 1, PAGES, refresh) for url in links.pages)
        if fresh:
            for url in links.next_pages:
                self.add(url, depth, PAGES)

    def add(self, url: str, depth: int, priority: int, refresh: bool = False) -> bool:
        """Queue ``url``; True if it is new: neither queued in this pass nor a stored article."""
        canonical = canonicalize(url)
        if canonical is None or depth > self.max_depth or not in_scope(canonical, self.site):
            return False
        known = bool((self.store.url_state(canonical) or {}).get("article_id"))
        if known and not refresh:
            return False
        queued = self.store.queue_url(
            self.site.name, canonical, urldefrag(url).url, depth, priority
        )
        return queued and not known


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
