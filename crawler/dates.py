"""Publication dates as Vietnamese news sites print them, as ISO 8601 in Vietnam time.

Sites print dates day-first in a handful of shapes (``Thứ Tư, 10/01/2018 - 13:17``,
``Cập nhật: 08:30 ngày 15/05/2019``, ``15 Tháng 5, 2019 lúc 19:35``, ``ngày 15 tháng 5 năm 2019``),
and some also state the date in metadata (Open Graph, microdata, ``<time>``, JSON-LD).
Vietnam keeps UTC+7 all year, with no daylight saving, so a fixed offset is exact and needs no
time-zone database. A date printed without a time comes back at local midnight, so every value
has the same shape and sorts as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from bs4 import BeautifulSoup

VIETNAM = timezone(timedelta(hours=7), "ICT")

_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_NUMERIC = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)"
)
_WORDED = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s*,?\s*(?:năm\s+)?(?P<y>\d{4})(?!\d)",
    re.IGNORECASE,
)
_TIME = r"(?P<H>\d{1,2})\s*[:h]\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?"
_GLUE = r"[\s,|()\-–—]*"
# "10/01/2018 - 13:17", "15 Tháng 5, 2019 lúc 19:35"
_TIME_AFTER = re.compile(rf"{_GLUE}(?:(?:vào\s+)?lúc)?{_GLUE}{_TIME}(?!\d)", re.IGNORECASE)
# "08:30 ngày 15/05/2019", "13:17 | 10/01/2018"
_TIME_BEFORE = re.compile(rf"(?<!\d){_TIME}{_GLUE}(?:ngày)?{_GLUE}$", re.IGNORECASE)

_META_KEYS = {
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dcterms.created",
}
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenews", "blogposting", "analysisnewsarticle"}


def parse_published(text: str | None) -> str | None:
    """The first valid publication date in ``text``, or None.

    ``text`` may be what a page prints or a bit of its markup (meta tags, ``<time>``, JSON-LD
    scripts); in markup the metadata wins over the visible text.
    """
    if not text:
        return None
    if "<" in text and ">" in text:
        soup = BeautifulSoup(text, "lxml")
        return published_from_metadata(soup) or _from_text(soup.get_text(" "))
    return _from_text(text)


def published_from_metadata(soup: BeautifulSoup) -> str | None:
    """The date a page states for machines: JSON-LD, meta tags, microdata, ``<time>``."""
    for value in _metadata_values(soup):
        found = _from_text(value)
        if found:
            return found
    return None


def _metadata_values(soup: BeautifulSoup) -> Iterator[str]:
    for script in soup.find_all("script", type="application/ld+json"):
        yield from _json_ld_dates(script.string or "")
    for tag in soup.find_all(["meta", "span", "div", "time", "abbr"]):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key in _META_KEYS:
            yield tag.get("content") or tag.get("datetime") or tag.get_text(" ")
    for tag in soup.find_all("time", datetime=True):
        if not tag.find_parent(["a", "li"]):  # one in a list or a link dates another article
            yield tag["datetime"]


def _json_ld_dates(script: str) -> Iterator[str]:
    try:
        data = json.loads(script, strict=False)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            types = item.get("@type", "")
            types = types if isinstance(types, list) else [types]
            if any(str(t).lower() in _ARTICLE_TYPES for t in types) and item.get("datePublished"):
                yield str(item["datePublished"])
            stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])


def _from_text(text: str) -> str | None:
    """Try every date-looking match in reading order; the first real calendar date wins."""
    matches = sorted(
        (m for pattern in (_ISO, _NUMERIC, _WORDED) for m in pattern.finditer(text)),
        key=lambda m: m.start(),
    )
    for match in matches:
        found = _iso_date(match) if match.re is _ISO else _printed_date(match, text)
        if found:
            return found
    return None


def _iso_date(match: re.Match) -> str | None:
    parts = match.groupdict()
    stamp = _build(parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"])
    if stamp is None or not parts["tz"]:
        return _format(stamp)
    offset = parts["tz"].replace("Z", "+00:00").replace(":", "")
    sign = 1 if offset[0] == "+" else -1
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5]))
    if delta >= timedelta(hours=24):
        return None
    return _format(stamp.replace(tzinfo=timezone(sign * delta)))


def _printed_date(match: re.Match, text: str) -> str | None:
    clock = _TIME_AFTER.match(text, match.end()) or _TIME_BEFORE.search(text[: match.start()])
    hour, minute, second = clock.group("H", "M", "S") if clock else (None, None, None)
    stamp = _build(match["y"], match["m"], match["d"], hour, minute, second)
    if stamp is None and clock:  # "99:99" is not a time; the date may still be one
        stamp = _build(match["y"], match["m"], match["d"], None, None, None)
    return _format(stamp)


def _build(year, month, day, hour, minute, second) -> datetime | None:
    try:
        stamp = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=VIETNAM,
        )
    except ValueError:
        return None
    return stamp if 1900 <= stamp.year <= 2100 else None


def _format(stamp: datetime | None) -> str | None:
    return stamp.astimezone(VIETNAM).isoformat(timespec="seconds") if stamp else None
