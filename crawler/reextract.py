"""Extracting every stored article again from its raw capture, without crawling again.

When the extraction rules improve, ``vnsearch index --rebuild`` runs this first: each article is
re-read from its WARC record with the current rules and saved under the same id and URL, so the
archive's identity never moves. A capture that is missing or no longer yields an article is
counted and the stored text is kept as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from crawler.capture import captures_dir, read_capture
from crawler.charset import decode
from crawler.config import Site
from crawler.extract import extract
from crawler.store import Store


def reextract(
    store: Store,
    data_dir: str | Path,
    sites: dict[str, Site] | None = None,
    captures: str | Path | None = None,
) -> Counter:
    """Counts of ``new``/``updated``/``unchanged`` and of problems (``missing``, ``not_article``);
    the WARC files are read from ``captures`` (default ``DATA/warc``)."""
    counts: Counter = Counter()
    directory = captures_dir(data_dir, captures)
    for article_id, _, ref in list(store.captures()):
        stored = store.article(article_id)
        try:
            url, headers, content = read_capture(directory, ref)
        except (OSError, ValueError):
            counts["missing"] += 1
            continue
        site = (sites or {}).get(stored.source)
        text = decode(content, headers.get("Content-Type", ""))
        page = extract(text or "", url, site.selectors if site else None)
        if page is None or not page.title or not page.body:
            counts["not_article"] += 1
            continue
        name = (site.title if site else "") or stored.source_name
        article = replace(page.to_article(stored.source, name), url=stored.url, id=stored.id)
        with store.transaction():
            counts[store.save_article(article)] += 1
    return counts
