"""Stories: the copies of one article that other outlets republish, grouped when indexed.

Party and State news is syndicated: a provincial portal republishes a Nhân Dân or TTXVN article
with another headline, a "Theo TTXVN" line, a paragraph cut, another caption. Two copies share
long runs of identical text, so each body is read as its set of five-syllable *shingles* and two
bodies are compared by how much of those sets they share. A MinHash *signature* (the least of
each of :data:`PERMUTATIONS` hash functions over the shingles) estimates that share without the
sets; *bands* of the signature (locality-sensitive hashing) find the few candidates worth
comparing without comparing every pair.

Two copies of one story must pass three tests (thresholds chosen on real text, docs/stories.md):
the shorter must lie mostly inside the longer (*containment*: a cut reprint is still the story);
the two must not differ too much in length (*resemblance*: a round-up that quotes a brief is not
that brief's story); and most of the shorter's sentences must stand word for word in the longer
(*sentences*). The last is what tells a story from its template: monthly notices, schedules and
meeting results share most of their words, but every fact they change (a date, a number, a
name) changes its sentence, while a reprint's edits (a source line, a caption, a reworded lead)
leave the other sentences as they were. A body too short to tell a story from its template
(:data:`MIN_SHINGLES`) is a story of its own.

A story's id is the id of its copy the archive met first (``first_seen``, then the id): a
function of the members alone, so a rebuild gives the same ids, and a copy that arrives later
leaves it unchanged.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

from index.analysis import fold, nfc

SHINGLE = 5  # syllables: longer than any stock phrase of the press, shorter than a sentence
ROWS, BANDS = 2, 63  # a pair of resemblance 0.3 shares a band with odds of 0.997
PERMUTATIONS = ROWS * BANDS
MIN_SHINGLES = 60  # about 65 syllables: below that a body is a notice, not a story
MIN_CONTAINMENT = 0.8
MIN_RESEMBLANCE = 0.3
MIN_SENTENCES = 0.7  # of the shorter copy's sentences, found word for word in the longer
SENTENCE_WORDS = 8  # a shorter line (a source, a byline, a caption) is not weighed as a sentence

_MASK32 = np.uint64(0xFFFFFFFF)
_SEED = np.random.default_rng(20240501)
_A = _SEED.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)  # odd multipliers
_B = _SEED.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_BAND_MIX = _SEED.integers(1, 2**63, ROWS, dtype=np.uint64) | np.uint64(1)
_END = np.uint64(1 << 40)  # what a sentence's end reads as: no syllable's hash (32 bits)
_TOKENS = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+|(?<=[.!?…])\s+|\n\s*")


class _Hashes(dict):
    """A syllable's stable hash (CRC-32 of its folded form), remembered: looked up in C."""

    def __missing__(self, token: str) -> int:
        if len(self) > 500_000:  # a bound on memory, not a cache policy
            self.clear()
        value = self[token] = int(_END) if token[0].isspace() else zlib.crc32(
            fold(token.lower()).encode("utf-8"))
        return value


_HASHES = _Hashes()


@dataclass
class Fingerprint:
    """What grouping knows of a body: its MinHash signature, how many shingles it has, and
    the sorted hashes of its sentences."""

    signature: np.ndarray
    size: int
    sentences: np.ndarray


def fingerprint(text: str) -> Fingerprint:
    """A body read once: syllables folded (case, marks, tone placement and old or new
    spelling never tell two copies apart), sentences hashed, shingles signed. A shingle never
    spans two sentences, so a cut paragraph leaves no seams that the original lacks."""
    codes = np.fromiter(map(_HASHES.__getitem__, _TOKENS.findall(nfc(text))), dtype=np.uint64)
    ends = codes == _END
    sentence_of = np.cumsum(ends)[~ends]
    ids = codes[~ends]
    signature, size = signature_of(shingles(ids, sentence_of))
    return Fingerprint(signature, size, _sentences(ids, sentence_of))


def _sentences(ids: np.ndarray, sentence_of: np.ndarray) -> np.ndarray:
    """The sorted CRC-32s of the sentences long enough to weigh."""
    starts = np.flatnonzero(np.r_[True, sentence_of[1:] != sentence_of[:-1]]) if len(ids) else []
    bounds = np.r_[starts, len(ids)].astype(np.int64).tolist()
    data = ids.astype(np.uint32)
    hashes = [zlib.crc32(data[a:b].tobytes())
              for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b - a >= SENTENCE_WORDS]
    return np.unique(np.array(hashes, dtype=np.uint32))


def shingles(ids: np.ndarray, sentence_of: np.ndarray) -> np.ndarray:
    """The distinct runs of :data:`SHINGLE` syllables inside one sentence, as 64-bit hashes."""
    if len(ids) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        hashes = np.zeros(len(ids) - SHINGLE + 1, dtype=np.uint64)
        for offset in range(SHINGLE):
            hashes = hashes * np.uint64(0x9E3779B97F4A7C15) + ids[offset: len(hashes) + offset]
    inside = sentence_of[: len(hashes)] == sentence_of[SHINGLE - 1:]
    return np.unique(hashes[inside])


def signature_of(hashes: np.ndarray) -> tuple[np.ndarray, int]:
    """The MinHash signature of shingle hashes (uint32 each) and how many there are.

    Multiply-shift hashing: the high 32 bits of ``a·x + b`` (mod 2^64) for each odd ``a``."""
    if not len(hashes):
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32), 0
    with np.errstate(over="ignore"):
        mixed = hashes[:, None] * _A[None, :] + _B[None, :]
    return (mixed.min(axis=0) >> np.uint64(32)).astype(np.uint32), len(hashes)


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """One int64 key a band of each signature (rows: signatures), the band's number mixed in."""
    rows = signatures.reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        keys = (rows * _BAND_MIX).sum(axis=2) + np.arange(BANDS, dtype=np.uint64) * _A[0]
    return keys.view(np.int64)


def resemblance(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Estimated Jaccard resemblance of signature rows, pair by pair."""
    return (first == second).mean(axis=-1)


def alike(first: np.ndarray, first_size, second: np.ndarray, second_size) -> np.ndarray:
    """The word tests (containment, resemblance, length) of pairs of signatures with their
    shingle counts: arrays of pairs, or one pair."""
    jaccard = resemblance(first, second)
    first_size, second_size = np.asarray(first_size), np.asarray(second_size)
    shared = jaccard / (1 + jaccard) * (first_size + second_size)
    shorter = np.maximum(np.minimum(first_size, second_size), 1)
    return ((shared / shorter >= MIN_CONTAINMENT) & (jaccard >= MIN_RESEMBLANCE)
            & (np.minimum(first_size, second_size) >= MIN_SHINGLES))


def same_sentences(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether most sentences of the copy with fewer stand word for word in the other, one
    more allowed to differ (a reprint's reworded lead, in a short article)."""
    fewer = min(len(first), len(second))
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared + 1 >= MIN_SENTENCES * fewer


def same_story(first: Fingerprint, second: Fingerprint) -> bool:
    return bool(alike(first.signature, first.size, second.signature, second.size)) and (
        same_sentences(first.sentences, second.sentences))


def candidate_pairs(keys: np.ndarray) -> np.ndarray:
    """``(i, j)`` rows, ``i < j``, of signatures that share a band: each member of a band's
    bucket is paired with the bucket's first, so a bucket of thousands (a stock sentence) costs
    thousands of pairs, not millions; the other bands give the pairs a star misses."""
    if not len(keys):
        return np.zeros((0, 2), dtype=np.int64)
    pairs = []
    for band in keys.T:
        order = np.argsort(band, kind="stable")
        ordered = band[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        heads = np.repeat(order[starts], np.diff(np.r_[starts, len(order)]))
        pairs.append(np.stack([heads, order], axis=1)[heads != order])
    pairs = np.concatenate(pairs)
    return np.unique(np.sort(pairs, axis=1), axis=0)


def components(count: int, edges: np.ndarray) -> np.ndarray:
    """The connected component of each of ``count`` nodes, named by its smallest node."""
    parent = np.arange(count)

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second in edges.tolist():
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([root(node) for node in range(count)], dtype=np.int64)


def group(prints: list[Fingerprint]) -> np.ndarray:
    """The story of each copy as the smallest index of its story; only copies long enough to
    group take part in the bands."""
    if not prints:
        return np.zeros(0, dtype=np.int64)
    signatures = np.stack([p.signature for p in prints])
    sizes = np.array([p.size for p in prints], dtype=np.int64)
    eligible = np.flatnonzero(sizes >= MIN_SHINGLES)
    pairs = eligible[candidate_pairs(band_keys(signatures[eligible]))]
    kept = []
    for start in range(0, len(pairs), 100_000):  # a bounded amount of memory per step
        chunk = pairs[start:start + 100_000]
        first, second = chunk[:, 0], chunk[:, 1]
        kept += [(a, b) for a, b in chunk[alike(signatures[first], sizes[first],
                                                signatures[second], sizes[second])].tolist()
                 if same_sentences(prints[a].sentences, prints[b].sentences)]
    return components(len(prints), np.array(kept, dtype=np.int64).reshape(-1, 2))
