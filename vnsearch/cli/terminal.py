"""Search results as a person reads them in a terminal."""

from __future__ import annotations

import re
from html import unescape

import click

_MARK = re.compile(r"<mark>(.*?)</mark>")
FALLBACKS = {
    "marks": "No article has the words with the diacritics typed; showing every reading.",
    "any": "No article has every word; showing articles with any of them.",
}


def _highlight(snippet: str) -> str:
    return unescape(_MARK.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet))


def render(response: dict) -> str:
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
