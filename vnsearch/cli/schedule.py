"""The CLI side of scheduled crawls: logging, "crawl then index", and the jobs table.

The crawler may not import the index, so the step that follows each crawl job is composed here
and handed to the scheduler.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from pathlib import Path

from crawler.jobs import JobResult
from crawler.store import Store
from index import writer

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
log = logging.getLogger("vnsearch.cli.schedule")


def configure_logging(level: str) -> None:
    """One line an event on stderr, which journald and log files take as they are."""
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT, stream=sys.stderr)


def index_after_job(data_dir: Path):
    """An ``after_job`` that indexes what the job stored. A busy index is only a warning: the
    next update replays from the index's last seq, so nothing is lost."""

    def after_job(store: Store, result: JobResult) -> None:
        try:
            stats = writer.update(store, data_dir)
        except writer.IndexLockedError as error:
            log.warning("%s: index not updated: %s", result.site, error)
            return
        log.info("%s: indexed %d article(s)", result.site, stats.indexed)

    return after_job


COLUMNS = ("SITE", "LAST RUN", "OUTCOME", "NEW", "UNDATED", "DROPPED", "NEXT RUN")


def jobs_table(jobs: list[dict]) -> str:
    """The jobs as a plain-text table, times in local time."""
    if not jobs:
        return "no jobs yet: `vnsearch schedule --config sites.toml` creates them"
    rows = [COLUMNS, *(_row(job) for job in jobs)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def _row(job: dict) -> tuple[str, ...]:
    """The last run's outcome, its new and undated articles and the pages it found were no
    articles; a running job shows who runs it instead."""
    counts = job["counts"]
    outcome = job["outcome"] or "never run"
    figures = [
        str(counts.get("new", "")),
        str(counts.get("undated", "")),
        str(sum(counts["dropped"].values())) if "dropped" in counts else "",
    ]
    if job["running"]:
        outcome, figures = f"running on {job['owner']}", ["", "", ""]
    elif job["failures"]:
        outcome += f" ({job['failures']} failure(s) in a row)"
    return (job["site"], _local(job["last_run_started"]), outcome, *figures,
            _local(job["next_run"]))


def _local(stamp: str | None) -> str:
    if not stamp:
        return "-"
    return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
