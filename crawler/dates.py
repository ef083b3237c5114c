"""Publication dates as Vietnamese news sites print them, as ISO 8601 in Vietnam time.

Sites print dates day-first in a handful of shapes (``Thứ Tư, 10/01/2018 - 13:17``,
``Cập nhật: 08:30 ngày 15/05/2019``, ``15 Tháng 5, 2019 lúc 19:35``, ``ngày 15 tháng 5 năm 2019``),
and some also state the date in metadata (Open Graph, microdata, ``<time>``, JSON-LD). Many put
it in the URL as well (``/2022/12/24/``, ``-20221224…``, a 17-digit id
``-20221224192522724.htm``, ``?ngay=24/12/2022``): saved copies of their pages often print no
date at all, so the URL is the last place to look.
Vietnam keeps UTC+7 all year, with no daylight saving, so a fixed offset is exact and needs no
time-zone database. A date printed without a time comes back at local midnight, so every value
has the same shape and sorts as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, unquote, urlsplit

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
# /2022/12/24/, /2022-12-24/, _2022_12_24 in a path: year first, one separator throughout.
_URL_YMD = re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<sep>[/_-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)")
# -20221224.html, -20221224192522724.htm: a run of exactly 8, 14 or 17 digits (date, time,
# milliseconds) after a separator; other digit runs are article ids.
_URL_STAMP = re.compile(
    r"(?<=[-_/.])(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})(?:\d{3})?)?(?!\d)"
)
_URL_DATE_PARAMS = frozenset({"ngay", "date", "ngaydang", "ngay_dang", "publishdate", "pubdate"})
EARLIEST_URL_YEAR = 1990  # before any Vietnamese news site; older-looking digits are ids

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
    found = dated_metadata(soup)
    return found[0] if found else None


def dated_metadata(soup: BeautifulSoup) -> tuple[str, str] | None:
    """``(date, where)``: the date a page states for machines and where it stood, ``json-ld``
    or ``meta`` (meta tags, microdata, ``<time>``)."""
    for where, value in _metadata_values(soup):
        found = _from_text(value)
        if found:
            return found, where
    return None


def _metadata_values(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    for script in soup.find_all("script", type="application/ld+json"):
        yield from (("json-ld", value) for value in _json_ld_dates(script.string or ""))
    for tag in soup.find_all(["meta", "span", "div", "time", "abbr"]):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key in _META_KEYS:
            yield "meta", tag.get("content") or tag.get("datetime") or tag.get_text(" ")
    for tag in soup.find_all("time", datetime=True):
        if not tag.find_parent(["a", "li"]):  # one in a list or a link dates another article
            yield "meta", tag["datetime"]


def published_from_url(url: str, now: datetime | None = None) -> str | None:
    """The publication date a URL carries, or None; never a date after ``now``.

    The path is read for ``/2022/12/24/``, ``/2022-12-24/`` and digit runs after a separator
    (``-20221224``, ``-20221224192522724``: date, time and milliseconds); the query for a date
    parameter (``?ngay=24/12/2022``, ``?date=2022-12-24``). The host is never read: ports and
    numeric hosts are not dates.
    """
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    latest = (now or datetime.now(VIETNAM)).astimezone(VIETNAM) + timedelta(days=1)
    path = unquote(parts.path)
    found = [_url_match(m) for m in _URL_YMD.finditer(path)]
    found += [_url_match(m) for m in _URL_STAMP.finditer(path)]
    for name, value in parse_qsl(parts.query):
        if name.lower() in _URL_DATE_PARAMS:
            found.append(_from_text(value))
    for value in found:
        if value and int(value[:4]) >= EARLIEST_URL_YEAR and datetime.fromisoformat(value) <= latest:
            return value
    return None


def _url_match(match: re.Match) -> str | None:
    parts = match.groupdict()
    hour, minute, second = (parts.get(k) for k in ("H", "M", "S"))
    stamp = _build(parts["y"], parts["m"], parts["d"], hour, minute, second)
    if stamp is None and hour is not None:  # a stamp whose time is not one may still be a date
        stamp = _build(parts["y"], parts["m"], parts["d"], None, None, None)
    return _format(stamp)


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
