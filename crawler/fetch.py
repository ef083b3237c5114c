"""Polite, bounded HTTP: robots.txt, per-host delays, retries, and hard limits on time and size.

A provincial portal that hangs, drips, loops or sends a video must cost the crawl a known amount
of time and memory and end in one of a few error kinds that the crawl summary can count.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from bs4.dammit import EncodingDetector
from protego import Protego
from requests.structures import CaseInsensitiveDict

from crawler.charset import decode

# redirect_loop also covers too many hops and redirects that lead nowhere
ERROR_KINDS = (
    "timeout",
    "connection",
    "http_4xx",
    "http_5xx",
    "too_large",
    "not_html",
    "redirect_loop",
    "out_of_scope",
    "robots_disallowed",
    "robots_unavailable",
    "decode",
)
ROBOTS_AGENT = "vnsearch"
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    }
)
UNLABELLED_TYPES = frozenset({"", "text/plain", "application/octet-stream"})
CHUNK = 64 * 1024
ROBOTS_TTL = 3600.0  # seconds a robots.txt read by one job serves the others of its process


def user_agent(contact: str | None = None) -> str:
    """``vnsearch/<version> (+<contact>)``: who is crawling, and where to complain."""
    try:
        name = f"{ROBOTS_AGENT}/{version('vnsearch')}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        name = ROBOTS_AGENT
    return f"{name} (+{contact})" if contact else name


class Stopped(Exception):
    """The stop event was set while the fetcher waited; the page in hand was not fetched."""


class HostGate:
    """One request at a time to a host, and the delay between the end of one and the start of
    the next, for every fetcher that shares the gate: the jobs that a scheduler runs at once
    share one, so two sites on one host are still asked in turn. Retry-After and backoff hold
    the host off for all of them, and a host's robots.txt, once read, serves them all for
    ``robots_ttl`` seconds."""

    def __init__(self, robots_ttl: float = ROBOTS_TTL):
        self.robots_ttl = robots_ttl
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._robots: dict[str, tuple[float, Protego]] = {}  # origin -> (read at, rules)
        self._robots_locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}  # time.monotonic() when the last request ended
        self._delay: dict[str, float] = {}  # the longest delay a fetcher asked for the host
        self._held: dict[str, float] = {}  # no request before this time.monotonic()

    @contextmanager
    def turn(self, host: str, delay: float, stop_event: threading.Event) -> Iterator[None]:
        """Wait for the host and ``delay`` seconds after its last request, or the longest delay
        any fetcher asked for it (a robots.txt read by a second job waits for the Crawl-delay
        the first one learnt); raises :class:`Stopped` if told to stop. The host is held while
        the block runs."""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
            delay = self._delay[host] = max(delay, self._delay.get(host, 0.0))
        while not lock.acquire(timeout=0.2):
            if stop_event.is_set():
                raise Stopped()
        try:
            free_at = max(self._last.get(host, -delay) + delay, self._held.get(host, 0.0))
            wait = free_at - time.monotonic()
            if wait > 0 and stop_event.wait(wait):
                raise Stopped()
            yield
        finally:
            self._last[host] = time.monotonic()
            lock.release()

    def robots(self, origin: str, load: Callable[[str], Protego | None]) -> Protego | None:
        """The rules another fetcher read lately, else ``load(origin)``; fetchers that ask at
        once wait for one read. A host that could not say is asked again by the next one."""
        with self._guard:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            read_at, rules = self._robots.get(origin, (0.0, None))
            if rules is None or time.monotonic() - read_at > self.robots_ttl:
                rules = load(origin)
                if rules is not None:
                    self._robots[origin] = (time.monotonic(), rules)
            return rules

    def hold_off(self, host: str, seconds: float) -> None:
        """Ask ``host`` nothing for ``seconds`` from now (or longer, if it was held off longer)."""
        with self._guard:
            self._held[host] = max(self._held.get(host, 0.0), time.monotonic() + seconds)


@dataclass
class Response:
    url: str  # after redirects
    status: int | None = None
    headers: CaseInsensitiveDict = field(default_factory=CaseInsensitiveDict)
    content: bytes = b""
    text: str | None = None
    error: str | None = None  # one of ERROR_KINDS
    kind: str | None = None  # "html" or "xml" (sitemaps and feeds)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """One requests session for a crawl run; robots.txt is read once per host and run."""

    def __init__(
        self,
        contact: str | None = None,
        delay: float = 1.0,
        connect_timeout: float = 10.0,
        time_limit: float = 30.0,
        max_bytes: int = 10 * 2**20,
        retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 60.0,
        stop_event: threading.Event | None = None,
        gate: HostGate | None = None,
    ):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent(contact)
        self.session.max_redirects = MAX_REDIRECTS
        self.delay = delay
        self.connect_timeout = connect_timeout
        self.time_limit = time_limit
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.stop_event = stop_event or threading.Event()
        self.gate = gate or HostGate()
        self._robots: dict[str, Protego | None] = {}

    def close(self):
        self.session.close()

    def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        in_scope: Callable[[str], bool] | None = None,
    ) -> Response:
        """GET ``url``; redirects are followed here, so that every hop is checked against
        ``in_scope(url) -> bool`` and robots.txt. Raises :class:`Stopped` if told to stop."""
        headers = _conditional(etag, last_modified)
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            response = self._fetch_one(url, headers)
            if response.status not in REDIRECTS or response.error:
                return response
            location = response.headers.get("Location")
            target = urljoin(url, location) if location else None
            if target is None or target in seen:
                return replace(response, url=target or url, error="redirect_loop")
            if in_scope is not None and not in_scope(target):
                return replace(response, url=target, error="out_of_scope")
            seen.add(target)
            url, headers = target, {}
        return Response(url, error="redirect_loop")

    def robots(self, url: str) -> Protego | None:
        """The robots.txt rules for the host of ``url``; None while the host cannot say."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        if origin not in self._robots:
            self._robots[origin] = self.gate.robots(origin, self._load_robots)
        return self._robots[origin]

    def _load_robots(self, origin: str) -> Protego | None:
        """4xx means no rules; 5xx or no answer means keep off the host for this run."""
        with self._request(origin + "/robots.txt", {}, self.delay, follow=True) as (response, _):
            if response is None:
                return None
            if 400 <= response.status_code < 500:
                return Protego.parse("")
            if response.status_code != 200:
                return None
            content, error = self._read(response)
        return None if error else Protego.parse(content.decode("utf-8", "replace"))

    def _fetch_one(self, url: str, headers: dict) -> Response:
        rules = self.robots(url)
        if rules is None:
            return Response(url, error="robots_unavailable")
        if not rules.can_fetch(url, ROBOTS_AGENT):
            return Response(url, error="robots_disallowed")
        delay = max(self.delay, rules.crawl_delay(ROBOTS_AGENT) or 0)
        with self._request(url, headers, delay) as (response, error):
            if response is None:
                return Response(url, error=error)
            return self._response(url, response)

    def _response(self, url: str, raw: requests.Response) -> Response:
        result = Response(url, raw.status_code, raw.headers)
        if raw.status_code == 304 or raw.status_code in REDIRECTS:
            return result
        if 300 <= raw.status_code < 400:
            return replace(result, error="redirect_loop")
        if raw.status_code >= 400:
            return replace(result, error="http_4xx" if raw.status_code < 500 else "http_5xx")
        content_type = raw.headers.get("Content-Type", "")
        kind = _labelled_kind(content_type)
        if kind is None:
            return replace(result, error="not_html")
        content, error = self._read(raw)
        if error:
            return replace(result, error=error)
        kind = kind or _sniffed_kind(content)
        if kind is None:
            return replace(result, error="not_html")
        text = decode(content, content_type, is_html=kind == "html")
        return replace(
            result,
            content=content,
            text=text,
            kind=kind,
            error=None if text is not None else "decode",
        )

    @contextmanager
    def _request(
        self, url: str, headers: dict, delay: float, follow: bool = False
    ) -> Iterator[tuple[requests.Response | None, str | None]]:
        """The streamed response, its body to be read inside the block (the host is held until
        then), after retrying what may pass: connection errors, 5xx and 429 (holding the host
        off as Retry-After says, up to ``max_retry_after``)."""
        host = urlsplit(url).netloc
        attempt = 0
        while True:
            with self.gate.turn(host, delay, self.stop_event):
                response, error = self._send(url, headers, follow)
                status = response.status_code if response is not None else None
                if attempt >= self.retries or not (
                    error == "connection" or status == 429 or (status or 0) >= 500
                ):
                    try:
                        yield response, error
                    finally:
                        if response is not None:
                            response.close()
                    return
                wait = retry_after(
                    response.headers.get("Retry-After") if response is not None else None,
                    self.max_retry_after,
                )
                if response is not None:
                    response.close()
                self.gate.hold_off(host, self.backoff * 2**attempt if wait is None else wait)
            attempt += 1

    def _send(
        self, url: str, headers: dict, follow: bool
    ) -> tuple[requests.Response | None, str | None]:
        try:
            response = self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=follow,
                timeout=(self.connect_timeout, self.time_limit),
            )
        except requests.ConnectTimeout:
            return None, "connection"
        except requests.Timeout:
            return None, "timeout"
        except requests.RequestException:
            return None, "connection"
        except ValueError:  # requests parses every Location, even of redirects it won't follow
            return None, "redirect_loop"
        return response, None

    def _read(self, response: requests.Response) -> tuple[bytes, str | None]:
        """The body, read in pieces as they come, so that neither a huge body nor a server that
        drips one byte a second can hold the crawl past ``max_bytes`` or ``time_limit``."""
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            return b"", "too_large"
        deadline = time.monotonic() - response.elapsed.total_seconds() + self.time_limit
        chunks, size = [], 0
        try:
            while chunk := response.raw.read1(CHUNK, decode_content=True):
                size += len(chunk)
                if size > self.max_bytes:
                    return b"", "too_large"
                if time.monotonic() > deadline:
                    return b"", "timeout"
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError:
            return b"", "timeout"
        except urllib3.exceptions.DecodeError:
            return b"", "decode"
        except (urllib3.exceptions.HTTPError, OSError):
            return b"", "connection"
        return b"".join(chunks), None


def _conditional(etag: str | None, last_modified: str | None) -> dict:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def retry_after(value: str | None, cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), at most ``cap``."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), cap)


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _labelled_kind(content_type: str) -> str | None:
    """ "html" or "xml" by the label; "" when the label says nothing and the bytes must tell."""
    mime = _mime(content_type)
    if mime in HTML_TYPES:
        return "html"
    if mime in XML_TYPES:
        return "xml"
    return "" if mime in UNLABELLED_TYPES else None


def _sniffed_kind(content: bytes) -> str | None:
    head = EncodingDetector.strip_byte_order_mark(content[:1024])[0].lstrip().lower()
    if head.startswith(b"<!doctype html") or b"<html" in head:
        return "html"
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex")):
        return "xml"
    return None


