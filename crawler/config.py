"""Which sites to crawl and how, read from a ``sites.toml`` file.

A typo in the sites file should stop the crawler before it touches the network, with one line that
points at the file and the key, so loading checks every value it reads.

The file holds one table per site::

    [sites.baotinh]
    name = "Báo Ngọc Linh"   # shown to readers; the table's key stays the source's id
    start_urls = ["https://baotinh.example.vn/"]
    sitemaps = ["https://baotinh.example.vn/sitemap.xml"]
    deny = ["/lich/"]
    delay = 2
    schedule = "6h"          # or a cron expression, like "0 */6 * * *"
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from crawler.schedule import parse_schedule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(ValueError):
    """A sites file that cannot be used; the message says where and how to fix it."""


@dataclass
class Site:
    name: str
    start_urls: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)  # URLs on other hosts that belong to the site
    deny: list[str] = field(default_factory=list)  # URLs never fetched, even on the site's host
    article_urls: list[str] = field(default_factory=list)  # if given, only these may be articles
    selectors: dict[str, str] = field(default_factory=dict)  # title, date, body, author -> CSS
    delay: float = 1.0  # seconds between requests to one host, at least
    max_pages: int = 1000  # per run
    schedule: str = ""  # an interval or a cron expression (crawler.schedule); "": not scheduled
    title: str = ""  # the site's name for readers, the key ``name`` in the sites file

    @classmethod
    def for_urls(cls, start_urls: list[str]) -> Site:
        """A site made of the hosts of some start URLs, for crawls without a sites file."""
        name = urlsplit(start_urls[0]).netloc.lower() if start_urls else ""
        return cls(name=name, start_urls=list(start_urls))

    @property
    def seeds(self) -> list[str]:
        return [*self.feeds, *self.sitemaps, *self.start_urls]


URL_KEYS = ("start_urls", "sitemaps", "feeds")
REGEX_KEYS = ("allow", "deny", "article_urls")
# The sites file calls the readers' name of a site ``name``: the table's key is its id.
SITE_KEYS = ("name", *(f.name for f in fields(Site) if f.name not in ("name", "title")))


def load_sites(path: str | Path) -> dict[str, Site]:
    """Site name -> :class:`Site`, in file order; raises :class:`ConfigError` on any mistake."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the sites file ({exc.strerror})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"at line (\d+)", str(exc))
        where = f"{path}:{line[1]}" if line else str(path)
        raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
    where = _Locator(path, text)
    for key in data:
        if key != "sites":
            raise ConfigError(
                where(
                    None,
                    None,
                    f'unknown top-level key "{key}"; describe each site in a [sites.NAME] table',
                )
            )
    tables = data.get("sites")
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(where(None, None, "no sites; add a [sites.NAME] table with start_urls"))
    return {name: _site(name, table, where) for name, table in tables.items()}


class _Invalid(ValueError):
    """One value's problem, before it is placed in the file."""


def _site(name: str, table, where: _Locator) -> Site:
    if not isinstance(table, dict):
        raise ConfigError(where(None, None, f"sites.{name} must be a table: write [sites.{name}]"))
    values = {}
    for key, value in table.items():
        if key not in SITE_KEYS:
            raise ConfigError(
                where(
                    name,
                    key,
                    f'unknown key "{key}" in [sites.{name}]; known keys: ' + ", ".join(SITE_KEYS),
                )
            )
        try:
            values["title" if key == "name" else key] = _check(key, value)
        except _Invalid as exc:
            raise ConfigError(where(name, key, f"sites.{name}.{key} {exc}")) from None
    if not any(values.get(key) for key in URL_KEYS):
        raise ConfigError(
            where(
                name,
                None,
                f"[sites.{name}] has nothing to crawl; add start_urls, sitemaps or feeds",
            )
        )
    return Site(name=name, **values)


def _check(key: str, value):
    """The value, converted if need be, or :class:`_Invalid` saying what it should be."""
    if key in URL_KEYS or key in REGEX_KEYS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Invalid('must be a list of strings, like ["..."]')
        for item in value:
            problem = _url_problem(item) if key in URL_KEYS else _regex_problem(item)
            if problem:
                raise _Invalid(f'has "{item}", which {problem}')
        return value
    if key == "selectors":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _Invalid('must be a table of CSS selectors, like {title = "h1.title"}')
        return value
    if key == "delay":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise _Invalid(f"must be a number of seconds >= 0, not {value!r}")
        return float(value)
    if key == "max_pages":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _Invalid(f"must be a whole number >= 1, not {value!r}")
        return value
    if not isinstance(value, str):
        example = "Báo Ngọc Linh" if key == "name" else "6h"
        raise _Invalid(f'must be a string, like "{example}", not {value!r}')
    if key == "schedule":
        try:
            parse_schedule(value)
        except ValueError as exc:
            raise _Invalid(f'"{value}" {exc}') from None
    return value


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an absolute http(s) URL; write it like https://example.vn/path"
    return None


def _regex_problem(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression ({exc})"
    return None


class _Locator:
    """Finds the line of a key so that an error can point at it: tomllib gives no positions."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def __call__(self, site: str | None, key: str | None, message: str) -> str:
        line = self.line(site, key) if site else None
        return f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}"

    def line(self, site: str, key: str | None) -> int | None:
        """Line of ``key`` in ``[sites.<site>]``, or of that header when ``key`` is None."""
        header = re.compile(rf"\s*\[\s*sites\s*\.\s*{re.escape(site)}\s*\]")
        assignment = re.compile(rf"\s*{re.escape(key or '')}\s*=")
        inside = False
        for number, text in enumerate(self.lines, 1):
            if text.lstrip().startswith("["):
                if inside:
                    return None
                inside = bool(header.match(text))
                if inside and key is None:
                    return number
            elif inside and key and assignment.match(text):
                return number
        return None
