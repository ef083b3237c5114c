"""Search over a real Whoosh index in a temp dir: query understanding, filters, facets, snippets."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.article import Article
from crawler.store import Store
from index import writer
from search.engine import Engine, SearchError, SearchRequest
from search.filters import Filters
from search.query import parse
from search.words import read_words

ARTICLES = {
    "danvan": dict(
        title="Hội nghị tổng kết công tác dân vận năm 2017",
        body="Đồng chí Nguyễn Xuân Phúc - Thủ tướng Chính phủ dự hội nghị và chọn chủ đề "
        "Năm dân vận chính quyền. Các cấp tiếp tục thực hiện Nghị quyết số 25-NQ/TW.",
        published="2018-01-10T13:17:00+07:00", source="tinhuy", section="Dân vận",
        officials=[{"name": "Nguyễn Xuân Phúc", "positions": ["Thủ tướng Chính phủ"]}],
    ),
    "scattered": dict(
        title="Chính quyền xã làm việc với người dân",
        body="Năm nay chính quyền cấp xã tăng cường đối thoại; dân phản ánh nhiều việc về vận "
        "tải và quyền lợi. Ông Nguyễn Văn Hoà - Chủ tịch UBND xã tiếp dân.",
        published="2019-05-15T19:35:00+07:00", source="baotinh", section="Chính trị",
        officials=[{"name": "Nguyễn Văn Hoà", "positions": ["Chủ tịch UBND xã"]}],
    ),
    "dang": dict(
        title="Đảng bộ tỉnh học tập nghị quyết",
        body="Cán bộ, đảng viên Đảng bộ tỉnh học tập Chỉ thị 16/CT-TTg. Đồng chí Nguyễn Văn Hòa "
        "- Bí thư Huyện ủy phát biểu.",
        published="2019-11-02T08:30:00+07:00", source="baotinh", section="Xây dựng Đảng",
        officials=[{"name": "Nguyễn Văn Hòa", "positions": ["Bí thư Huyện ủy"]}],
    ),
    "dangdo": dict(
        title="Người dân đang chờ nước về",
        body="Nhiều hộ dân đang chờ công trình thủy lợi hoàn thành. Đồng chí A Pớt - Phó Chủ "
        "tịch UBND tỉnh kiểm tra tiến độ <script>alert(1)</script>.",
        published="2020-03-01T07:00:00+07:00", source="congtt", section="Kinh tế",
        officials=[{"name": "A Pớt", "positions": ["Phó Chủ tịch UBND tỉnh"]}],
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    with Store.in_data_dir(data_dir) as store, store.transaction():
        for key, fields in ARTICLES.items():
            store.save_article(Article(url=f"http://127.0.0.1:9/{key}.html", id=key, **fields))
    with Store.in_data_dir(data_dir) as store:
        writer.update(store, data_dir)
    return Engine(data_dir)


def ids(response):
    return [hit["id"] for hit in response["hits"]]


def run(engine, q="", **kwargs):
    filters = kwargs.pop("filters", Filters())
    return engine.search(SearchRequest(q=q, filters=filters, **kwargs))


def test_accentless_query_finds_accented_text(engine):
    assert ids(run(engine, "nguyen xuan phuc dan van")) == ["danvan"]


def test_words_need_their_syllables_together(engine):
    """"dân" in one sentence and "vận" in another is not the word dân vận."""
    response = run(engine, "dân vận chính quyền")
    assert ids(response) == ["danvan"]
    assert response["searched"] == '"dân vận" "chính quyền"' and response["match"] == "words"


def test_syllables_anywhere_on_request_with_adjacent_ones_first(engine):
    response = run(engine, "dân vận chính quyền", match="syllables")
    assert ids(response)[:2] == ["danvan", "scattered"]
    assert response["searched"] == "dân vận chính quyền" and response["match"] == "syllables"


def test_unknown_match_mode_is_refused(engine):
    with pytest.raises(SearchError, match="match must be one of"):
        run(engine, "dân", match="letters")


def test_quoted_phrase_requires_adjacency(engine):
    assert ids(run(engine, '"Năm dân vận chính quyền"')) == ["danvan"]


@pytest.mark.parametrize("typed", ["25-NQ/TW", "25 NQ TW", "25/nq-tw", '"25 nq tw"'])
def test_document_number_in_any_spelling(engine, typed):
    assert ids(run(engine, typed)) == ["danvan"]


@pytest.mark.parametrize("typed, only", [("Đảng", "dang"), ("đang", "dangdo"), ("ĐẢNG", "dang")])
def test_diacritics_typed_are_diacritics_meant(engine, typed, only):
    assert ids(run(engine, typed)) == [only]


def test_a_word_typed_bare_matches_every_reading_and_lists_them(engine):
    response = run(engine, "dang")
    assert set(ids(response)) == {"dang", "dangdo"}
    (word,) = response["readings"]
    listed = {r["text"]: r["count"] for r in word["readings"]}
    assert listed == {"đảng": 1, "đang": 1} and word["word"] == "dang"
    for reading in word["readings"]:
        assert ids(run(engine, reading["q"])) == ids(run(engine, reading["text"]))


def test_a_slip_in_the_marks_falls_back_to_the_bare_reading_and_says_so(engine):
    response = run(engine, "Nguyển Xuân Phúc")
    assert ids(response) == ["danvan"] and response["fallback"] == "marks"


def test_and_fallback_to_any_word_is_reported(engine):
    response = run(engine, "thủy zzzqqq")
    assert response["fallback"] == "any" and ids(response) == ["dangdo"]


def test_or_and_not(engine):
    assert set(ids(run(engine, "pớt OR phúc"))) == {"danvan", "dangdo"}
    assert ids(run(engine, "nghị quyết -dân")) == ["dang"]


def test_prefix_is_bounded_and_folded(engine):
    assert set(ids(run(engine, "thuy*"))) == {"dangdo"}


def test_field_syntax(engine):
    assert set(ids(run(engine, '"nghị quyết"'))) == {"dang", "danvan"}
    assert ids(run(engine, 'title:"nghị quyết"')) == ["dang"]
    assert ids(run(engine, 'official:"a pot"')) == ["dangdo"]


@pytest.mark.parametrize("typed", ['"dân vận', "OR", "- dân", "NOT", "((dân))", "&& || !!", "title:"])
def test_malformed_syntax_degrades_and_says_what_was_searched(engine, typed):
    response = run(engine, typed)
    assert isinstance(response["total"], int)
    assert response["searched"] == parse(typed, read=read_words).searched


def test_official_filter_is_accentless_and_tone_insensitive(engine):
    for typed in ["Nguyễn Văn Hòa", "Nguyễn Văn Hoà", "nguyen van hoa", "NGUYỄN VĂN HOÀ"]:
        response = run(engine, filters=Filters(officials=[typed]))
        assert set(ids(response)) == {"scattered", "dang"}, typed


def test_filters_combine_and_dates_are_inclusive(engine):
    response = run(engine, filters=Filters(source="baotinh", date_from="2019-05", date_to="2019"))
    assert set(ids(response)) == {"scattered", "dang"}
    response = run(engine, filters=Filters(section="Chính trị", date_from="2019-05-15", date_to="2019-05-15"))
    assert ids(response) == ["scattered"]


def test_facets_count_all_matches_not_just_the_page(engine):
    response = run(engine, "", page_size=1)
    assert response["total"] == 4 and len(response["hits"]) == 1
    facets = response["facets"]
    assert {f["value"]: f["count"] for f in facets["source"]} == {"baotinh": 2, "tinhuy": 1, "congtt": 1}
    assert [f["value"] for f in facets["year"]] == ["2018", "2019", "2020"]
    assert {"value": "Nguyễn Văn Hòa", "count": 2} in facets["officials"]


def test_month_facet_within_one_year(engine):
    response = run(engine, filters=Filters(date_from="2019", date_to="2019"))
    assert [m["value"] for m in response["facets"]["month"]] == ["2019-05", "2019-11"]


def test_sort_newest_and_oldest_and_pagination(engine):
    assert ids(run(engine, "", sort="newest")) == ["dangdo", "dang", "scattered", "danvan"]
    assert ids(run(engine, "", sort="oldest", page=2, page_size=3)) == ["dangdo"]


def test_snippet_marks_folded_matches_and_escapes_page_text(engine):
    hit = run(engine, "kiem tra tien do")["hits"][0]
    assert "<mark>kiểm tra</mark> <mark>tiến độ</mark>" in hit["snippet"]
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert "body" not in hit


def test_bad_requests_raise_search_error(engine):
    for request in [SearchRequest(sort="best"), SearchRequest(page_size=101), SearchRequest(page=0),
                    SearchRequest(filters=Filters(date_from="2019-13")),
                    SearchRequest(filters=Filters(date_from="2020", date_to="2019"))]:
        with pytest.raises(SearchError):
            engine.search(request)


def test_officials_autocomplete_and_profile(engine):
    assert engine.officials("nguyen van")[0] == {"name": "Nguyễn Văn Hòa", "count": 2}
    assert [o["name"] for o in engine.officials("pot")] == ["A Pớt"]
    profile = engine.official_profile("nguyen van hoa")
    assert profile["count"] == 2
    assert [p["position"] for p in profile["positions"]] == ["Chủ tịch UBND xã", "Bí thư Huyện ủy"]
    assert profile["positions"][0]["first"].startswith("2019-05-15")
    assert engine.official_profile("khong ai") is None


QUERY_PIECES = st.sampled_from(list('ab dđĐânvậ"-*:()/') + ["title:", " OR ", " NOT ", "official:"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_PIECES, max_size=12).map("".join))
def test_any_query_text_searches_without_error(engine, text):
    response = run(engine, text)
    assert response["total"] >= len(response["hits"])


@given(st.text(max_size=40))
def test_parsing_is_stable(text):
    searched = parse(text).searched
    assert parse(searched).searched == searched


def test_filters_that_exclude_every_match_leave_no_hits(engine):
    response = run(engine, "Đảng", filters=Filters(source="khong-co"))
    assert response["total"] == 0 and response["hits"] == []


def test_a_fresh_data_dir_answers_repeated_searches(tmp_path):
    engine = Engine(tmp_path)
    for _ in range(3):
        assert engine.search(SearchRequest())["total"] == 0


def test_matchers_without_block_internals_take_the_public_path(engine, monkeypatch):
    from search import matching

    expected = ids(run(engine, '"năm dân vận chính quyền"'))
    monkeypatch.setattr(matching, "_BLOCK_API", ("_not_there",))
    fresh = Engine(engine.data_dir)
    assert ids(run(fresh, '"năm dân vận chính quyền"')) == expected == ["danvan"]
    assert ids(run(fresh, "dân vận chính quyền", match="syllables"))[:2] == ["danvan", "scattered"]


@pytest.mark.parametrize(
    "typed, word, includes",
    [("UBND", "UBND", "ủy ban nhân dân"), ("TP.HCM", "TP HCM", "thành phố hồ chí minh"),
     ("title:UBND", "UBND", "ủy ban nhân dân"), ("đồng chí -UBND", "UBND", "ủy ban nhân dân")],
)
def test_every_word_brings_its_other_spellings(engine, typed, word, includes):
    """Alone, glued by a period, in a field or excluded, a word counts its long form too."""
    expanded = {w["word"]: w["includes"] for w in run(engine, typed)["expanded"]}
    assert includes in expanded[word]
