"""`vnsearch import` and `vnsearch export` through the real command, on a temp data dir."""

import json

from click.testing import CliRunner

from vnsearch.cli.main import main

GOOD = {
    "id": "a1",
    "url": "http://127.0.0.1:9/tin-tuc/a1.html",
    "title": "Hội nghị Ban Chấp hành Đảng bộ tỉnh",
    "published": "2019-05-15T19:35:00+07:00",
    "source": "tinhuy",
    "section": "Xây dựng Đảng",
    "author": "Tú Quyên",
    "officials": [
        {"name": "Nguyễn Văn Hoà", "positions": ["Bí thư Tỉnh ủy"]},
        {"name": "Nguyễn Văn Hòa", "positions": ["Chủ tịch HĐND tỉnh"]},
    ],
    "body": "Đồng chí Nguyễn Văn Hoà - Bí thư Tỉnh ủy chủ trì hội nghị.",
}


def invoke(tmp_path, *args):
    result = CliRunner().invoke(main, [*args, "--data-dir", str(tmp_path / "data")])
    return result


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_bad_lines_are_reported_with_numbers_and_good_ones_kept(tmp_path):
    path = write_lines(tmp_path / "in.jsonl", [
        json.dumps(GOOD, ensure_ascii=False),
        "{not json",
        json.dumps({**GOOD, "id": "a2", "url": "http://127.0.0.1:9/b", "title": ""}),
        json.dumps({**GOOD, "id": "a3", "url": "http://127.0.0.1:9/c", "published": "hôm qua"}),
        json.dumps({**GOOD, "id": "a4", "url": GOOD["url"]}),
        json.dumps({**GOOD, "id": "a5", "url": "http://127.0.0.1:9/e", "officials": ["x"]}),
    ])
    result = invoke(tmp_path, "import", path)
    assert result.exit_code == 0, result.output
    assert "1 new, 0 updated, 0 unchanged, 5 bad line(s)" in result.output
    for number in (2, 3, 4, 5, 6):
        assert f"in.jsonl:{number}: skipped" in result.output


def test_import_twice_changes_nothing_and_export_round_trips(tmp_path):
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD, ensure_ascii=False)])
    assert "1 new" in invoke(tmp_path, "import", path).output
    assert "0 new, 0 updated, 1 unchanged" in invoke(tmp_path, "import", path).output
    exported = invoke(tmp_path, "export").stdout.splitlines()[0]
    obj = json.loads(exported)
    assert list(obj) == ["id", "story_id", "url", "title", "published", "date_source", "source",
                         "source_name", "section", "author", "officials", "body"]
    assert obj["story_id"] == "a1"  # a story of one copy, named by it
    assert obj["officials"] == [
        {"name": "Nguyễn Văn Hòa", "positions": ["Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"]}
    ]
    reimport = write_lines(tmp_path / "again.jsonl", [exported])
    assert "0 new, 1 updated" in invoke(tmp_path, "import", reimport).output
    search = invoke(tmp_path, "search", "nguyen van hoa", "--json")
    assert json.loads(search.stdout)["total"] == 1


def test_csv_export_has_a_header_and_one_row_an_article(tmp_path):
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD, ensure_ascii=False)])
    invoke(tmp_path, "import", path)
    out = tmp_path / "out.csv"
    assert invoke(tmp_path, "export", "--format", "csv", "-o", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "id,story_id,url,title,published,date_source,source,source_name,section,author,"
        "officials,body"
    )
    assert len(lines) == 2 and "Nguyễn Văn Hòa" in lines[1]


def test_missing_file_is_a_one_line_error(tmp_path):
    result = invoke(tmp_path, "import", str(tmp_path / "nope.jsonl"))
    assert result.exit_code != 0 and "does not exist" in result.output


def test_a_store_made_before_date_source_and_source_name_gains_them(tmp_path):
    """An archive crawled by an earlier release opens, keeps its articles and exports them."""
    import sqlite3

    from crawler.store import Store
    from crawler.store.migrations import STEPS, statements

    # the first release's tables, as step 1 makes them, from before the schema had versions
    old_schema = ";\n".join(s for s in statements(STEPS[0], "sqlite", None) if "counters" not in s)
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "store.sqlite") as db:
        db.executescript(old_schema)
        db.execute(
            "INSERT INTO articles (id, url, title, body, published, source, content_hash,"
            " first_seen, last_seen, seq) VALUES ('a1', ?, ?, ?, ?, 'tinhuy', 'x', 't', 't', 1)",
            (GOOD["url"], GOOD["title"], GOOD["body"], GOOD["published"]),
        )
    with Store.in_data_dir(data) as store:
        article = store.article("a1")
        assert (article.title, article.date_source, article.source_name) == (GOOD["title"], "", "")
    obj = json.loads(invoke(tmp_path, "export").stdout.splitlines()[0])
    assert obj["date_source"] == "" and obj["source"] == "tinhuy" and obj["published"]


def test_date_source_and_source_name_round_trip_and_a_bad_date_source_is_refused(tmp_path):
    line = {**GOOD, "date_source": "url", "source_name": "Báo Ngọc Linh"}
    bad = {**GOOD, "id": "a2", "url": "http://127.0.0.1:9/b", "date_source": "guess"}
    path = write_lines(tmp_path / "in.jsonl", [json.dumps(line), json.dumps(bad)])
    assert "2: skipped: 'date_source' must be one of page, meta, json-ld, url" in (
        invoke(tmp_path, "import", path).output
    )
    obj = json.loads(invoke(tmp_path, "export").stdout.splitlines()[0])
    assert (obj["date_source"], obj["source_name"]) == ("url", "Báo Ngọc Linh")
