"""Articles with no known date and sources shown by name, from the store to the page and the API.

A saved copy of an article may state no date anywhere: it is stored with ``published: null``,
found by its words, shown as "không rõ ngày" and left out of every date filter. Sources keep
their short keys for filters and the API's ``source``; readers see the site's name.
"""

from html import unescape

import pytest

from tests import test_browser
from tests.webui_fixtures import save_articles
from webui import create_app

browser = test_browser.browser  # headless Chromium, exposed here so that pytest finds it

ARTICLES = [
    dict(
        id="dated", title="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 17",
        body="Ban Chấp hành Đảng bộ tỉnh đánh giá kết quả thực hiện Kết luận 21-KL/TW.",
        published="2021-07-05T08:00:00+07:00", date_source="page",
        source="tinhuy", source_name="Cổng thông tin điện tử Đảng bộ tỉnh Ngọc Linh",
    ),
    dict(
        id="by-url", title="Tổng kết phong trào thi đua Dân vận khéo",
        body="Ban Dân vận Tỉnh ủy tổng kết phong trào thi đua Dân vận khéo giai đoạn 2018 - 2022.",
        published="2022-12-15T00:00:00+07:00", date_source="url",
        source="baotinh", source_name="Báo Ngọc Linh điện tử",
    ),
    dict(
        id="undated", title="Hội nghị Ban Chấp hành Đảng bộ huyện Đắk Rơ lần thứ mười hai",
        body="Ban Chấp hành Đảng bộ huyện Đắk Rơ đánh giá kết quả thực hiện nhiệm vụ chính trị.",
        published=None, source="baotinh", source_name="Báo Ngọc Linh điện tử",
    ),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("undated")
    save_articles(data_dir, ARTICLES)
    return create_app({"DATA_DIR": data_dir}).test_client()


def api(client, query: str) -> dict:
    response = client.get("/api/search?" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(found: dict) -> list[str]:
    return [hit["id"] for hit in found["hits"]]


def test_an_undated_article_is_found_and_says_it_has_no_date(client):
    found = api(client, "q=dak+ro")
    assert ids(found) == ["undated"]
    hit = found["hits"][0]
    assert hit["published"] is None and hit["date_source"] == ""
    assert client.get("/api/articles/undated").get_json()["published"] is None


@pytest.mark.parametrize("dates", ["from=2000", "to=2030", "from=2021&to=2022", "from=2022-12"])
def test_date_filters_leave_undated_articles_out(client, dates):
    found = api(client, f"q=ban+chap+hanh&{dates}")
    assert "undated" not in ids(found) and found["total"] == len(ids(found))
    assert api(client, "q=ban+chap+hanh")["total"] == 2  # both, without a date filter


def test_year_facet_counts_only_dated_articles_and_oldest_puts_undated_last(client):
    found = api(client, "q=&sort=oldest")
    assert {f["value"]: f["count"] for f in found["facets"]["year"]} == {"2021": 1, "2022": 1}
    assert ids(found) == ["dated", "by-url", "undated"]


def test_where_the_date_came_from_is_in_the_api(client):
    hits = {hit["id"]: hit for hit in api(client, "q=")["hits"]}
    assert hits["by-url"]["date_source"] == "url" and hits["dated"]["date_source"] == "page"


def test_sources_keep_their_key_and_carry_their_name(client):
    found = api(client, "q=")
    assert {f["value"]: (f["name"], f["count"]) for f in found["facets"]["source"]} == {
        "baotinh": ("Báo Ngọc Linh điện tử", 2),
        "tinhuy": ("Cổng thông tin điện tử Đảng bộ tỉnh Ngọc Linh", 1),
    }
    hit = next(h for h in found["hits"] if h["id"] == "dated")
    assert hit["source"] == "tinhuy"
    assert hit["source_name"] == "Cổng thông tin điện tử Đảng bộ tỉnh Ngọc Linh"
    assert ids(api(client, "q=&source=baotinh")) == ["by-url", "undated"]


def test_the_results_page_shows_names_and_khong_ro_ngay(client):
    html = unescape(client.get("/search?q=hoi+nghi").get_data(as_text=True))
    assert html.count("không rõ ngày") == 1
    assert '<span class="hit__source" title="baotinh">Báo Ngọc Linh điện tử</span>' in html
    assert "source=baotinh" in html  # the facet filters by the key
    facet = html[html.index('id="facet-source"'):]
    assert "Báo Ngọc Linh điện tử" in facet[: facet.index("</section>")]


def test_the_article_page_of_an_undated_article(client):
    html = unescape(client.get("/articles/undated").get_data(as_text=True))
    assert "<dt>Ngày đăng</dt><dd>không rõ ngày</dd>" in html
    assert "Báo Ngọc Linh điện tử" in html
    dated = unescape(client.get("/articles/by-url").get_data(as_text=True))
    assert "(theo địa chỉ bài)" in dated


def test_an_active_source_filter_is_named_too(client):
    html = unescape(client.get("/search?q=&source=baotinh").get_data(as_text=True))
    assert "Nguồn: Báo Ngọc Linh điện tử" in html and "Nguồn: baotinh" not in html


@pytest.mark.browser
def test_in_a_browser_the_site_name_filters_and_the_undated_hit_says_so(browser, tmp_path):
    """Headless Chromium on the served app: a click on a site's name narrows to its key."""
    import threading

    from playwright.sync_api import expect
    from werkzeug.serving import make_server

    save_articles(tmp_path, ARTICLES)
    server = make_server("127.0.0.1", 0, create_app({"DATA_DIR": tmp_path}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(locale="vi-VN")
    try:
        tab = context.new_page()
        tab.goto(f"http://127.0.0.1:{server.server_port}/search?q=hoi+nghi")
        expect(tab.locator("ol.hits > li")).to_have_count(2)
        tab.locator(".facets").get_by_role("link", name="Báo Ngọc Linh điện tử").click()
        expect(tab.locator("ol.hits > li")).to_have_count(1)
        assert "source=baotinh" in tab.url
        hit = tab.locator("ol.hits > li").first
        expect(hit.locator(".hit__undated")).to_have_text("không rõ ngày")
        expect(hit.locator(".hit__source")).to_have_text("Báo Ngọc Linh điện tử")
        hit.get_by_role("link").first.click()
        expect(tab.locator(".facts")).to_contain_text("không rõ ngày")
    finally:
        context.close()
        server.shutdown()
        thread.join(5)
