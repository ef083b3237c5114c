"""Runs the benchmark: each phase in a fresh process, so each phase's peak memory is its own.

Phases, in order: vnsearch bulk load (store insert + ``index.writer.rebuild(procs=2)``),
vnsearch queries through one :class:`search.engine.Engine`, the same queries collapsed by story
(``collapse="story"``), both again through ``GET /api/search`` of a fresh
``vnsearch serve --production``, vnsearch incremental add (store insert +
``index.writer.update``), the first search after a small commit, FTS5 build, FTS5 queries.
Collapsed and plain queries each run in a fresh process with the same warm-up, so neither
finds the other's postings in the caches.

The corpus is ``N`` articles; the last 1% (at least one) is held back from the bulk load and
added afterwards as the incremental batch. Queries are drawn from the bulk part only.

Memory: every phase process is started with ``spawn`` from the small parent process, which
never holds the corpus; its peak is ``getrusage(RUSAGE_SELF).ru_maxrss`` at the end of the
phase. The index build workers that ``procs=2`` starts are reported apart
(``RUSAGE_CHILDREN``: the largest of them); the API server's peak is its own ``VmHWM``. For the query phase the resident size after the
imports is reported too, and the delta between the two.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import resource
import shutil
import sqlite3
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vnsearch.bench import corpus as bench_corpus
from vnsearch.bench import reprints
from vnsearch.bench.queries import QUERY_TYPES, BenchQuery, make_queries, sample_articles

HOLD_BACK = 0.01
COLLAPSE = "story"  # one hit a story: the copies of a republished article counted once
COMMIT_ARTICLES = 10  # a crawl job's worth, committed before the first search of each type


class BenchError(RuntimeError):
    """The benchmark cannot run as asked; the message says why."""


@dataclass
class Options:
    articles: int = 10000
    seed: int = 1
    queries: int = 50
    corpus: Path | None = None
    save_corpus: Path | None = None
    keep: Path | None = None
    parent: Path | None = None  # where the temporary work dir goes


def run(options: Options, progress: Callable[[str], None] = lambda message: None) -> dict:
    workdir = _workdir(options)
    try:
        return _run(options, workdir, progress)
    finally:
        if options.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _workdir(options: Options) -> Path:
    if options.keep is None:
        return Path(tempfile.mkdtemp(prefix="bench-", dir=options.parent))
    keep = options.keep
    if keep.exists() and any(keep.iterdir()):
        raise BenchError(f"--keep {keep}: the directory must be empty or not exist yet")
    keep.mkdir(parents=True, exist_ok=True)
    return keep


def _run(options: Options, workdir: Path, progress) -> dict:
    started, load_before = time.perf_counter(), _load()
    corpus_info, path = _corpus(options, workdir, progress)
    total = corpus_info["articles"]
    held_back = max(1, int(total * HOLD_BACK))
    bulk = total - held_back
    if bulk < 1:
        raise BenchError("the corpus needs at least 2 articles")
    corpus_info.update(bulk=bulk, incremental=held_back, queries_per_type=options.queries)

    progress(f"queries: drawing {options.queries} of each type from the corpus")
    sample = sample_articles(bench_corpus.read_jsonl(path, stop=bulk), bulk, options.seed)
    queries = [q.to_dict() for q in make_queries(sample, options.queries, options.seed)]
    del sample

    vn_dir, fts_path = workdir / "vnsearch", workdir / "fts5.sqlite"
    progress(f"vnsearch: loading {bulk:,} articles into the store and building the index")
    build = _in_process(vnsearch_build, str(path), bulk, str(vn_dir))
    progress(_done("vnsearch build", build["build"]))
    progress(f"vnsearch: {len(queries)} queries (+{len(QUERY_TYPES)} warm-up)")
    search = _in_process(vnsearch_search, str(vn_dir), queries)
    progress(f"vnsearch: the same queries with collapse={COLLAPSE}")
    collapsed = _in_process(vnsearch_search, str(vn_dir), queries, COLLAPSE)
    progress("vnsearch: the same queries through GET /api/search of vnsearch serve")
    api = _in_process(vnsearch_api, str(vn_dir), queries)
    progress(f"vnsearch: the same through GET /api/search?collapse={COLLAPSE}")
    api_collapsed = _in_process(vnsearch_api, str(vn_dir), queries, COLLAPSE)
    progress(f"vnsearch: adding {held_back:,} articles through index.writer.update")
    incremental = _in_process(vnsearch_incremental, str(path), bulk, held_back, str(vn_dir))
    progress(_done("vnsearch incremental", incremental["incremental"]))
    progress(f"vnsearch: first search after a commit of {COMMIT_ARTICLES} articles, each type")
    after_commit = _in_process(vnsearch_after_commit, str(path), bulk, str(vn_dir), queries)
    progress(f"fts5: building the database from {bulk:,} articles")
    fts_build = _in_process(fts5_build, str(path), bulk, str(fts_path))
    progress(_done("fts5 build", fts_build["build"]))
    progress(f"fts5: {len(queries)} queries (+{len(QUERY_TYPES)} warm-up)")
    fts_search = _in_process(fts5_search, str(fts_path), queries)

    vnsearch = {
        "build": build["build"],
        "incremental": incremental["incremental"],
        "index_bytes": build["index_bytes"],
        "store_bytes": build["store_bytes"],
        "memory": {
            "build_peak_mb": build["memory"]["peak_mb"],
            "build_workers_peak_mb": build["memory"]["children_peak_mb"],
            **_search_memory(search),
            "collapsed_search_peak_mb": collapsed["memory"]["peak_mb"],
            "incremental_peak_mb": incremental["memory"]["peak_mb"],
            "api_server_peak_mb": api["memory"]["server_peak_mb"],
            "api_server_collapsed_peak_mb": api_collapsed["memory"]["server_peak_mb"],
        },
        "warmup_ms": search["warmup_ms"],
        "queries": search["queries"],
        "collapsed": {"warmup_ms": collapsed["warmup_ms"], "queries": collapsed["queries"]},
        "after_commit": after_commit,
        "api": {"warmup_ms": api["warmup_ms"], "queries": api["queries"]},
        "api_collapsed": {"warmup_ms": api_collapsed["warmup_ms"],
                          "queries": api_collapsed["queries"],
                          "collapsed_as_asked": api_collapsed["collapsed_as_asked"]},
    }
    fts5 = {
        "build": fts_build["build"],
        "db_bytes": fts_build["db_bytes"],
        "memory": {
            "build_peak_mb": fts_build["memory"]["peak_mb"],
            **_search_memory(fts_search),
        },
        "warmup_ms": fts_search["warmup_ms"],
        "queries": fts_search["queries"],
    }
    return {
        "corpus": corpus_info,
        "environment": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cpus": multiprocessing.cpu_count(),
            "whoosh_procs": 2,
            "load_average_start": load_before,
            "load_average_end": _load(),
        },
        "vnsearch": vnsearch,
        "fts5": fts5,
        "p95_ratio": _p95_ratios(vnsearch, fts5),
        "api_p95_ratio": _p95_ratios(vnsearch["api"], fts5),
        "collapse_p95_ratio": _p95_ratios(vnsearch["collapsed"], vnsearch),
        "api_collapse_p95_ratio": _p95_ratios(vnsearch["api_collapsed"], vnsearch["api"]),
        "size_ratio": _ratio(vnsearch["index_bytes"], fts5["db_bytes"]),
        "build_rate_ratio": _ratio(
            vnsearch["build"]["articles_per_s"], fts5["build"]["articles_per_s"]
        ),
        "memory_method": (
            "each phase runs in a fresh spawned process: peak = ru_maxrss of that process; "
            "build workers = ru_maxrss of the largest forked Whoosh worker; "
            "search delta = peak minus the resident size after imports"
        ),
        "kept": str(workdir) if options.keep is not None else None,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _corpus(options: Options, workdir: Path, progress) -> tuple[dict, Path]:
    """The corpus file, and how many articles and stories it holds."""
    tally = reprints.Tally()
    if options.corpus is not None:
        path = workdir / "corpus.jsonl"
        progress(f"corpus: reading {options.corpus} (officials found in the bodies, a third"
                 " republished unless the file names its stories)")
        articles = bench_corpus.prepared(options.corpus, options.seed)
        count = bench_corpus.write_jsonl(
            tally(bench_corpus.with_stories(articles, options.seed)), path
        )
        return {"articles": count, "generated": False, "seed": options.seed,
                **tally.summary()}, path
    path = options.save_corpus or workdir / "corpus.jsonl"
    progress(f"corpus: generating {options.articles:,} articles (seed {options.seed})")
    began = time.perf_counter()
    count = bench_corpus.write_jsonl(
        tally(bench_corpus.generate(options.articles, options.seed)), path
    )
    info = {
        "articles": count,
        "generated": True,
        "seed": options.seed,
        "generate_seconds": round(time.perf_counter() - began, 2),
        **tally.summary(),
    }
    return info, path


def _search_memory(phase: dict) -> dict:
    start, peak = phase["memory"]["start_mb"], phase["memory"]["peak_mb"]
    return {"search_start_mb": start, "search_peak_mb": peak, "search_delta_mb": round(peak - start, 1)}


def _done(what: str, stats: dict) -> str:
    return f"{what}: {stats['articles']:,} articles in {stats['seconds']:.1f} s" \
        f" ({stats['articles_per_s']:.1f}/s)"


def _load() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine skews the timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def _p95_ratios(ours: dict, baseline: dict) -> dict:
    """Each query type's p95 over the baseline's p95."""
    return {kind: _ratio(ours["queries"][kind]["p95_ms"], baseline["queries"][kind]["p95_ms"])
            for kind in QUERY_TYPES}


def _grouping(stats) -> float | None:
    """Seconds the index writer spent grouping stories, if it says (``IndexStats``)."""
    seconds = getattr(stats, "grouping_seconds", None)
    return None if seconds is None else round(seconds, 3)


# -- running a phase in a fresh process --------------------------------------------------------


def _in_process(function: Callable, *args):
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_phase_main, args=(sender, function.__name__, args))
    process.start()
    sender.close()
    try:
        status, value = receiver.recv()
    except EOFError:
        status, value = "error", "the phase process ended without a result"
    finally:
        receiver.close()
        process.join()
    if status != "ok":
        raise BenchError(f"{function.__name__} failed:\n{value}")
    return value


def _phase_main(sender, name: str, args: tuple) -> None:
    try:
        sender.send(("ok", globals()[name](*args)))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


def _peak_mb(who=resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # kilobytes on Linux


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return round(pages * resource.getpagesize() / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return 0.0


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _rate(count: int, seconds: float) -> dict:
    return {
        "articles": count,
        "seconds": round(seconds, 3),
        "articles_per_s": round(count / seconds, 1) if seconds > 0 else 0.0,
    }


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    at = (len(ordered) - 1) * p / 100
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def _latencies(timings: dict[str, list[float]], totals: dict[str, list[int]]) -> dict:
    summary = {}
    for kind in QUERY_TYPES:
        values, matched = timings.get(kind, []), totals.get(kind, [])
        summary[kind] = {
            "count": len(values),
            "p50_ms": round(percentile(values, 50), 2),
            "p95_ms": round(percentile(values, 95), 2),
            "p99_ms": round(percentile(values, 99), 2),
            "mean_ms": round(sum(values) / len(values), 2) if values else 0.0,
            "max_ms": round(max(values), 2) if values else 0.0,
            "mean_matches": round(sum(matched) / len(matched), 1) if matched else 0.0,
            "min_matches": min(matched) if matched else 0,
        }
    return summary


def _timed_queries(queries: list[dict], search: Callable[[BenchQuery], int]) -> dict:
    """Warm-up (the first query of each type, once), then every query timed; totals kept."""
    warmup = {}
    for kind in QUERY_TYPES:
        first = next((q for q in queries if q["type"] == kind), None)
        if first is not None:
            began = time.perf_counter()
            search(BenchQuery(**first))
            warmup[kind] = round((time.perf_counter() - began) * 1000, 2)
    timings: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    for data in queries:
        query = BenchQuery(**data)
        began = time.perf_counter()
        total = search(query)
        timings.setdefault(query.type, []).append((time.perf_counter() - began) * 1000)
        totals.setdefault(query.type, []).append(total)
    return {"warmup_ms": warmup, "queries": _latencies(timings, totals)}


# -- the phases (each runs in its own process) -------------------------------------------------


def _articles(path: str, start: int, stop: int):
    from crawler.article import EXPORT_KEYS, Article

    for data in bench_corpus.read_jsonl(path, start, stop):
        yield Article(**{k: data[k] for k in EXPORT_KEYS if k in data})


def vnsearch_build(path: str, bulk: int, data_dir: str) -> dict:
    from crawler.store import Store
    from index import writer

    began = time.perf_counter()
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for article in _articles(path, 0, bulk):
                store.save_article(article)
        stored = time.perf_counter()
        stats = writer.rebuild(store, data_dir, procs=2)
    done = time.perf_counter()
    generation = writer.current_generation(data_dir)
    try:
        segments = len(writer.open_index(data_dir)._segments())
    except AttributeError:
        segments = None
    result = _rate(stats.indexed, done - began)
    result.update(
        store_seconds=round(stored - began, 3),
        index_seconds=round(done - stored, 3),
        grouping_seconds=_grouping(stats),
        grouping_quality=_grouping_quality(path, bulk, generation),
        segments=segments,
    )
    return {
        "build": result,
        "index_bytes": _size(generation),
        "store_bytes": sum(_size(p) for p in Path(data_dir).glob("store.sqlite*")),
        "memory": {
            "peak_mb": _peak_mb(),
            "children_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        },
    }


def _grouping_quality(path: str, bulk: int, generation: Path) -> dict | None:
    """The stories the index grouped against the corpus's own (each copy names its original)."""
    from index.story_table import FILE, StoryTable

    if not (generation / FILE).exists():
        return None
    truth = {a["id"]: a["story"] for a in bench_corpus.read_jsonl(path, 0, bulk) if "story" in a}
    table = StoryTable(generation)
    try:
        return reprints.pair_agreement(table.stories(), truth) if truth else None
    finally:
        table.close()


def vnsearch_search(data_dir: str, queries: list[dict], collapse: str = "") -> dict:
    from search.engine import Engine

    start_mb = _resident_mb()
    engine = Engine(data_dir)
    result = _timed_queries(
        queries, lambda q: engine.search(q.request(collapse=collapse))["total"]
    )
    result["memory"] = {"start_mb": start_mb, "peak_mb": _peak_mb()}
    return result


def vnsearch_api(data_dir: str, queries: list[dict], collapse: str = "") -> dict:
    """The queries one after another through HTTP, as an embedding site sends them; whether
    every answer was collapsed as asked (a server that does not read ``collapse`` answers
    with every copy, and its figures are not those of collapsed queries)."""
    import requests

    from vnsearch.bench.server import start_server

    process, url = start_server(data_dir)
    answered = set()
    try:
        with requests.Session() as session:

            def search(query: BenchQuery) -> int:
                response = session.get(url + "api/search", params=query.params(collapse=collapse),
                                       timeout=300)
                response.raise_for_status()
                found = response.json()
                answered.add(found.get("collapse") or "")
                return found["total"]

            result = _timed_queries(queries, search)
        result["collapsed_as_asked"] = answered == {collapse}
        result["memory"] = {"server_peak_mb": _process_peak_mb(process.pid)}
        return result
    finally:
        process.terminate()
        process.wait()


def _process_peak_mb(pid: int) -> float:
    """Another process's peak resident size (``VmHWM``), in MB."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def vnsearch_incremental(path: str, bulk: int, count: int, data_dir: str) -> dict:
    from crawler.store import Store
    from index import writer

    articles = list(_articles(path, bulk, bulk + count))
    began = time.perf_counter()
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for article in articles:
                store.save_article(article)
        stored = time.perf_counter()
        stats = writer.update(store, data_dir)
    done = time.perf_counter()
    result = _rate(stats.indexed, done - began)
    result.update(index_seconds=round(done - stored, 3), grouping_seconds=_grouping(stats))
    return {"incremental": result, "memory": {"peak_mb": _peak_mb()}}


def vnsearch_after_commit(path: str, bulk: int, data_dir: str, queries: list[dict]) -> dict:
    """For each query type: a warm search, then a commit of a few edited articles through
    ``index.writer.update`` (a new segment, and deletions in the segments of their old
    versions), then the same search once, the first after the commit, and once more."""
    from crawler.store import Store
    from index import writer
    from search.engine import Engine

    engine = Engine(data_dir)
    edited = list(_articles(path, 0, min(bulk, COMMIT_ARTICLES * len(QUERY_TYPES))))
    result = {}
    for number, kind in enumerate(QUERY_TYPES):
        query = BenchQuery(**next(q for q in queries if q["type"] == kind))
        warm = min(_ms(engine.search, query.request()) for _ in range(3))
        began = time.perf_counter()
        with Store.in_data_dir(data_dir) as store:
            with store.transaction():
                for article in edited[number * COMMIT_ARTICLES : (number + 1) * COMMIT_ARTICLES]:
                    article.body += f"\n\nCập nhật lần {number + 1}."
                    store.save_article(article)
            writer.update(store, data_dir)
        commit = (time.perf_counter() - began) * 1000
        first = _ms(engine.search, query.request())
        result[kind] = {
            "warm_ms": round(warm, 2),
            "first_ms": round(first, 2),
            "again_ms": round(_ms(engine.search, query.request()), 2),
            "ratio": _ratio(first, warm),
            "commit_ms": round(commit, 1),
        }
    return result


def _ms(function: Callable, *args) -> float:
    began = time.perf_counter()
    function(*args)
    return (time.perf_counter() - began) * 1000


def fts5_build(path: str, bulk: int, db_path: str) -> dict:
    from vnsearch.bench import fts5

    began = time.perf_counter()
    count = fts5.build(db_path, bench_corpus.read_jsonl(path, 0, bulk))
    seconds = time.perf_counter() - began
    return {
        "build": _rate(count, seconds),
        "db_bytes": _size(Path(db_path)),
        "memory": {"peak_mb": _peak_mb()},
    }


def fts5_search(db_path: str, queries: list[dict]) -> dict:
    from vnsearch.bench import fts5

    start_mb = _resident_mb()
    searcher = fts5.Searcher(db_path)
    try:
        result = _timed_queries(
            queries,
            lambda q: searcher.search(q.q, q.officials, q.date_from, q.date_to,
                                      words=q.words)["total"],
        )
    finally:
        searcher.close()
    result["memory"] = {"start_mb": start_mb, "peak_mb": _peak_mb()}
    return result
