"""Filters a researcher narrows by: official, source, section and a date range.

Dates accept a year (``2018``), a month (``2018-01``) or a day (``2018-01-15``); ``from`` takes
the first moment of the period and ``to`` the last, so both ends are inclusive.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime

from index.analysis import nfc
from index.officials import canonical_name, name_key

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class FilterError(ValueError):
    """A filter value that cannot be understood; the message says what is accepted."""


@dataclass
class Filters:
    officials: list[str] = field(default_factory=list)
    source: str | None = None
    section: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def is_empty(self) -> bool:
        return not (self.officials or self.source or self.section or self.date_from or self.date_to)


def date_range(filters: Filters) -> tuple[datetime | None, datetime | None]:
    start = parse_date(filters.date_from, end=False) if filters.date_from else None
    stop = parse_date(filters.date_to, end=True) if filters.date_to else None
    if start and stop and start > stop:
        raise FilterError("the 'from' date is after the 'to' date")
    return start, stop


def parse_date(value: str, end: bool) -> datetime:
    match = _DATE.match((value or "").strip())
    if not match:
        raise FilterError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if month is None:
            return datetime(year, 12, 31, 23, 59, 59) if end else datetime(year, 1, 1)
        month = int(month)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return datetime(year, month, last, 23, 59, 59) if end else datetime(year, month, 1)
        day = int(day)
        return datetime(year, month, day, 23, 59, 59) if end else datetime(year, month, day)
    except ValueError:
        raise FilterError(f"date {value!r} does not exist") from None


def resolve_official(name: str, known: dict[str, list[str]]) -> list[str]:
    """Canonical names a typed name stands for: the exact one if typed with diacritics and
    known, else every known official whose accentless name matches."""
    name = nfc(name).strip()
    canonical = canonical_name(name)
    candidates = known.get(name_key(name), [])
    if canonical in candidates:
        return [canonical]
    return candidates
