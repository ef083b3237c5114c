"""The `vnsearch` command end to end: crawl, index --rebuild, errors, and the demo."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from crawler.officials import name_key
from crawler.sample import load_truth, serve_sample
from crawler.store import Store
from vnsearch.cli.main import main


@pytest.fixture(scope="module")
def archive():
    with serve_sample() as running:
        yield running


def invoke(data_dir, *args):
    return CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)])


def test_crawl_without_index_then_rebuild_from_captures_keeps_every_id(archive, tmp_path):
    config = tmp_path / "sites.toml"
    config.write_text(
        f'[sites.tinhuy]\nstart_urls = ["{archive.sites["tinhuy"]}"]\ndelay = 0\n',
        encoding="utf-8",
    )
    result = invoke(tmp_path, "crawl", "--config", str(config), "--site", "tinhuy", "--no-index")
    assert result.exit_code == 0, result.output
    articles = sum(a["site"] == "tinhuy" for a in archive.truth["articles"])
    assert "tinhuy: " in result.output and f"{articles} new" in result.output
    assert "indexed" not in result.output
    with Store.in_data_dir(tmp_path) as store:
        before = {a.id: a for _, a, _ in store.changes_since(0)}
    result = invoke(tmp_path, "index", "--rebuild", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert f"re-extracted: unchanged {articles}" in result.output
    assert f"indexed {articles}" in result.output
    with Store.in_data_dir(tmp_path) as store:
        after = {a.id: a for _, a, _ in store.changes_since(0)}
    assert after == before
    found = json.loads(invoke(tmp_path, "search", "dan van", "--json").stdout)
    assert found["total"] > 0 and {h["source"] for h in found["hits"]} == {"tinhuy"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["crawl"], "give start URLs, or --config sites.toml"),
        (["crawl", "--site", "x"], "--site needs --config"),
        (["search", "x", "--from", "2019-13"], "does not exist"),
        (["search", "x", "--limit", "500"], "page_size must be between 1 and 100"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(tmp_path, args, message):
    result = invoke(tmp_path, *args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


def test_unknown_site_and_broken_config_name_the_file(tmp_path):
    config = tmp_path / "sites.toml"
    config.write_text('[sites.a]\nstart_urls = ["http://127.0.0.1:9/"]\ndely = 1\n')
    result = invoke(tmp_path, "crawl", "--config", str(config))
    assert result.exit_code != 0 and "sites.toml:3" in result.output and "dely" in result.output
    config.write_text('[sites.a]\nstart_urls = ["http://127.0.0.1:9/"]\n')
    result = invoke(tmp_path, "crawl", "--config", str(config), "--site", "b")
    assert result.exit_code != 0 and "no site 'b'" in result.output


def naming(official: str) -> int:
    """How many articles of the sample archive name ``official``, in any spelling."""
    return sum(any(name_key(o["name"]) == name_key(official) for o in a["officials"])
               for a in load_truth()["articles"])


def test_demo_crawls_indexes_and_serves_the_sample(tmp_path):
    env = {**os.environ, "VNSEARCH_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "vnsearch.cli", "demo", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    try:
        deadline, url = time.monotonic() + 120, None
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if "open http://" in line:
                url = line.split("open ", 1)[1].split()[0]
            assert line or process.poll() is None, "demo exited early"
        response = requests.get(url + "api/search", params={"q": "nguyen van hoa"}, timeout=10)
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == naming("Nguyễn Văn Hòa")
        assert {f["value"] for f in body["facets"]["source"]} == {"tinhuy", "baotinh", "congtt"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_crawl_refuses_a_site_the_scheduler_is_crawling(tmp_path):
    config = tmp_path / "sites.toml"
    config.write_text('[sites.a]\nstart_urls = ["http://127.0.0.1:9/"]\n')
    with Store.in_data_dir(tmp_path) as store, store.claim("a"):
        result = invoke(tmp_path, "crawl", "--config", str(config))
    assert result.exit_code != 0 and "being crawled by another vnsearch process" in result.output


@pytest.mark.parametrize("args, message", [
    (["crawl", "not a url"], "is not an http(s) URL"),
    (["crawl", "ftp://127.0.0.1/x"], "is not an http(s) URL"),
    (["serve", "--port", "99999"], "99999 is not in the range"),
])
def test_bad_urls_and_ports_are_refused_before_any_work(tmp_path, args, message):
    result = invoke(tmp_path, *args)
    assert result.exit_code != 0 and message in result.output


def test_search_output_drops_the_control_characters_a_crawled_page_carried(tmp_path):
    """A title, an outlet's name or a body from the web may hold an escape sequence; printed
    as it is, it would drive the reader's terminal."""
    from crawler.article import Article
    from index import writer

    article = Article(
        url="http://tinhuy.test/tin/1.html", title="Hội nghị\x1b]0;pwned\x07 dân vận",
        body="Tỉnh ủy tổ chức hội nghị dân vận &#27;[2J\x1b[2J tại hội trường. " * 20,
        published="2023-05-03T08:00:00+07:00", source="tinhuy", source_name="Báo\x1b[8m ẩn",
    )
    with Store.in_data_dir(tmp_path) as store:
        store.save_article(article)
        writer.rebuild(store, tmp_path)
    result = CliRunner().invoke(main, ["search", "dân vận", "--data-dir", str(tmp_path)],
                                color=True)  # as on a terminal: our own styles stay
    assert result.exit_code == 0, result.output
    assert "\x1b[1m" in result.output  # the title in bold
    for sequence in ("\x1b]0;", "\x07", "\x1b[2J", "\x1b[8m"):
        assert sequence not in result.output
