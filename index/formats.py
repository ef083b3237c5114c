"""A posting format for word positions that Python decodes in one call.

Whoosh's own ``Positions`` format pickles the gaps between positions and rebuilds the list in a
Python loop, once a posting; checking a phrase over thousands of candidate articles spends most
of its time there. The same positions packed as a little-endian uint32 array decode with one C
call.
"""

from __future__ import annotations

import sys
from array import array
from itertools import chain

import numpy as np
from whoosh.formats import Positions
from whoosh.system import _INT_SIZE

_SWAP = sys.byteorder == "big"  # the files are little-endian on every machine


class PackedPositions(Positions):
    """The frequency (4 bytes, as Whoosh stores it), then the positions as uint32s."""

    def encode(self, poslist) -> bytes:
        packed = array("I", poslist)
        if _SWAP:
            packed.byteswap()
        return len(packed).to_bytes(_INT_SIZE, "big") + packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array("I")
        packed.frombytes(valuestring[_INT_SIZE:])
        if _SWAP:
            packed.byteswap()
        return packed.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return int.from_bytes(valuestring[:_INT_SIZE], "big")

    def encode_many(self, poslists: list[list[int]]) -> tuple[bytes, list[int]]:
        """What :meth:`encode` gives for each list, end to end in one buffer, and each one's
        size: an article's postings are encoded in a few C calls instead of one call each."""
        counts = np.fromiter(map(len, poslists), dtype=np.int64, count=len(poslists))
        sizes = counts + 1
        words = np.empty(int(sizes.sum()), dtype="<u4")
        headers = np.cumsum(sizes) - sizes
        body = np.ones(len(words), dtype=bool)
        body[headers] = False
        words[headers] = counts.astype(">u4").view("<u4")  # the frequency is big-endian
        words[body] = np.fromiter(chain.from_iterable(poslists), dtype=np.int64)
        return words.tobytes(), (sizes * _INT_SIZE).tolist()

    def decode_many(self, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """The frequencies and the positions, end to end, of many postings in a few C calls:
        checking a phrase over thousands of candidates never loops a posting at a time."""
        sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // _INT_SIZE
        words = np.frombuffer(b"".join(values), dtype="<u4")
        headers = np.zeros(len(words), dtype=bool)
        headers[np.cumsum(sizes) - sizes] = True
        return sizes - 1, words[~headers].astype(np.int64)
