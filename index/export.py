"""Writing the archive out as one article object a line (JSONL) or a CSV row an article.

Officials are exported under their canonical names, merged as the index sees them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index.officials import merge

FORMATS = ("jsonl", "csv")


def export_objects(store: Store) -> Iterator[dict]:
    for _, article, _ in store.changes_since(0):
        yield canonical(article)


def canonical(article: Article) -> dict:
    data = article.to_dict()
    data["officials"] = [
        {"name": o.name, "positions": o.positions} for o in merge(article.officials)
    ]
    return data


def write(objects, out: TextIO, fmt: str) -> int:
    count = 0
    if fmt == "csv":
        rows = csv.DictWriter(out, fieldnames=EXPORT_KEYS)
        rows.writeheader()
    for obj in objects:
        if fmt == "csv":
            rows.writerow({**obj, "officials": json.dumps(obj["officials"], ensure_ascii=False)})
        else:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        count += 1
    return count
