"""sites.toml: a good file loads, and each kind of mistake stops with one line naming file and key."""

import textwrap

import pytest

from crawler.config import ConfigError, Site, load_sites

GOOD = """\
[sites.baotinh]
start_urls = ["http://baotinh.example.vn/"]
sitemaps = ["http://baotinh.example.vn/sitemap.xml"]
deny = ["/lich/", "[?&]print="]
article_urls = ['/\\d+\\.html$']
delay = 2
max_pages = 500
schedule = "6h"

[sites.baotinh.selectors]
title = "h1.title"

[sites.tinhuy]
feeds = ["http://tinhuy.example.vn/rss/tin-tuc.rss"]
"""


def write(tmp_path, text):
    path = tmp_path / "sites.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error(tmp_path, text) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_sites(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    return message[len(str(path)) :]


def test_a_good_file_loads_in_order(tmp_path):
    sites = load_sites(write(tmp_path, GOOD))
    assert list(sites) == ["baotinh", "tinhuy"]
    baotinh = sites["baotinh"]
    assert baotinh == Site(
        name="baotinh",
        start_urls=["http://baotinh.example.vn/"],
        sitemaps=["http://baotinh.example.vn/sitemap.xml"],
        deny=["/lich/", "[?&]print="],
        article_urls=[r"/\d+\.html$"],
        selectors={"title": "h1.title"},
        delay=2.0,
        max_pages=500,
        schedule="6h",
    )
    assert sites["tinhuy"].delay == 1.0
    assert sites["tinhuy"].seeds == ["http://tinhuy.example.vn/rss/tin-tuc.rss"]


def test_unknown_key_names_the_key_and_its_line(tmp_path):
    message = error(tmp_path, GOOD.replace("delay = 2", "dely = 2"))
    assert message.startswith(":6: ")
    assert '"dely"' in message and "[sites.baotinh]" in message and "delay" in message


def test_bad_url_names_the_key(tmp_path):
    message = error(tmp_path, GOOD.replace('feeds = ["http://', 'feeds = ["htp://'))
    assert message.startswith(":14: ") and "sites.tinhuy.feeds" in message and "htp://" in message


def test_bad_regex_names_the_key(tmp_path):
    message = error(tmp_path, GOOD.replace('"/lich/"', '"/lich/("'))
    assert message.startswith(":4: ") and "sites.baotinh.deny" in message
    assert "regular expression" in message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("delay = 2", "delay = -1", "delay"),
        ("delay = 2", 'delay = "slow"', "delay"),
        ("max_pages = 500", "max_pages = 0", "max_pages"),
        ('schedule = "6h"', "schedule = 6", "schedule"),
        ('deny = ["/lich/", "[?&]print="]', 'deny = "/lich/"', "deny"),
    ],
)
def test_bad_values_name_the_key(tmp_path, old, new, key):
    assert f"sites.baotinh.{key}" in error(tmp_path, GOOD.replace(old, new))


def test_syntax_error_gives_the_line(tmp_path):
    message = error(tmp_path, GOOD.replace("delay = 2", "delay 2"))
    assert "line 6" in message


def test_site_with_nothing_to_crawl(tmp_path):
    assert "nothing to crawl" in error(tmp_path, "[sites.empty]\ndelay = 1\n")


def test_unknown_top_level_key_and_missing_file(tmp_path):
    assert '"crawler"' in error(tmp_path, "[crawler]\ndelay = 1\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_sites(tmp_path / "missing.toml")
