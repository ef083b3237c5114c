"""The app served for real and driven by headless Chromium: an accentless search with highlights,
a facet click, an article, autocomplete, the embed widget on a page of another origin, and
reprints collapsed into stories and shown apart again without JavaScript."""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests import story_fixtures, webui_fixtures
from tests.httpserver import Server, page
from webui import create_app

# The shared fixtures, exposed here so that pytest finds them.
data_dir, story_dir = webui_fixtures.data_dir, story_fixtures.story_dir

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
TIMEOUT_MS = 5000


@contextmanager
def served(data_dir: Path) -> Iterator[str]:
    """The app over ``data_dir`` on a free port of 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, create_app({"DATA_DIR": data_dir}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def base_url(data_dir):
    with served(data_dir) as url:
        yield url


@pytest.fixture(scope="module")
def stories_url(story_dir):
    with served(story_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("VNSEARCH_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and VNSEARCH_REQUIRE_BROWSER=1")
        pytest.skip(reason + "; set VNSEARCH_REQUIRE_BROWSER=1 to fail instead")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser):
    """A fresh page, with every console error, page error and dialog it raised."""
    yield from _tab(browser)


@pytest.fixture
def tab_without_js(browser):
    """The same, with JavaScript off: what a page must do with forms and links alone."""
    yield from _tab(browser, java_script_enabled=False)


def _tab(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                  **options)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    tab.on("dialog", lambda d: (tab.problems.append("dialog: " + d.message), d.dismiss()))
    yield tab
    context.close()


def test_search_facet_and_article(tab, base_url):
    from playwright.sync_api import expect

    tab.goto(base_url + "/")
    tab.get_by_label("Tìm kiếm", exact=True).fill("nguyen xuan phuc")
    tab.keyboard.press("Enter")
    hits = tab.locator("ol.hits > li")
    expect(hits).to_have_count(3)
    expect(tab.locator(".hit__snippet mark").first).to_have_text("Nguyễn Xuân Phúc")
    expect(tab.get_by_label("Tìm kiếm", exact=True)).to_have_value("nguyen xuan phuc")
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)

    tab.locator(".facets").get_by_role("link", name="baochinhphu").click()
    expect(tab).to_have_url(f"{base_url}/search?q=nguyen+xuan+phuc&source=baochinhphu")
    expect(hits).to_have_count(2)
    expect(tab.get_by_role("link", name="Bỏ lọc Nguồn: baochinhphu")).to_be_visible()

    hits.first.get_by_role("link").first.click()
    expect(tab.locator("h1")).to_contain_text("Nguyễn Xuân Phúc")
    expect(tab.locator(".article__body p")).not_to_have_count(0)
    tab.locator(".article__officials").get_by_role("link", name="Nguyễn Xuân Phúc").click()
    expect(tab.locator("h1")).to_have_text("Nguyễn Xuân Phúc")
    expect(tab.locator("svg.chart rect")).to_have_count(4)
    assert tab.problems == []  # CSP violations show up here as console errors


def test_a_reading_and_the_switch_to_syllables(tab, base_url):
    from playwright.sync_api import expect

    tab.goto(base_url + "/search?q=dan+van+chinh+quyen")
    expect(tab.locator("#reading")).to_contain_text('Đã tìm theo từ: "dan van" "chinh quyen"')
    tab.locator(".readings").get_by_role("link", name="dân vận").click()
    expect(tab.locator("#reading")).to_contain_text('"dân vận" "chinh quyen"')
    expect(tab.get_by_label("Tìm kiếm", exact=True)).to_have_value('"dân vận" "chinh quyen"')
    expect(tab.locator("ol.hits > li")).to_have_count(1)

    tab.goto(base_url + "/search?q=dan+chinh")
    expect(tab.locator("ol.hits > li")).to_have_count(0)
    tab.get_by_role("link", name="Tìm từng âm tiết riêng lẻ").click()
    expect(tab.locator("#reading")).to_contain_text("Đã tìm từng âm tiết")
    assert "match=syllables" in tab.url
    expect(tab.locator("ol.hits > li")).to_have_count(3)
    tab.get_by_role("link", name="Tìm theo từ").click()
    expect(tab.locator("ol.hits > li")).to_have_count(0)
    assert "match=" not in tab.url
    assert tab.problems == []


def test_keyboard_and_autocomplete(tab, base_url):
    from playwright.sync_api import expect

    tab.goto(base_url + "/search?q=dan+van")
    tab.keyboard.press("Tab")
    skip = tab.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    tab.locator("#official-input").press_sequentially("phan")
    expect(tab.locator("#official-suggestions option")).to_have_count(1)
    tab.locator("#official-input").fill("phan viet cuong")
    tab.locator("#official-input").press("Enter")
    expect(tab.get_by_role("link", name="Bỏ lọc Cán bộ: phan viet cuong")).to_be_visible()
    assert tab.problems == []


def test_embed_widget_on_another_origin(tab, base_url):
    from playwright.sync_api import expect

    host_page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><link rel="icon" href="data:,">
      <style>a, li, p {{ color: rgb(255, 0, 0) !important; font-size: 40px; }}</style></head>
      <body><p class="host">Trang của một tòa soạn khác</p><div id="box"></div>
      <script src="{base_url}/static/embed.js" data-vnsearch-target="#box"
              data-placeholder="Tìm bài viết" async></script></body></html>"""
    with Server() as host:
        host.routes["/"] = page(host_page)
        assert host.base != base_url
        tab.goto(host.url("/"))
        box = tab.locator("#box")
        box.get_by_placeholder("Tìm bài viết").fill("nguyen xuan phuc")
        box.get_by_role("button", name="Tìm kiếm").click()
        expect(box.locator("li")).to_have_count(3)
        expect(box.locator("mark").first).to_have_text("Nguyễn Xuân Phúc")
        assert tab.evaluate("document.querySelector('#box').shadowRoot !== null")
        assert tab.evaluate("document.querySelectorAll('#box li, mark').length") == 0
        link = box.locator("li a").first
        assert link.evaluate("a => getComputedStyle(a).color") != "rgb(255, 0, 0)"
        assert link.get_attribute("href").startswith(base_url + "/articles/")
        assert tab.locator("p.host").evaluate("p => getComputedStyle(p).color") == "rgb(255, 0, 0)"

        box.get_by_placeholder("Tìm bài viết").fill("canh giac")
        box.get_by_placeholder("Tìm bài viết").press("Enter")
        expect(box.locator("li")).to_have_count(1)
        expect(box.locator(".snippet")).to_contain_text("<script>alert(")
        assert box.locator("img, script").count() == 0
    assert tab.problems == []


def test_reprints_collapse_by_default_and_the_toggle_shows_every_copy(tab_without_js, stories_url):
    from playwright.sync_api import expect

    tab = tab_without_js
    tab.goto(stories_url + "/search?q=&sort=oldest")
    toggle = tab.get_by_label("Gộp tin đăng lại")
    heading = tab.locator("#results-heading")
    hits = tab.locator("ol.hits > li")
    expect(toggle).to_be_checked()
    expect(heading).to_contain_text("Tìm thấy 5 tin (15 bài viết, gồm cả bản đăng lại)")
    expect(hits).to_have_count(5)
    expect(tab.locator("figcaption")).to_contain_text("Số tin theo năm")
    expect(hits.first.locator(".hit__copies")).to_have_text(
        "Còn đăng ở: Báo congtt (1 ngày sau), Báo baotinh (2 ngày sau)")

    toggle.uncheck()
    tab.get_by_role("button", name="Áp dụng").click()
    expect(heading).to_contain_text("Tìm thấy 15 bài viết")
    expect(hits).to_have_count(10)
    expect(toggle).not_to_be_checked()
    expect(tab.locator(".hit__copies")).to_have_count(0)
    tab.get_by_role("link", name="Trang sau").click()
    expect(hits).to_have_count(5)  # the choice goes with the page turn
    expect(toggle).not_to_be_checked()

    toggle.check()
    tab.get_by_role("button", name="Áp dụng").click()
    expect(heading).to_contain_text("Tìm thấy 5 tin")
    hits.first.locator(".hit__copies").get_by_role("link", name="Báo baotinh").click()
    expect(tab.locator("h1")).to_have_text("Tin số 2")
    story = tab.locator(".article__story")
    expect(story).to_contain_text("Bài này: Đăng lại sau 2 ngày")
    expect(story.locator("tbody tr")).to_have_count(2)
    expect(story.locator("tbody tr").first).to_contain_text("Báo tinhuy")
    expect(story.locator("tbody tr").first).to_contain_text("Bản gốc")
    expect(story.locator("tbody tr").nth(1)).to_contain_text("Đăng lại sau 1 ngày")
    story.get_by_role("link", name="Báo tinhuy").click()
    expect(tab.locator(".article__story")).to_contain_text("Bài này: Bản gốc")
    assert tab.problems == []
