"""What protects the app and the people who use it: headers, CORS, the admin token, rate limits.

Every page shows text taken from other sites, so the Content-Security-Policy forbids inline
scripts outright: even a rendering bug cannot run a script a crawled page smuggled in. Only
``/embed`` may be framed, and only the read-only API answers other origins.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import math
import re
import socket
import threading
import time
from collections import Counter

from flask import current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import NotFound, TooManyRequests, Unauthorized
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; "
)
EXPOSED_HEADERS = "Retry-After, X-Export-Total, X-Export-Limit, X-Export-Truncated"
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(second|minute|hour|day)s?\s*$")
PUBLIC_RATE_LIMIT = "120/minute"  # what `vnsearch serve` applies on a non-loopback address


def init_app(app) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)
    app.config["CORS_ORIGINS"] = origins(app.config.get("CORS_ORIGINS"))
    rate = app.config.get("RATE_LIMIT")
    app.extensions["vnsearch.limiter"] = RateLimiter.parse(rate) if rate else None
    app.before_request(_rate_limit)
    app.after_request(_headers)


def origins(value) -> str | tuple[str, ...]:
    """``"*"``, or the origins allowed, from a list or a comma-separated string."""
    if value is None or value == "*":
        return "*"
    items = value.split(",") if isinstance(value, str) else value
    return tuple(o.strip().rstrip("/") for o in items if o.strip())


ADMIN_PATHS = ("/api/admin/", "/api/jobs")


def read_only_api(path: str) -> bool:
    """The API other sites may call; admin routes never answer another origin."""
    return path.startswith("/api/") and not path.startswith(ADMIN_PATHS)


def rate_limited(path: str) -> bool:
    """The API and the feed: what scripts call. Pages are left to the proxy in front."""
    return path.startswith("/api/") or path == "/feed.atom"


def allow_framing() -> None:
    """Called by a view whose page other sites may show in a frame (``/embed``)."""
    g.vnsearch_framable = True


# -- response headers -----------------------------------------------------------------------


def _headers(response):
    headers = response.headers
    allowed = current_app.config["CORS_ORIGINS"]
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if g.get("vnsearch_framable"):
        ancestors = "*" if allowed == "*" else " ".join(allowed) or "'none'"
        headers["Content-Security-Policy"] = CSP + f"frame-ancestors {ancestors}"
    else:
        headers["Content-Security-Policy"] = CSP + "frame-ancestors 'none'"
        headers["X-Frame-Options"] = "DENY"
    if read_only_api(request.path):
        _cors(headers, allowed)
    return response


def _cors(headers, allowed) -> None:
    """Any page may read the read-only API; credentials are never allowed."""
    origin = request.headers.get("Origin", "").rstrip("/")
    if allowed == "*":
        headers["Access-Control-Allow-Origin"] = "*"
    else:
        headers.add("Vary", "Origin")
        if origin not in allowed:
            return
        headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        headers["Access-Control-Max-Age"] = "86400"


# -- admin ----------------------------------------------------------------------------------


def admin_only(view):
    """Off unless ``ADMIN_TOKEN`` is set (then 404); with it, only ``Bearer <token>`` passes."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = current_app.config.get("ADMIN_TOKEN")
        if not token:
            raise NotFound()
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8"), token.encode("utf-8")
        ):
            raise Unauthorized("a valid admin token is required",
                               www_authenticate=WWWAuthenticate("bearer"))
        return view(*args, **kwargs)

    return wrapper


# -- rate limiting --------------------------------------------------------------------------


class RateLimiter:
    """At most ``count`` requests per client in each fixed window of ``period`` seconds.

    Kept in memory: each server process counts its own clients, so with several processes
    the limit is per process (docs/deploy-web.md says how to limit at the proxy instead). A
    client is its address as the app sees it: the proxy's, unless ``TRUSTED_PROXIES`` says
    whose ``X-Forwarded-For`` to believe.
    """

    def __init__(self, count: int, period: int):
        self.count, self.period = count, period
        self._lock = threading.Lock()
        self._window = -1
        self._hits: Counter = Counter()

    @classmethod
    def parse(cls, text: str) -> RateLimiter:
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"RATE_LIMIT {text!r} is not like '120/minute'")
        return cls(int(match[1]), PERIODS[match[2]])

    def wait(self, client: str, now: float | None = None) -> float:
        """Seconds ``client`` must wait, or 0 when this request is allowed (and counted)."""
        now = time.time() if now is None else now
        with self._lock:
            window = int(now // self.period)
            if window != self._window:
                self._window, self._hits = window, Counter()
            self._hits[client] += 1
            if self._hits[client] <= self.count:
                return 0.0
            return (window + 1) * self.period - now


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8 and ::1, also written as an IPv4-mapped IPv6 address."""
    try:
        ip = ipaddress.ip_address(address.partition("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def listens_on_loopback(host: str) -> bool:
    """Whether a server bound to ``host`` can be reached from this machine only; a name counts
    when every address it resolves to is loopback (``localhost``)."""
    if is_loopback(host):
        return True
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(is_loopback(a) for a in addresses)


def serve_rate_limit(option: str | None, host: str) -> str | None:
    """The limit `vnsearch serve` applies: the one given (``off``: none), else
    :data:`PUBLIC_RATE_LIMIT` on a public address and none on loopback, where every client
    is the machine's own user."""
    if option is None:
        return None if listens_on_loopback(host) else PUBLIC_RATE_LIMIT
    return None if option.lower() == "off" else option


def _rate_limit():
    limiter = current_app.extensions["vnsearch.limiter"]
    if limiter is None or request.method == "OPTIONS" or not rate_limited(request.path):
        return
    client = request.remote_addr or ""
    if is_loopback(client):
        return  # the machine's own user: a script or a notebook paging through results
    wait = limiter.wait(client)
    if wait:
        raise TooManyRequests("too many requests; slow down", retry_after=max(1, math.ceil(wait)))
