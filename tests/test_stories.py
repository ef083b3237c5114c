"""Story grouping: signatures, the thresholds, the table's incremental regrouping, and the
index writer keeping stories through updates and rebuilds (real Whoosh indexes, real stores)."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.store import open_store
from index import stories, writer
from index.story_table import FILE, Copy, StoryTable
from search.engine import Engine, SearchRequest
from tests.story_fixtures import BODIES, build, dated, reprint, three_stories

NOTICE = (
    "Thực hiện Luật Tiếp công dân năm 2013 và Quy chế tiếp công dân của Tỉnh ủy, Thường trực "
    "Tỉnh ủy Ngọc Linh thông báo lịch tiếp công dân định kỳ tháng {month} năm {year} như sau. "
    "Đồng chí {name}, {position}, chủ trì tiếp công dân vào ngày {day} tháng {month} năm {year}, "
    "tại Trụ sở Tiếp công dân tỉnh, số {house} đường Hùng Vương, thành phố Ngọc Linh. Thời gian "
    "tiếp từ 7 giờ 30 đến 11 giờ 30. Tham dự có lãnh đạo Ban Nội chính Tỉnh ủy, Ủy ban Kiểm tra "
    "Tỉnh ủy, Thanh tra tỉnh và các sở, ngành liên quan. Công dân đến trình bày khiếu nại, tố cáo, "
    "kiến nghị, phản ánh mang theo giấy tờ tùy thân và các tài liệu liên quan đến nội dung trình "
    "bày. Trường hợp nhiều người cùng khiếu nại về một nội dung thì cử đại diện không quá {people} "
    "người. Ban Tiếp công dân tỉnh tiếp nhận đăng ký trước qua số điện thoại {phone}. Ngày {day} "
    "tháng {month}, Văn phòng Tỉnh ủy sẽ tổng hợp kết quả và báo cáo Thường trực Tỉnh ủy. "
)


def notice(**facts) -> str:
    return NOTICE.format(**facts)


MAY = dict(month=5, year=2023, day=15, name="Nguyễn Văn An", position="Bí thư Tỉnh ủy",
           house=12, people=5, phone="0235 3822 111")
JUNE = dict(month=6, year=2023, day=14, name="Trần Thị Bình",
            position="Phó Bí thư Thường trực Tỉnh ủy", house=12, people=5, phone="0235 3822 112")


def together(first: str, second: str) -> bool:
    return stories.same_story(stories.fingerprint(first), stories.fingerprint(second))


# -- signatures and thresholds ----------------------------------------------------------------


def test_a_reprint_with_a_source_line_a_cut_paragraph_and_a_caption_is_the_same_story():
    for n, body in enumerate(BODIES):
        assert together(body, reprint(body, seed=n)), n


def test_two_different_articles_are_two_stories():
    assert not together(BODIES[0], BODIES[1])


def test_a_monthly_notice_is_not_last_months_notice():
    """Same template, other facts: the hard look-alike of a provincial portal."""
    long_may, long_june = notice(**MAY) * 2, notice(**JUNE) * 2
    assert stories.fingerprint(long_may).size >= stories.MIN_SHINGLES
    assert not together(long_may, long_june)
    assert together(long_may, long_may + " Văn phòng Tỉnh ủy.")


def test_a_body_too_short_to_tell_a_story_from_its_template_stays_alone():
    short = "Chiều 5/5, Tỉnh ủy Ngọc Linh tổ chức hội nghị sơ kết công tác quý I năm 2023."
    assert stories.fingerprint(short).size < stories.MIN_SHINGLES
    assert not together(short, short)


def test_an_archive_of_short_notices_groups_each_alone():
    prints = [stories.fingerprint(f"Thông báo số {n}: lịch họp giao ban tuần.") for n in range(3)]
    assert stories.group(prints).tolist() == [0, 1, 2]
    assert stories.group([]).tolist() == []


def test_a_roundup_quoting_a_brief_is_not_the_briefs_story():
    brief = BODIES[2][:900]
    roundup = "\n".join([BODIES[3], brief, BODIES[4]])
    assert not together(brief, roundup)


syllable = st.sampled_from([
    "đảng", "bộ", "tỉnh", "ủy", "hòa", "bình", "thủy", "lợi", "khỏe", "mạnh", "nhân", "dân",
    "chính", "quyền", "xây", "dựng", "kinh", "tế", "quốc", "phòng", "an", "ninh", "hội", "nghị",
    "quyết", "đồng", "chí", "bí", "thư", "chủ", "tịch",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(syllable, min_size=0, max_size=120))
def test_case_nfd_and_tone_placement_never_tell_two_copies_apart(words):
    text = " ".join(words)
    variants = [
        text.upper(),
        unicodedata.normalize("NFD", text),
        text.replace("hòa", "hoà").replace("thủy", "thuỷ").replace("khỏe", "khoẻ"),
    ]
    own = stories.fingerprint(text)
    for variant in variants:
        other = stories.fingerprint(variant)
        assert other.size == own.size
        assert np.array_equal(other.signature, own.signature)
        assert np.array_equal(other.sentences, own.sentences)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=0, max_size=60))
def test_components_put_every_edge_inside_one_component(ends):
    edges = np.array(ends[: len(ends) // 2 * 2], dtype=np.int64).reshape(-1, 2)
    labels = stories.components(41, edges)
    for a, b in edges.tolist():
        assert labels[a] == labels[b]
    assert all(labels[n] <= n for n in range(41))  # named by the smallest node
    assert len(set(labels.tolist())) == 41 - _merges(edges)


def _merges(edges) -> int:
    parent = list(range(41))

    def root(n):
        while parent[n] != n:
            n = parent[n]
        return n

    merged = 0
    for a, b in edges.tolist():
        if root(a) != root(b):
            parent[root(a)] = root(b)
            merged += 1
    return merged


# -- the table: incremental places as a rebuild groups ----------------------------------------


def _copies(draw_order: list[int]) -> list[Copy]:
    """Copies of three stories and two loners, in the given order; first_seen follows it."""
    texts = [BODIES[0], reprint(BODIES[0], 1), reprint(BODIES[0], 2), BODIES[1],
             reprint(BODIES[1], 3), BODIES[5], reprint(BODIES[5], 4), BODIES[6], BODIES[7]]
    made = []
    for when, n in enumerate(draw_order):
        made.append(Copy(f"a{n}", f"2023-01-01T00:00:{when:02d}+00:00",
                         stories.fingerprint(texts[n])))
    return made


def _partition(assigned: dict[str, str]) -> set[frozenset]:
    groups = {}
    for article_id, story in assigned.items():
        groups.setdefault(story, set()).add(article_id)
    return {frozenset(g) for g in groups.values()}


EXPECTED = {frozenset({"a0", "a1", "a2"}), frozenset({"a3", "a4"}), frozenset({"a5", "a6"}),
            frozenset({"a7"}), frozenset({"a8"})}


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(9)), st.integers(1, 4))
def test_placing_copies_one_batch_at_a_time_groups_as_a_rebuild_does(tmp_path_factory, order, batch):
    copies = _copies(list(order))
    bulk = StoryTable(tmp_path_factory.mktemp("bulk"))
    rebuilt = bulk.fill(copies)
    table = StoryTable(tmp_path_factory.mktemp("incremental"))
    for start in range(0, len(copies), batch):
        table.place(copies[start:start + batch])
    assert _partition(rebuilt) == EXPECTED
    assert table.stories() == rebuilt  # the same groups under the same names
    first = {c.id: c.first_seen for c in copies}
    for story, members in ((s, [i for i in rebuilt if rebuilt[i] == s]) for s in set(rebuilt.values())):
        assert story == min(members, key=lambda i: (first[i], i))  # named by the copy met first


def test_a_copy_that_changes_leaves_its_story_and_the_rest_stays(tmp_path):
    table = StoryTable(tmp_path)
    copies = _copies(list(range(9)))
    table.place(copies)
    rewritten = stories.fingerprint(BODIES[3])  # a2 rewritten into something else
    changed = table.place([Copy("a2", copies[2].first_seen, rewritten)])
    assert changed == {"a2": "a2"}
    assert _partition(table.stories()) == {
        frozenset({"a0", "a1"}), frozenset({"a2"}), frozenset({"a3", "a4"}),
        frozenset({"a5", "a6"}), frozenset({"a7"}), frozenset({"a8"})}


def _halves(body: str) -> tuple[str, str]:
    paragraphs = body.split("\n")
    half = len(paragraphs) // 2
    return "\n".join(paragraphs[:half]), "\n".join(paragraphs[half:])


def test_a_copy_that_joins_two_stories_renames_the_younger(tmp_path):
    """Two halves of one article reprinted apart are two stories until the whole arrives."""
    first, second = _halves(BODIES[0])
    assert not together(first, second)
    assert together(first, BODIES[0]) and together(second, BODIES[0])
    table = StoryTable(tmp_path)

    def copy(name, text, when):
        return Copy(name, f"2023-01-01T00:00:{when:02d}+00:00", stories.fingerprint(text))

    table.place([copy("y", second, 1)])
    table.place([copy("x", first, 2)])
    assert table.stories() == {"x": "x", "y": "y"}
    changed = table.place([copy("z", BODIES[0], 3)])
    assert changed == {"x": "y", "z": "y"}  # the story met first keeps its name
    assert table.stories() == {"x": "y", "y": "y", "z": "y"}


# -- the index writer and the engine ---------------------------------------------------------


@pytest.fixture
def archive(tmp_path):
    """Story A in three outlets, story B in two, two loners; indexed by a rebuild."""
    articles = three_stories()
    build(tmp_path, articles)
    return tmp_path, articles


def _everything(engine, collapse=""):
    return engine.search(SearchRequest(q="", page_size=100, collapse=collapse))


def test_collapsed_search_counts_stories_and_lists_each_storys_other_copies(archive):
    data_dir, articles = archive
    engine = Engine(data_dir)
    flat, collapsed = _everything(engine), _everything(engine, "story")
    assert (flat["total"], flat["total_counts"]) == (7, "articles")
    assert (collapsed["total"], collapsed["total_counts"], collapsed["articles"]) == (4, "stories", 7)
    assert sum(1 + hit["copies_total"] for hit in collapsed["hits"]) == 7
    story_a = next(h for h in collapsed["hits"] if h["copies_total"] == 2)
    assert story_a["id"] == articles[0].id  # by date, a story is its earliest copy
    assert [c["source"] for c in story_a["copies"]] == ["congtt", "baotinh"]
    assert {c["id"] for c in story_a["copies"]} == {articles[1].id, articles[2].id}
    assert all("copies" not in hit for hit in flat["hits"])


def test_years_count_stories_and_sources_count_every_copy(archive):
    engine = Engine(archive[0])
    collapsed = _everything(engine, "story")
    assert collapsed["facets"]["year"] == [{"value": "2023", "count": 4}]
    sources = {s["value"]: s["count"] for s in collapsed["facets"]["source"]}
    assert sources == {"tinhuy": 3, "baotinh": 2, "congtt": 2}
    assert _everything(engine)["facets"]["year"] == [{"value": "2023", "count": 7}]


def test_a_relevance_hit_is_the_best_copy_of_its_story(archive):
    data_dir, articles = archive
    engine = Engine(data_dir)
    word = next(w for w in BODIES[0].split() if len(w) > 3 and w.isalpha()
                and w not in BODIES[1] and w not in BODIES[5] and w not in BODIES[6])
    flat = engine.search(SearchRequest(q=word))
    collapsed = engine.search(SearchRequest(q=word, collapse="story"))
    assert collapsed["total"] == 1 and flat["total"] >= collapsed["total"]
    assert collapsed["hits"][0]["id"] == flat["hits"][0]["id"]
    assert collapsed["hits"][0]["copies_total"] == 2


def test_the_article_lists_where_its_story_went_and_how_late(archive):
    data_dir, articles = archive
    story = Engine(data_dir).article(articles[1].id)["story"]
    assert story["id"] == _founder(data_dir, articles[:3])
    assert story["original_id"] == articles[0].id  # the earliest published
    assert story["lag_days"] == 2 and story["copies_total"] == 2
    assert [(c["source"], c["original"], c["lag_days"]) for c in story["copies"]] == [
        ("tinhuy", True, 0), ("congtt", False, 1)]
    alone = Engine(data_dir).article(articles[6].id)["story"]
    assert alone == {"id": articles[6].id, "original_id": articles[6].id, "lag_days": 0,
                     "copies_total": 0, "copies": []}


def _founder(data_dir, copies) -> str:
    """The copy the archive met first (its id on a tie): the story's id."""
    with open_store(str(data_dir / "store.sqlite")) as store:
        seen = store.first_seen([a.id for a in copies])
    return min(seen, key=lambda i: (seen[i], i))


def test_story_ids_survive_a_rebuild_and_an_update_that_adds_a_copy(archive):
    data_dir, articles = archive
    before = {a.id: Engine(data_dir).article(a.id)["story_id"] for a in articles}
    with open_store(str(data_dir / "store.sqlite")) as store:
        writer.rebuild(store, data_dir)
        assert {a.id: Engine(data_dir).article(a.id)["story_id"] for a in articles} == before
        late = dated(8, reprint(BODIES[1], 9), 11, "congtt")
        store.save_article(late)
        stats = writer.update(store, data_dir)
    engine = Engine(data_dir)
    assert stats.indexed == 1 and stats.grouping_seconds > 0
    assert engine.article(late.id)["story_id"] == before[articles[3].id]
    assert {a.id: engine.article(a.id)["story_id"] for a in articles} == before
    assert _everything(engine, "story")["total"] == 4


def test_an_update_that_joins_two_stories_rewrites_the_younger_storys_copies(tmp_path):
    first, second = _halves(BODIES[2])
    with open_store(str(tmp_path / "store.sqlite")) as store:
        halves = [dated(1, first, 1, "tinhuy"), dated(2, second, 2, "baotinh")]
        for article in halves:
            store.save_article(article)
        writer.update(store, tmp_path)
        assert _everything(Engine(tmp_path), "story")["total"] == 2
        whole = dated(3, BODIES[2], 3, "congtt")
        store.save_article(whole)
        writer.update(store, tmp_path)
    engine = Engine(tmp_path)
    assert _everything(engine, "story")["total"] == 1
    assert {engine.article(a.id)["story_id"] for a in [*halves, whole]} == {
        _founder(tmp_path, [*halves, whole])}
    assert len(engine.article(whole.id)["story"]["copies"]) == 2


def test_the_story_table_lives_in_the_generation(archive):
    data_dir, _ = archive
    assert (writer.current_generation(data_dir) / FILE).exists()


def test_an_unknown_collapse_is_refused_in_one_sentence(archive):
    from search.engine import SearchError

    with pytest.raises(SearchError, match="collapse must be"):
        Engine(archive[0]).search(SearchRequest(collapse="site"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-5, 5)), max_size=40))
def test_least_per_group_is_the_earliest_least_value_of_each_key(rows):
    from search.stories import least_per_group

    keys = np.array([k for k, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=np.int64)
    expected = {}
    for position, (key, value) in enumerate(rows):
        if key not in expected or value < rows[expected[key]][1]:
            expected[key] = position
    assert least_per_group(keys, values).tolist() == sorted(expected.values())
