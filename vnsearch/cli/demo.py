"""``vnsearch demo``: the whole flow on the bundled sample archive, on this machine only.

The sample sites are served on 127.0.0.1 (fresh ports each time), crawled politely like any
site, indexed, and the search UI is served. The demo keeps its own archive in ``DATA/demo``,
rebuilt on every run, so it never mixes with an archive of real sites.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from crawler.config import Site
from crawler.crawl import crawl
from crawler.sample import serve_sample
from crawler.store import Store
from index import writer


def prepare(data_dir: Path, echo) -> tuple[Path, object]:
    """Serve the sample sites, crawl and index them; returns (demo data dir, running archive)."""
    demo_dir = data_dir / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    demo_dir.mkdir(parents=True)
    archive = serve_sample()
    try:
        with Store.in_data_dir(demo_dir) as store:
            for name, url in archive.sites.items():
                title = archive.truth["sites"][name]["title"]
                echo(f"crawling {title} at {url}")
                site = Site(name=name, title=title, start_urls=[url], delay=0)
                summary = crawl(store, demo_dir, site=site)
                echo(f"  {summary.pages} pages, {summary.new} articles")
            stats = writer.update(store, demo_dir)
            echo(f"indexed {stats.indexed} articles")
    except BaseException:
        archive.close()
        raise
    return demo_dir, archive
