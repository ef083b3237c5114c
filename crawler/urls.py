"""One spelling per page, so that duplicates collapse and article ids stay stable.

Links on Vietnamese news sites arrive with tracking parameters from Facebook and Zalo shares, mixed
percent-encoding of Vietnamese letters, stray dot segments and trailing slashes; all of these
spell the same page and must give the same key.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import quote, unquote, urljoin, urlsplit

from crawler.config import Site

UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
SAFE = "!$&'()*+,;=:@/?"  # reserved characters that mean the same to servers whether escaped or not
ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING = frozenset({"fbclid", "gclid", "zarsrc"})
TRACKING_PREFIXES = ("utm_", "zalo")


def canonicalize(url: str, base: str | None = None) -> str | None:
    """The canonical absolute form of ``url`` (resolved against ``base``), or None if it is not
    a usable http(s) URL: mailto:, javascript:, a broken host or port, or plain garbage."""
    try:
        return _canonical(urljoin(base, url.strip()) if base else url.strip())
    except (ValueError, UnicodeError):
        return None


def _canonical(url: str) -> str | None:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return None
    host = _host(parts.hostname)
    if host is None:
        return None
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _remove_dot_segments(_escapes(parts.path)).rstrip("/") or "/"
    query = _query(parts.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _host(hostname: str | None) -> str | None:
    if not hostname:
        return None
    if ":" in hostname:
        return f"[{ipaddress.IPv6Address(hostname).compressed}]"
    if not hostname.isascii():
        hostname = hostname.encode("idna").decode("ascii")
    hostname = hostname.lower().rstrip(".")
    return hostname if HOST.fullmatch(hostname) else None


def _escapes(text: str) -> str:
    """Unreserved characters plain, every other escape in upper case, non-ASCII as UTF-8 escapes."""
    text = quote(LONE_PERCENT.sub("%25", text), safe=SAFE + "%")
    return ESCAPE.sub(_unescape_unreserved, text)


def _unescape_unreserved(match: re.Match) -> str:
    char = chr(int(match[1], 16))
    return char if char in UNRESERVED else f"%{match[1].upper()}"


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/./b/../c`` is ``/a/c``."""
    output: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    trailing = "/" if path.rsplit("/", 1)[-1] in (".", "..") else ""
    return "/" + "/".join(output) + trailing


def _query(query: str) -> str:
    pairs = [_escapes(pair) for pair in query.split("&") if pair]
    return "&".join(sorted(pair for pair in pairs if not is_tracking(pair.split("=", 1)[0])))


def is_tracking(name: str) -> bool:
    """Share and ad-click parameters, which say who sent the reader, not which page it is."""
    name = unquote(name).lower()
    return name in TRACKING or name.startswith(TRACKING_PREFIXES)


def host_key(url: str) -> str:
    """``host[:port]`` of a canonical URL, with ``www.`` dropped: both name one site."""
    netloc = urlsplit(url).netloc
    return netloc[4:] if netloc.startswith("www.") else netloc


def in_scope(url: str, site: Site) -> bool:
    """On one of the site's hosts or matching an ``allow`` pattern, and matching no ``deny``."""
    canonical = canonicalize(url)
    if canonical is None or any(re.search(p, canonical) for p in site.deny):
        return False
    return host_key(canonical) in _hosts(tuple(site.seeds)) or any(
        re.search(p, canonical) for p in site.allow
    )


@lru_cache(maxsize=64)
def _hosts(seeds: tuple[str, ...]) -> frozenset[str]:
    """Asked for every link on every page, so computed once per site."""
    return frozenset(host_key(seed) for seed in map(canonicalize, seeds) if seed)
