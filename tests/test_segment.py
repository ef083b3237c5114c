"""The array segment writer must write what Whoosh's own writer writes, posting for posting."""

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from crawler.article import EXPORT_KEYS, Article, Official
from index import segment, writer
from index.schema import build_schema, document
from vnsearch.bench import corpus

EDGE_CASES = [
    Article(
        url="https://tinhuy.example.vn/nfd.html",
        title="Nghị quyết 25-NQ/TW về Đảng bộ",
        body="Ha\u0300 No\u0323i, Hoà và Hòa; thuỷ lợi, thủy lợi. Số 148/KH-BCĐ\tngày 3/2/2024",
        published="2024-02-03T08:00:00+07:00",
        source="tinhuy",
        section="Xây dựng Đảng",
        officials=[Official(name="Nguyễn Xuân Phúc", positions=["Chủ tịch nước"])],
    ),
    Article(
        url="https://baotinh.example.vn/empty.html", title="Không ngày", body="", source="baotinh"
    ),
    Article(
        url="https://congtt.example.vn/symbols.html",
        title="café, Kring 2024",
        body="Đ\u00a0đ  ĐẢNG\u2003bộ ― «trích dẫn» x\u0301 ⅷ 12,5%",
        published="2023-12-31T23:59:00+07:00",
        source="congtt",
    ),
]


def articles(count: int) -> list[Article]:
    generated = corpus.generate(count, seed=3)
    made = [Article(**{k: a[k] for k in EXPORT_KEYS if k in a}) for a in generated]
    return EDGE_CASES + made


def build(path, docs, writer_class, batches=1):
    """An index of ``docs`` written by ``writer_class`` in ``batches`` commits."""
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    size = -(-len(docs) // batches)
    for start in range(0, len(docs), size):
        w = writer_class(ix)
        for doc in docs[start : start + size]:
            w.add_document(**doc)
        w.commit(merge=False)
    return ix


def contents(ix) -> dict:
    """Everything a search can read back: postings, term statistics, stored fields, lengths,
    columns."""
    with ix.reader() as reader:
        terms = [(f, t) for f, t in reader.all_terms()]
        fields = [name for name, field in ix.schema.items() if field.scorable]
        sortable = [name for name, field in ix.schema.items() if field.column_type]
        return {
            # A term's postings kept in its entry read back "" where a block reads None for a
            # posting without a value; both mean none.
            "postings": [(*p[:4], p[4] or None) for p in reader.iter_postings()],
            "stats": [_stats(reader.term_info(f, t)) for f, t in terms],
            "stored": list(reader.all_stored_fields()),
            "lengths": [
                [reader.doc_field_length(d, f) for f in fields] for d in range(reader.doc_count())
            ],
            "columns": {f: list(reader.column_reader(f, translate=False)) for f in sortable},
        }


def _stats(info) -> tuple:
    return (
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
    )


@pytest.fixture(scope="module")
def docs():
    return [document(a) for a in articles(300)]


@pytest.fixture(scope="module")
def reference(docs, tmp_path_factory):
    return contents(build(tmp_path_factory.mktemp("whoosh") / "ix", docs, SegmentWriter))


def test_same_postings_statistics_and_stored_fields_as_whoosh(docs, reference, tmp_path):
    ours = contents(build(tmp_path / "ix", docs, segment.ArraySegmentWriter))
    assert len(ours["postings"]) > 50_000
    # Common words need several 128-posting blocks, so block boundaries are exercised.
    assert max(stats[1] for stats in ours["stats"]) > 256
    for key in reference:
        assert ours[key] == reference[key], key


def test_public_path_writes_the_same(docs, reference, tmp_path, monkeypatch):
    monkeypatch.setattr(segment, "_BLOCK_API", False)
    assert contents(build(tmp_path / "ix", docs, segment.ArraySegmentWriter)) == reference


def test_merged_segments_hold_the_same(docs, reference, tmp_path):
    ix = build(tmp_path / "ix", docs, segment.ArraySegmentWriter, batches=3)
    assert len(ix._segments()) == 3
    segment.ArraySegmentWriter(ix).commit(optimize=True)
    assert len(ix._segments()) == 1
    assert contents(ix) == reference


def test_update_replaces_the_document(tmp_path):
    article = articles(0)[0]
    ix = build(tmp_path / "ix", [document(article)], segment.ArraySegmentWriter)
    w = segment.ArraySegmentWriter(ix)
    w.update_document(**document(Article(**{**article.to_dict(), "title": "Tiêu đề mới"})))
    w.commit()
    with ix.searcher() as searcher:
        found = searcher.documents(id=article.id)
        assert [d["title"] for d in found] == ["Tiêu đề mới"]


def test_parallel_rebuild_indexes_what_one_process_does(store, tmp_path):
    with store.transaction():
        for article in articles(150):
            store.save_article(article)
    single = writer.rebuild(store, tmp_path / "one")
    # Two workers cutting many segments each at the same time share one temporary directory.
    parallel = writer.rebuild(store, tmp_path / "two", procs=2, part_min=40, segment_docs=10)
    assert single.indexed == parallel.indexed == 153
    one, two = writer.open_index(tmp_path / "one"), writer.open_index(tmp_path / "two")
    assert len(one._segments()) == 1 and len(two._segments()) == 16
    assert contents(one) == contents(two)
    assert not list((tmp_path / "two" / "index").glob("*/*.tmp"))


def test_segments_are_cut_at_the_size_limit(store, tmp_path):
    with store.transaction():
        for article in articles(47):
            store.save_article(article)
    assert writer.rebuild(store, tmp_path, segment_docs=20).indexed == 50
    ix = writer.open_index(tmp_path)
    assert [s.doc_count() for s in ix._segments()] == [20, 20, 10]
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 50


def test_rare_terms_keep_their_postings_in_their_entries(docs, tmp_path):
    ix = build(tmp_path / "ix", docs, segment.ArraySegmentWriter)
    with ix.reader() as reader:
        infos = [reader.term_info(f, t) for f, t in reader.all_terms()]
    inlined = [i.doc_frequency() for i in infos if i.is_inlined()]
    assert inlined and max(inlined) < segment.INLINE_LIMIT
    assert all(i.is_inlined() for i in infos if i.doc_frequency() < segment.INLINE_LIMIT)


def test_segments_are_plain_files(docs, tmp_path):
    """A reader copies every postings file of a compound segment into memory, once a searcher;
    plain files are read through the page cache instead."""
    ix = build(tmp_path / "ix", docs[:20], segment.ArraySegmentWriter)
    assert [s.compound for s in ix._segments()] == [False]
    assert list(tmp_path.glob("ix/*.pst"))
