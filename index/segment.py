"""A Whoosh segment writer that keeps postings in flat arrays and hands the codec whole blocks.

Whoosh's own writer spends several Python calls on every posting: a tuple into a sorting pool,
the sort, then one codec call per posting with a field-length read each. An article has about
650 postings, so that path caps indexing near a hundred articles a second. This writer analyses
text fields through :class:`index.analysis.TermMemo`, appends a document's postings to flat
arrays per field, sorts them by term with numpy at commit, and fills the codec's block buffer a
block at a time. The segment it writes holds what Whoosh's writer writes for the same documents
(a test builds both and compares every posting); only the bookkeeping moved.
"""

from __future__ import annotations

from array import array

import numpy as np
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3TermInfo
from whoosh.formats import Frequency, Positions
from whoosh.system import _INT_SIZE, pack_uint, pack_ushort
from whoosh.writing import SegmentWriter

from index.analysis import TermMemo

# A term in fewer documents than this keeps its postings in its term entry, not in a block of
# the postings file: most pairs of syllables are rare, and a block costs a pickle, a zlib call
# and a file offset each.
INLINE_LIMIT = 8
# The block internals this module fills; a Whoosh without them gets the public, slower path.
_BLOCK_API = all(hasattr(W3PostingsWriter, name) for name in ("_new_block", "_write_block"))


class FieldPostings:
    """One field's postings in the order documents arrived, each with its term's number."""

    def __init__(self):
        self.numbers: dict[bytes, int] = {}
        self.terms = array("i")
        self.docs = array("I")
        self.weights = array("f")
        self.sizes = array("I")
        self.values = bytearray()

    def add(self, docnum: int, terms, weights, values: bytes, sizes) -> None:
        """One document's postings: ``values`` holds their encoded values end to end."""
        numbers = self.numbers
        found = list(map(numbers.get, terms))
        if None in found:
            found = [numbers.setdefault(t, len(numbers)) for t in terms]
        self.terms.extend(found)
        self.docs.extend([docnum] * len(terms))
        self.weights.extend(weights)
        self.sizes.extend(sizes)
        self.values += values

    def by_term(self):
        """``(term, docnums, weights, values)`` for each term in byte order, docnums ascending.

        Lists are made a term at a time: a whole segment's postings as Python objects would
        take several times the memory of the arrays."""
        terms = np.frombuffer(self.terms, dtype=np.int32)
        order = np.argsort(terms, kind="stable")
        counts = np.bincount(terms, minlength=len(self.numbers))
        ends = np.cumsum(counts)
        starts, ends = (ends - counts).tolist(), ends.tolist()
        sizes = np.frombuffer(self.sizes, dtype=np.uint32).astype(np.int64)
        offsets = (np.cumsum(sizes) - sizes)[order]
        sizes = sizes[order]
        docs = np.frombuffer(self.docs, dtype=np.uint32)[order]
        weights = np.frombuffer(self.weights, dtype=np.float32)[order]
        del order
        data = bytes(self.values)
        for term in sorted(self.numbers):
            number = self.numbers[term]
            span = slice(starts[number], ends[number])
            values = [
                data[o : o + n]
                for o, n in zip(offsets[span].tolist(), sizes[span].tolist(), strict=True)
            ]
            yield term, docs[span].tolist(), weights[span].tolist(), values


class PostingBuffer:
    """The postings of the segment being written, by field.

    ``add`` takes Whoosh's pool tuples, which is how the postings of merged segments arrive.
    """

    def __init__(self):
        self.fields: dict[str, FieldPostings] = {}

    def field(self, fieldname: str) -> FieldPostings:
        if fieldname not in self.fields:
            self.fields[fieldname] = FieldPostings()
        return self.fields[fieldname]

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        vbytes = vbytes or b""
        self.field(fieldname).add(docnum, [tbytes], [weight], vbytes, [len(vbytes)])

    def write(self, fieldwriter, schema, lengths) -> None:
        """Every term of every field, in the order the codec wants them."""
        inline = _BLOCK_API and all(hasattr(fieldwriter, a) for a in ("_tindex", "_fieldid"))
        for fieldname in sorted(self.fields):
            doc_lengths = _lengths(lengths, fieldname)
            fieldwriter.start_field(fieldname, schema[fieldname])
            for term, docs, weights, values in self.fields[fieldname].by_term():
                if inline and len(docs) < INLINE_LIMIT:
                    _inline_term(fieldwriter, term, docs, weights, values, doc_lengths)
                    continue
                fieldwriter.start_term(term)
                _write_term(fieldwriter, docs, weights, values, doc_lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self.fields.clear()


def _lengths(reader, fieldname: str) -> list[int]:
    """The field's length in every document of the segment (0 where unknown)."""
    if reader is None:
        return []
    reader_for = getattr(reader, "doc_field_length_reader", None)
    read = reader_for(fieldname) if reader_for else lambda d: reader.doc_field_length(d, fieldname)
    return [read(d) or 0 for d in range(reader.doc_count_all())]


def _inline_term(fieldwriter, term, docs, weights, values, doc_lengths) -> None:
    """The term's entry as ``finish_term`` writes it for postings kept inline, made in one go:
    most terms of the pair views are rare, and a posting buffer and term info filled a
    posting at a time cost more than the rest of their writing."""
    present = [n for n in (doc_lengths[d] for d in docs) if n] if doc_lengths else []
    info = W3TermInfo()
    info._weight, info._df = sum(weights), len(docs)
    info._minlength, info._maxlength = min(present, default=None), max(present, default=0)
    info._maxweight = max(0, *weights)
    info._minid, info._maxid = docs[0], docs[-1]
    info.set_inlined(docs, weights, [v for v in values if v])
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + term, info.to_bytes())


def _write_term(fieldwriter, docs, weights, values, doc_lengths) -> None:
    lengths = [doc_lengths[d] for d in docs] if doc_lengths else [0] * len(docs)
    if not _BLOCK_API:
        for posting in zip(docs, weights, values, lengths, strict=True):
            fieldwriter.add(*posting)
        return
    writer = fieldwriter._postwriter
    limit = writer._blocklimit
    for start in range(0, len(docs), limit):
        if start:
            writer._write_block()
            writer._new_block()
        block = slice(start, start + limit)
        _fill_block(writer, docs[block], weights[block], values[block], lengths[block])


def _fill_block(writer, docs, weights, values, lengths) -> None:
    """Leave the block buffer as ``add_posting`` would after these postings."""
    writer._ids = array("I", docs)
    writer._weights = array("f", weights)
    writer._values = [v for v in values if v]
    writer._maxweight = max(0, *weights)
    present = [n for n in lengths if n]
    writer._minlength = min(present) if present else None
    writer._maxlength = max(present, default=0)


class InliningPostingsWriter(W3PostingsWriter):
    """W3's postings writer with its inlining working: whoosh3 calls ``set_inline`` on the term
    info, whose method is ``set_inlined``, so any ``inlinelimit`` above one fails."""

    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        return terminfo


class InliningCodec(W3Codec):
    """The W3 codec, with the postings of rare terms kept in their term entries."""

    def __init__(self):
        super().__init__(inlinelimit=INLINE_LIMIT)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression,
                                      inlinelimit=self._inlinelimit)


class ArraySegmentWriter(SegmentWriter):
    """``ix.writer()`` for vnsearch's schema, with postings kept in a :class:`PostingBuffer`."""

    def __init__(self, ix, **kwargs):
        # Plain segment files, not one compound file: a reader of a compound segment copies
        # each of its postings files into memory, once per open searcher.
        super().__init__(ix, compound=False, codec=InliningCodec(), **kwargs)
        self.pool = PostingBuffer()
        self._memos = {name: _memo(field) for name, field in self.schema.items()}

    def add_document(self, **fields) -> None:
        self._check_state()
        self._check_fields(self.schema, fields)
        perdoc, docnum = self.perdocwriter, self.docnum
        perdoc.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = self.schema[fieldname]
            length = self._index_field(fieldname, field, docnum, value) if field.indexed else 0
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _index_field(self, fieldname: str, field, docnum: int, value) -> int:
        """Add the field's postings; its length, as Whoosh counts it."""
        memo = self._memos[fieldname]
        if memo:
            terms, freqs, values, sizes = _memo_postings(memo, field.format, value)
            weights = [f * field.format.field_boost for f in freqs]
        else:
            items = list(field.index(value))
            terms, freqs, weights, encoded = ([item[i] for item in items] for i in range(4))
            encoded = [v or b"" for v in encoded]
            values, sizes = b"".join(encoded), list(map(len, encoded))
        self.pool.field(fieldname).add(docnum, terms, weights, values, sizes)
        return sum(freqs) if field.scorable else 0

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        self.pool.write(self.fieldwriter, self.schema, lengths)
        self.fieldwriter.close()
        if lengths:
            lengths.close()


def _memo(field) -> TermMemo | None:
    """A memo for text fields whose formats turn tokens into postings the way
    :func:`_memo_postings` does; any other field goes through ``field.index``."""
    word_values = getattr(type(field.format), "word_values", None)
    if word_values not in (Frequency.word_values, Positions.word_values):
        return None
    if field.vector or field.separate_spelling():
        return None
    return TermMemo.for_analyzer(field.analyzer)


def _memo_postings(memo: TermMemo, format_, value: str):
    """Terms, frequencies, encoded values end to end and their sizes, as the field's format
    would give them."""
    if isinstance(format_, Positions):
        found = memo.positions(value)
        positions = list(found.values())
        encode_many = getattr(format_, "encode_many", None)
        if encode_many is not None:
            values, sizes = encode_many(positions)
        else:
            encoded = list(map(format_.encode, positions))
            values, sizes = b"".join(encoded), list(map(len, encoded))
        return list(found), list(map(len, positions)), values, sizes
    counts = memo.frequencies(value)
    freqs = list(counts.values())
    return list(counts), freqs, b"".join(map(pack_uint, freqs)), [_INT_SIZE] * len(freqs)
