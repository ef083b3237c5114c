"""Keeping the index current from a store that crawlers elsewhere keep writing to.

One process follows the store (`vnsearch index --follow`): it updates the index, then looks
again every few seconds. Polling suits both backends and costs one small query when nothing
changed; an update replays from the index's own last seq, so a follower that is killed and
restarted misses nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from crawler.store import Store
from index import writer

log = logging.getLogger(__name__)


def follow(
    store: Store, data_dir: str | Path, interval: float, stop_event: threading.Event,
    wait: float = 30.0,
) -> Iterator[writer.IndexStats]:
    """The first update's figures, then those of every update that indexed something, until
    ``stop_event`` is set. A busy index (a rebuild, say) is only skipped until the next look."""
    first, seen = True, None
    while not stop_event.is_set():
        latest = store.max_seq()
        if latest != seen:
            try:
                stats = writer.update(store, data_dir, wait=wait)
            except writer.IndexLockedError as error:
                log.warning("index not updated: %s", error)
            else:
                seen = latest
                if first or stats.indexed:
                    yield stats
                first = False
        stop_event.wait(interval)
