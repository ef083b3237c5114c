"""Tokens per second of the exact and folded analyzers over a large Vietnamese text.

The text is the sample archive's article bodies repeated to about a million tokens (or a file
given as the first argument). Run: python scripts/analysis_throughput.py [FILE]
"""

import sys
import time
import unicodedata

from crawler.sample import load_truth
from index.analysis import ExactAnalyzer, FoldedAnalyzer

TARGET_TOKENS = 1_000_000


def corpus() -> str:
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as handle:
            return handle.read()
    bodies = "\n\n".join(a["body"] for a in load_truth()["articles"])
    repeats = TARGET_TOKENS // len(bodies.split()) + 1
    return "\n\n".join([bodies] * repeats)


def measure(name, analyzer, text):
    started = time.perf_counter()
    count = sum(1 for _ in analyzer(text, positions=True, chars=True))
    seconds = time.perf_counter() - started
    print(f"{name:<22} {count:>10,} tokens  {seconds:6.2f} s  {count / seconds:>12,.0f} tokens/s")


def main():
    text = corpus()
    print(f"text: {len(text):,} characters")
    measure("exact (NFC input)", ExactAnalyzer(), text)
    measure("folded (NFC input)", FoldedAnalyzer(), text)
    measure("folded (NFD input)", FoldedAnalyzer(), unicodedata.normalize("NFD", text))


if __name__ == "__main__":
    main()
