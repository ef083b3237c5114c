"""The HTML pages: search with facets, an article, an official's profile, the embeddable page.

Every page works without JavaScript: forms submit with GET and every facet is a link that
carries the whole search in its query string. Text from crawled pages is auto-escaped; the
only markup rendered as-is is the engine's snippet, which escapes everything but ``<mark>``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from crawler.store import database_errors
from index.analysis import fold_text
from search.engine import MAX_PAGE, SearchRequest
from webui import archive, engine
from webui.charts import Bar, bar_chart, months, years
from webui.params import DATA_COLLAPSE, PAGE_COLLAPSE, SearchState
from webui.security import allow_framing

bp = Blueprint("pages", __name__)

SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}
ERROR_TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Cần xác thực",
    404: "Không tìm thấy trang",
    405: "Phương thức không được hỗ trợ",
    429: "Quá nhiều yêu cầu",
}
OPERATORS = {"OR", "AND", "NOT"}
LOCAL_TIME = timezone(timedelta(hours=7))
EMBED_PAGE_SIZE = 5
HIT_COPIES = 5  # a collapsed hit names this many other outlets; its article page lists all


@dataclass
class Link:
    label: str
    count: int
    href: str
    active: bool = False


# -- template helpers -----------------------------------------------------------------------


@bp.app_template_global()
def search_url(state: SearchState, endpoint: str = "pages.search", external: bool = False) -> str:
    """The URL of ``state`` on a page, or on the API, an export or the feed: each of these
    gets the collapse the state has (the user's choice of the page goes with the export)."""
    query = state.query_string(PAGE_COLLAPSE if endpoint.startswith("pages.") else DATA_COLLAPSE)
    return url_for(endpoint, _external=external) + (f"?{query}" if query else "")


@bp.app_template_global()
def official_url(name: str) -> str:
    return url_for("pages.official", name=name)


@bp.app_template_filter("vndate")
def vndate(value: str | None) -> str:
    """``10/01/2018`` in Vietnam's time, as the papers print it."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{moment.astimezone(LOCAL_TIME) if moment.tzinfo else moment:%d/%m/%Y}"


@bp.app_template_global()
def unit(response: dict) -> str:
    """What the totals and charts count: stories when reprints are collapsed, else articles."""
    return "tin" if response["collapse"] == "story" else "bài viết"


@bp.app_template_filter("thousands")
def thousands(count: int) -> str:
    """``12.345``, the way Vietnamese groups digits."""
    return f"{count:,}".replace(",", ".")


@bp.app_template_filter("period")
def period_label(value: str) -> str:
    """``2019`` -> ``2019``, ``2019-05`` -> ``Tháng 5/2019``."""
    year, _, month = value.partition("-")
    return f"Tháng {int(month)}/{year}" if month.isdigit() else value


@bp.app_template_global()
def reprint(copy: dict, short: bool = False) -> str:
    """Where a copy stands in its story: ``Bản gốc``, ``Đăng lại sau 2 ngày``, ``Đăng lại cùng
    ngày``; ``short`` for a list after an outlet's name (``2 ngày sau``, ``cùng ngày``)."""
    lag = copy.get("lag_days")
    if copy.get("original"):
        return "bản gốc" if short else "Bản gốc"
    if lag is None:
        return "không rõ ngày" if short else "Đăng lại, không rõ ngày"
    if lag == 0:
        return "cùng ngày" if short else "Đăng lại cùng ngày"
    return f"{lag} ngày sau" if short else f"Đăng lại sau {lag} ngày"


@bp.app_template_filter("web_url")
def web_url(value: str) -> str | None:
    """Only http(s) links to original pages; a crawled ``javascript:`` URL is not a link."""
    return value if urlsplit(value or "").scheme in ("http", "https") else None


# -- pages ----------------------------------------------------------------------------------


@bp.get("/")
def home():
    overview = engine().search(SearchRequest(page_size=5, top_officials=12))
    return render_template("home.html", state=SearchState(), overview=overview)


@bp.get("/search")
def search():
    state = SearchState.from_args(request.args, PAGE_COLLAPSE)
    response = engine().search(state.request())
    return render_template(
        "search.html",
        state=state,
        response=response,
        sort_labels=SORT_LABELS,
        facets=facet_links(state, response["facets"]),
        chart=period_chart(state, response) if response["total"] else "",
        hit_copies=HIT_COPIES,
        pages=pagination(state, response["total"]),
        help=no_results_help(state) if not response["total"] else None,
    )


@bp.get("/articles/<article_id>")
def article(article_id: str):
    found = engine().article(article_id)
    if found is None:
        abort(404, "Không có bài viết nào với mã này.")
    story = found["story"]
    return render_template(
        "article.html",
        state=SearchState(),
        article=found,
        own={"original": story["original_id"] == article_id, "lag_days": story["lag_days"]},
        paragraphs=[p.strip() for p in re.split(r"\n+", found["body"]) if p.strip()],
        archive=archive_dates(article_id),
    )


@bp.get("/officials/<path:name>")
def official(name: str):
    profile = engine().official_profile(name)
    if profile is None:
        abort(404, "Không có cán bộ nào với tên này trong kho.")
    if profile["name"] != name:
        return redirect(official_url(profile["name"]))
    articles = SearchState(officials=(profile["name"],))
    counts = {y["value"]: y["count"] for y in profile["years"]}
    chart = bar_chart(
        [Bar(y, counts.get(y, 0), search_url(articles.period(y))) for y in years(counts)],
        f"Số bài viết nhắc đến {profile['name']} theo năm",
    )
    return render_template(
        "official.html", state=SearchState(), profile=profile, chart=chart, articles=articles
    )


@bp.get("/embed")
def embed():
    """A compact results page that other sites may show in an iframe."""
    allow_framing()
    state = SearchState.from_args(request.args, PAGE_COLLAPSE)
    response = None
    if state.q or state.filtered:
        response = engine().search(state.request(page_size=EMBED_PAGE_SIZE))
    return render_template("embed.html", state=state, response=response)


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml")
    return current_app.response_class(body, mimetype="application/opensearchdescription+xml")


def error_page(status: int, message: str):
    title = ERROR_TITLES.get(status, "Đã có lỗi xảy ra")
    body = render_template("error.html", state=SearchState(), title=title, message=message,
                           status=status)
    return make_response(body, status)


# -- the parts of a results page ------------------------------------------------------------


def facet_links(state: SearchState, facets: dict) -> dict[str, list[Link]]:
    """Each facet value as a link that adds it to the search, or removes it when active."""
    chosen = state.one_period
    links = {
        "officials": [
            Link(f["value"], f["count"], search_url(state.toggle_official(f["value"])),
                 state.has_official(f["value"]))
            for f in facets["officials"]
        ],
        "year": [_period_link(state, f, chosen.startswith(f["value"]), "") for f in facets["year"]],
        "source": [_toggle(state, "source", f) for f in facets["source"]],
        "section": [_toggle(state, "section", f) for f in facets["section"]],
    }
    if "month" in facets:
        links["month"] = [
            _period_link(state, f, chosen.startswith(f["value"]), f["value"][:4])
            for f in facets["month"]
        ]
    return links


def _period_link(state: SearchState, facet: dict, active: bool, parent: str) -> Link:
    """A year or month; clicking the active one goes back up (to its year, or to all time)."""
    value = facet["value"]
    target = (state.period(parent) if parent else state.without_dates()) if active else (
        state.period(value)
    )
    return Link(value, facet["count"], search_url(target), active)


def _toggle(state: SearchState, name: str, facet: dict) -> Link:
    """Filters by the value; a source is shown by its site's name."""
    active = getattr(state, name) == facet["value"]
    target = state.change(**{name: "" if active else facet["value"]})
    return Link(facet.get("name") or facet["value"], facet["count"], search_url(target), active)


def period_chart(state: SearchState, response: dict):
    """Results per month when the range is inside one year, else per year."""
    facets, counted = response["facets"], unit(response)
    if "month" in facets:
        year = state.date_from[:4]
        counts = {f["value"]: f["count"] for f in facets["month"]}
        bars = [_period_bar(state, m, counts, m[5:], f"Tháng {int(m[5:])}/{year}", counted)
                for m in months(year)]
        return bar_chart(bars, f"Số {counted} theo tháng trong năm {year}")
    counts = {f["value"]: f["count"] for f in facets["year"]}
    bars = [_period_bar(state, y, counts, y, f"Năm {y}", counted) for y in years(counts)]
    return bar_chart(bars, f"Số {counted} theo năm")


def _period_bar(state: SearchState, value: str, counts: dict, label: str, name: str,
                counted: str) -> Bar:
    count = counts.get(value, 0)
    return Bar(label, count, search_url(state.period(value)), f"{name}: {count} {counted}")


def pagination(state: SearchState, total: int) -> dict:
    last = min(max(1, math.ceil(total / state.page_size)), MAX_PAGE)
    window = range(max(1, state.page - 2), min(last, state.page + 2) + 1)
    return {
        "last": last,
        "previous": search_url(state.change(page=state.page - 1)) if state.page > 1 else None,
        "next": search_url(state.change(page=state.page + 1)) if state.page < last else None,
        "numbers": [(n, search_url(state.change(page=n))) for n in window],
    }


def no_results_help(state: SearchState) -> dict:
    """Another spelling of the query, officials it may name, and every filter to drop."""
    folded = " ".join(w if w in OPERATORS else fold_text(w) for w in state.q.split())
    return {
        "accentless": (folded, search_url(state.change(q=folded)))
        if folded and folded != state.q.lower() else None,
        "officials": engine().officials(state.q, 3) if state.q else [],
        "drop": [(label, value, search_url(without))
                 for label, value, without in state.active_filters()],
    }


def archive_dates(article_id: str) -> dict | None:
    """When the archive first and last saw the page, from the crawler's store (read only)."""
    data_dir = Path(current_app.config["DATA_DIR"])
    if current_app.config["STORE"] is None and not (data_dir / "store.sqlite").exists():
        return None
    try:
        with archive() as store:
            return store.article_meta(article_id)
    except database_errors():
        current_app.logger.warning("store unreadable; article %s shown without dates", article_id)
        return None
