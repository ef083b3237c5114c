"""Search results as a person reads them in a terminal."""

from __future__ import annotations

import re
from html import unescape

import click

_MARK = re.compile(r"<mark>(.*?)</mark>")
COPIES = 5  # a collapsed hit names this many other outlets
FALLBACKS = {
    "marks": "No article has the words with the diacritics typed; showing every reading.",
    "any": "No article has every word; showing articles with any of them.",
}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _highlight(snippet: str) -> str:
    """The snippet's marked words in bold, its entities read, control characters dropped."""
    parts = [_CONTROL.sub(" ", unescape(part)) for part in _MARK.split(snippet)]
    return "".join(click.style(p, bold=True, fg="yellow") if n % 2 else p
                   for n, p in enumerate(parts))


def printable(value):
    """Text from crawled pages without control characters: an escape sequence in a title
    would otherwise drive the reader's terminal (clear it, retitle it, hide lines)."""
    if isinstance(value, str):
        return _CONTROL.sub(" ", value)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


def render(response: dict) -> str:
    response = printable(response)
    lines = []
    total, page, size = response["total"], response["page"], response["page_size"]
    lines.append(f"Searched for: {response['searched']}" + (
        " (every syllable anywhere)" if response.get("match") == "syllables" else ""))
    for word in response.get("expanded") or []:
        lines.append(f"{word['word']}: also {', '.join(word['includes'])}")
    if response.get("fallback") in FALLBACKS:
        lines.append(FALLBACKS[response["fallback"]])
    for word in response.get("readings") or []:
        listed = " · ".join(f"{r['text']} ({r['count']})" for r in word["readings"])
        lines.append(f"Readings of {word['word']}: {listed}")
    first = (page - 1) * size + 1
    shown = f"{first}-{first + len(response['hits']) - 1} of " if response["hits"] else ""
    if response.get("collapse") == "story":
        articles = _count(response["articles"], "article")
        lines.append(f"{shown}{_count(total, 'story', 'stories')} ({articles}, copies included)")
    else:
        lines.append(f"{shown}{total} article(s)")
    for hit in response["hits"]:
        date = (hit["published"] or "no date")[:10]
        source = hit.get("source_name") or hit["source"]
        lines.append("")
        lines.append(click.style(hit["title"], bold=True))
        lines.append(" · ".join(filter(None, [date, source, hit["section"]])))
        names = ", ".join(o["name"] for o in hit["officials"])
        if names:
            lines.append(f"Officials: {names}")
        if hit["snippet"]:
            lines.append(_highlight(hit["snippet"]))
        if hit.get("copies_total"):
            lines.append(_reprints(hit))
        lines.append(click.style(hit["url"], dim=True))
    for facet in ("year", "source", "section", "officials"):
        values = response["facets"].get(facet) or []
        if values:
            counts = ", ".join(f"{_label(v)} ({v['count']})" for v in values[:8])
            lines.append("")
            lines.append(f"{facet}: {counts}")
    return "\n".join(lines)


def _label(value: dict) -> str:
    """A facet value; a source by its name, with the key that ``--source`` takes."""
    name = value.get("name")
    return f"{name} [{value['value']}]" if name and name != value["value"] else value["value"]


def _reprints(hit: dict) -> str:
    """``+2 other copies: Báo X (original), Cổng Y (2 days later)``; past five, a count."""
    shown = [f"{c['source_name'] or c['source']} ({_lag(c)})" for c in hit["copies"][:COPIES]]
    more = hit["copies_total"] - len(shown)
    tail = f" and {more} more" if more > 0 else ""
    return f"+{_count(hit['copies_total'], 'other copy', 'other copies')}: {', '.join(shown)}{tail}"


def _lag(copy: dict) -> str:
    if copy["original"]:
        return "original"
    if copy["lag_days"] is None:
        return "date unknown"
    return "same day" if copy["lag_days"] == 0 else f"{_count(copy['lag_days'], 'day')} later"


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
