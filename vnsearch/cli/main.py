"""The ``vnsearch`` command. Subcommands are thin: the work lives in the packages they call."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import sqlite3
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawler import disk, jsonl
from crawler.batch import Options, Target, crawl_all
from crawler.config import ConfigError, load_sites
from crawler.crawl import progress_bar
from crawler.jobs import stop_on_signals
from crawler.reextract import reextract
from crawler.store import StoreError, is_postgres, open_store
from crawler.urls import canonicalize
from index import export, writer
from search.engine import SORTS, Engine, SearchError, SearchRequest
from search.filters import Filters
from search.query import MATCHES
from vnsearch.cli import terminal

M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h


def data_dir_option(command):
    """``--data-dir`` on every subcommand; the data dir holds everything vnsearch writes."""

    @click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="VNSEARCH_DATA_DIR",
        default=Path("data"),
        show_default=True,
        help="Directory for the store, captures and index (env VNSEARCH_DATA_DIR).",
    )
    @functools.wraps(command)
    def wrapper(*args, data_dir: Path, **kwargs):
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise click.ClickException(disk.explain(error, data_dir) or str(error)) from None
        return command(*args, data_dir=data_dir, **kwargs)

    return wrapper


def _store_url(ctx, param, value):
    if value and not is_postgres(value):
        raise click.BadParameter(
            f"{value!r} is not a PostgreSQL URL like postgresql://USER@HOST:5432/DB; leave "
            "--store out to use the SQLite store in the data dir"
        )
    return value or None


def store_option(command):
    """``--store`` on every subcommand that reads or writes the archive's store."""
    return click.option(
        "--store", "store_url", envvar="VNSEARCH_STORE", callback=_store_url,
        help="PostgreSQL store shared by several crawlers, postgresql://USER@HOST:PORT/DB "
        "(env VNSEARCH_STORE); default: SQLite in the data dir.",
    )(command)


def captures_option(command):
    """``--captures`` where the raw responses (WARC) are written and read."""
    return click.option(
        "--captures", type=click.Path(file_okay=False, path_type=Path),
        envvar="VNSEARCH_CAPTURES",
        help="Directory of the WARC captures, shared by every crawler of a PostgreSQL store "
        "(env VNSEARCH_CAPTURES); default: DATA_DIR/warc.",
    )(command)


def workers_option(what: str):
    return click.option(
        "--workers", default=4, show_default=True, type=click.IntRange(1, 256),
        help=f"{what} crawled at once (a host is still asked one request at a time).",
    )


def friendly_errors(command):
    """Known failures become one human sentence and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (writer.IndexLockedError, writer.IndexBuildError, SearchError, ConfigError,
                StoreError) as error:
            raise click.ClickException(str(error)) from None
        except (OSError, sqlite3.Error) as error:
            message = disk.explain(error, kwargs["data_dir"])
            if message is None:
                raise
            raise click.ClickException(message) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vnsearch")
def main():
    """vnsearch: crawl, index and search the Vietnamese political news archive."""


@main.command("index")
@click.option("--rebuild", is_flag=True,
              help="Extract every article again from its capture, build a fresh index and swap "
              "it in atomically.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="sites.toml whose CSS selectors the re-extraction uses.")
@click.option("--wait", default=30.0, show_default=True, help="Seconds to wait for another writer.")
@click.option("--follow", is_flag=True,
              help="Keep the index current: update, then look again every --interval seconds "
              "until SIGTERM or Ctrl-C.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between looks at the store, with --follow.")
@click.option("--publish", type=click.Path(file_okay=False, path_type=Path),
              help="After updating, copy the live index generation whole into this directory "
              "(with --follow: after each update), for search servers elsewhere to fetch.")
@store_option
@captures_option
@data_dir_option
@friendly_errors
def index_command(data_dir: Path, rebuild: bool, config_path: Path | None, wait: float,
                  follow: bool, interval: float, publish: Path | None, store_url: str | None,
                  captures: Path | None):
    """Bring the search index up to date with the store."""
    if rebuild and follow:
        raise click.UsageError("--rebuild and --follow do not go together; rebuild first")
    sites = load_sites(config_path) if config_path else None
    with open_store(store_url, data_dir) as store:
        if follow:
            _follow(store, data_dir, interval, wait, publish)
            return
        if rebuild:
            counts = reextract(store, data_dir, sites, captures)
            click.echo("re-extracted: " + _counts(counts))
            stats = writer.rebuild(store, data_dir, procs=2, wait=wait)
        else:
            stats = writer.update(store, data_dir, wait=wait)
    click.echo(f"indexed {stats.indexed} article(s) into {stats.generation}")
    _publish(data_dir, publish, wait)


def _follow(store, data_dir: Path, interval: float, wait: float, publish: Path | None) -> None:
    from index.follow import follow

    stop = threading.Event()
    with stop_on_signals(stop):
        for stats in follow(store, data_dir, interval, stop, wait):
            click.echo(f"indexed {stats.indexed} article(s) into {stats.generation}")
            _publish(data_dir, publish, wait)


def _publish(data_dir: Path, target: Path | None, wait: float) -> None:
    if target is not None:
        copy = writer.publish(data_dir, target, wait)
        click.echo(f"published {copy.name} to {target}")


@main.command("crawl")
@click.argument("urls", nargs=-1)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="sites.toml listing the sites to follow.")
@click.option("--site", "site_names", multiple=True, help="Only this site of the config.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Page budget of each site.")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to a host.")
@click.option("--contact", envvar="VNSEARCH_CONTACT",
              help="URL or e-mail in the User-Agent, so site owners can reach you.")
@click.option("--no-index", is_flag=True, help="Only fill the store; index later.")
@workers_option("Sites (or hosts of the start URLs)")
@store_option
@captures_option
@data_dir_option
@friendly_errors
def crawl_command(data_dir, urls, config_path, site_names, max_pages, delay, contact, no_index,
                  workers, store_url, captures):
    """Crawl sites into the archive: start URLs, or the sites of a config.

    SIGTERM or Ctrl-C finish the page in hand of each crawl; the next crawl resumes them."""
    targets = crawl_targets(urls, config_path, site_names)
    options = Options(max_pages, delay, contact, captures, threading.Event())
    busy = []
    with open_store(store_url, data_dir) as store, stop_on_signals(options.stop_event):
        with _progress(targets, max_pages) as progress:
            for target, summary in crawl_all(store, data_dir, targets, options, workers, progress):
                name = target.site.name if target.site else " ".join(target.start_urls)
                if summary is None:
                    busy.append(target.scope.name)
                    continue
                click.echo(f"{name}: {summary_line(summary)}")
        if not no_index:
            stats = writer.update(store, data_dir)
            click.echo(f"indexed {stats.indexed} article(s)")
    if busy:
        raise click.ClickException(
            f"{', '.join(busy)}: being crawled by another vnsearch process (the scheduler?); "
            "run this again when it has finished"
        )


@contextlib.contextmanager
def _progress(targets: list[Target], max_pages: int | None):
    """A progress bar when a person is watching one crawl."""
    if len(targets) != 1 or not sys.stderr.isatty():
        yield None
        return
    scope = targets[0].scope
    with progress_bar(max_pages or scope.max_pages, desc=scope.name, leave=False) as bar:
        yield bar


def crawl_targets(urls, config_path, site_names) -> list[Target]:
    """What to crawl; without a config, each host of the URLs is a crawl of its own, scoped to
    that host, and each article's source is its host."""
    for url in urls:
        if canonicalize(url) is None:
            raise click.UsageError(f"{url!r} is not an http(s) URL, e.g. https://tinhuykontum.org.vn/")
    if config_path is None:
        if site_names:
            raise click.UsageError("--site needs --config")
        if not urls:
            raise click.UsageError("give start URLs, or --config sites.toml")
        hosts: dict[str, list[str]] = {}
        for url in urls:
            hosts.setdefault(urlsplit(url).netloc.lower(), []).append(url)
        return [Target(None, group) for group in hosts.values()]
    sites = load_sites(config_path)
    unknown = [n for n in site_names if n not in sites]
    if unknown:
        raise click.UsageError(
            f"no site {unknown[0]!r} in {config_path}; it lists {', '.join(sites) or 'none'}"
        )
    chosen = [sites[n] for n in site_names] if site_names else list(sites.values())
    return [Target(site, list(urls)) for site in chosen]


def summary_line(summary) -> str:
    line = (
        f"{summary.pages} page(s) fetched; articles {summary.new} new, {summary.updated} "
        f"updated, {summary.unchanged} unchanged, {summary.not_modified} not modified"
    )
    if summary.undated:
        line += f"; {summary.undated} of them undated"
    dropped = _counts(summary.dropped)
    line += f"; not articles: {dropped}" if dropped else ""
    errors = _counts(summary.errors)
    return f"{line}; errors: {errors}" if errors else f"{line}; no errors"


def _counts(counter) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counter.items()) if n)


@main.command("search")
@click.argument("query", required=False, default="")
@click.option("--official", "officials", multiple=True, help="Only articles naming this official.")
@click.option("--source", help="Only this source (site name or host).")
@click.option("--section", help="Only this section.")
@click.option("--from", "date_from", help="From this date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", help="Up to this date, inclusive.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--match", type=click.Choice(MATCHES), default="words", show_default=True,
              help="words: syllables of a word stand together, with the diacritics typed; "
                   "syllables: every syllable anywhere, diacritics ignored.")
@click.option("--collapse", type=click.Choice(["none", "story"]), default="none", show_default=True,
              help="story: one hit a story (an article and its reprints in other outlets), "
                   "with the outlets that reprinted it; none: every copy.")
@click.option("--limit", default=10, show_default=True, help="Hits per page (1-100).")
@click.option("--page", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the API's response object.")
@data_dir_option
@friendly_errors
def search_command(data_dir, query, officials, source, section, date_from, date_to, sort,
                   match, collapse, limit, page, as_json):
    """Search the archive: words, "phrases", OR, -word, prefix*, title: and official:."""
    request = SearchRequest(
        q=query,
        filters=Filters(list(officials), source, section, date_from, date_to),
        sort=sort,
        page=page,
        page_size=limit,
        match=match,
        collapse=collapse,
    )
    response = Engine(data_dir).search(request)
    if not response["total"] and not writer.indexed_count(data_dir):
        raise click.ClickException(
            f"{data_dir} holds no indexed article: crawl or import into it first (after "
            "'crawl --no-index', run 'vnsearch index'), or point --data-dir at your archive"
        )
    if as_json:
        click.echo(json.dumps(response, ensure_ascii=False, indent=2))
    else:
        click.echo(terminal.render(response))


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-index", is_flag=True, help="Only fill the store; index later.")
@store_option
@data_dir_option
@friendly_errors
def import_command(data_dir: Path, path: Path, no_index: bool, store_url: str | None):
    """Load article objects (one JSON object a line, the export format) into the archive."""
    with open_store(store_url, data_dir) as store:
        report = jsonl.import_file(store, path)
        for number, reason in report.bad[:20]:
            click.echo(f"{path}:{number}: skipped: {reason}", err=True)
        if len(report.bad) > 20:
            click.echo(f"... and {len(report.bad) - 20} more bad line(s)", err=True)
        counts = report.counts
        click.echo(
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{len(report.bad)} bad line(s)"
        )
        if not no_index:
            stats = writer.update(store, data_dir)
            click.echo(f"indexed {stats.indexed} article(s)")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(export.FORMATS), default="jsonl",
              show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
@store_option
@data_dir_option
@friendly_errors
def export_command(data_dir: Path, fmt: str, output, store_url: str | None):
    """Write every stored article as JSONL (one object a line) or CSV.

    Each carries its story's id, the same for every copy of one article across outlets, read
    from the index; an article not indexed yet has an empty one. Import ignores it."""
    with open_store(store_url, data_dir) as store:
        count = export.write(export.export_objects(store, data_dir), output, fmt)
    click.echo(f"exported {count} article(s)", err=True)


@main.command("bench")
@click.option("--articles", default=10000, show_default=True, type=click.IntRange(min=10),
              help="Articles in the generated corpus, reprints included; the last 1% is the"
                   " incremental batch.")
@click.option("--seed", default=1, show_default=True, help="Seed of the corpus and the queries.")
@click.option("--queries", "per_type", default=50, show_default=True,
              type=click.IntRange(min=1), help="Queries of each type.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--corpus", "corpus_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this JSONL file (gzipped or not: an export, or id/title/body lines) instead "
                   "of generating (--articles is then ignored).")
@click.option("--save-corpus", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the generated corpus to this JSONL file.")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the corpus, store, index and FTS5 database in this (empty) directory.")
@data_dir_option
@friendly_errors
def bench_command(data_dir, articles, seed, per_type, as_json, corpus_file, save_corpus, keep):
    """Benchmark indexing and search on a synthetic corpus, against SQLite FTS5.

    Work files go to a temporary directory inside --data-dir, removed at the end (unless
    --keep); the archive already in the data dir is never read or changed. Progress goes to
    stderr, the result to stdout.
    """
    from vnsearch.bench import measure, report
    from vnsearch.bench.corpus import CorpusError

    if corpus_file is not None and save_corpus is not None:
        raise click.UsageError("--corpus and --save-corpus do not go together")
    options = measure.Options(
        articles=articles, seed=seed, queries=per_type, corpus=corpus_file,
        save_corpus=save_corpus, keep=keep, parent=data_dir,
    )
    try:
        result = measure.run(options, progress=lambda message: click.echo(message, err=True))
    except (measure.BenchError, CorpusError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(report.render(result))


def _rate_limit(ctx, param, value):
    """``off`` disables the limit; anything else must read like ``120/minute``."""
    if value is None or value.lower() == "off":
        return value
    from webui.security import RateLimiter

    try:
        RateLimiter.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return value


def _fewer_malloc_arenas() -> None:
    """glibc gives each thread a malloc arena of its own; with a thread a request the search
    buffers fragment across them all (at 100k articles, 8 threads: 560 MB peak, 335 MB with
    two arenas). Elsewhere than glibc this does nothing."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free).")
@click.option("--workers", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Requests served at once (threads of the production server).")
@click.option("--admin-token", envvar="VNSEARCH_ADMIN_TOKEN",
              help="Enable POST /api/admin/reindex for 'Authorization: Bearer TOKEN' "
              "(env VNSEARCH_ADMIN_TOKEN, which keeps it out of the process list).")
@click.option("--cors-origins", default="*", show_default=True,
              help="Origins whose pages may call the API and frame /embed, comma-separated.")
@click.option("--rate-limit", callback=_rate_limit,
              help="Requests per client to the API and feed, e.g. 60/minute; 'off' disables. "
              "Default: 120/minute when --host is a public address, off on loopback. Requests "
              "from loopback (127.0.0.0/8, ::1) are never limited.")
@click.option("--trusted-proxies", default=0, show_default=True, type=click.IntRange(0, 10),
              help="Reverse proxies in front whose X-Forwarded-* headers are believed.")
@click.option("--production", is_flag=True,
              help="Serve with waitress (multi-threaded) instead of the development server.")
@store_option
@data_dir_option
def serve_command(data_dir, host, port, workers, admin_token, cors_origins, rate_limit,
                  trusted_proxies, production, store_url):
    """Serve the web interface, the JSON API, exports and feeds (read-only).

    On 127.0.0.1 (the default) nothing is rate-limited: scripts and notebooks may page through
    results as fast as they like. On a public --host each client gets 120 requests a minute to
    the API and the feed unless --rate-limit says otherwise; requests from loopback never count.
    """
    from webui import create_app  # Flask is loaded only by the command that needs it
    from webui.security import listens_on_loopback, serve_rate_limit

    _fewer_malloc_arenas()
    limit = serve_rate_limit(rate_limit, host)
    if limit and listens_on_loopback(host) and not trusted_proxies:
        click.echo("--rate-limit limits no one here: every request to a loopback address comes "
                   "from loopback; behind a proxy, add --trusted-proxies", err=True)

    app = create_app({
        "DATA_DIR": data_dir,
        "STORE": store_url,
        "ADMIN_TOKEN": admin_token or None,
        "CORS_ORIGINS": cors_origins,
        "RATE_LIMIT": limit,
        "TRUSTED_PROXIES": trusted_proxies,
    })
    if production:
        from waitress import create_server

        server = create_server(app, host=host, port=port, threads=workers, ident="vnsearch")
        address, run = (server.effective_host, server.effective_port), server.run
    else:
        from werkzeug.serving import make_server

        server = make_server(host, port, app, threaded=True)
        address, run = (server.host, server.server_port), server.serve_forever
        click.echo("development server: use --production for anything public", err=True)
    click.echo(f"vnsearch: serving {data_dir} on http://{address[0]}:{address[1]}/")
    click.echo(f"rate limit: {limit} per client on /api/ and /feed.atom, loopback exempt"
               if limit else "rate limit: off", err=True)
    run()


@main.command("demo")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port of the search UI (0: any).")
@data_dir_option
@friendly_errors
def demo_command(data_dir: Path, port: int):
    """Crawl the bundled sample archive on 127.0.0.1, index it and serve the search UI."""
    from werkzeug.serving import make_server

    from vnsearch.cli import demo
    from webui import create_app

    demo_dir, archive = demo.prepare(data_dir, click.echo)
    with archive:
        app = create_app({"DATA_DIR": demo_dir, "RATE_LIMIT": None})
        try:
            server = make_server("127.0.0.1", port, app, threaded=True)
        except OSError as error:
            raise click.ClickException(f"port {port} is busy ({error.strerror}); "
                                       "pass another with --port") from None
        click.echo(f"vnsearch demo: open http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")


@main.command("schedule")
@click.option("--config", "config_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="sites.toml; every site with a schedule is followed.")
@click.option("--once", is_flag=True,
              help="Run the jobs due now, then exit (for cron or a systemd timer).")
@click.option("--site", "site_names", multiple=True, help="Only this site of the config.")
@click.option("--max-jobs", type=click.IntRange(min=1), help="Exit after this many jobs.")
@click.option("--contact", envvar="VNSEARCH_CONTACT",
              help="URL or e-mail in the User-Agent, so site owners can reach you.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]),
              default="info", show_default=True)
@click.option("--no-index", is_flag=True,
              help="Only fill the store (another process runs `vnsearch index --follow`).")
@workers_option("Sites")
@store_option
@captures_option
@data_dir_option
@friendly_errors
def schedule_command(data_dir, config_path, once, site_names, max_jobs, contact, log_level,
                     no_index, workers, store_url, captures):
    """Crawl each site when its schedule says, updating the index after each job.

    Runs until SIGTERM or Ctrl-C, which finish the page in hand of every running job and record
    each as stopped; the next start resumes them. Several schedulers on one PostgreSQL store
    share its sites. Logs go to stderr.
    """
    from crawler.jobs import Scheduler, scheduled_sites
    from vnsearch.cli import schedule

    sites = scheduled_sites(load_sites(config_path), site_names, config_path)
    schedule.configure_logging(log_level)
    stop = threading.Event()
    after_job = None if no_index else schedule.index_after_job(data_dir)
    with open_store(store_url, data_dir) as store, stop_on_signals(stop):
        scheduler = Scheduler(store, data_dir, sites, workers=workers, captures=captures,
                              after_job=after_job, stop_event=stop, contact=contact)
        scheduler.run(once=once, max_jobs=max_jobs)


@main.command("jobs")
@click.option("--json", "as_json", is_flag=True, help="Print the API's response object.")
@store_option
@data_dir_option
@friendly_errors
def jobs_command(data_dir: Path, as_json: bool, store_url: str | None):
    """The scheduled jobs: last run, outcome, new articles and next run of each site."""
    from vnsearch.cli.schedule import jobs_table

    with open_store(store_url, data_dir) as store:
        jobs = store.jobs()
    if as_json:
        click.echo(json.dumps({"jobs": jobs}, ensure_ascii=False, indent=2))
    else:
        click.echo(jobs_table(jobs))
