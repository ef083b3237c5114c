"""Score our extractor and trafilatura on the same pages, field by field.

    pip install trafilatura lxml_html_clean   # for this comparison only
    python scripts/compare_extractors.py

Pages: the extraction fixtures (tests/fixtures/extract) and, when present, the bundled sample
archive, fetched from its own server. Both extractors get the page's bytes. Trafilatura has no
officials and no notion of an article page, so its text goes through the same official finder
and the same article rule (title, date, and 80 words or 3 paragraphs) as ours.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import htmldate
import requests
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.dates import parse_published  # noqa: E402
from crawler.extract import MIN_PARAGRAPHS, MIN_WORDS, extract  # noqa: E402
from crawler.officials import find_officials  # noqa: E402
from crawler.quality import score  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"


def ours(html: bytes, url: str) -> dict | None:
    page = extract(html, url)
    return {**asdict(page), "officials": [asdict(o) for o in page.officials]} if page else None


def theirs(html: bytes, url: str) -> dict | None:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return None
    title, body = doc.title or "", "\n\n".join(p for p in (doc.text or "").split("\n") if p)
    found = htmldate.find_date(html, outputformat="%Y-%m-%dT%H:%M:%S", original_date=True)
    published = parse_published(f"{found}+07:00") if found else None
    return {
        "title": title,
        "published": published,
        "body": body,
        "author": doc.author or "",
        "section": (doc.categories or [""])[0],
        "officials": [asdict(o) for o in find_officials(f"{title}\n\n{body}")],
        "is_article": bool(
            title
            and published
            and (len(body.split()) >= MIN_WORDS or body.count("\n\n") + 1 >= MIN_PARAGRAPHS)
        ),
    }


def fixture_pages() -> list[tuple[bytes, str, dict]]:
    cases = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
    return [((FIXTURES / c["file"]).read_bytes(), c["url"], c) for c in cases]


def sample_pages() -> list[tuple[bytes, str, dict]]:
    from crawler.sample import load_truth, serve_sample

    truth = load_truth()
    wanted = truth["articles"] + [{**p, "is_article": False} for p in truth["non_articles"]]
    pages = []
    with serve_sample() as archive:
        for item in wanted:
            url = archive.url(item["site"], item["path"])
            response = requests.get(url, timeout=10)
            if response.status_code == 503:  # the archive's one-time outage
                response = requests.get(url, timeout=10)
            pages.append((response.content, url, item))
    return pages


def table(pages: list[tuple[bytes, str, dict]]) -> str:
    truth = [t for _, _, t in pages]
    results = {}
    for name, run in (("vnsearch", ours), ("trafilatura", theirs)):
        got = [run(html, url) for html, url, _ in pages]
        results[name] = score(got, truth)
        days = [{**g, "published": (g.get("published") or "")[:10]} if g else None for g in got]
        results[name]["date_day"] = score(
            days, [{**t, "published": (t.get("published") or "")[:10]} for t in truth]
        )["date_exact"]
    rows = ["| field | vnsearch | trafilatura |", "|---|---:|---:|"]
    for key in results["vnsearch"]:
        rows.append(f"| {key} | {results['vnsearch'][key]} | {results['trafilatura'][key]} |")
    return "\n".join(rows)


def main() -> None:
    print("## Fixtures\n\n" + table(fixture_pages()) + "\n")
    if (ROOT / "crawler" / "sample" / "truth.json").exists():
        print("## Sample archive\n\n" + table(sample_pages()) + "\n")


if __name__ == "__main__":
    main()
