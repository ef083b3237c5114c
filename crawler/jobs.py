"""The scheduler: crawls each site when its schedule says, one job per site at a time.

What a restart must not lose lives in the store: each site's next run, failures in a row and
the outcome of its last run (the ``jobs`` table), and the queue of a run that did not finish
(the frontier). A job's next run is written only when the job ends, in the same statement as its
outcome, so a scheduler killed mid-job finds the job still due and resumes its queue, and one
killed after a job finds it done. Runs missed while no scheduler was up are one due job, run
once.

A site's lock is an ``flock`` on ``DATA/locks/<site>.lock``: it dies with the process that held
it, so a killed scheduler never blocks the next one, and a second scheduler on the same data dir
skips a site that is being crawled. The jobs table names the holder (host and pid) and a
heartbeat, for the status table only.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from crawler.config import ConfigError, Site
from crawler.crawl import crawl
from crawler.fetch import Fetcher
from crawler.schedule import MAX_BACKOFF, next_run, parse_schedule
from crawler.store import JOB_STALE_AFTER, Store

log = logging.getLogger(__name__)
HEARTBEAT = JOB_STALE_AFTER / 6  # seconds between signs of life of a running job
SUCCESS = frozenset({"complete", "budget"})


@dataclass
class JobResult:
    site: str
    outcome: str  # "complete", "budget" (page budget spent), "stopped" or "failed"
    counts: dict
    next_run: datetime
    failures: int  # in a row, this one included
    error: str | None = None


AfterJob = Callable[[Store, JobResult], None]


def scheduled_sites(sites: dict[str, Site], names=(), path: str | Path = "") -> list[Site]:
    """The sites the scheduler runs: those named (all when none are), each with a schedule."""
    unknown = [name for name in names if name not in sites]
    if unknown:
        raise ConfigError(f"{path}: no site {unknown[0]!r}; it lists {', '.join(sites)}")
    chosen = [sites[name] for name in names] if names else list(sites.values())
    unscheduled = [site.name for site in chosen if not site.schedule]
    if names and unscheduled:
        raise ConfigError(
            f'{path}: [sites.{unscheduled[0]}] has no schedule; add schedule = "6h" (or a '
            'cron expression like "0 */6 * * *") to it'
        )
    scheduled = [site for site in chosen if site.schedule]
    if not scheduled:
        raise ConfigError(
            f'{path}: no site has a schedule; add schedule = "6h" (or a cron expression) to '
            "the [sites.NAME] tables to follow"
        )
    return scheduled


class Scheduler:
    """Runs the due jobs of ``sites`` against one store and data dir.

    ``after_job(store, result)`` is called after each job, outside the site's lock (the CLI
    updates the search index there). Setting ``stop_event`` finishes the page in hand, records
    the job as stopped and returns; the stopped job stays due, so the next start resumes it.
    """

    def __init__(
        self,
        store: Store,
        data_dir: str | Path,
        sites: list[Site],
        *,
        after_job: AfterJob | None = None,
        stop_event: threading.Event | None = None,
        contact: str | None = None,
        max_backoff: timedelta = MAX_BACKOFF,
        poll: float = 60.0,
    ):
        self.store = store
        self.data_dir = Path(data_dir)
        self.sites = {site.name: site for site in sites}
        self.schedules = {site.name: parse_schedule(site.schedule) for site in sites}
        self.after_job = after_job
        self.stop_event = stop_event or threading.Event()
        self.contact = contact
        self.max_backoff = max_backoff
        self.poll = poll  # longest sleep; a site another scheduler holds is tried this often
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._busy_until: dict[str, datetime] = {}
        self._plan()

    def run(self, once: bool = False, max_jobs: int | None = None) -> int:
        """Run due jobs until stopped (or, with ``once``, those due now); returns how many ran.
        Between jobs it sleeps until the next one is due, waking at once on ``stop_event``."""
        log.info("following %d site(s): %s", len(self.sites), ", ".join(self.sites))
        ran = 0
        while not self.stop_event.is_set():
            ran += len(self.run_due(None if max_jobs is None else max_jobs - ran))
            if once or (max_jobs is not None and ran >= max_jobs):
                break
            self.stop_event.wait((self._wake() - _now()).total_seconds())
        return ran

    def run_due(self, limit: int | None = None, now: datetime | None = None) -> list[JobResult]:
        """One pass: every job due at ``now``, most overdue first."""
        now = now or _now()
        results = []
        for name in self._due(now):
            if self.stop_event.is_set() or (limit is not None and len(results) >= limit):
                break
            result = self._run_job(self.sites[name], now)
            if result is not None:
                results.append(result)
        return results

    # -- planning -------------------------------------------------------------------------

    def _plan(self):
        """A job row for each site: a site never run is due now; a changed schedule re-plans."""
        now = _now()
        for name, site in self.sites.items():
            job = self.store.job(name)
            if job is not None and job["schedule"] == site.schedule:
                continue
            finished = _time(job["last_run_finished"]) if job else None
            due = now
            if finished is not None:
                due = next_run(self.schedules[name], finished, job["failures"], self.max_backoff)
            self.store.plan_job(name, site.schedule, due)

    def _due(self, now: datetime) -> list[str]:
        jobs = {name: self.store.job(name) for name in self.sites}
        due = [
            name
            for name, job in jobs.items()
            if _time(job["next_run"]) <= now and self._busy_until.get(name, now) <= now
        ]
        return sorted(due, key=lambda name: jobs[name]["next_run"])

    def _wake(self) -> datetime:
        """When to look again: the next job due, or ``poll`` from now if that is sooner."""
        now = _now()
        times = [now + timedelta(seconds=self.poll)]
        for name in self.sites:
            job = self.store.job(name)
            times.append(max(_time(job["next_run"]), self._busy_until.get(name, now)))
        return min(times)

    # -- one job --------------------------------------------------------------------------

    def _run_job(self, site: Site, now: datetime) -> JobResult | None:
        with site_lock(self.data_dir, site.name) as held:
            if not held:
                log.info("%s: another scheduler is crawling it; trying again later", site.name)
                self._busy_until[site.name] = now + timedelta(seconds=self.poll)
                return None
            job = self.store.job(site.name)
            if _time(job["next_run"]) > now:
                return None  # another scheduler ran it since this one looked
            result = self._settle(site, job) or self._crawl(site, job)
        then = "next run " + _local(result.next_run)
        if result.outcome == "stopped":
            then = "the next start resumes it"
        level = logging.WARNING if result.outcome == "failed" else logging.INFO
        log.log(level, "%s: %s; %s", site.name, _describe(result), then)
        if self.after_job is not None:
            try:
                self.after_job(self.store, result)
            except Exception:
                log.exception("%s: the step after the crawl failed", site.name)
        return result

    def _settle(self, site: Site, job: dict) -> JobResult | None:
        """A job whose process died after its crawl had ended but before the job was written:
        record it from the run, instead of crawling the site a second time."""
        run = self.store.latest_run(site.name)
        if job["outcome"] != "running" or run is None or run["outcome"] is None:
            return None
        if run["started"] < job["last_run_started"]:
            return None
        log.warning("%s: recording the run that ended as its scheduler died", site.name)
        return self._finish(site, job, run["outcome"], run["counts"], _time(run["finished"]))

    def _crawl(self, site: Site, job: dict) -> JobResult:
        if job["outcome"] == "running":
            log.warning("%s: its last run did not finish; resuming its queue", site.name)
        log.info("%s: starting (due since %s)", site.name, _local(_time(job["next_run"])))
        self.store.start_job(site.name, self.owner, _now())
        fetcher = Fetcher(contact=self.contact)
        try:
            with _heartbeat(self.store.path, site.name, self.owner):
                summary = crawl(
                    self.store, self.data_dir, site=site, stop_event=self.stop_event,
                    fetcher=fetcher,
                )
        except Exception as exc:
            log.exception("%s: the crawl failed", site.name)
            return self._finish(site, job, "failed", {}, _now(), f"{type(exc).__name__}: {exc}")
        finally:
            fetcher.close()
        counts = summary.counts()
        errors = sum(summary.errors.values())
        if summary.pages and errors == summary.pages:
            kinds = ", ".join(f"{kind} {n}" for kind, n in counts["errors"].items())
            error = f"every page fetched failed ({kinds})"
            return self._finish(site, job, "failed", counts, _now(), error)
        return self._finish(site, job, summary.outcome, counts, _now())

    def _finish(
        self, site: Site, job: dict, outcome: str, counts: dict, finished: datetime,
        error: str | None = None,
    ) -> JobResult:
        """Write the job's end and its next run: a stopped job stays due, to be resumed; a
        failed one backs off; a successful one waits for its next slot."""
        failures = job["failures"]
        due = _time(job["next_run"])
        if outcome == "failed":
            failures += 1
        if outcome in SUCCESS:
            failures = 0
        if outcome != "stopped":
            due = next_run(self.schedules[site.name], finished, failures, self.max_backoff)
        self.store.finish_job(site.name, outcome, counts, finished, due, failures, error)
        return JobResult(site.name, outcome, counts, due, failures, error)


@contextmanager
def site_lock(data_dir: str | Path, site: str) -> Iterator[bool]:
    """True while this process holds the site; False at once if another process does."""
    locks = Path(data_dir) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{quote(site, safe='')}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def stop_on_signals(stop_event: threading.Event) -> Iterator[None]:
    """SIGTERM (what systemd sends) and SIGINT (Ctrl-C) set ``stop_event`` instead of killing
    the process, so the page in hand is finished and the job recorded as stopped."""

    def handle(number, frame):
        log.info("%s received: stopping (a crawl first finishes the page in hand)",
                 signal.Signals(number).name)
        stop_event.set()

    previous = {number: signal.signal(number, handle) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def _heartbeat(store_path: Path, site: str, owner: str) -> Iterator[None]:
    """Beat every ``HEARTBEAT`` seconds from a thread with its own connection, so a slow page
    does not make a running job look dead."""
    done = threading.Event()

    def beat():
        with Store(store_path) as store:
            while not done.wait(HEARTBEAT):
                try:
                    store.beat_job(site, owner)
                except Exception:  # a busy database must not end the crawl
                    log.warning("%s: could not record a heartbeat", site, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{site}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _describe(result: JobResult) -> str:
    counts = result.counts
    text = result.outcome
    if counts:
        text += (
            f": {counts.get('pages', 0)} page(s), {counts.get('new', 0)} new, "
            f"{counts.get('updated', 0)} updated, {counts.get('undated', 0)} undated, "
            f"{counts.get('gone', 0)} gone, {sum(counts.get('dropped', {}).values())} not "
            f"article(s), {sum(counts.get('errors', {}).values())} error(s)"
        )
    if result.error:
        text += f"; {result.error} (failure {result.failures} in a row)"
    return text


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _local(moment: datetime) -> str:
    return moment.astimezone().isoformat(sep=" ", timespec="seconds")
