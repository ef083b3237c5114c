"""Serve the sample archive over HTTP, one local server (and port) per site.

Each site is its own source (its own host:port). Besides static files the servers behave
like real sites in the ways a crawler has to cope with:

* Content-Type with charset, ETag and Last-Modified, 304 on a conditional GET;
* query parameters other than a site's identity parameters (``page``, and ``id`` on
  ``congtt``) are ignored, so ``?utm_source=...`` and ``?print=1`` give the same page;
  ``?page=N`` maps to the file ``<path>/page-N.html``, ``?id=N`` to ``<path>/id-N.html``;
* the redirects, the one-time 503, the wrong charset header and the calendar trap listed
  under ``traps`` in ``truth.json``; any unknown path answers 404.

Run ``python -m crawler.sample.server`` to serve the archive until Ctrl-C.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import re
import signal
import socket
import threading
import time
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.sample import SITES_DIR, load_truth

__all__ = ["SampleArchive", "serve_sample", "main"]

SNAPSHOT = dt.datetime(2024, 10, 1, 1, 0, tzinfo=dt.timezone.utc)  # Last-Modified of non-article pages
CONTENT_TYPES = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain",
    ".json": "application/json",
    ".css": "text/css",
    ".js": "application/javascript",
}
SERVER_NAMES = {"tinhuy": "nginx", "baotinh": "Apache", "congtt": "Microsoft-IIS/10.0"}
_VALUE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


def _http_date(when: dt.datetime) -> str:
    return format_datetime(when.astimezone(dt.timezone.utc), usegmt=True)


class _Site:
    """One site of the archive: its files, its traps and its per-server state."""

    def __init__(self, key: str, truth: dict):
        self.key = key
        self.root = (SITES_DIR / key).resolve()
        info = truth["sites"][key]
        self.title = info["title"]
        self.origin = info["origin"]
        self.identity = frozenset(info["identity_params"])
        self.base = ""  # "http://127.0.0.1:PORT", set once bound
        self.rewrites: list[tuple[bytes, bytes]] = []  # public origin -> local base, all sites
        traps = truth["traps"]

        def mine(name: str) -> list[dict]:
            return [t for t in traps.get(name, []) if t["site"] == key]

        self.redirects = {t["path"]: (t["location"], t["status"]) for t in mine("redirects")}
        self.calendars = {t["path"]: t for t in mine("calendar")}
        self.retry_once = {self._file_of(t["path"]): t["retry_after"] for t in mine("retry_once")}
        self.charsets = {self._file_of(t["path"]): t["header_charset"] for t in mine("wrong_charset")}
        self.published = {
            self._file_of(a["path"]): dt.datetime.fromisoformat(a["published"])
            for a in truth["articles"]
            if a["site"] == key and a["published"]  # an undated page: the snapshot's time
        }
        self._answered: set[Path] = set()
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[bytes, str, str, dt.datetime]] = {}

    def _file_of(self, target: str) -> Path:
        split = urlsplit(target)
        found = self.resolve(split.path, parse_qsl(split.query))
        if found is None:
            raise FileNotFoundError(f"{self.key}: no file for {target}")
        return found

    def resolve(self, path: str, query: list[tuple[str, str]]) -> Path | None:
        """The file that answers ``path`` with ``query``, or None."""
        if not path.startswith("/") or "\x00" in path:
            return None
        kept: dict[str, str] = {}
        for name, value in query:
            if name in self.identity and name not in kept:
                kept[name] = value
        if kept.get("page") == "1":
            del kept["page"]
        if any(not _VALUE_RE.match(v) for v in kept.values()):
            return None
        target = self.root / path.lstrip("/")
        if kept:
            candidates = [target / ("_".join(f"{k}-{kept[k]}" for k in sorted(kept)) + ".html")]
        else:
            candidates = [target, target / "index.html"]
        for candidate in candidates:
            try:
                candidate = candidate.resolve()
            except OSError:
                continue
            if candidate.is_file() and candidate.is_relative_to(self.root):
                return candidate
        return None

    def first_request(self, file: Path) -> bool:
        """True only the first time ``file`` is asked for on this server."""
        with self._lock:
            if file in self._answered:
                return False
            self._answered.add(file)
            return True

    def load(self, file: Path) -> tuple[bytes, str, str, dt.datetime]:
        """(body, content type, ETag, Last-Modified) of a static file, public origins rewritten."""
        cached = self._cache.get(file)
        if cached is not None:
            return cached
        body = file.read_bytes()
        kind = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        if kind.startswith(("text/", "application/xml", "application/rss", "application/json", "application/javascript")):
            for origin, base in self.rewrites:
                body = body.replace(origin, base)
            kind = f"{kind}; charset={self.charsets.get(file, 'utf-8')}"
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        entry = (body, kind, etag, self.published.get(file, SNAPSHOT))
        self._cache[file] = entry
        return entry


class _Handler(BaseHTTPRequestHandler):
    site: _Site  # set on the per-site subclass
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls
    timeout = 15

    def log_message(self, format, *args):  # quiet: no stderr spam
        pass

    def version_string(self) -> str:
        return SERVER_NAMES.get(self.site.key, "nginx")

    def do_GET(self):
        self._serve(send_body=True)

    def do_HEAD(self):
        self._serve(send_body=False)

    # -- responses

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None, *, send_body: bool):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _page(self, status: int, title: str, text: str, headers: dict | None = None, *, send_body: bool):
        body = (
            '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
            f'<p>{html.escape(text)}</p>\n<p><a href="/">Về trang chủ</a></p>\n</body>\n</html>\n'
        ).encode()
        self._send(status, body, "text/html; charset=utf-8", headers, send_body=send_body)

    def _serve(self, *, send_body: bool):
        site = self.site
        split = urlsplit(self.path)
        path = unquote(split.path) or "/"
        query = parse_qsl(split.query, keep_blank_values=True)

        if path in site.redirects:
            location, status = site.redirects[path]
            self._page(status, "Trang đã chuyển", "Trang này đã được chuyển sang địa chỉ mới.",
                       {"Location": site.base + location}, send_body=send_body)
            return
        if path in site.calendars:
            self._calendar(site.calendars[path], path, query, send_body=send_body)
            return
        file = site.resolve(path, query)
        if file is None:
            self._page(404, "Không tìm thấy trang", "Trang bạn yêu cầu không tồn tại hoặc đã bị gỡ bỏ.",
                       send_body=send_body)
            return
        if file in site.retry_once and site.first_request(file):
            self._page(503, "Hệ thống tạm thời gián đoạn", "Máy chủ đang quá tải, vui lòng thử lại sau ít phút.",
                       {"Retry-After": str(site.retry_once[file])}, send_body=send_body)
            return
        body, content_type, etag, modified = site.load(file)
        validators = {"ETag": etag, "Last-Modified": _http_date(modified)}
        if self._not_modified(etag, modified):
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self._send(200, body, content_type, validators, send_body=send_body)

    def _not_modified(self, etag: str, modified: dt.datetime) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip() for t in if_none_match.split(",")]
            return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.timezone.utc)
            return modified.replace(microsecond=0) <= since
        return False

    def _calendar(self, trap: dict, path: str, query: list[tuple[str, str]], *, send_body: bool):
        """A work calendar whose every day links to the next one: endless unless budgeted."""
        value = dict(query).get(trap["param"], trap["start"])
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self._page(404, "Không tìm thấy trang", "Ngày không hợp lệ.", send_body=send_body)
            return
        links = []
        if day > dt.date.min:
            links.append(f'<a href="{path}?{trap["param"]}={day - dt.timedelta(days=1)}" rel="prev">« Ngày trước</a>')
        if day < dt.date.max:
            links.append(f'<a href="{path}?{trap["param"]}={day + dt.timedelta(days=1)}" rel="next">Ngày sau »</a>')
        title = f"Lịch công tác ngày {day:%d/%m/%Y}"
        body = (
            '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
            f"<title>{title} - {html.escape(self.site.title)}</title></head>\n<body>\n"
            f'<div class="breadcrumb"><a href="/">Trang chủ</a> » Lịch công tác</div>\n'
            f'<h1 class="lich-title">{title}</h1>\n'
            '<table class="lich"><tr><th>Thời gian</th><th>Nội dung</th><th>Địa điểm</th></tr>\n'
            '<tr><td colspan="3">Chưa có lịch công tác của Thường trực Tỉnh ủy trong ngày này.</td></tr></table>\n'
            f'<div class="lich-nav">{" | ".join(links)}</div>\n</body>\n</html>\n'
        ).encode()
        self._send(200, body, "text/html; charset=utf-8", send_body=send_body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # quiet: clients hanging up are not news
        pass


class _Server6(_Server):
    address_family = socket.AF_INET6


class SampleArchive:
    """The running sample sites. ``sites`` maps a site key to its base URL (ending in ``/``)."""

    def __init__(self, host: str = "127.0.0.1", base_port: int = 0):
        self.truth = load_truth()
        self.sites: dict[str, str] = {}
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        sites = [_Site(key, self.truth) for key in self.truth["sites"]]
        server_class = _Server6 if ":" in host else _Server
        try:
            for number, site in enumerate(sites):
                handler = type(f"_{site.key.title()}Handler", (_Handler,), {"site": site})
                server = server_class((host, base_port + number if base_port else 0), handler)
                self._servers.append(server)
                port = server.server_address[1]
                shown = f"[{host}]" if ":" in host else host
                self.sites[site.key] = f"http://{shown}:{port}/"
        except BaseException:
            self.close()
            raise
        rewrites = [(s.origin.encode("ascii"), self.sites[s.key].rstrip("/").encode("ascii")) for s in sites]
        for site in sites:
            site.base = self.sites[site.key].rstrip("/")
            site.rewrites = rewrites
        for site, server in zip(sites, self._servers, strict=True):
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"sample-{site.key}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def url(self, site: str, path: str = "/") -> str:
        """The absolute URL of ``path`` (may carry a query) on ``site``."""
        return self.sites[site] + path.lstrip("/")

    def close(self) -> None:
        for server, thread in zip(self._servers, self._threads, strict=False):
            server.shutdown()
            thread.join(timeout=5)
        for server in self._servers:
            server.server_close()
        self._servers, self._threads = [], []

    def __enter__(self) -> SampleArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def serve_sample(host: str = "127.0.0.1", base_port: int = 0) -> SampleArchive:
    """Start one threaded HTTP server per sample site (ports chosen by the OS unless ``base_port``)."""
    return SampleArchive(host, base_port)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.sample.server", description="Serve the vnsearch sample archive until Ctrl-C."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0,
                        help="port of the first site, the others follow (default: free ports)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    signal.signal(signal.SIGTERM, _interrupt)
    with serve_sample(args.host, args.port) as archive:
        for key, url in archive.sites.items():
            print(f"{key:8} {url}  {archive.truth['sites'][key]['title']}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
