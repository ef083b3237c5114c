"""The JSON API: the engine's own objects, so the CLI's ``--json``, the API and exports agree.

Every error is ``{"error": "..."}`` with its status; bad parameters are 400, never 500.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

from index import writer
from webui import archive, engine
from webui.openapi import document
from webui.params import SearchState, integer, text
from webui.security import admin_only

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_OFFICIALS_LIMIT = 100


def error_response(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    return response


@bp.get("/search")
def search():
    return jsonify(engine().search(SearchState.from_args(request.args).request()))


@bp.get("/articles/<article_id>")
def article(article_id: str):
    found = engine().article(article_id)
    if found is None:
        abort(404, "no article with this id")
    return jsonify(found)


@bp.get("/officials")
def officials():
    limit = integer(request.args, "limit", 20)
    if not 1 <= limit <= MAX_OFFICIALS_LIMIT:
        abort(400, f"limit must be between 1 and {MAX_OFFICIALS_LIMIT}")
    return jsonify(engine().officials(text(request.args, "prefix"), limit))


@bp.get("/officials/<path:name>")
def official(name: str):
    found = engine().official_profile(name)
    if found is None:
        abort(404, "no official with this name")
    return jsonify(found)


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.post("/admin/reindex")
@admin_only
def reindex():
    """Index what the crawler stored since the last update; never fetches anything."""
    data_dir = current_app.config["DATA_DIR"]
    try:
        with archive() as store:
            stats = writer.update(store, data_dir, wait=5.0)
    except writer.IndexLockedError as error:
        abort(409, str(error))
    return jsonify({"indexed": stats.indexed, "generation": stats.generation})


@bp.get("/jobs")
@admin_only
def jobs():
    """What the scheduler did last and does next, for each site; read from the store only."""
    with archive() as store:
        return jsonify({"jobs": store.jobs()})
