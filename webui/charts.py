"""Small bar charts drawn on the server as inline SVG, so they show without JavaScript.

Colours are SVG presentation attributes and CSS classes, not ``style`` attributes, which the
Content-Security-Policy forbids.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

WIDTH, HEIGHT = 640, 150
MAX_BAR = 40  # a few bars stay bars, not blocks
TOP, BOTTOM = 18, 22  # room for counts above the bars and labels below
MAX_LABELS = 14


@dataclass
class Bar:
    label: str
    count: int
    href: str | None = None
    title: str = ""


def years(counts: dict[str, int]) -> list[str]:
    """Every year from the first to the last, so an empty year shows as a gap."""
    known = sorted(int(y) for y in counts if y.isdigit())
    return [str(y) for y in range(known[0], known[-1] + 1)] if known else []


def months(year: str) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def bar_chart(bars: list[Bar], caption: str) -> Markup:
    if not bars:
        return Markup("")
    step = WIDTH / len(bars)
    every = -(-len(bars) // MAX_LABELS)  # label every n-th bar when they would not fit
    peak = max(b.count for b in bars) or 1
    parts = [
        Markup('<svg class="chart" viewBox="0 0 {w} {h}" role="group" aria-label="{c}">'
               "<title>{c}</title>").format(w=WIDTH, h=HEIGHT, c=caption)
    ]
    for i, bar in enumerate(bars):
        parts.append(_bar(bar, i * step, step, peak, show_label=i % every == 0))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _bar(bar: Bar, x: float, step: float, peak: int, show_label: bool) -> Markup:
    room = HEIGHT - TOP - BOTTOM
    height = round(room * bar.count / peak, 1) if bar.count else 0
    y = HEIGHT - BOTTOM - height
    centre = round(x + step / 2, 1)
    title = bar.title or f"{bar.label}: {bar.count}"
    width = min(step * 0.7, MAX_BAR)
    body = Markup(
        '<title>{t}</title><rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" rx="2"/>'
    ).format(t=title, x=round(centre - width / 2, 1), y=y, w=round(width, 1), h=height)
    text = Markup('<text class="{c}" x="{x}" y="{y}" text-anchor="middle">{t}</text>')
    if bar.count:
        body += text.format(c="count", x=centre, y=y - 4, t=bar.count)
    if show_label:
        body += text.format(c="label", x=centre, y=HEIGHT - 6, t=bar.label)
    if bar.href and bar.count:
        return Markup('<a href="{h}" aria-label="{t}">{b}</a>').format(
            h=bar.href, t=title, b=body
        )
    return Markup("<g>{b}</g>").format(b=body)
