"""Derive ``vnsearch/bench/words.txt`` (a word and its count a line) from a corpus of news articles.

Run by hand on a JSONL corpus (``title`` and ``body`` a line); nothing reads the corpus at run
time, and only words and their counts are written, never any of its text.

Words are found from the corpus's own statistics: syllables are read in runs without
punctuation between them; a pair of syllables that stands together far more often than chance
(pointwise mutual information and a minimum count) is a two-syllable word, and a longer word is
a run of such pairs that also stands together as a whole most times its first pair does. The
runs are then cut into words, longest first, and the words counted. Names of people (every
syllable capitalised, the first a family name) are left out: the bench names officials of its
own.

    python -m scripts.bench_words CORPUS.jsonl.gz vnsearch/bench/words.txt
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
from collections import Counter

from index.analysis import fold, nfc, place_tone
from vnsearch.bench.corpus import SURNAMES

MIN_PAIR = 25  # a word seen fewer times than this is not told from chance
MIN_PMI = 3.0
MIN_WHOLE = 0.5  # a longer word: this share of its first pair's occurrences are the whole
LONGEST = 4
WORDS = 9000  # about 130 KB
HEADER = (
    "# Words of Vietnamese news and how often each occurs in 20,000 news articles of 2016-2019,\n"
    "# counted by scripts/bench_words.py (word<TAB>count; words and counts only, no text).\n"
)
SHAPE = re.compile(r"(qu|gi|ngh|[bcdghklmnprstvx]{0,2})[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?")
ONSETS = {"", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
          "nh", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"}
# A word does not start or end with these: "liên quan đến" is a word and a preposition.
_EDGE_TEXT = (
    "của và các có là được trong cho với những đã không này một để về theo tại đến từ trên ra "
    "khi đó cũng như sẽ đang còn vào phải thì lại hơn nhằm qua sau trước bằng nên mới rất đều "
    "chỉ cùng giữa ở bị do nhưng mà hay hoặc nếu vì"
)
EDGES = frozenset(_EDGE_TEXT.split())


def syllable(token: str) -> str | None:
    """The token as a Vietnamese syllable in the index's tone placement, or None (a number, a
    foreign name: ``Trump``, ``Moskva``)."""
    lowered = token.lower()
    shape = SHAPE.fullmatch(fold(lowered)) if lowered.isalpha() else None
    if shape is None or shape.group(1) not in ONSETS:
        return None
    return place_tone(lowered)


def runs(text: str):
    """Runs of syllables with nothing but spaces between them, as (lowered, as written)."""
    run: list[tuple[str, str]] = []
    for token in nfc(text).split():
        lowered = syllable(token)
        if lowered is None:
            if run:
                yield run
            run = []
            continue
        run.append((lowered, token[0] + lowered[1:] if token[0].isupper() else lowered))
    if run:
        yield run


def read(path: str):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            yield from runs(article.get("title", ""))
            yield from runs(article.get("body", ""))


def _grams(path: str, n: int, wanted) -> Counter:
    """Counts of the runs of ``n`` syllables that ``wanted`` lets through."""
    found: Counter = Counter()
    for run in read(path):
        lowered = [s for s, _ in run]
        found.update(g for g in (tuple(lowered[i : i + n]) for i in range(len(lowered) - n + 1))
                     if wanted(g))
    return found


def words(path: str) -> tuple[Counter, dict]:
    ones = _grams(path, 1, lambda g: True)
    total = sum(ones.values())
    twos = _grams(path, 2, lambda g: True)
    pairs = {
        gram for gram, count in twos.items()
        if count >= MIN_PAIR and gram[0] not in EDGES and gram[1] not in EDGES
        and math.log(count * total / (ones[gram[:1]] * ones[gram[1:]])) >= MIN_PMI
    }
    known, longer = set(pairs), set(pairs)
    for n in range(3, LONGEST + 1):
        grams = _grams(path, n, lambda g, shorter=longer: g[:-1] in shorter and g[-2:] in pairs)
        longer = {g for g, count in grams.items()
                  if count >= MIN_PAIR and count >= MIN_WHOLE * twos[g[:2]]}
        known |= longer
    counts: Counter = Counter()
    spellings: dict[tuple, Counter] = {}
    for run in read(path):
        lowered = [s for s, _ in run]
        i = 0
        while i < len(run):
            n = next((n for n in range(LONGEST, 1, -1) if tuple(lowered[i : i + n]) in known), 1)
            word = tuple(lowered[i : i + n])
            counts[word] += 1
            written = " ".join(w for _, w in run[i : i + n])
            # a capital that starts a sentence is not the word's own
            spellings.setdefault(word, Counter())[written] += 1 if i else 0.001
            i += n
    return counts, spellings


def is_name(written: str) -> bool:
    parts = written.split()
    return len(parts) > 1 and all(p[0].isupper() for p in parts) and parts[0] in SURNAMES


def main(source: str, target: str) -> None:
    counts, spellings = words(source)
    lines = []
    for word, count in counts.most_common():
        written = spellings[word].most_common(1)[0][0]
        if not is_name(written):
            lines.append(f"{written}\t{count}")
        if len(lines) == WORDS:
            break
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
