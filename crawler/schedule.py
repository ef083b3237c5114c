"""When a site is crawled: its ``schedule`` (an interval or a cron expression) and the backoff
of a site that keeps failing.

Intervals (``90s``, ``30m``, ``6h``, ``1d``) count from the end of the last run, so a long crawl
never overlaps the next one. Cron expressions (``0 */6 * * *``) are read in the machine's local
time, as cron reads them (set ``TZ`` to choose). Either way the next run is one moment: a
scheduler that was down for ten slots runs the site once, not ten times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from cronsim import CronSim, CronSimError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"^(\d+)([smhd])$")
MAX_BACKOFF = timedelta(days=1)


@dataclass(frozen=True)
class Interval:
    every: timedelta

    def after(self, moment: datetime) -> datetime:
        return moment + self.every

    def period(self, moment: datetime) -> timedelta:
        return self.every


@dataclass(frozen=True)
class Cron:
    expression: str

    def after(self, moment: datetime) -> datetime:
        """The first slot strictly after ``moment``, in the time zone ``moment`` was given in.
        Slots are reckoned on the local wall clock, so the system's rules for summer time
        apply when the naive result is placed back on the time line."""
        wall = moment.astimezone().replace(tzinfo=None)
        return next(CronSim(self.expression, wall)).astimezone(moment.tzinfo)

    def period(self, moment: datetime) -> timedelta:
        """The gap between the next two slots: what "one period later" means for backoff."""
        first = self.after(moment)
        return self.after(first) - first


Schedule = Interval | Cron


def parse_schedule(text: str) -> Schedule:
    """An :class:`Interval` or a :class:`Cron`; ValueError says what the text should look like."""
    match = _INTERVAL.match(text.strip())
    if match:
        seconds = int(match[1]) * UNITS[match[2]]
        if seconds == 0:
            raise ValueError('must be longer than zero, like "30m"')
        return Interval(timedelta(seconds=seconds))
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(
            'must be an interval like "6h" (s, m, h or d) or a cron expression of five fields '
            'like "0 */6 * * *"'
        )
    try:
        next(CronSim(text, datetime.now()))
    except CronSimError as exc:
        raise ValueError(f"is not a valid cron expression ({exc})") from None
    except StopIteration:
        raise ValueError("is a cron expression that never comes round") from None
    return Cron(" ".join(fields))


def next_run(
    schedule: Schedule, finished: datetime, failures: int = 0, max_backoff: timedelta = MAX_BACKOFF
) -> datetime:
    """When a site whose run ended at ``finished`` is due again, in whole seconds (rounded up).

    After ``failures`` failed runs in a row the wait is 2**failures periods, up to
    ``max_backoff`` (or one period, when that is longer): a site that is down is asked less and
    less often, and a cron site still runs on one of its own slots.
    """
    period = schedule.period(finished)
    wait = min(period * 2 ** min(failures, 16), max(max_backoff, period))
    due = schedule.after(finished + wait - period)
    return due if not due.microsecond else due.replace(microsecond=0) + timedelta(seconds=1)
