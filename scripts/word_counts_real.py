"""Totals on real text: for word queries researchers type, the total searched by words, the
number of articles that hold those words counted from the text itself (tests/wordtruth.py, not
the index), and the total searched by syllables anywhere, as before.

Run from the repository root, on a corpus of real articles (JSON lines with id, title, body):
    python -m scripts.word_counts_real --corpus ../shared/corpus/vietnews-dev.jsonl.gz
"""

import argparse
import tempfile
from pathlib import Path

from crawler.article import EXPORT_KEYS, Article
from crawler.store import Store
from index import writer
from search.engine import Engine, SearchRequest
from tests.test_word_counts import words_read
from tests.wordtruth import Text, articles_holding, typed
from vnsearch.bench.corpus import prepare, read_jsonl

QUERIES = ["Đảng", "dân vận", "xây dựng Đảng", "tham nhũng", "dan van", "uy ban nhan dan",
           "UBND", "Bộ Chính trị", "Tổng Bí thư", "cải cách hành chính", "an ninh trật tự",
           "Mặt trận Tổ quốc", "kinh tế Đà Nẵng", "nguoi dan"]


def index_corpus(corpus: Path, data_dir: Path) -> Engine:
    export = data_dir / "corpus.jsonl"
    prepare(corpus, export)
    with Store.in_data_dir(data_dir) as store:
        with store.transaction():
            for article in read_jsonl(export):
                store.save_article(Article(**{k: article[k] for k in EXPORT_KEYS if k in article}))
        writer.rebuild(store, data_dir)
    return Engine(data_dir)


def holding(texts: dict, response: dict) -> int:
    """Articles holding every word the engine says it searched, read from their text."""
    found = [articles_holding(texts, [typed(s) for s in spellings])
             for spellings in words_read(response)]
    return len(set.intersection(*found))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        engine = index_corpus(args.corpus, Path(scratch))
        texts = {f["id"]: [Text(f["title"]), Text(f["body"])]
                 for f in engine.searcher().all_stored_fields()}
        print(f"{len(texts):,} articles\n")
        print("| typed | by words | holding the words (text) | by syllables | read as |")
        print("|---|---|---|---|---|")
        for q in QUERIES:
            words = engine.search(SearchRequest(q=q, page_size=1))
            syllables = engine.search(SearchRequest(q=q, page_size=1, match="syllables"))
            print(f"| `{q}` | {words['total']:,} | {holding(texts, words):,} | "
                  f"{syllables['total']:,} | `{words['searched']}` |")


if __name__ == "__main__":
    main()
