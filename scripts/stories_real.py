"""Story grouping on real text: which thresholds, and what they do to real articles.

    python -m scripts.stories_real --corpus ../shared/corpus/vietnews-dev.jsonl.gz

Reads real articles (JSON lines with ``title`` and ``body``; gzipped or not) and prints:

* what it costs: fingerprints per second, grouping time;
* the groups the chosen thresholds make, by size;
* every pair the bands bring up, by how much of the shorter copy lies in the longer, and which
  test turns it away (words, sentences) — the real look-alikes (numbered result notices, serial
  reports) sit here;
* recall on reprints made from real articles the way provincial outlets edit them (a source
  line, a cut paragraph, a caption, a reworded lead), and on heavier cuts.

With ``--show N`` it prints the titles of N pairs near the thresholds, to judge by eye (titles
go to the terminal only: the corpus is not ours to copy).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

import numpy as np

from index import stories


def read(path: Path, limit: int | None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        articles = [json.loads(line) for line in handle if line.strip()]
    return articles[:limit]


def edited(body: str, rng: random.Random, cut: float) -> str:
    """A reprint: a source line, a reworded lead, a caption, ``cut`` of the sentences gone."""
    sentences = [s for s in body.replace(" . ", ".\n").split("\n") if s.strip()]
    kept = [s for n, s in enumerate(sentences) if n == 0 or rng.random() >= cut]
    kept[0] = "Theo phóng viên, " + kept[0]
    kept.insert(rng.randrange(1, len(kept) + 1), "Ảnh: Quang cảnh buổi làm việc.")
    return "\n".join(["(TTXVN)", *kept, "Theo Báo Nhân Dân"])


def pair_table(prints: list[stories.Fingerprint]) -> list[tuple[int, int, float, float, str]]:
    """Each candidate pair with its estimated resemblance and containment, and its verdict."""
    signatures = np.stack([p.signature for p in prints])
    sizes = np.array([p.size for p in prints])
    eligible = np.flatnonzero(sizes >= stories.MIN_SHINGLES)
    pairs = eligible[stories.candidate_pairs(stories.band_keys(signatures[eligible]))]
    rows = []
    for a, b in pairs.tolist():
        jaccard = float(stories.resemblance(signatures[a], signatures[b]))
        contained = jaccard / (1 + jaccard) * (sizes[a] + sizes[b]) / min(sizes[a], sizes[b])
        if not stories.alike(signatures[a], sizes[a], signatures[b], sizes[b]):
            verdict = "apart: words"
        elif not stories.same_sentences(prints[a].sentences, prints[b].sentences):
            verdict = "apart: sentences"
        else:
            verdict = "same story"
        rows.append((a, b, jaccard, contained, verdict))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--reprints", type=int, default=2000, help="real articles to reprint")
    parser.add_argument("--show", type=int, default=0, help="titles of pairs to print")
    args = parser.parse_args()
    articles = read(args.corpus, args.limit)

    started = time.perf_counter()
    prints = [stories.fingerprint(a["body"]) for a in articles]
    signed = time.perf_counter() - started
    labels = stories.group(prints)
    grouped = time.perf_counter() - started - signed
    print(f"{len(articles):,} real articles: fingerprints {len(articles) / signed:,.0f}/s "
          f"({1000 * signed / len(articles):.2f} ms each), grouping {grouped:.2f} s")
    sizes = Counter(Counter(labels.tolist()).values())
    print("stories by number of copies: " + ", ".join(
        f"{size}: {count:,}" for size, count in sorted(sizes.items())))
    short = sum(p.size < stories.MIN_SHINGLES for p in prints)
    print(f"bodies too short to group (< {stories.MIN_SHINGLES} shingles): {short:,}")

    rows = pair_table(prints)
    print(f"\npairs sharing a band: {len(rows):,}")
    edges = [0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
    for low, high in pairwise(edges):
        inside = [r for r in rows if low <= r[3] < high]
        verdicts = Counter(r[4] for r in inside)
        print(f"  containment {low:.1f}–{min(high, 1):.1f}: {len(inside):5,} pairs  "
              + ", ".join(f"{v} {n:,}" for v, n in sorted(verdicts.items())))
    near = sorted((r for r in rows if r[3] >= 0.6), key=lambda r: -r[3])[: args.show]
    for a, b, jaccard, contained, verdict in near:
        print(f"  C={contained:.2f} J={jaccard:.2f} {verdict:16} | {articles[a]['title'][:60]}"
              f" || {articles[b]['title'][:60]}")

    rng = random.Random(14)
    chosen = [a for a in rng.sample(articles, min(args.reprints, len(articles)))
              if stories.fingerprint(a["body"]).size >= stories.MIN_SHINGLES]
    print(f"\nreprints of {len(chosen):,} real articles (long enough to group):")
    for cut in (0.0, 0.15, 0.3, 0.5):
        found = sum(stories.same_story(stories.fingerprint(a["body"]),
                                       stories.fingerprint(edited(a["body"], rng, cut)))
                    for a in chosen)
        print(f"  {cut:.0%} of sentences cut: recall {found / len(chosen):.3f} "
              f"({found:,}/{len(chosen):,})")


if __name__ == "__main__":
    main()
