"""A whole result set as CSV or JSON Lines, and the newest results as an Atom feed.

Exports stream page by page from the engine, so memory stays flat, and stop at
``EXPORT_LIMIT`` rows; the ``X-Export-*`` headers say how many matched and whether the file
is cut short, since a stream cannot say so at its end.

A row is an article with its story's id. With ``collapse=story`` a row is a story: its hit,
the copy the search shows (the other copies share its ``story_id``), and the headers count
stories; the default is every copy, as the API's.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone

from flask import Blueprint, current_app, render_template, request, url_for

from index.export import COLUMNS
from search.engine import MAX_PAGE, MAX_PAGE_SIZE, Engine
from webui import engine
from webui.pages import search_url
from webui.params import DATA_COLLAPSE, SearchState

bp = Blueprint("export", __name__)

FEED_ENTRIES = 50
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids; a crawled page may still contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@bp.get("/api/export.csv")
def export_csv():
    rows, headers = _export()
    headers["Content-Disposition"] = 'attachment; filename="vnsearch.csv"'
    return current_app.response_class(_csv(rows), mimetype="text/csv", headers=headers)


@bp.get("/api/export.jsonl")
def export_jsonl():
    rows, headers = _export()
    headers["Content-Disposition"] = 'attachment; filename="vnsearch.jsonl"'
    lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return current_app.response_class(lines, mimetype="application/x-ndjson", headers=headers)


def _export() -> tuple[Iterator[dict], dict]:
    """Rows to stream and the headers that describe them; bad parameters fail before a byte."""
    state = SearchState.from_args(request.args).change(page_size=MAX_PAGE_SIZE)
    limit = min(int(current_app.config["EXPORT_LIMIT"]), MAX_PAGE * MAX_PAGE_SIZE)
    first = engine().search(state.request())
    headers = {
        "X-Export-Total": str(first["total"]),
        "X-Export-Limit": str(limit),
        "X-Export-Truncated": "true" if first["total"] > limit else "false",
    }
    return _articles(engine(), state, first, limit), headers


def _articles(search: Engine, state: SearchState, response: dict, limit: int) -> Iterator[dict]:
    """Full records (body included) in the search's order, at most ``limit`` of them.

    Runs after the view returned, so it is handed the engine instead of finding the app.
    """
    sent = 0
    while True:
        for hit in response["hits"]:
            found = search.record(hit["id"])
            if found is None:  # removed by a rebuild since the page was read
                continue
            yield {key: found[key] for key in COLUMNS}
            sent += 1
            if sent >= limit:
                return
        if len(response["hits"]) < state.page_size or state.page >= MAX_PAGE:
            return
        state = state.change(page=state.page + 1)
        response = search.search(state.request())


def _csv(rows: Iterator[dict]) -> Iterator[str]:
    """The columns of ``vnsearch export --format csv`` (officials as JSON), in UTF-8 with a
    byte-order mark so that spreadsheet programs read the Vietnamese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + _drain(buffer)
    for row in rows:
        row["officials"] = json.dumps(row["officials"], ensure_ascii=False)
        writer.writerow([_cell(row[key]) for key in COLUMNS])
        yield _drain(buffer)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# -- Atom -----------------------------------------------------------------------------------


@bp.get("/feed.atom")
def feed():
    """The 50 newest matches, so a researcher can follow a topic or an official."""
    state = SearchState.from_args(request.args).change(sort="newest", page_size=FEED_ENTRIES)
    response = engine().search(state.request())
    entries = [_entry(hit) for hit in response["hits"]]
    dated = [e["published"] for e in entries if e["published"]]
    criteria = state.change(sort="relevance", page_size=10)
    key = criteria.query_string(DATA_COLLAPSE)  # a feed's id is kept from before stories
    body = render_template(
        "feed.xml",
        feed_id="urn:vnsearch:feed:" + hashlib.sha1(key.encode()).hexdigest(),
        title=_xml(_feed_title(state)),
        updated=max(dated) if dated else datetime.now(timezone.utc).isoformat(timespec="seconds"),
        self_url=request.url,
        html_url=search_url(criteria, external=True),
        entries=entries,
    )
    return current_app.response_class(body, mimetype="application/atom+xml")


def _entry(hit: dict) -> dict:
    return {
        "id": f"urn:vnsearch:article:{hit['id']}",
        "title": _xml(hit["title"]),
        "published": hit["published"],
        "link": url_for("pages.article", article_id=hit["id"], _external=True),
        "original": hit["url"],
        "author": _xml(hit["author"] or hit["source"]),
        "officials": [_xml(o["name"]) for o in hit["officials"]],
        "summary": _xml(hit["snippet"]),
    }


def _feed_title(state: SearchState) -> str:
    parts = [f"“{state.q}”"] if state.q else []
    parts += list(state.officials)
    parts += [v for v in (state.source, state.section) if v]
    return "vnsearch: " + (" · ".join(parts) if parts else "bài viết mới")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text or "")
