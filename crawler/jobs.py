"""The scheduler: crawls each site when its schedule says, up to ``workers`` sites at once.

What a restart must not lose lives in the store: each site's next run, failures in a row and
the outcome of its last run (the ``jobs`` table), and the queue of a run that did not finish
(the frontier). A job's next run is written only when the job ends, in the same statement as its
outcome, so a scheduler killed mid-job finds the job still due and resumes its queue, and one
killed after a job finds it done. Runs missed while no scheduler was up are one due job, run
once.

A job runs only while its site is claimed in the store (:meth:`Store.claim`: a file lock for
SQLite, an advisory lock for PostgreSQL), and a claim dies with the process that held it: a
killed scheduler never blocks the next one, and several schedulers on one store share the sites
without crawling one twice. The jobs table names the holder (host and pid) and a heartbeat, for
the status table only.

Jobs run in threads, each with its own store connection: crawling waits on the network and on
polite delays, not on the CPU. All of them fetch through one :class:`HostGate`, so a host is
asked one request at a time even when two sites share it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.config import ConfigError, Site
from crawler.crawl import crawl
from crawler.fetch import Fetcher, HostGate
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
    """Runs the due jobs of ``sites`` against one store, ``workers`` at a time.

    ``after_job(store, result)`` is called after each job, outside the site's claim and one at
    a time (the CLI updates the search index there). Setting ``stop_event`` finishes the page in
    hand in every running job, records each as stopped and returns; a stopped job stays due, so
    the next start resumes it.
    """

    def __init__(
        self,
        store: Store,
        data_dir: str | Path,
        sites: list[Site],
        *,
        workers: int = 1,
        captures: str | Path | None = None,
        after_job: AfterJob | None = None,
        stop_event: threading.Event | None = None,
        contact: str | None = None,
        max_backoff: timedelta = MAX_BACKOFF,
        poll: float = 60.0,
    ):
        self.store = store
        self.data_dir = Path(data_dir)
        self.captures = captures
        self.sites = {site.name: site for site in sites}
        self.schedules = {site.name: parse_schedule(site.schedule) for site in sites}
        self.workers = workers
        self.after_job = after_job
        self.stop_event = stop_event or threading.Event()
        self.contact = contact
        self.max_backoff = max_backoff
        self.poll = poll  # longest sleep; a site another scheduler holds is tried this often
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.gate = HostGate()
        self._after_lock = threading.Lock()
        self._busy_until: dict[str, datetime] = {}
        self._plan()

    def run(self, once: bool = False, max_jobs: int | None = None) -> int:
        """Run due jobs until stopped (or, with ``once``, those due now); returns how many ran.
        A free worker takes the most overdue job; with none due it sleeps until one is, waking
        at once on ``stop_event``."""
        log.info("following %d site(s) with %d worker(s): %s", len(self.sites), self.workers,
                 ", ".join(self.sites))
        return len(self._dispatch(_now() if once else None, max_jobs))

    def run_due(self, limit: int | None = None, now: datetime | None = None) -> list[JobResult]:
        """One pass: every job due at ``now``, most overdue first."""
        return self._dispatch(now or _now(), limit)

    def _dispatch(self, moment: datetime | None, limit: int | None) -> list[JobResult]:
        """Keep the workers busy with due jobs. With ``moment`` (one pass), each job due then is
        tried once; without, jobs are taken as they fall due until ``stop_event``."""
        results: list[JobResult] = []
        running: dict[Future, str] = {}
        tried: set[str] = set()

        def room() -> bool:
            return len(running) < self.workers and (
                limit is None or len(results) + len(running) < limit
            )

        with ThreadPoolExecutor(self.workers, thread_name_prefix="job") as pool:
            while True:
                for future in [f for f in running if f.done()]:
                    self._reap(running.pop(future), future, results)
                if not self.stop_event.is_set():
                    now = moment or _now()
                    for name in self._due(now):
                        if not room():
                            break
                        if name in tried or name in running.values():
                            continue
                        if moment is not None:
                            tried.add(name)
                        running[pool.submit(self._run_job, self.sites[name], now)] = name
                done = self.stop_event.is_set() or moment is not None or (
                    limit is not None and len(results) >= limit
                )
                if not running and done:
                    return results
                if done or not room():
                    wait(running, return_when=FIRST_COMPLETED)  # only an ending job frees a slot
                    continue
                timeout = max((self._wake(set(running.values())) - _now()).total_seconds(), 0)
                if running:
                    wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                else:
                    self.stop_event.wait(timeout)

    def _reap(self, name: str, future: Future, results: list[JobResult]) -> None:
        try:
            result = future.result()
        except Exception:
            log.exception("%s: the job failed outside its crawl; trying again later", name)
            result = None
        if result is None:
            self._busy_until[name] = _now() + timedelta(seconds=self.poll)
        else:
            results.append(result)

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

    def _wake(self, running: set[str]) -> datetime:
        """When to look again: the next job due that is not running, or ``poll`` from now if
        that is sooner."""
        now = _now()
        times = [now + timedelta(seconds=self.poll)]
        for name in self.sites.keys() - running:
            job = self.store.job(name)
            times.append(max(_time(job["next_run"]), self._busy_until.get(name, now)))
        return min(times)

    # -- one job --------------------------------------------------------------------------

    def _run_job(self, site: Site, now: datetime) -> JobResult | None:
        """Run in a worker thread, with a store connection of its own."""
        with self.store.reopen() as store:
            with store.claim(site.name) as held:
                if not held:
                    log.info("%s: another scheduler is crawling it; trying again later",
                             site.name)
                    return None
                job = store.job(site.name)
                if _time(job["next_run"]) > now:
                    return None  # another scheduler ran it since this one looked
                result = self._settle(store, site, job) or self._crawl(store, site, job)
            then = "next run " + _local(result.next_run)
            if result.outcome == "stopped":
                then = "the next start resumes it"
            level = logging.WARNING if result.outcome == "failed" else logging.INFO
            log.log(level, "%s: %s; %s", site.name, _describe(result), then)
            if self.after_job is not None:
                try:
                    with self._after_lock:
                        self.after_job(store, result)
                except Exception:
                    log.exception("%s: the step after the crawl failed", site.name)
        return result

    def _settle(self, store: Store, site: Site, job: dict) -> JobResult | None:
        """A job whose process died after its crawl had ended but before the job was written:
        record it from the run, instead of crawling the site a second time."""
        run = store.latest_run(site.name)
        if job["outcome"] != "running" or run is None or run["outcome"] is None:
            return None
        if run["started"] < job["last_run_started"]:
            return None
        log.warning("%s: recording the run that ended as its scheduler died", site.name)
        return self._finish(
            store, site, job, run["outcome"], run["counts"], _time(run["finished"])
        )

    def _crawl(self, store: Store, site: Site, job: dict) -> JobResult:
        if job["outcome"] == "running":
            log.warning("%s: its last run did not finish; resuming its queue", site.name)
        log.info("%s: starting (due since %s)", site.name, _local(_time(job["next_run"])))
        store.start_job(site.name, self.owner, _now())
        fetcher = Fetcher(contact=self.contact, gate=self.gate)
        try:
            with _heartbeat(store, site.name, self.owner):
                summary = crawl(
                    store, self.data_dir, site=site, stop_event=self.stop_event,
                    fetcher=fetcher, captures=self.captures,
                )
        except Exception as exc:
            log.exception("%s: the crawl failed", site.name)
            error = f"{type(exc).__name__}: {exc}"
            return self._finish(store, site, job, "failed", {}, _now(), error)
        finally:
            fetcher.close()
        counts = summary.counts()
        errors = sum(summary.errors.values())
        if summary.pages and errors == summary.pages:
            kinds = ", ".join(f"{kind} {n}" for kind, n in counts["errors"].items())
            error = f"every page fetched failed ({kinds})"
            return self._finish(store, site, job, "failed", counts, _now(), error)
        return self._finish(store, site, job, summary.outcome, counts, _now())

    def _finish(
        self, store: Store, site: Site, job: dict, outcome: str, counts: dict,
        finished: datetime, error: str | None = None,
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
        store.finish_job(site.name, outcome, counts, finished, due, failures, error)
        return JobResult(site.name, outcome, counts, due, failures, error)


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
def _heartbeat(store: Store, site: str, owner: str) -> Iterator[None]:
    """Beat every ``HEARTBEAT`` seconds from a thread with its own connection, so a slow page
    does not make a running job look dead."""
    done = threading.Event()

    def beat():
        with store.reopen() as own:
            while not done.wait(HEARTBEAT):
                try:
                    own.beat_job(site, owner)
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
