"""The ``vnsearch`` command. Subcommands are thin: the work lives in the packages they call."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from cli import terminal
from crawler.store import Store
from index import writer
from search.engine import SORTS, Engine, SearchError, SearchRequest
from search.filters import Filters


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
        data_dir.mkdir(parents=True, exist_ok=True)
        return command(*args, data_dir=data_dir, **kwargs)

    return wrapper


def friendly_errors(command):
    """Known failures become one human sentence and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (writer.IndexLockedError, SearchError) as error:
            raise click.ClickException(str(error)) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vnsearch")
def main():
    """vnsearch: crawl, index and search the Vietnamese political news archive."""


@main.command("index")
@click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in atomically.")
@click.option("--wait", default=30.0, show_default=True, help="Seconds to wait for another writer.")
@data_dir_option
@friendly_errors
def index_command(data_dir: Path, rebuild: bool, wait: float):
    """Bring the search index up to date with the store."""
    with Store.in_data_dir(data_dir) as store:
        if rebuild:
            stats = writer.rebuild(store, data_dir, procs=2, wait=wait)
        else:
            stats = writer.update(store, data_dir, wait=wait)
    click.echo(f"indexed {stats.indexed} article(s) into {stats.generation}")


@main.command("search")
@click.argument("query", required=False, default="")
@click.option("--official", "officials", multiple=True, help="Only articles naming this official.")
@click.option("--source", help="Only this source (site name or host).")
@click.option("--section", help="Only this section.")
@click.option("--from", "date_from", help="From this date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", help="Up to this date, inclusive.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", default=10, show_default=True, help="Hits per page (1-100).")
@click.option("--page", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the API's response object.")
@data_dir_option
@friendly_errors
def search_command(data_dir, query, officials, source, section, date_from, date_to, sort,
                   limit, page, as_json):
    """Search the archive: words, "phrases", OR, -word, prefix*, title: and official:."""
    request = SearchRequest(
        q=query,
        filters=Filters(list(officials), source, section, date_from, date_to),
        sort=sort,
        page=page,
        page_size=limit,
    )
    response = Engine(data_dir).search(request)
    if as_json:
        click.echo(json.dumps(response, ensure_ascii=False, indent=2))
    else:
        click.echo(terminal.render(response))
