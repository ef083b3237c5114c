"""Several crawls at once: the sites of a config, or the hosts of some start URLs.

Each crawl runs in a thread of its own with its own store connection, under its site's claim
(so it never runs beside a scheduler's crawl of the same site), and all of them fetch through
one :class:`HostGate`, so politeness stays per host however many crawls share it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from crawler.config import Site
from crawler.crawl import CrawlSummary, Progress, crawl
from crawler.fetch import Fetcher, HostGate
from crawler.store import Store


@dataclass
class Target:
    site: Site | None  # None: the hosts of start_urls are the scope
    start_urls: list[str] = field(default_factory=list)

    @property
    def scope(self) -> Site:
        return self.site or Site.for_urls(self.start_urls)


@dataclass
class Options:
    max_pages: int | None = None
    delay: float | None = None
    contact: str | None = None
    captures: str | Path | None = None
    stop_event: threading.Event = field(default_factory=threading.Event)


def crawl_all(
    store: Store,
    data_dir: str | Path,
    targets: list[Target],
    options: Options,
    workers: int = 1,
    progress: Progress | None = None,
) -> Iterator[tuple[Target, CrawlSummary | None]]:
    """``(target, summary)`` as each crawl ends, ``workers`` at a time; the summary is None when
    another process holds the site."""
    gate = HostGate()

    def one(target: Target) -> tuple[Target, CrawlSummary | None]:
        with store.reopen() as own, own.claim(target.scope.name) as held:
            if not held:
                return target, None
            fetcher = Fetcher(contact=options.contact, gate=gate)
            try:
                return target, crawl(
                    own, data_dir, start_urls=target.start_urls, site=target.site,
                    max_pages=options.max_pages, delay=options.delay, progress=progress,
                    stop_event=options.stop_event, fetcher=fetcher, captures=options.captures,
                )
            finally:
                fetcher.close()

    with ThreadPoolExecutor(workers, thread_name_prefix="crawl") as pool:
        futures = [pool.submit(one, target) for target in targets]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:  # a crawl failed, or the caller stopped listening: stop them all
            options.stop_event.set()
            raise
