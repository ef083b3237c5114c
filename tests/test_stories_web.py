"""Reprints as users meet them: the API's collapse, the results page's toggle and counts, the
article page's copies, the exports' story_id and the CLI; on a real index of an archive where
one article went to three outlets, one to two and one to eight."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from click.testing import CliRunner

from crawler.article import article_id
from crawler.store import Store
from index.export import COLUMNS
from search.engine import Engine, SearchRequest
from tests import story_fixtures
from tests.story_fixtures import BODIES, build, dated, three_stories
from tests.webui_fixtures import SCRIPT, get, params
from vnsearch.cli.main import main
from webui import create_app
from webui.openapi import document

# The shared fixture, exposed here so that pytest finds it.
story_dir = story_fixtures.story_dir

STORIES, ARTICLES = 5, 15
SIZES = Counter({8: 1, 3: 1, 2: 1, 1: 2})  # stories by number of copies
REFUSED = "collapse must be story (one hit a story) or none (every copy)"


@pytest.fixture(scope="module")
def client(story_dir):
    return create_app({"DATA_DIR": story_dir}).test_client()


@pytest.fixture(scope="module")
def engine(story_dir):
    return Engine(story_dir)


def copy_id(source: str, n: int) -> str:
    """The id of article ``n`` of ``source``, as :func:`story_fixtures.dated` made it."""
    return article_id(f"http://{source}.test/tin/{n}.html")


# -- the API --------------------------------------------------------------------------------


def test_the_api_keeps_every_copy_unless_asked_to_collapse(client, engine):
    flat = client.get("/api/search?page_size=100").get_json()
    assert (flat["collapse"], flat["total"], flat["total_counts"]) == (None, ARTICLES, "articles")
    assert all("copies" not in hit and hit["story_id"] for hit in flat["hits"])
    collapsed = client.get("/api/search?collapse=story&page_size=100").get_json()
    assert collapsed == engine.search(SearchRequest(collapse="story", page_size=100))
    assert (collapsed["collapse"], collapsed["total"], collapsed["total_counts"],
            collapsed["articles"]) == ("story", STORIES, "stories", ARTICLES)
    assert Counter(1 + hit["copies_total"] for hit in collapsed["hits"]) == SIZES
    flat_stories = Counter(hit["story_id"] for hit in flat["hits"])
    assert {h["story_id"]: 1 + h["copies_total"] for h in collapsed["hits"]} == flat_stories
    assert client.get("/api/search?collapse=none&page_size=100").get_json() == flat


def test_facets_count_stories_but_sources_count_every_copy(client):
    facets = client.get("/api/search?collapse=story").get_json()["facets"]
    assert facets["year"] == [{"value": "2023", "count": STORIES}]
    sources = {f["value"]: f["count"] for f in facets["source"]}
    assert sum(sources.values()) == ARTICLES and sources["tinhuy"] == 3


def test_a_hits_copies_name_the_original_first_then_by_date(client):
    hits = client.get("/api/search?collapse=story&sort=oldest").get_json()["hits"]
    story_a = hits[0]  # the oldest story: tinhuy's, reprinted by congtt and baotinh
    assert story_a["source"] == "tinhuy" and story_a["copies_total"] == 2
    assert [(c["source"], c["original"], c["lag_days"]) for c in story_a["copies"]] == [
        ("congtt", False, 1), ("baotinh", False, 2)]
    assert story_a["copies"][0] == {
        "id": copy_id("congtt", 3), "url": "http://congtt.test/tin/3.html",
        "source": "congtt", "source_name": "Báo congtt",
        "published": "2023-05-04T08:00:00+07:00", "original": False, "lag_days": 1}


def test_an_unknown_collapse_is_a_400_in_the_one_error_shape(client):
    for url in ("/api/search?collapse=site", "/api/export.csv?collapse=site",
                "/api/export.jsonl?collapse=1"):
        response = client.get(url)
        assert response.status_code == 400 and response.get_json() == {"error": REFUSED}
    assert client.get("/feed.atom?collapse=site").status_code == 400
    page = client.get("/search?collapse=site")
    assert page.status_code == 400 and "Yêu cầu không hợp lệ" in page.get_data(as_text=True)


def test_the_article_api_lists_its_storys_other_copies(client, engine):
    reprinted = copy_id("baotinh", 2)
    article = client.get(f"/api/articles/{reprinted}").get_json()
    assert article == engine.article(reprinted)
    story = article["story"]
    assert story["original_id"] == copy_id("tinhuy", 1) == story["copies"][0]["id"]
    assert (story["lag_days"], story["copies_total"], article["story_id"]) == (2, 2, story["id"])
    alone = client.get(f"/api/articles/{copy_id('congtt', 6)}").get_json()["story"]
    assert (alone["copies"], alone["copies_total"], alone["lag_days"]) == ([], 0, 0)


def test_responses_match_their_openapi_schemas(client):
    """The documented shapes are the served ones, collapse and story included."""
    validator = pytest.importorskip("openapi_schema_validator")
    jsonschema = pytest.importorskip("jsonschema")
    components = json.loads(json.dumps(document()))["components"]

    def check(body, name):
        schema = {"$ref": f"#/components/schemas/{name}", "components": components}
        validator.validate(body, schema, cls=validator.OAS31Validator)

    collapsed = client.get("/api/search?collapse=story").get_json()
    check(collapsed, "SearchResponse")
    check(client.get("/api/search").get_json(), "SearchResponse")
    check(client.get(f"/api/articles/{copy_id('nhandan', 20)}").get_json(), "Article")
    collapsed["hits"][0]["copies"][0]["lag_days"] = "2"
    with pytest.raises(jsonschema.ValidationError, match="'2' is not of type 'integer', 'null'"):
        check(collapsed, "SearchResponse")
    parameters = {p["name"]: p for p in document()["paths"]["/api/search"]["get"]["parameters"]}
    assert parameters["collapse"]["schema"] == {"type": "string", "enum": ["none", "story"],
                                                "default": "none"}


# -- the results page -----------------------------------------------------------------------


def test_the_results_page_collapses_reprints_by_default_and_says_what_it_counts(client):
    page = get(client, "/search?q=")
    assert "Tìm thấy 5 tin (15 bài viết, gồm cả bản đăng lại)" in page.words()
    assert "Số tin theo năm" in page.html and page.html.count('<li class="hit">') == STORIES
    box = next(i for i in page.inputs if i.get("type") == "checkbox")
    assert box["name"] == "collapse" and box["value"] == "story" and "checked" in box
    assert {"type": "hidden", "name": "collapse", "value": "none"} in page.inputs
    flat = get(client, "/search?q=&collapse=none")
    assert "Tìm thấy 15 bài viết Số bài viết theo năm" in flat.words()
    assert "Còn đăng ở" not in flat.html and flat.html.count('<li class="hit">') == 10
    assert "checked" not in next(i for i in flat.inputs if i.get("type") == "checkbox")


def test_a_collapsed_hit_names_where_else_it_ran_and_links_there(client):
    page = get(client, "/search?q=&sort=oldest")
    lines = page.words().split("Còn đăng ở: ")
    assert lines[1].startswith("Báo congtt (1 ngày sau), Báo baotinh (2 ngày sau) ")
    copies = [a["href"] for a, _ in page.links if a["href"].startswith("/articles/")][1:3]
    assert copies == [f"/articles/{copy_id('congtt', 3)}", f"/articles/{copy_id('baotinh', 2)}"]
    story_c = next(line for line in lines if line.startswith("Báo tinh1"))
    assert story_c.count("ngày sau)") == 5 and "(2 ngày sau) … và 2 nơi khác" in story_c
    assert page.link("và 2 nơi khác") == f"/articles/{copy_id('nhandan', 20)}#story-heading"


def test_links_keep_the_choice_and_exports_follow_the_page(client):
    collapsed = get(client, "/search?q=&sort=newest")
    assert "collapse" not in params(collapsed.link("2023"))  # the page's default
    for label in ("CSV", "JSONL", "JSON", "Theo dõi (Atom)"):
        assert params(collapsed.link(label))["collapse"] == ["story"], label
    flat = get(client, "/search?q=&sort=newest&collapse=none")
    for label in ("2023", "Báo tinhuy", "Trang sau"):
        assert params(flat.link(label))["collapse"] == ["none"], label
    assert "collapse" not in params(flat.link("CSV"))  # every copy: the export's default
    assert {"type": "hidden", "name": "collapse", "value": "none"} in flat.inputs


def test_the_feed_of_a_collapsed_page_lists_each_story_once(client):
    feed = get(client, "/search?q=").link("Theo dõi (Atom)")
    entries = client.get(feed).get_data(as_text=True).count("<entry>")
    assert (entries, client.get("/feed.atom").get_data(as_text=True).count("<entry>")) == (
        STORIES, ARTICLES)


def test_reprints_from_a_crawled_page_are_escaped(client):
    for url in ("/search?q=&source=tinh7", f"/articles/{copy_id('nhandan', 20)}"):
        page = get(client, url)
        assert SCRIPT not in page.html and "Cổng &lt;script&gt;" in page.html
        assert all(attrs.get("src") for tag, attrs in page.tags if tag == "script")


def test_the_embed_page_counts_stories(client):
    assert "Tìm thấy 5 tin" in get(client, "/embed?from=2023").words()
    assert "Tìm thấy 15 bài viết" in get(client, "/embed?from=2023&collapse=none").words()


# -- the article page -----------------------------------------------------------------------


def test_the_article_page_lists_the_other_copies_and_their_lag(client):
    page = get(client, f"/articles/{copy_id('baotinh', 2)}")
    said = page.words()
    assert "Tin này còn đăng ở 2 nơi khác Bài này: Đăng lại sau 2 ngày" in said
    assert "Báo tinhuy 03/05/2023 Bản gốc trang gốc" in said
    assert "Báo congtt 04/05/2023 Đăng lại sau 1 ngày trang gốc" in said
    assert page.link("Báo tinhuy") == f"/articles/{copy_id('tinhuy', 1)}"
    originals = [a["href"] for a, label in page.links if label == "trang gốc"]
    assert originals == ["http://tinhuy.test/tin/1.html", "http://congtt.test/tin/3.html"]
    assert "Bài này: Bản gốc" in get(client, f"/articles/{copy_id('tinhuy', 1)}").words()
    same_day = get(client, f"/articles/{copy_id('tinhuy', 5)}").words()
    assert "Bài này: Đăng lại cùng ngày" in same_day and "Bản gốc" in same_day


def test_an_article_of_one_copy_shows_no_story(client):
    page = get(client, f"/articles/{copy_id('congtt', 6)}")
    assert "story-heading" not in page.html and "Đăng lại" not in page.html


# -- exports --------------------------------------------------------------------------------


def test_web_exports_carry_story_id_and_collapse_to_a_row_a_story(client, engine):
    response = client.get("/api/export.csv?q=")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert tuple(rows[0]) == COLUMNS and COLUMNS[:2] == ("id", "story_id")
    assert len(rows) == ARTICLES == int(response.headers["X-Export-Total"])
    assert all(row["story_id"] == engine.article(row["id"])["story_id"] for row in rows)
    assert Counter(Counter(row["story_id"] for row in rows).values()) == SIZES
    collapsed = client.get("/api/export.jsonl?q=&collapse=story")
    lines = [json.loads(line) for line in collapsed.get_data(as_text=True).splitlines()]
    assert len(lines) == STORIES == int(collapsed.headers["X-Export-Total"])
    assert len({line["story_id"] for line in lines}) == STORIES and list(lines[0]) == list(COLUMNS)


def test_the_archive_export_carries_story_ids_and_imports_back(story_dir, engine, tmp_path):
    runner = CliRunner()
    exported = runner.invoke(main, ["export", "--data-dir", str(story_dir)])
    assert exported.exit_code == 0, exported.output
    objects = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(objects) == ARTICLES and list(objects[0]) == list(COLUMNS)
    assert all(o["story_id"] == engine.record(o["id"])["story_id"] for o in objects)
    path = tmp_path / "archive.jsonl"
    path.write_text(exported.stdout, encoding="utf-8")
    again = tmp_path / "again"
    imported = runner.invoke(main, ["import", str(path), "--data-dir", str(again)])
    assert f"{ARTICLES} new, 0 updated, 0 unchanged, 0 bad line(s)" in imported.output
    regrouped = Engine(again).search(SearchRequest(collapse="story", page_size=100))
    assert Counter(1 + hit["copies_total"] for hit in regrouped["hits"]) == SIZES


def test_an_article_not_indexed_yet_exports_an_empty_story_id(tmp_path):
    build(tmp_path, three_stories())
    late = dated(9, BODIES[2], 20, "baotinh")
    with Store.in_data_dir(tmp_path) as store, store.transaction():
        store.save_article(late)
    exported = CliRunner().invoke(main, ["export", "--format", "csv", "--data-dir", str(tmp_path)])
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    assert rows[late.id]["story_id"] == "" and all(
        row["story_id"] for key, row in rows.items() if key != late.id)


# -- the CLI --------------------------------------------------------------------------------


def test_the_cli_collapses_on_request_and_names_the_other_outlets(story_dir, engine):
    def search(*args):
        result = CliRunner().invoke(main, ["search", "--data-dir", str(story_dir), *args])
        assert result.exit_code == 0, result.output
        return result.output

    text = search("--collapse", "story", "--sort", "oldest")
    assert "1-5 of 5 stories (15 articles, copies included)" in text
    assert "+2 other copies: Báo congtt (1 day later), Báo baotinh (2 days later)\n" in text
    assert "+1 other copy: Báo tinhuy (same day)\n" in text
    assert "+7 other copies: Báo tinh1 (1 day later)" in text and "and 2 more\n" in text
    assert "1-10 of 15 article(s)" in search("--sort", "oldest") and "other cop" not in search()
    as_json = json.loads(search("--collapse", "story", "--json"))
    assert as_json == engine.search(SearchRequest(collapse="story"))
    refused = CliRunner().invoke(main, ["search", "--collapse", "site", "--data-dir",
                                        str(story_dir)])
    assert refused.exit_code == 2 and "'site' is not one of 'none', 'story'" in refused.output
