"""Opening the index again after a commit, keeping the readers of segments it left alone.

A commit writes a new segment and marks deletions in old ones. Opening every segment afresh
re-reads what a segment reader loads on first use (the stored-fields offsets, column offsets,
the term table's header), for segments the commit never touched: most of what the first search
after a small commit cost beyond a warm one, once the columns and postings were kept per
segment. A reader of a segment whose deletions have not changed is kept. (Whoosh's own
``reader(reuse=...)`` matches readers by segment id alone, so a kept reader would go on with
the deletions it was opened with.)
"""

from __future__ import annotations

from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher


def reopen(ix, old: Searcher | None) -> Searcher:
    """A searcher of ``ix``'s latest generation; ``old`` must not be used afterwards (the
    readers not kept are closed)."""
    kept = {}
    if old is not None:
        for reader, _ in old.reader().leaf_readers():
            state = _state(reader, reader.segment())
            if state is not None:
                kept[state] = reader
            else:
                reader.close()
    readers: list = []
    try:
        toc = ix._read_toc()
        for segment in toc.segments:
            reader = kept.pop(_state(None, segment, ix.storage), None)
            readers.append(reader or SegmentReader(ix.storage, toc.schema, segment,
                                                   generation=toc.generation))
    except OSError:  # a writer removed a merged segment's files meanwhile: open afresh
        for reader in readers + list(kept.values()):
            reader.close()
        return ix.searcher()
    for reader in kept.values():
        reader.close()
    if not readers:
        return Searcher(EmptyReader(toc.schema), fromindex=ix)
    # A MultiReader even of one segment: it carries the generation, a kept reader its own.
    return Searcher(MultiReader(readers, generation=toc.generation), fromindex=ix)


def _state(reader, segment, storage=None):
    """A segment and how many of its documents are deleted (deletions only ever grow)."""
    if segment is None:
        return None
    folder = getattr(storage if storage is not None else reader.storage(), "folder", "")
    return str(folder), segment.segment_id(), segment.deleted_count()
