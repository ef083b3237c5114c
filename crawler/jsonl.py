"""Loading article objects in the export format into the store.

Restoring an export, moving an archive to another machine or loading a prepared corpus all go
through here. A bad line is reported with its number and skipped; every good line is stored,
in batches that are each all-or-nothing, and loading the same file twice changes nothing.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from crawler.article import DATE_SOURCES, Article, Official
from crawler.store import DuplicateURL, Store

TEXT_FIELDS = (
    "id", "url", "title", "published", "date_source", "source", "source_name", "section",
    "author", "body",
)
REQUIRED = ("url", "title", "body")


class BadLine(ValueError):
    """Why one line of the file is not an article."""


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    bad: list[tuple[int, str]] = field(default_factory=list)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def parse_line(line: str) -> Article:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(f"not JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise BadLine("not a JSON object")
    for key in REQUIRED:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise BadLine(f"'{key}' must be a non-empty string")
    values = {}
    for key in TEXT_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise BadLine(f"'{key}' must be a string")
        values[key] = nfc(value) if value else ("" if key != "published" else None)
    if values["published"]:
        try:
            datetime.fromisoformat(values["published"])
        except ValueError:
            raise BadLine("'published' is not an ISO 8601 date") from None
    if values["date_source"] and values["date_source"] not in DATE_SOURCES:
        raise BadLine("'date_source' must be one of " + ", ".join(DATE_SOURCES))
    values["officials"] = _officials(data.get("officials") or [])
    return Article(**values)


def _officials(raw) -> list[Official]:
    if not isinstance(raw, list):
        raise BadLine("'officials' must be a list")
    officials = []
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else None
        positions = item.get("positions", []) if isinstance(item, dict) else None
        if (
            not isinstance(name, str)
            or not isinstance(positions, list)
            or not all(isinstance(p, str) for p in positions)
        ):
            raise BadLine('each official must be {"name": str, "positions": [str]}')
        officials.append(Official(nfc(name), [nfc(p) for p in positions]))
    return officials


def import_file(store: Store, path: str | Path, batch: int = 500) -> ImportReport:
    report = ImportReport()
    pending: list[tuple[int, Article]] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                pending.append((number, parse_line(line)))
            except BadLine as error:
                report.bad.append((number, str(error)))
                continue
            if len(pending) >= batch:
                _save(store, pending, report)
    _save(store, pending, report)
    return report


def _save(store: Store, pending: list[tuple[int, Article]], report: ImportReport) -> None:
    with store.transaction():
        for number, article in pending:
            try:
                report.counts[store.save_article(article)] += 1
            except DuplicateURL as error:
                report.bad.append((number, str(error)))
    pending.clear()
