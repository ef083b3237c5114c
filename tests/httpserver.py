"""A real HTTP server on 127.0.0.1 for tests, with one handler per path set by each test.

A handler gets the request and returns ``(status, headers, body)``; ``body`` is bytes, or an
iterable of bytes sent chunked and flushed piece by piece (for servers that drip or stall).
A handler that returns None makes the server hang up without answering.
Every request is logged with its arrival time, so tests can check gaps and request headers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Reply = tuple[int, dict[str, str], "bytes | Iterable[bytes]"]
Handler = Callable[["Request"], "Reply | None"]


@dataclass
class Request:
    path: str  # with the query
    headers: dict[str, str]  # names in lower case
    at: float  # time.monotonic() on arrival


def page(
    body: bytes | str = b"",
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    **headers: str,
) -> Handler:
    """A handler that always gives the same response; ``Retry_After="1"`` sets ``Retry-After``."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    fields = {"Content-Type": content_type, **{k.replace("_", "-"): v for k, v in headers.items()}}
    return lambda request: (status, fields, data)


def sequence(*handlers: Handler) -> Handler:
    """The first handler for the first request, and so on; the last one answers the rest."""
    calls = iter(range(len(handlers)))
    return lambda request: handlers[next(calls, len(handlers) - 1)](request)


class Server:
    """Start with ``with Server() as server:``; add routes with ``server.routes[path] = handler``."""

    def __init__(self):
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # clients hang up on purpose
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _reply(self, request: Request) -> Reply | None:
        self.requests.append(request)
        handler = self.routes.get(request.path) or self.routes.get(urlsplit(request.path).path)
        if handler is None:
            return 404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"
        return handler(request)

    def _handler_class(self):
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = Request(self.path, headers, time.monotonic())
                reply = server._reply(request)
                if reply is None:  # hang up without a word
                    self.close_connection = True
                    return
                status, headers, body = reply
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if isinstance(body, bytes):
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in body:
                        self.wfile.write(b"%X\r\n%s\r\n" % (len(chunk), chunk))
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass  # the client gave up, which is what such tests want

            def log_message(self, *args):
                pass

        return RequestHandler
