"""Crawl the bundled sample archive and score what was stored against its ground truth.

Run: python scripts/sample_quality.py   (prints title and date exact rates, body token F1 mean
and worst, and official name precision and recall, over every truth article; then where the
stored dates came from, and the crawl's summary: articles stored, undated, pages dropped by reason)
"""

import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from crawler.config import Site
from crawler.crawl import crawl
from crawler.quality import score
from crawler.sample import serve_sample
from crawler.store import Store


def crawl_sample(data_dir: Path) -> tuple[Counter, dict, dict]:
    """Crawl every sample site into ``data_dir``: the crawl's summary, what was stored (keyed
    ``site:path``, as the truth's articles are) and the truth."""
    summary = Counter()
    with serve_sample() as archive, Store.in_data_dir(data_dir) as store:
        for name, url in archive.sites.items():
            title = archive.truth["sites"][name]["title"]
            site = Site(name=name, title=title, start_urls=[url], delay=0)
            counts = crawl(store, data_dir, site=site).counts()
            summary.update({"stored": counts["new"], "undated": counts["undated"]})
            summary.update({f"dropped {reason}": n for reason, n in counts["dropped"].items()})
        stored = {site_key(a.source, url_path(a.url)): a.to_dict() for _, a, _ in store.changes_since(0)}
        return summary, stored, archive.truth


def crawl_and_score(data_dir: Path) -> dict:
    summary, got, truth = crawl_sample(data_dir)
    wanted = {site_key(t["site"], t["path"]): t for t in truth["articles"]}
    figures = score([got.get(k) for k in wanted], list(wanted.values()))
    return {
        "missing": sorted(set(wanted) - set(got)),
        "unexpected": sorted(set(got) - set(wanted)),
        **figures,
        "date_sources": dict(sorted(Counter(a["date_source"] or "none" for a in got.values()).items())),
        "crawl": dict(sorted(summary.items())),
    }


def url_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def site_key(site: str, path: str) -> str:
    return f"{site}:{path}"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        for name, value in crawl_and_score(Path(scratch)).items():
            print(f"{name:22} {value:.3f}" if isinstance(value, float) else f"{name:22} {value}")
