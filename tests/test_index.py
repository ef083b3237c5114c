"""Real Whoosh indexes in temp dirs: round trips, updates by id, atomic rebuilds, one writer."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from whoosh.query import Phrase, Term

from crawler.article import Article
from index import writer


def make_article(n, **fields):
    values = {
        "url": f"http://127.0.0.1:8000/tin-tuc/bai-{n}.html",
        "title": f"Hội nghị Ban Chấp hành Đảng bộ lần thứ {n}",
        "body": "Đồng chí Nguyễn Văn Hoà - Bí thư Tỉnh ủy chủ trì hội nghị triển khai "
        f"Nghị quyết 25-NQ/TW. Bài số {n}.",
        "published": "2018-01-10T13:17:00+07:00",
        "source": "tinhuy",
        "section": "Xây dựng Đảng",
        "officials": [{"name": "Nguyễn Văn Hoà", "positions": ["Bí thư Tỉnh ủy"]}],
    }
    return Article(**{**values, **fields})


def save(store, *articles):
    with store.transaction():
        return [store.save_article(a) for a in articles]


def hits(data_dir, query):
    with writer.open_index(data_dir).searcher() as searcher:
        return sorted(hit["id"] for hit in searcher.search(query, limit=None))


def test_round_trip_finds_document_number_and_canonical_official(store, tmp_path):
    article = make_article(1)
    save(store, article)
    assert writer.update(store, tmp_path).indexed == 1
    assert hits(tmp_path, Phrase("body_pairs", ["25 nq|25 nq", "nq tw|nq tw"])) == [article.id]
    assert hits(tmp_path, Term("officials", "Nguyễn Văn Hòa")) == [article.id]


def test_update_by_id_replaces_instead_of_duplicating(store, tmp_path):
    save(store, make_article(1))
    writer.update(store, tmp_path)
    save(store, make_article(1, title="Tiêu đề đã sửa"))
    assert writer.update(store, tmp_path).indexed == 1
    assert writer.update(store, tmp_path).indexed == 0
    with writer.open_index(tmp_path).searcher() as searcher:
        assert searcher.doc_count() == 1
        assert searcher.document()["title"] == "Tiêu đề đã sửa"


def test_gone_article_stays_searchable_and_marked(store, tmp_path):
    article = make_article(1)
    save(store, article)
    with store.transaction():
        store.mark_gone(article.id)
    writer.update(store, tmp_path)
    with writer.open_index(tmp_path).searcher() as searcher:
        assert searcher.document(id=article.id)["status"] == "gone"


def test_batched_commits_remember_progress(store, tmp_path):
    save(store, *[make_article(n) for n in range(7)])
    assert writer.update(store, tmp_path, batch=3).indexed == 7
    save(store, make_article(7))
    assert writer.update(store, tmp_path, batch=3).indexed == 1


def test_rebuild_swaps_in_a_new_generation(store, tmp_path):
    save(store, *[make_article(n) for n in range(3)])
    first = writer.update(store, tmp_path).generation
    second = writer.rebuild(store, tmp_path).generation
    assert first != second
    assert writer.current_generation(tmp_path).name == second
    assert len(hits(tmp_path, Term("source", "tinhuy"))) == 3


def test_second_writer_fails_with_a_clear_message(store, tmp_path):
    with writer.writer_lock(tmp_path), pytest.raises(writer.IndexLockedError, match="wait for it"):
        writer.update(store, tmp_path, wait=0.3)


REBUILD = textwrap.dedent(
    """
    import sys
    from crawler.store import Store
    from index import writer
    with Store.in_data_dir(sys.argv[1]) as store:
        writer.rebuild(store, sys.argv[1])
    """
)


def test_kill_mid_rebuild_leaves_a_working_index(store, tmp_path):
    save(store, *[make_article(n) for n in range(1500)])
    writer.update(store, tmp_path)
    live = writer.current_generation(tmp_path)
    process = subprocess.Popen([sys.executable, "-c", REBUILD, str(tmp_path)])
    deadline = time.monotonic() + 60
    while len(list((tmp_path / "index").glob("gen-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert writer.current_generation(tmp_path) == live
    assert len(hits(tmp_path, Term("source", "tinhuy"))) == 1500
    writer.rebuild(store, tmp_path)
    assert len(hits(tmp_path, Term("source", "tinhuy"))) == 1500
    assert len(list((tmp_path / "index").glob("gen-*"))) == 2
