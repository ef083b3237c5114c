"""Keeps the Whoosh index in step with the store, and rebuilds it without a moment of downtime.

The index lives in generations under ``DATA/index/``: ``CURRENT`` names the live one. An update
writes into the live generation; a rebuild writes a new one and swaps ``CURRENT`` with an atomic
rename, so a kill at any moment leaves a working index, old or new. Each generation remembers
the last store ``seq`` it holds, so an interrupted update replays from there (updates are by
unique id, so replaying twice changes nothing).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import connection, get_context
from pathlib import Path

from whoosh import index as whoosh_index

from crawler.store import Store, open_store
from index import stories
from index.schema import build_schema, document
from index.segment import ArraySegmentWriter
from index.story_table import Copy, StoryTable

CURRENT = "CURRENT"
SEQ_FILE = "vnsearch-seq"
SEGMENT_DOCS = 10_000  # a segment's postings are held in memory until it is written
PART_MIN = 5_000  # fewer articles a worker and starting the worker costs more than it saves


class IndexLockedError(RuntimeError):
    """Another process holds the index for writing."""


class IndexBuildError(RuntimeError):
    """A rebuild could not finish; the index in use is unchanged."""


@dataclass
class IndexStats:
    indexed: int = 0
    generation: str = ""
    grouping_seconds: float = 0.0  # of the time taken, what grouping copies into stories took


def index_root(data_dir: str | Path) -> Path:
    return Path(data_dir) / "index"


def current_generation(data_dir: str | Path) -> Path | None:
    root = index_root(data_dir)
    try:
        name = (root / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return root / name


def indexed_count(data_dir: str | Path) -> int:
    """Documents in the live index, 0 when there is none; creates nothing."""
    generation = current_generation(data_dir)
    if generation is None or not whoosh_index.exists_in(generation):
        return 0
    return whoosh_index.open_dir(str(generation)).doc_count()


def open_index(data_dir: str | Path, schema=None) -> whoosh_index.Index:
    """The live index for reading; an empty one is created on first use.

    ``schema``, the live generation's schema read before, spares unpickling it again (a
    generation's schema never changes; a rebuild writes a new generation)."""
    generation = current_generation(data_dir)
    if generation is not None and whoosh_index.exists_in(generation):
        return whoosh_index.open_dir(str(generation), schema=schema)
    with writer_lock(data_dir):
        return _live_index(data_dir)


def _live_index(data_dir: str | Path) -> whoosh_index.Index:
    """The live index for a caller that holds the writer lock."""
    generation = current_generation(data_dir)
    if generation is None or not whoosh_index.exists_in(generation):
        generation = _new_generation(data_dir)
        _swap_to(data_dir, generation)
    return whoosh_index.open_dir(str(generation))


@contextmanager
def writer_lock(data_dir: str | Path, wait: float = 30.0) -> Iterator[None]:
    """One writer at a time; the lock dies with its process, so a kill never leaves it behind."""
    root = index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "writer.lock", "a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another vnsearch process is writing the index in {root}; "
                        "wait for it to finish (or stop it) and run the command again"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def update(store: Store, data_dir: str | Path, batch: int = 5000, wait: float = 30.0) -> IndexStats:
    """Index every store change the live generation has not seen, committing in batches."""
    with writer_lock(data_dir, wait):
        ix = _live_index(data_dir)
        generation = Path(ix.storage.folder)
        stats = _write(ix, store, store.changes_since(_read_seq(generation)), generation, batch)
        stats.generation = generation.name
        return stats


def rebuild(
    store: Store,
    data_dir: str | Path,
    procs: int = 1,
    wait: float = 30.0,
    part_min: int = PART_MIN,
    segment_docs: int = SEGMENT_DOCS,
) -> IndexStats:
    """Build a fresh generation from the whole store, then swap it in atomically.

    With ``procs`` > 1 the store is cut into runs of at least ``part_min`` articles, each
    written into segments of its own by a worker process. Stories are grouped first, over the
    whole store (a story's copies may be anywhere in it), and each part then writes its
    articles with their stories."""
    with writer_lock(data_dir, wait):
        previous = current_generation(data_dir)
        generation = _new_generation(data_dir)
        try:
            parts = store.seq_ranges(max(1, min(procs, store.count_articles() // part_min)))
            started = time.perf_counter()
            _group(store, generation, parts)
            grouping = time.perf_counter() - started
            location = store.location
            results = _in_workers(_write_part, [(location, generation, segment_docs, *part)
                                                for part in parts])
            _commit_segments(generation, [s for part in results for s in part.segments])
            _write_seq(generation, max((part.last_seq for part in results), default=0))
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)  # a full disk wants its space back
            raise
        _swap_to(data_dir, generation)
        _remove_old_generations(data_dir, keep={generation.name, getattr(previous, "name", "")})
        return IndexStats(indexed=sum(p.count for p in results), generation=generation.name,
                          grouping_seconds=grouping)


def _group(store: Store, generation: Path, parts: list) -> None:
    """Sign every article (a worker a part), then group the signatures into the generation's
    story table, which the parts read when they write."""
    signed = _in_workers(_sign_part, [(store.location, *part) for part in parts])
    ids = [article_id for part in signed for article_id in part.ids]
    seen = store.first_seen(ids)
    table = StoryTable(generation)
    try:
        table.fill([Copy(i, seen.get(i, ""), fingerprint) for part in signed
                    for i, fingerprint in zip(part.ids, part.prints, strict=True)])
        table.commit()
    finally:
        table.close()


@dataclass
class Signed:
    ids: list[str]
    prints: list[stories.Fingerprint]


def _sign_part(store_location: str, after: int, upto: int) -> Signed:
    signed = Signed([], [])
    with open_store(store_location) as store:
        for _, article, _ in store.changes_since(after, upto):
            signed.ids.append(article.id)
            signed.prints.append(stories.fingerprint(article.body))
    return signed


def _in_workers(task, calls: list[tuple]) -> list:
    """``task(*call)`` for each call, each in a worker process of its own, which sends its
    result through a pipe of its own: no lock or queue is shared, so a worker that is killed
    (out of memory, SIGKILL) cannot leave the rebuild waiting forever, as it can in a
    ProcessPoolExecutor. One call runs in this process."""
    if len(calls) == 1:
        return [task(*calls[0])]
    context, workers = get_context("spawn"), []
    try:
        for call in calls:
            receive, send = context.Pipe(duplex=False)
            worker = context.Process(target=_part_worker, args=(send, task, *call))
            worker.start()
            send.close()  # the worker holds the only writing end: its death is our EOF
            workers.append((worker, receive))
        results, pending = [None] * len(workers), {r: n for n, (_, r) in enumerate(workers)}
        while pending:  # in the order they finish, so that a dead worker stops the rest at once
            for receive in connection.wait(list(pending)):
                results[pending.pop(receive)] = _part_result(receive)
        return results
    finally:
        for worker, receive in workers:
            worker.kill()  # a no-op on a worker that finished
            worker.join()
            receive.close()


def _part_worker(send, task, *args) -> None:
    """In the worker process: the part done, or the exception that stopped it."""
    try:
        result = task(*args)
    except Exception as error:  # an OSError (a full disk) keeps its errno for the message
        result = error
    send.send(result)


def _part_result(receive) -> Part:
    try:
        result = receive.recv()
    except EOFError:
        raise IndexBuildError(
            "a worker process of the index rebuild died (killed, or out of memory); the index "
            "in use is unchanged: run the rebuild again"
        ) from None
    if isinstance(result, Exception):
        raise result
    return result


@dataclass
class Part:
    segments: list
    count: int = 0
    last_seq: int = 0


def _write_part(
    store_location: str, generation: Path, segment_docs: int, after: int, upto: int
) -> Part:
    """Index the articles with ``after < seq <= upto`` into new segments, not yet committed.

    Runs in a worker process (or in the caller's, for one part); a segment holds at most
    ``segment_docs`` articles, since its postings stay in memory until it is written."""
    ix = whoosh_index.open_dir(str(generation))
    part, segment = Part(segments=[]), None
    table = StoryTable(generation)
    story_of = table.stories()
    table.close()
    with open_store(store_location) as store:
        for seq, article, status in store.changes_since(after, upto):
            segment = segment or ArraySegmentWriter(ix, _lk=False)
            segment.add_document(**document(article, status, story_of.get(article.id, "")))
            part.count, part.last_seq = part.count + 1, seq
            if segment.doc_count() >= segment_docs:
                part.segments.append(_close(segment))
                segment = None
    if segment:
        part.segments.append(_close(segment))
    return part


def _close(segment: ArraySegmentWriter):
    """Write a segment's files and hand back its description, as Whoosh's own parallel writer
    does: the table of contents, and removing the temporary files every writer of the
    generation shares, are left to :func:`_commit_segments`."""
    return segment._finalize_segment()


def _commit_segments(generation: Path, segments: list) -> None:
    writer = ArraySegmentWriter(whoosh_index.open_dir(str(generation)))
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()


def _write(ix, store: Store, changes, generation: Path, batch: int) -> IndexStats:
    """Replace each changed article's document, committing every ``batch`` documents; an
    article whose story changed because of them (two stories joined) is written again too."""
    stats = IndexStats()
    table = StoryTable(generation) if "story" in ix.schema else None
    try:
        for chunk in _batches(changes, batch):
            started = time.perf_counter()
            placed = _place(table, store, [article for _, article, _ in chunk])
            stats.grouping_seconds += time.perf_counter() - started
            writer = ArraySegmentWriter(ix)
            for _, article, status in chunk:
                _replace(writer, ix, article, status, placed.get(article.id, ""))
            for article_id in placed.keys() - {article.id for _, article, _ in chunk}:
                article, meta = store.article(article_id), store.article_meta(article_id)
                if article is not None:
                    _replace(writer, ix, article, meta["status"], placed[article_id])
            writer.commit()
            if table is not None:
                table.commit()
            _write_seq(generation, chunk[-1][0])
            stats.indexed += len(chunk)
    finally:
        if table is not None:
            table.close()
    return stats


def _batches(changes, size: int):
    chunk = []
    for change in changes:
        chunk.append(change)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _place(table: StoryTable | None, store: Store, articles: list) -> dict[str, str]:
    if table is None:
        return {}
    seen = store.first_seen([a.id for a in articles])
    copies = [Copy(a.id, seen.get(a.id, ""), stories.fingerprint(a.body)) for a in articles]
    return table.place(copies)


def _replace(writer, ix, article, status: str, story: str) -> None:
    # an index made before a field was added takes the fields it knows until a rebuild
    fields = document(article, status, story)
    writer.update_document(**{k: v for k, v in fields.items() if k in ix.schema})


def _new_generation(data_dir: str | Path) -> Path:
    generation = index_root(data_dir) / f"gen-{time.time_ns()}"
    generation.mkdir(parents=True)
    whoosh_index.create_in(str(generation), build_schema())
    return generation


def _swap_to(data_dir: str | Path, generation: Path) -> None:
    root = index_root(data_dir)
    _atomic_write(root / CURRENT, generation.name)


def _remove_old_generations(data_dir: str | Path, keep: set[str]) -> None:
    """Drop all but ``keep`` (the new and the previous live one, which a reader may still
    serve from); this also clears what a killed rebuild left half-written."""
    for old in index_root(data_dir).glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _read_seq(generation: Path) -> int:
    try:
        return int((generation / SEQ_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return 0


def _write_seq(generation: Path, seq: int) -> None:
    _atomic_write(generation / SEQ_FILE, str(seq))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def publish(data_dir: str | Path, target: str | Path, wait: float = 30.0) -> Path:
    """Copy the live generation, whole, into ``target``'s index and make it live there.

    The copy is taken under the writer lock, so no update is half in it; ``target`` then holds
    only finished generations, each under a new name, with ``CURRENT`` written last. Search
    servers on other machines fetch ``target`` (``rsync`` the generations, then ``CURRENT``)
    and switch to a new generation as they do after a rebuild."""
    with writer_lock(data_dir, wait):
        live = Path(_live_index(data_dir).storage.folder)
        previous = current_generation(target)
        copy = index_root(target) / f"gen-{time.time_ns()}"
        shutil.copytree(live, copy, ignore=shutil.ignore_patterns("*LOCK*", "*.lock"))
    _swap_to(target, copy)
    _remove_old_generations(target, keep={copy.name, getattr(previous, "name", "")})
    return copy
