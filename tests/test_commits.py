"""A crawl commits after every job: the search caches follow the index's segments, so what a
commit left unchanged is not read again, and what the next search sees is what a fresh reader
of the index sees."""

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index import writer
from index.segment import ArraySegmentWriter
from search import matching
from search.columns import FACET_FIELDS, SCORED_FIELDS, Columns, ColumnsCache
from search.engine import Engine, SearchRequest
from search.filters import Filters
from search.officials import OfficialsDirectory
from search.query import Syllable
from vnsearch.bench import corpus

BASE = 90
FIELDS = ("body_f", "title_f", "body", "body_pairs", "officials", "source")
PAIRS = "body_pairs"  # the view that keeps positions: a word's syllables side by side
WORDS = [["dân", "vận"], ["chính", "quyền"], ["xây", "dựng", "đảng"], ["của", "các"],
         ["ủy", "ban", "nhân", "dân"]]
QUERIES = [SearchRequest(q=q) for q in ("dân vận", "dan van", "Đảng", '"chinh quyen"', "uy ban")]
QUERIES += [SearchRequest(q="cán bộ", filters=Filters(date_from="2015", date_to="2019"))]


def _article(index: int, edit: int = 0) -> Article:
    data = corpus.generate(1, seed=4, start=index).__next__()
    article = Article(**{k: data[k] for k in EXPORT_KEYS if k in data})
    if edit:
        article.body += f" Bản sửa lần {edit}: dân vận khéo, chính quyền gần dân."
    return article


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """An archive of three segments, copied for each run of commits."""
    data_dir = tmp_path_factory.mktemp("commits")
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for index in range(BASE):
                store.save_article(_article(index))
        writer.rebuild(store, data_dir, segment_docs=30)
    return data_dir


def _copy(base: Path) -> Path:
    target = Path(tempfile.mkdtemp(prefix="commits-")) / "data"
    shutil.copytree(base, target)
    return target


def _commit(data_dir: Path, step: tuple[str, list[int]], edits: dict, added: list[int]) -> None:
    """Add new articles, replace (edit) existing ones, or delete documents, in one commit."""
    kind, picks = step
    if kind == "delete":
        ix = writer.open_index(data_dir)
        with writer.writer_lock(data_dir):
            segment = ArraySegmentWriter(ix)
            for pick in picks:
                segment.delete_by_term("id", _article(pick % BASE).id)
            segment.commit()
        return
    with Store.in_data_dir(data_dir) as store:
        for pick in picks:
            if kind == "add":
                added.append(BASE + len(added))
                store.save_article(_article(added[-1]))
            else:
                index = pick % (BASE + len(added))
                edits[index] = edits.get(index, 0) + 1
                store.save_article(_article(index, edits[index]))
        writer.update(store, data_dir)


def _same_columns(ours: Columns, fresh: Columns) -> None:
    assert ours.size == fresh.size
    assert np.array_equal(ours.live, fresh.live)
    assert np.array_equal(ours.published, fresh.published)
    for name in FACET_FIELDS:
        assert ours.facets[name].values == fresh.facets[name].values
        assert np.array_equal(ours.facets[name].codes, fresh.facets[name].codes)
    assert ours.official_names == fresh.official_names
    for a, b in zip(ours.official_pairs, fresh.official_pairs, strict=True):
        assert np.array_equal(a, b)
    for name in SCORED_FIELDS:
        assert np.array_equal(ours.lengths[name], fresh.lengths[name])
    assert ours.average_length == fresh.average_length


def _postings(engine: Engine, cache=None, kind=matching.Postings):
    searcher = engine.searcher()
    key = engine._key(searcher)
    columns = engine._columns.get(searcher.reader(), key)
    return kind(searcher, columns, cache or engine._postings, key)


def _terms(reader, fieldname: str) -> list[str]:
    """The commonest terms of a field and a few rare ones: what searches read most, and
    terms a commit may add to or take from a segment."""
    found = sorted(((reader.doc_frequency(fieldname, t), t) for t in reader.lexicon(fieldname)),
                   reverse=True)
    return [t.decode("utf-8") for _, t in found[:6] + found[-3:]]


@pytest.fixture(scope="module")
def terms(base):
    reader = Engine(base).searcher().reader()
    return {fieldname: _terms(reader, fieldname) for fieldname in FIELDS}


def _same_postings(ours: matching.Postings, fresh: matching.Postings, terms: dict) -> None:
    everything = np.arange(ours.columns.size, dtype=np.int64)
    for fieldname, texts in terms.items():
        for text in texts:
            for a, b in zip(ours.get(fieldname, text), fresh.get(fieldname, text), strict=True):
                assert np.array_equal(a, b), (fieldname, text)
            if fieldname == PAIRS:
                assert np.array_equal(ours.positions(PAIRS, text, everything),
                                      fresh.positions(PAIRS, text, everything)), text
    for word in WORDS:
        for marks in (True, False):
            syllables = [Syllable.read(s, marks) for s in word]
            for a, b in zip(matching.word_postings(ours, "body", syllables),
                            matching.word_postings(fresh, "body", syllables), strict=True):
                assert np.array_equal(a, b), (word, marks)


STEPS = st.lists(
    st.tuples(st.sampled_from(["add", "replace", "delete"]),
              st.lists(st.integers(0, 10**6), min_size=1, max_size=6)),
    min_size=1, max_size=5,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_after_any_commits_the_kept_caches_give_what_a_fresh_read_gives(base, terms, steps):
    data_dir = _copy(base)
    try:
        engine, edits, added = Engine(data_dir), {}, []
        for request in QUERIES:  # fills the caches the commits must not spoil
            engine.search(request)
        _same_postings(_postings(engine), _postings(Engine(data_dir)), terms)
        for step in steps:
            _commit(data_dir, step, edits, added)
            searcher = engine.searcher()
            fresh = Engine(data_dir)
            _same_columns(engine._columns.get(searcher.reader(), engine._key(searcher)),
                          Columns.read(fresh.searcher().reader()))
            _same_postings(_postings(engine), _postings(fresh), terms)
            for request in QUERIES:
                assert engine.search(request) == fresh.search(request), request.q
            assert engine.officials() == fresh.officials()
    finally:
        shutil.rmtree(data_dir.parent, ignore_errors=True)


def test_columns_hold_what_whoosh_reads_document_by_document(base):
    data_dir = _copy(base)
    try:
        _commit(data_dir, ("replace", [3, 40, 77]), {}, [])
        _commit(data_dir, ("delete", [5]), {}, [])
        reader = Engine(data_dir).searcher().reader()
        assert len(reader.leaf_readers()) >= 4 and reader.has_deletions()
        columns = Columns.read(reader)
        for docnum in range(reader.doc_count_all()):
            assert columns.live[docnum] == (not reader.is_deleted(docnum))
            stored = reader.stored_fields(docnum)
            for name in ("year", "source", "section"):
                facet = columns.facets[name]
                code = facet.codes[docnum]
                assert (facet.values[code] if code >= 0 else "") == stored.get(name, "")
            for name in ("title", "body"):
                assert columns.lengths[name][docnum] == reader.doc_field_length(docnum, name)
        pairs = {(int(d), columns.official_names[o]) for d, o in zip(*columns.official_pairs,
                                                                     strict=True)}
        assert pairs == {(d, name) for d in reader.all_doc_ids()
                         for name in reader.stored_fields(d)["officials"].split(",") if name}
        # a replaced article's old version does not count its officials twice
        assert OfficialsDirectory.from_columns(columns).counts == Counter(
            name for _, name in pairs)
    finally:
        shutil.rmtree(data_dir.parent, ignore_errors=True)


class CountedColumns(ColumnsCache):
    def __init__(self):
        super().__init__()
        self.read = []

    def _read_segment(self, reader):
        self.read.append(reader.segment().segment_id())
        return super()._read_segment(reader)


class CountedPostings(matching.Postings):
    read: list = []

    def _read_segment(self, reader, fieldname, text, positions):
        self.read.append((reader.segment().segment_id(), fieldname, text))
        return super()._read_segment(reader, fieldname, text, positions)


def _read_words(postings: matching.Postings) -> None:
    for word in WORDS:
        matching.word_postings(postings, "body", [Syllable.read(s) for s in word])


def test_a_commit_of_a_few_articles_reads_only_the_new_segment(base, terms):
    data_dir = _copy(base)
    try:
        engine = Engine(data_dir)
        engine._columns = counted = CountedColumns()
        CountedPostings.read = []
        before = _postings(engine, kind=CountedPostings)
        segments = [r.segment().segment_id() for r, _ in before.searcher.reader().leaf_readers()]
        assert sorted(counted.read) == sorted(segments) and len(segments) == 3
        _read_words(before)
        assert {name for name, _, _ in CountedPostings.read} == set(segments)

        _commit(data_dir, ("replace", [1, 31, 61]), {}, [])  # one old version in each segment
        counted.read, CountedPostings.read = [], []
        after = _postings(engine, kind=CountedPostings)
        leaves = [r for r, _ in after.searcher.reader().leaf_readers()]
        new = [r.segment().segment_id() for r in leaves if r.segment().segment_id() not in segments]
        assert len(leaves) == 4 and len(new) == 1
        assert all(r.has_deletions() for r in leaves if r.segment().segment_id() in segments)
        assert counted.read == new
        _read_words(after)
        assert CountedPostings.read and {name for name, _, _ in CountedPostings.read} == set(new)
        _same_postings(after, _postings(Engine(data_dir)), terms)
    finally:
        shutil.rmtree(data_dir.parent, ignore_errors=True)


def test_readers_of_segments_a_commit_left_alone_are_kept_and_the_others_opened_again(base):
    data_dir = _copy(base)
    try:
        engine = Engine(data_dir)
        readers = {r.segment().segment_id(): r for r, _ in engine.searcher().reader().leaf_readers()}
        _commit(data_dir, ("add", [0, 1]), {}, [])
        after = {r.segment().segment_id(): r for r, _ in engine.searcher().reader().leaf_readers()}
        assert len(after) == 4 and all(after[name] is reader for name, reader in readers.items())

        edited = _article(40, edit=1)  # its old version is in the second segment
        _commit(data_dir, ("replace", [40]), {}, [])
        leaves = engine.searcher().reader().leaf_readers()
        changed = [r for r, _ in leaves if r.has_deletions()]
        assert len(changed) == 1 and all(r is not reader for r in changed
                                         for reader in readers.values())
        assert [r for r, _ in leaves if r.segment().segment_id() in readers
                and not r.has_deletions()] == [readers[n] for n in readers
                                                if n != changed[0].segment().segment_id()]
        found = engine.search(SearchRequest(q='"Bản sửa lần 1"'))
        assert [hit["id"] for hit in found["hits"]] == [edited.id] and found["total"] == 1
    finally:
        shutil.rmtree(data_dir.parent, ignore_errors=True)
