"""Writing the archive out as one article object a line (JSONL) or a CSV row an article.

Officials are exported under their canonical names, merged as the index sees them. Each row
carries its story's id (the copies of one article across outlets share it), read from the live
index generation; an article the index has not reached yet has an empty one.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TextIO

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index.officials import merge
from index.story_table import FILE, StoryTable
from index.writer import current_generation

FORMATS = ("jsonl", "csv")
COLUMNS = ("id", "story_id", *EXPORT_KEYS[1:])  # an export's keys, in order
STORY_BATCH = 500  # articles whose stories are looked up at once


def export_objects(store: Store, data_dir: str | Path) -> Iterator[dict]:
    """Every stored article, with its story id, in store order; memory stays flat."""
    with _story_table(data_dir) as table:
        articles = (article for _, article, _ in store.changes_since(0))
        while batch := list(islice(articles, STORY_BATCH)):
            stories = table.stories(a.id for a in batch) if table else {}
            yield from (canonical(article, stories) for article in batch)


@contextmanager
def _story_table(data_dir: str | Path) -> Iterator[StoryTable | None]:
    """The live generation's story table, if it has one (an index made before stories has
    none; opening the table would create it)."""
    generation = current_generation(data_dir)
    if generation is None or not (generation / FILE).exists():
        yield None
        return
    table = StoryTable(generation)
    try:
        yield table
    finally:
        table.close()


def canonical(article: Article, stories: dict[str, str]) -> dict:
    data = article.to_dict()
    data["officials"] = [
        {"name": o.name, "positions": o.positions} for o in merge(article.officials)
    ]
    data["story_id"] = stories.get(article.id, "")
    return {key: data[key] for key in COLUMNS}


def write(objects, out: TextIO, fmt: str) -> int:
    count = 0
    if fmt == "csv":
        rows = csv.DictWriter(out, fieldnames=COLUMNS)
        rows.writeheader()
    for obj in objects:
        if fmt == "csv":
            rows.writerow({**obj, "officials": json.dumps(obj["officials"], ensure_ascii=False)})
        else:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        count += 1
    return count
