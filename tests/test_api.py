"""The JSON API, exports, feed, CORS and admin token; and the production server
under concurrent reads while the index is written."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from crawler.article import Article
from crawler.store import Store
from index.export import COLUMNS
from search.engine import Engine, SearchRequest
from search.filters import Filters
from tests import webui_fixtures
from tests.webui_fixtures import ARTICLES, SCRIPT, save_articles
from vnsearch.cli.main import main
from webui import create_app
from webui.openapi import document

# The shared fixtures, exposed here so that pytest finds them.
app, client, data_dir = webui_fixtures.app, webui_fixtures.client, webui_fixtures.data_dir

ATOM = "{http://www.w3.org/2005/Atom}"


def error_of(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


# -- search and records ---------------------------------------------------------------------


def test_search_returns_exactly_the_engine_object(client, data_dir):
    response = client.get("/api/search?q=nguyen+xuan+phuc&official=phan+viet+cuong&from=2018"
                          "&to=2019-12&sort=newest&page=1&page_size=5")
    expected = Engine(data_dir).search(SearchRequest(
        q="nguyen xuan phuc", sort="newest", page_size=5,
        filters=Filters(["phan viet cuong"], None, None, "2018", "2019-12"),
    ))
    assert response.get_json() == expected
    assert [h["id"] for h in expected["hits"]] == ["phuc-quangnam"]
    assert list(response.get_json()) == list(expected)  # key order kept


def test_search_says_how_the_query_was_read_and_lists_readings(client):
    body = client.get("/api/search?q=dan+van+chinh+quyen").get_json()
    assert body["match"] == "words" and body["searched"] == '"dan van" "chinh quyen"'
    assert body["total"] == 1 and body["hits"][0]["id"] == "danvan-2018"
    readings = {w["word"]: w["readings"] for w in body["readings"]}
    assert readings["dan van"][0]["text"] == "dân vận"
    rerun = client.get("/api/search", query_string={"q": readings["dan van"][0]["q"]}).get_json()
    assert rerun["searched"] == '"dân vận" "chinh quyen"' and rerun["total"] == 1


def test_syllables_anywhere_on_request(client):
    words = client.get("/api/search?q=dan+chinh").get_json()
    syllables = client.get("/api/search?q=dan+chinh&match=syllables").get_json()
    assert syllables["match"] == "syllables" and syllables["readings"] == []
    assert words["total"] == 0 and syllables["total"] == 3


def test_abbreviations_count_for_their_words_and_the_response_says_so(client):
    long_form = client.get("/api/search", query_string={"q": "Ủy ban nhân dân"}).get_json()
    short = client.get("/api/search?q=UBND").get_json()
    assert {h["id"] for h in long_form["hits"]} == {h["id"] for h in short["hits"]}
    assert "ubnd-thang5" in {h["id"] for h in long_form["hits"]}
    assert long_form["expanded"] == [{"word": "Ủy ban nhân dân", "includes": ["UBND"]}]
    assert short["expanded"] == [{"word": "UBND", "includes": ["ủy ban nhân dân"]}]


def test_repeated_official_parameter_narrows(client):
    both = client.get("/api/search?official=Nguyễn Xuân Phúc&official=le tri thanh").get_json()
    assert [h["id"] for h in both["hits"]] == ["phuc-chinhphu"]


def test_article_and_unknown_article(client):
    article = client.get("/api/articles/phuc-quangnam").get_json()
    assert article["title"].startswith("Thủ tướng Nguyễn Xuân Phúc") and "body" in article
    assert error_of(client.get("/api/articles/nope"), 404) == "no article with this id"


def test_officials_autocomplete_and_profile(client):
    assert client.get("/api/officials?prefix=phan&limit=5").get_json() == [
        {"name": "Phan Việt Cường", "count": 3}]
    assert len(client.get("/api/officials?limit=2").get_json()) == 2
    profile = client.get("/api/officials/" + quote("phan viet cuong")).get_json()
    assert profile["name"] == "Phan Việt Cường" and profile["count"] == 3
    assert [y["value"] for y in profile["years"]] == ["2018", "2019", "2020"]
    assert error_of(client.get("/api/officials/khong%20ai"), 404) == "no official with this name"


BAD = {
    "/api/search?page=abc": "page must be an integer",
    "/api/search?page=0": "page must be between 1 and 1000",
    "/api/search?page=1001": "page must be between 1 and 1000",
    "/api/search?page_size=101": "page_size must be between 1 and 100",
    "/api/search?page_size=1.5": "page_size must be an integer",
    "/api/search?sort=best": "sort must be one of relevance, newest, oldest",
    "/api/search?from=2019-13": "date '2019-13' does not exist",
    "/api/search?from=yesterday": "date 'yesterday' is not YYYY, YYYY-MM or YYYY-MM-DD",
    "/api/search?from=2020&to=2019": "the 'from' date is after the 'to' date",
    "/api/search?q=" + "a" * 501: "q must be at most 500 characters",
    "/api/search?" + "&".join(f"official=a{i}" for i in range(11)): "at most 10 official filters",
    "/api/officials?limit=0": "limit must be between 1 and 100",
    "/api/officials?limit=x": "limit must be an integer",
    "/api/export.csv?from=2019-02-30": "date '2019-02-30' does not exist",
    "/api/export.jsonl?sort=best": "sort must be one of relevance, newest, oldest",
    "/feed.atom?page_size=x": "page_size must be an integer",
    "/api/search?q=dan&match=letters": "match must be one of words, syllables",
    "/api/search?collapse=site": "collapse must be story (one hit a story) or none (every copy)",
    "/api/search?collapse=" + "s" * 201: "collapse must be at most 200 characters",
}


@pytest.mark.parametrize("url, message", BAD.items())
def test_bad_parameters_are_400_with_a_message(client, url, message):
    response = client.get(url)
    if url.startswith("/feed"):
        assert response.status_code == 400
    else:
        assert error_of(response, 400) == message


def test_error_shape_is_one_json_object_with_error(client):
    """Pinned: every API error is exactly ``{"error": "<message>"}``."""
    cases = [(client.get("/api/search?page=x"), 400), (client.get("/api/articles/none"), 404),
             (client.get("/api/no/such/route"), 404), (client.post("/api/search"), 405),
             (client.post("/api/admin/reindex"), 404)]
    for response, status in cases:
        assert response.status_code == status
        assert response.mimetype == "application/json"
        body = response.get_json()
        assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"]
    assert cases[2][0].get_json() == {"error": "not found"}
    assert cases[3][0].get_json() == {"error": "method not allowed"}
    assert set(cases[3][0].headers["Allow"].split(", ")) >= {"GET", "HEAD", "OPTIONS"}


def test_unexpected_exception_is_a_generic_json_500(data_dir):
    app = create_app({"DATA_DIR": data_dir})

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/api/boom")
    assert error_of(response, 500) == "internal server error"
    assert b"secret" not in response.data


# -- OpenAPI --------------------------------------------------------------------------------


def test_openapi_document_is_valid_and_covers_every_route(client, app):
    served = client.get("/api/openapi.json").get_json()
    assert served == json.loads(json.dumps(document()))
    assert served["openapi"].startswith("3.1")
    try:
        from openapi_spec_validator import validate
    except ImportError:  # structural check only
        assert all(op["responses"] for item in served["paths"].values() for op in item.values())
    else:
        validate(served)
    routes = {
        (rule.rule.replace("<path:", "{").replace("<", "{").replace(">", "}"), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule == "/feed.atom"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in served["paths"].items() for method in item}
    assert routes == documented


# -- exports and feed -----------------------------------------------------------------------


def test_csv_export_streams_every_match_with_full_records(client):
    response = client.get("/api/export.csv?q=&sort=oldest")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="vnsearch.csv"'
    assert response.headers["X-Export-Total"] == str(len(ARTICLES))
    assert response.headers["X-Export-Truncated"] == "false"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(ARTICLES) + 1
    assert rows[1][0] == "phuc-quangnam"
    column = {key: i for i, key in enumerate(COLUMNS)}
    assert json.loads(rows[1][column["officials"]]) == ARTICLES[0]["officials"]
    hostile = next(r for r in rows if r[0] == "xss")
    assert hostile[column["author"]].startswith("'=HYPERLINK")  # a formula would run in a spreadsheet


def test_export_is_bounded_and_says_so(data_dir):
    client = create_app({"DATA_DIR": data_dir, "EXPORT_LIMIT": 3}).test_client()
    response = client.get("/api/export.jsonl?q=")
    assert response.mimetype == "application/x-ndjson"
    assert response.headers["X-Export-Truncated"] == "true"
    assert response.headers["X-Export-Limit"] == "3"
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 3
    assert list(json.loads(lines[0])) == list(COLUMNS)


def test_jsonl_export_pages_through_large_results(data_dir, monkeypatch):
    monkeypatch.setattr("webui.export.MAX_PAGE_SIZE", 2)
    client = create_app({"DATA_DIR": data_dir}).test_client()
    lines = client.get("/api/export.jsonl?q=&sort=newest").get_data(as_text=True).splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(ARTICLES) == len(set(ids)) and ids[0] == "phuc-cutri"


def test_atom_feed_newest_first_with_urn_ids_and_escaped_content(client):
    response = client.get('/feed.atom?q="canh+giac"+OR+phuc')
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.find(f"{ATOM}id").text.startswith("urn:vnsearch:feed:")
    entries = feed.findall(f"{ATOM}entry")
    published = [e.find(f"{ATOM}published").text for e in entries]
    assert len(entries) == 4 and published == sorted(published, reverse=True)
    assert all(e.find(f"{ATOM}id").text.startswith("urn:vnsearch:article:") for e in entries)
    hostile = next(e for e in entries if e.find(f"{ATOM}id").text.endswith(":xss"))
    assert SCRIPT in hostile.find(f"{ATOM}title").text  # as text, not markup
    summary = hostile.find(f"{ATOM}summary").text  # HTML, escaped once more inside XML
    assert "&lt;script&gt;" in summary and "<script" not in summary and "<img" not in summary
    assert all(link.get("href").startswith("http") for link in hostile.iter(f"{ATOM}link"))
    assert b"<script" not in response.data


def test_feed_by_official_is_limited_to_fifty(client):
    feed = ET.fromstring(client.get("/feed.atom?official=phan+viet+cuong").data)
    ids = [e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")]
    assert ids == ["urn:vnsearch:article:daihoi-xxii", "urn:vnsearch:article:danvan-2018",
                   "urn:vnsearch:article:phuc-quangnam"]
    assert feed.find(f"{ATOM}title").text == "vnsearch: phan viet cuong"


def test_exports_and_api_serve_hostile_text_as_data_not_html(client):
    for url in ("/api/export.csv?q=canh+giac", "/api/export.jsonl?q=canh+giac",
                "/api/search?q=canh+giac", "/api/articles/xss"):
        response = client.get(url)
        assert response.mimetype in ("text/csv", "application/x-ndjson", "application/json")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    snippet = client.get("/api/search?q=canh+giac").get_json()["hits"][0]["snippet"]
    assert "<script" not in snippet and "<img" not in snippet and "<mark>" in snippet


# -- CORS and admin (rate limits: test_rate_limit.py) ---------------------------------------


def test_cors_any_origin_without_credentials(client):
    response = client.get("/api/search?q=phuc", headers={"Origin": "https://host.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options("/api/search", headers={
        "Origin": "https://host.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/search").headers


def test_cors_configured_origins_only(data_dir):
    config = {"DATA_DIR": data_dir, "CORS_ORIGINS": ["https://ok.example"]}
    client = create_app(config).test_client()
    allowed = client.get("/api/officials", headers={"Origin": "https://ok.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://ok.example"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/officials", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_admin_endpoints_are_absent_without_a_token(client):
    assert error_of(client.post("/api/admin/reindex"), 404) == "not found"
    assert error_of(client.post("/api/admin/reindex", headers={"Authorization": "Bearer x"}), 404)


def test_reindex_needs_the_token_and_indexes_new_articles(tmp_path):
    save_articles(tmp_path, ARTICLES[:2])
    client = create_app({"DATA_DIR": tmp_path, "ADMIN_TOKEN": "s3cret-tøken"}).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
        response = client.post("/api/admin/reindex", headers=headers)
        assert error_of(response, 401) == "a valid admin token is required"
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert error_of(client.get("/api/admin/reindex"), 405)
    with Store.in_data_dir(tmp_path) as store, store.transaction():
        store.save_article(Article(url="http://127.0.0.1:9/moi.html", **ARTICLES[2]))
    ok = client.post("/api/admin/reindex", headers={"Authorization": "Bearer s3cret-tøken"})
    assert ok.status_code == 200 and ok.get_json()["indexed"] == 1
    assert "Access-Control-Allow-Origin" not in ok.headers
    assert client.get("/api/articles/nq25").status_code == 200


def test_serve_rejects_a_bad_rate_limit(tmp_path):
    arguments = ["serve", "--rate-limit", "lots", "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2 and "is not like '120/minute'" in result.output


# -- the production server under load -------------------------------------------------------

NEW = 30
SERVE = "from vnsearch.cli.main import main; main()"


def fetch(url: str) -> tuple[int, dict | None]:
    """Status and, for JSON, the body; any failure to connect fails the test."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            is_json = "json" in response.headers["Content-Type"]
            return response.status, json.loads(body) if is_json else None
    except urllib.error.HTTPError as error:
        return error.code, None


def test_production_server_serves_concurrent_readers_while_the_index_is_written(tmp_path):
    save_articles(tmp_path, ARTICLES)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--production", "--workers", "4", "--port", "0",
         "--rate-limit", "off", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = server.stdout.readline()
        assert "serving" in line, line
        base = line.strip().rsplit(" ", 1)[-1].rstrip("/")
        statuses, done = [], threading.Event()

        def read():
            paths = ["/api/search?q=hoi+nghi", "/search?q=dan+van", "/api/officials?prefix=n",
                     "/api/search?q=&sort=newest", "/feed.atom?q=hoi+nghi"]
            n = 0
            while not done.is_set() and n < 400:
                statuses.append(fetch(base + paths[n % len(paths)])[0])
                n += 1

        readers = [threading.Thread(target=read) for _ in range(6)]
        for reader in readers:
            reader.start()
        for batch in range(3):
            new = [dict(ARTICLES[1], id=f"moi-{batch}-{i}", title=f"Bản tin bổ sung {batch}-{i}")
                   for i in range(NEW // 3)]
            save_articles(tmp_path, new)
            time.sleep(0.3)
        done.set()
        for reader in readers:
            reader.join(60)
        assert len(statuses) > 30 and set(statuses) == {200}
        status, body = fetch(base + "/api/search?q=%22bo+sung%22&page_size=50")
        assert status == 200 and body["total"] == NEW
        assert fetch(base + "/api/articles/moi-2-9")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
