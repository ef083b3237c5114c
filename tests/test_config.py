"""sites.toml: a good file loads, and each kind of mistake stops with one line naming file and key."""

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.config import ConfigError, Site, load_sites
from crawler.schedule import Cron, Interval, parse_schedule
from vnsearch.cli.main import main

EXAMPLE = Path(__file__).resolve().parent.parent / "sites.example.toml"

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
    assert message.startswith(":6: not valid TOML") and "line 6" in message


@pytest.mark.parametrize("schedule", ["90s", "30m", "6h", "1d", "0 */6 * * *", "15 6,18 * * 1-5"])
def test_good_schedules_load(tmp_path, schedule):
    path = write(tmp_path, GOOD.replace('schedule = "6h"', f'schedule = "{schedule}"'))
    assert load_sites(path)["baotinh"].schedule == schedule


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        ("every 6h", 'must be an interval like "6h"'),
        ("6 hours", 'must be an interval like "6h"'),
        ("0s", "must be longer than zero"),
        ("0 */6 * *", "cron expression of five fields"),
        ("0 0 */6 * * *", "cron expression of five fields"),
        ("61 * * * *", "not a valid cron expression (Bad minute)"),
        ("", 'must be an interval like "6h"'),
    ],
)
def test_bad_schedule_names_file_line_and_key(tmp_path, schedule, problem):
    message = error(tmp_path, GOOD.replace('schedule = "6h"', f'schedule = "{schedule}"'))
    assert message.startswith(f':8: sites.baotinh.schedule "{schedule}" ')
    assert problem in message


def test_schedules_read_as_intervals_or_cron():
    assert parse_schedule("90s") == Interval(every=parse_schedule("90s").every)
    assert parse_schedule("90s").every.total_seconds() == 90
    assert parse_schedule("1d").every.total_seconds() == 86400
    assert parse_schedule(" 0  */6 * * * ") == Cron("0 */6 * * *")


def test_the_example_file_follows_real_sites_on_a_schedule():
    sites = load_sites(EXAMPLE)
    assert {"dangcongsan", "nhandan", "baochinhphu", "tinhuykontum", "baokontum"} <= set(sites)
    for site in sites.values():
        parse_schedule(site.schedule)
        assert all(url.startswith("https://") for url in site.seeds)
        assert site.delay >= 1


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("delay = 2", "delay 2", 6, "not valid TOML"),
        ("delay = 2", "dely = 2", 6, '"dely"'),
        ('feeds = ["http://', 'feeds = ["htp://', 14, "htp://"),
        ('schedule = "6h"', 'schedule = "hourly"', 8, "sites.baotinh.schedule"),
    ],
)
def test_the_cli_stops_on_a_bad_file_with_one_line(tmp_path, old, new, line, words):
    path = write(tmp_path, GOOD.replace(old, new))
    result = CliRunner().invoke(
        main, ["schedule", "--config", str(path), "--once", "--data-dir", str(tmp_path / "d")]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    [message] = result.output.splitlines()
    assert message.startswith(f"Error: {path}:{line}: ") and words in message


def test_site_with_nothing_to_crawl(tmp_path):
    assert "nothing to crawl" in error(tmp_path, "[sites.empty]\ndelay = 1\n")


def test_unknown_top_level_key_and_missing_file(tmp_path):
    assert '"crawler"' in error(tmp_path, "[crawler]\ndelay = 1\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_sites(tmp_path / "missing.toml")


def test_a_site_name_for_readers_is_the_key_name(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(
        '[sites.baotinh]\nname = "Báo Ngọc Linh điện tử"\nstart_urls = ["https://bao.vn/"]\n',
        encoding="utf-8",
    )
    site = load_sites(path)["baotinh"]
    assert (site.name, site.title) == ("baotinh", "Báo Ngọc Linh điện tử")
    path.write_text('[sites.baotinh]\nname = 3\nstart_urls = ["https://bao.vn/"]\n')
    with pytest.raises(ConfigError, match='sites.baotinh.name must be a string, like "Báo Ngọc Linh"'):
        load_sites(path)
