"""When the machine refuses: a read-only data dir, a full disk, a rebuild worker killed, a data
dir with no archive. Each ends in one line naming what to do, and nothing stored is lost.

The disks are real (a small tmpfs, filled up or remounted read-only; see tests/filesystems.py)
and so is the dying worker (killed with SIGKILL while it indexes).
"""

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler.article import Article
from crawler.capture import CaptureWriter, captures_dir, read_capture
from crawler.sample import serve_sample
from crawler.store import Store
from index import writer
from tests.filesystems import fill, remount, tmpfs
from tests.webui_fixtures import ARTICLES, save_articles
from vnsearch.cli.main import main


@pytest.fixture(scope="module")
def archive():
    with serve_sample() as running:
        yield running


def vnsearch(data_dir: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--data-dir", str(data_dir)])


def crawl(data_dir: Path, url: str, *options: str):
    return vnsearch(data_dir, "crawl", url, "--delay", "0", *options)


def assert_one_line_error(result, *phrases: str) -> None:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for phrase in phrases:
        assert phrase in lines[0], (phrase, lines[0])


def stored(data_dir: Path) -> dict[str, str]:
    """Every stored article's id and content hash, after checking that SQLite finds the store
    whole and that its capture reads back."""
    with Store.in_data_dir(data_dir) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for _, _, ref in store.captures():
            assert read_capture(captures_dir(data_dir), ref)[2]
        rows = store.db.execute("SELECT id, content_hash FROM articles")
        return {row["id"]: row["content_hash"] for row in rows}


def index_state(data_dir: Path) -> dict:
    root = writer.index_root(data_dir)
    return {
        "current": (root / writer.CURRENT).read_text(),
        "documents": writer.indexed_count(data_dir),
        "seq": (writer.current_generation(data_dir) / writer.SEQ_FILE).read_text(),
        "generations": sorted(p.name for p in root.glob("gen-*")),
    }


def found(data_dir: Path, query: str) -> set[str]:
    result = vnsearch(data_dir, "search", query, "--json", "--limit", "100")
    assert result.exit_code == 0, result.output
    return {hit["id"] for hit in json.loads(result.stdout)["hits"]}


# -- a read-only data dir -------------------------------------------------------------------


def test_writing_into_a_read_only_data_dir_names_the_path_and_searching_still_works(
    archive, tmp_path
):
    export = tmp_path / "articles.jsonl"
    with tmpfs(tmp_path / "disk") as disk:
        data = disk / "data"
        assert crawl(data, archive.sites["tinhuy"]).exit_code == 0
        assert vnsearch(data, "export", "-o", str(export)).exit_code == 0
        before, hits = stored(data), found(data, "dan van")
        assert before and hits
        remount(disk, "ro")
        try:
            for args in (["crawl", archive.sites["baotinh"], "--delay", "0"], ["index"],
                         ["index", "--rebuild"], ["import", str(export)]):
                assert_one_line_error(vnsearch(data, *args), str(data),
                                      "is on a read-only file system", "remount it read-write")
            assert_one_line_error(crawl(disk / "new", archive.sites["tinhuy"]),
                                  f"{disk / 'new'} is on a read-only file system")
            assert found(data, "dan van") == hits
        finally:
            remount(disk, "rw")
        assert stored(data) == before


# -- a full disk ----------------------------------------------------------------------------


def test_a_crawl_that_fills_the_disk_stops_in_one_line_and_resumes_losing_nothing(
    archive, tmp_path
):
    url = archive.sites["tinhuy"]
    assert crawl(tmp_path / "roomy", url).exit_code == 0
    everything = stored(tmp_path / "roomy")
    with tmpfs(tmp_path / "disk") as disk:
        data = disk / "data"
        filler = fill(disk, leave=400_000)
        assert_one_line_error(crawl(data, url), f"the disk holding {data}",
                              "is full", "free some space")
        partial = stored(data)
        assert len(partial) < len(everything)
        for warc in (data / "warc").glob("*.warc.gz"):
            with open(warc, "rb") as stream:  # whole records only: a cut one was dropped
                assert all(record.content_stream().read() for record in ArchiveIterator(stream))
        filler.unlink()
        resumed = crawl(data, url)
        assert resumed.exit_code == 0, resumed.output
        complete = stored(data)
    assert complete.keys() == everything.keys()
    assert partial.items() <= complete.items()


def test_a_capture_the_disk_has_no_room_for_is_cut_off_whole(tmp_path):
    headers = {"Content-Type": "text/html; charset=utf-8"}
    with tmpfs(tmp_path / "disk") as disk:
        captures = CaptureWriter(captures_dir(disk), run_id=1)
        first = captures.write("http://127.0.0.1:9/a.html", 200, headers, "<p>Tin một</p>".encode())
        filler = fill(disk, leave=64_000)
        with pytest.raises(OSError) as refused:
            captures.write("http://127.0.0.1:9/b.html", 200, headers, os.urandom(400_000))
        assert refused.value.errno == errno.ENOSPC
        warc = disk / "warc" / captures.name
        with open(warc, "rb") as stream:
            assert [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)] \
                == ["http://127.0.0.1:9/a.html"]
        filler.unlink()
        second = captures.write("http://127.0.0.1:9/c.html", 200, headers, b"<p>Tin ba</p>")
        captures.close()
        assert read_capture(captures_dir(disk), first)[2] == "<p>Tin một</p>".encode()
        assert read_capture(captures_dir(disk), second)[0] == "http://127.0.0.1:9/c.html"


def test_an_index_commit_on_a_full_disk_leaves_the_live_index_as_it_was(archive, tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        data = disk / "data"
        assert crawl(data, archive.sites["tinhuy"]).exit_code == 0
        assert crawl(data, archive.sites["baotinh"], "--no-index").exit_code == 0
        before, hits, articles = index_state(data), found(data, "dan van"), stored(data)
        filler = fill(disk, leave=30_000)
        for args in (["index"], ["index", "--rebuild"]):
            assert_one_line_error(vnsearch(data, *args), "is full", "free some space")
            assert index_state(data) == before
            assert found(data, "dan van") == hits
        filler.unlink()
        result = vnsearch(data, "index")
        waiting = sum(a["site"] == "baotinh" for a in archive.truth["articles"])
        assert result.exit_code == 0 and f"indexed {waiting} article(s)" in result.output
        assert writer.indexed_count(data) == before["documents"] + waiting
        assert stored(data) == articles


# -- a rebuild worker that dies -------------------------------------------------------------


def spawned_workers(parent: int) -> list[int]:
    """The pool's worker processes among ``parent``'s children (not its resource tracker)."""
    workers = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"spawn_main" in command:
            workers.append(int(entry.name))
    return workers


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker in /proc")
def test_a_rebuild_whose_worker_is_killed_ends_in_one_sentence_and_keeps_the_index(tmp_path):
    save_articles(tmp_path, ARTICLES)
    before, hits = index_state(tmp_path), found(tmp_path, "dan van")
    with Store.in_data_dir(tmp_path) as store, store.transaction():
        for n in range(2 * writer.PART_MIN):  # enough for `index --rebuild` to use two workers
            store.save_article(Article(
                url=f"http://127.0.0.1:9/tin/{n}.html", title=f"Bản tin số {n} của Tỉnh ủy",
                body=f"Hội nghị lần thứ {n} bàn về công tác dân vận và xây dựng Đảng.",
                published="2020-05-01T08:00:00+07:00", source="tinhuy"))
    rebuild = subprocess.Popen(
        [sys.executable, "-c", "from vnsearch.cli.main import main; main()", "index", "--rebuild",
         "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    killed, deadline = None, time.monotonic() + 120
    while killed is None and rebuild.poll() is None and time.monotonic() < deadline:
        workers = spawned_workers(rebuild.pid)
        if workers:
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.02)
    out, err = rebuild.communicate(timeout=120)
    assert killed is not None, "no worker process was seen: " + out + err
    assert rebuild.returncode == 1 and "Traceback" not in err and "BrokenProcessPool" not in err
    assert err.strip().splitlines() == [
        "Error: a worker process of the index rebuild died (killed, or out of memory); the "
        "index in use is unchanged: run the rebuild again"
    ]
    assert index_state(tmp_path) == before
    assert found(tmp_path, "dan van") == hits


# -- no archive -----------------------------------------------------------------------------


def test_searching_a_data_dir_without_an_archive_says_so(archive, tmp_path):
    message = "holds no indexed article: crawl or import into it first"
    assert_one_line_error(vnsearch(tmp_path / "empty", "search", "dan van"), message)
    assert_one_line_error(vnsearch(tmp_path / "empty", "search", "--json"), message)
    crawled = tmp_path / "crawled"
    assert crawl(crawled, archive.sites["tinhuy"], "--no-index").exit_code == 0
    assert_one_line_error(vnsearch(crawled, "search", "dan van"), "run 'vnsearch index'")
    assert vnsearch(crawled, "index").exit_code == 0
    nothing = vnsearch(crawled, "search", "xyzzyq")
    assert nothing.exit_code == 0 and "0 article(s)" in nothing.output
