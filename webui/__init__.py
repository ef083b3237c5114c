"""The web app: HTML pages, the JSON API, exports and the Atom feed over one search engine.

Read-only by construction: views call :mod:`search` (and the store for capture dates), never
the crawler, so no request can reach the network. The one writing endpoint (reindex) is off
unless an admin token is configured.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException

from crawler.store import Store, StoreError, open_store
from search.engine import Engine, SearchError

DEFAULTS = {
    "DATA_DIR": "data",
    "STORE": None,  # a postgresql:// URL; None: the SQLite store in DATA_DIR
    "ADMIN_TOKEN": None,  # None: no admin endpoint exists
    "CORS_ORIGINS": "*",  # "*" or origins (list or comma-separated) that may call the API
    "RATE_LIMIT": None,  # e.g. "120/minute" per client on the API and the feed (loopback exempt)
    "TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-* headers are believed
    "EXPORT_LIMIT": 10000,  # rows in one CSV/JSONL export
}


def create_app(config: dict | None = None) -> Flask:
    from webui import api, export, pages, security

    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.update(config or {})
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["vnsearch.engine"] = Engine(app.config["DATA_DIR"])
    security.init_app(app)
    for blueprint in (pages.bp, api.bp, export.bp):
        app.register_blueprint(blueprint)

    def respond(status: int, message: str):
        if request.path.startswith("/api/"):
            return api.error_response(status, message)
        return pages.error_page(status, message)

    @app.errorhandler(SearchError)
    def bad_request(error):
        return respond(400, str(error))

    @app.errorhandler(StoreError)
    def store_unavailable(error):
        return respond(503, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error):
        response = respond(error.code or 500, _message(error))
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unexpected error on %s", request.path)
        return respond(500, "internal server error")

    return app


def engine() -> Engine:
    return current_app.extensions["vnsearch.engine"]


def archive() -> Store:
    """A connection to the archive's store, for one request (close it)."""
    return open_store(current_app.config["STORE"], current_app.config["DATA_DIR"])


def _message(error: HTTPException) -> str:
    """The view's own words when it gave some, else the status name ("not found")."""
    if error.description and error.description != type(error).description:
        return error.description
    return (error.name or "error").lower()
