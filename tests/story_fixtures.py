"""Archives with reprints, for the tests of stories: one article republished by other outlets
with the edits provincial papers make, beside articles that stand alone."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crawler.article import Article
from crawler.store import open_store
from index import writer
from tests.webui_fixtures import SCRIPT
from vnsearch.bench.corpus import Generator

BODIES = [Generator(seed=7).original(n)["body"] for n in range(8)]


def reprint(body: str, seed: int = 0) -> str:
    """A provincial reprint: a source line, one paragraph cut, a caption and the lead changed."""
    rng = random.Random(seed)
    paragraphs = [p for p in body.split("\n") if p.strip()] or [body]
    if len(paragraphs) >= 3:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    paragraphs[0] = "Sáng nay, " + paragraphs[0][0].lower() + paragraphs[0][1:]
    paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), "Ảnh: Quang cảnh hội nghị.")
    return "\n".join(["(TTXVN)", *paragraphs, "Theo Báo Nhân Dân"])


def dated(n: int, body: str, day: int, source: str, name: str = "") -> Article:
    """Article ``n`` of ``source``, published on that day of May 2023."""
    return Article(url=f"http://{source}.test/tin/{n}.html", title=f"Tin số {n}", body=body,
                   published=f"2023-05-{day:02d}T08:00:00+07:00", source=source,
                   source_name=name or f"Báo {source}")


def three_stories() -> list[Article]:
    """Story A in three outlets (two and one day late), story B in two (the same day), two
    loners."""
    return [
        dated(1, BODIES[0], 3, "tinhuy"),
        dated(2, reprint(BODIES[0], 1), 5, "baotinh"),
        dated(3, reprint(BODIES[0], 2), 4, "congtt"),
        dated(4, BODIES[1], 10, "baotinh"),
        dated(5, reprint(BODIES[1], 3), 10, "tinhuy"),
        dated(6, BODIES[5], 12, "congtt"),
        dated(7, BODIES[6], 13, "tinhuy"),
    ]


def build(data_dir: Path, articles: list[Article]) -> None:
    """Store the articles and index them by a rebuild, as ``vnsearch index --rebuild`` does."""
    with open_store(str(Path(data_dir) / "store.sqlite")) as store:
        for article in articles:
            store.save_article(article)
        writer.rebuild(store, data_dir)


def widely_reprinted() -> list[Article]:
    """Story C: an article of the national press and seven reprints over the next days, one of
    them by an outlet whose name carries markup (a name comes from the crawled page)."""
    outlets = ["tinh1", "tinh2", "tinh3", "tinh4", "tinh5", "tinh6", "tinh7"]
    copies = [dated(20, BODIES[3], 14, "nhandan", "Báo Nhân Dân")]
    for n, outlet in enumerate(outlets):
        name = f"Cổng {SCRIPT}" if outlet == "tinh7" else ""
        copies.append(dated(21 + n, reprint(BODIES[3], 10 + n), 15 + n // 3, outlet, name))
    return copies


@pytest.fixture(scope="module")
def story_dir(tmp_path_factory) -> Path:
    """Stories A (three copies), B (two) and C (eight), and two loners, indexed."""
    path = tmp_path_factory.mktemp("stories")
    build(path, three_stories() + widely_reprinted())
    return path
