"""Score ways of reading query syllables as words on the judged set (tests/words/judged.json).

Run: python scripts/words_quality.py [--corpus ../shared/corpus/vietnews-dev.jsonl.gz] [--grid]

Prints, for each candidate, the share of judged queries read exactly as judged (overall and by
kind of query) and the mean time to read one. Without --corpus the candidates that need the
archive's statistics are skipped; with it, syllable and pair counts are taken from the corpus
text as the index counts them. Segmenters from PyPI (underthesea, pyvi) are scored when they
are installed. --grid also scores the statistics thresholds around the chosen ones.

python scripts/words_quality.py --write-lexicon --corpus PATH  rebuilds search/lexicon.txt from
the word lists that underthesea and pyvi ship (both must be installed) and the corpus.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.resources
import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from index.analysis import normalize, words
from search import words as reader
from search.vocabulary import read_lines, syllables_of

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "tests" / "words" / "judged.json"
Reader = Callable[[list[str]], list[int]]
LEXICON_HEADER = """\
# Multi-syllable Vietnamese words, most used first (the order is the only frequency kept).
#
# Derived from two permissively licensed word lists: Viet74K.txt as shipped in underthesea 9.5.0
# (Apache-2.0, Copyright Vu Anh and contributors) and words.txt as shipped in pyvi 0.1.1 (MIT,
# Copyright 2016 Viet-Trung Tran). Kept: the entries of two or more syllables that Vietnamese news
# text uses at least twice in 20,000 articles, lowercase, NFC, canonical tone placement; ordered by
# how often that text uses them. Rebuild with scripts/words_quality.py --write-lexicon.
"""


def judged_cases() -> tuple[frozenset[str], list[dict]]:
    judged = json.loads(JUDGED.read_text(encoding="utf-8"))
    return frozenset(judged["names"]), judged["cases"]


def articles(corpus: Path) -> Iterator[dict]:
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        yield from map(json.loads, lines)


def corpus_stats(corpus: Path) -> reader.CountedStats:
    stats = reader.CountedStats()
    for article in articles(corpus):
        stats.add(article["title"])
        stats.add(article["body"])
    return stats


def score(read: Reader, cases: list[dict]) -> dict:
    by_kind: dict[str, list[bool]] = defaultdict(list)
    start = time.perf_counter()
    for case in cases:
        got = read(case["query"].split())
        by_kind[case["kind"]].append(got == [len(w.split()) for w in case["words"]])
    elapsed = time.perf_counter() - start
    every = [hit for hits in by_kind.values() for hit in hits]
    return {
        "all": sum(every) / len(every),
        "kinds": {kind: sum(hits) / len(hits) for kind, hits in by_kind.items()},
        "us": elapsed / len(cases) * 1e6,
    }


# -- candidates --------------------------------------------------------------------------------


def greedy_longest(lexicon: reader.Lexicon, names: frozenset[str]) -> Reader:
    """Left to right, the longest known unit at each point: the classic longest match."""

    def read(syllables):
        lengths, i = [], 0
        while i < len(syllables):
            for length in range(min(lexicon.longest, len(syllables) - i), 0, -1):
                if length == 1 or reader.read_words(
                    syllables[i : i + length], names=names, lexicon=lexicon
                ) == [length]:
                    break
            lengths.append(length)
            i += length
        return lengths

    return read


def fewest_words(lexicon=None, names=frozenset(), stats=None) -> Reader:
    return lambda syllables: reader.read_words(syllables, stats, names, lexicon)


def lexicon_of(ranked, with_terms: bool = True) -> reader.Lexicon:
    terms = [syllables_of(line) for line in read_lines([reader.TERMS_PATH])] if with_terms else []
    if with_terms:
        terms += [tuple(u) for u in reader.abbreviation_units()]
    return reader.load_lexicon(ranked, terms)


def bundled_ranked() -> list[tuple[str, ...]]:
    return [syllables_of(line) for line in read_lines([reader.LEXICON_PATH])]


def shipped_word_lists() -> list[tuple[str, ...]] | None:
    """Every multi-syllable entry of the word lists underthesea and pyvi ship, if installed."""
    try:
        sources = [
            importlib.resources.files("underthesea") / "corpus" / "data" / "Viet74K.txt",
            importlib.resources.files("pyvi") / "models" / "words.txt",
        ]
    except ModuleNotFoundError:
        return None
    found: dict[tuple[str, ...], None] = {}
    for source in sources:
        for line in source.read_text(encoding="utf-8").splitlines():
            spelling = tuple(normalize(w) for w in words(line))
            if len(spelling) > 1 and all(s.isalpha() for s in spelling):
                found[spelling] = None
    return list(found)


def underthesea_reader() -> Reader | None:
    try:
        from underthesea import word_tokenize
    except ImportError:
        return None
    return lambda syllables: [len(w.split()) for w in word_tokenize(" ".join(syllables))]


def pyvi_reader() -> Reader | None:
    try:
        from pyvi import ViTokenizer
    except ImportError:
        return None
    return lambda syllables: [
        len(w.split("_")) for w in ViTokenizer.tokenize(" ".join(syllables)).split()
    ]


def stats_only(stats) -> Reader:
    """The archive's statistics alone: an empty word list, no terms, no names."""
    return fewest_words(reader.load_lexicon([], []), frozenset(), stats)


# -- rebuilding the word list ------------------------------------------------------------------


def write_lexicon(corpus: Path, entries: list[tuple[str, ...]], minimum: int = 2) -> int:
    """Keep the entries the corpus uses ``minimum`` times or more, most used first."""
    wanted = set(entries)
    longest = max(map(len, wanted))
    used: Counter[tuple[str, ...]] = Counter()
    for article in articles(corpus):
        for chunk in re.split(r"[.,;:!?()\[\]\"“”…\n]", f"{article['title']}\n{article['body']}"):
            syllables = normalize(" ".join(words(chunk))).split()
            for i in range(len(syllables)):
                for length in range(2, min(longest, len(syllables) - i) + 1):
                    if (gram := tuple(syllables[i : i + length])) in wanted:
                        used[gram] += 1
    kept = sorted((g for g, n in used.items() if n >= minimum), key=lambda g: (-used[g], g))
    reader.LEXICON_PATH.write_text(
        LEXICON_HEADER + "".join(" ".join(g) + "\n" for g in kept), encoding="utf-8"
    )
    return len(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="JSON lines of articles (title, body)")
    parser.add_argument("--grid", action="store_true", help="score the statistics thresholds")
    parser.add_argument("--write-lexicon", action="store_true", help="rebuild search/lexicon.txt")
    args = parser.parse_args()
    if args.write_lexicon:
        entries = shipped_word_lists()
        if entries is None or args.corpus is None:
            parser.error("--write-lexicon needs --corpus and underthesea and pyvi installed")
        print(f"{write_lexicon(args.corpus, entries)} words written to {reader.LEXICON_PATH}")
        return
    names, cases = judged_cases()
    stats = corpus_stats(args.corpus) if args.corpus else None
    timing(names, stats)
    bundled = lexicon_of(bundled_ranked())
    candidates: dict[str, Reader | None] = {
        "longest match, bundled lists + terms + names": greedy_longest(bundled, names),
        "fewest words, bundled word list only": fewest_words(
            lexicon_of(bundled_ranked(), with_terms=False)
        ),
        "fewest words, bundled lists + terms + names": fewest_words(bundled, names),
    }
    if (full := shipped_word_lists()) is not None:
        candidates["fewest words, full Viet74K+pyvi lists + terms + names"] = fewest_words(
            lexicon_of(full), names
        )
    candidates["underthesea 9.5 word_tokenize"] = underthesea_reader()
    candidates["pyvi 0.1.1 ViTokenizer"] = pyvi_reader()
    if stats:
        candidates["archive statistics only (PMI)"] = stats_only(stats)
        candidates["fewest words, bundled lists + terms + names + statistics"] = fewest_words(
            bundled, names, stats
        )
    kinds = list(dict.fromkeys(case["kind"] for case in cases))
    print(f"{len(cases)} judged queries; columns: all, then by kind:")
    for i, kind in enumerate(kinds, 1):
        print(f"  k{i} = {kind} ({sum(c['kind'] == kind for c in cases)})")
    print(
        f"| candidate | all | {' | '.join(f'k{i}' for i in range(1, len(kinds) + 1))} | µs/query |"
    )
    print("|---" * (len(kinds) + 3) + "|")
    for name, read in candidates.items():
        if read is None:
            print(f"| {name} | not installed |")
            continue
        figures = score(read, cases)
        by_kind = " | ".join(f"{figures['kinds'][k]:.2f}" for k in kinds)
        print(f"| {name} | {figures['all']:.3f} | {by_kind} | {figures['us']:.0f} |")
    if stats and args.grid:
        grid(bundled, names, stats, cases)


def timing(names, stats, repeat: int = 2000) -> None:
    """The bundled reader's load time, and its time for a six-syllable query once loaded."""
    start = time.perf_counter()
    reader.default_lexicon()
    print(f"word lists loaded in {(time.perf_counter() - start) * 1000:.0f} ms")
    for query in ("uy ban nhan dan tinh quang", "xây dựng đảng kỳ họp quốc hội"):
        for given in (None, stats) if stats else (None,):
            start = time.perf_counter()
            for _ in range(repeat):
                reader.read_words(query.split(), given, names)
            each = (time.perf_counter() - start) / repeat * 1e6
            print(f"'{query}' read in {each:.0f} µs {'with' if given else 'without'} statistics")


def grid(lexicon, names, stats, cases) -> None:
    """Exact share for thresholds around the chosen ones (lists + terms + names + statistics)."""
    chosen = reader.MIN_PAIR, reader.MIN_PMI
    pmis = (2, 2.5, 3, 3.5, 4, 5, 6, 8)
    print("\nMIN_PAIR \\ MIN_PMI:", " ".join(f"{p:>5}" for p in pmis))
    try:
        for floor in (3, 5, 10, 20, 50):
            row = []
            for pmi in pmis:
                reader.MIN_PAIR, reader.MIN_PMI = floor, pmi
                row.append(score(fewest_words(lexicon, names, stats), cases)["all"])
            print(f"{floor:>8}          ", " ".join(f"{x:5.3f}" for x in row))
    finally:
        reader.MIN_PAIR, reader.MIN_PMI = chosen
    print(
        f"chosen: MIN_PAIR {chosen[0]}, MIN_PMI {chosen[1]}; "
        f"log2 of the corpus size {math.log2(max(stats.total, 1)):.1f}"
    )


if __name__ == "__main__":
    main()
