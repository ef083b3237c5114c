"""Officials in real text: recall and precision on a judged sample of real news sentences.

Run: python scripts/officials_quality.py --corpus PATH/vietnews-dev.jsonl.gz
     (add --show to print each drawn sentence with what was found, to judge a new draw, and
     --digest JUDGED.jsonl to turn judgments written in plain text outside the repository
     into the digests kept here)

The sample is drawn from the corpus with a fixed seed, so every run judges the same sentences:
political, social and legal articles, one sentence each, chosen among the sentences where a
position, a rank or ``đồng chí`` stands near a capitalised run that opens like a Vietnamese name.
The judgments (``officials_judged.jsonl`` beside this script) say, for each drawn sentence,
which officials it names with a position, a rank or ``đồng chí``; ``also`` lists people a
reader would accept but the figures do not demand (foreign leaders, officials named without a
position). They are kept as digests only (of the article id with the sentence's index, and of
each canonical name), so nothing of the corpus, not even its ids or names, is in the
repository; the corpus itself gives them meaning at run time. Each sentence is read on its
own, so nothing from the rest of its article helps.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
from pathlib import Path

from crawler.officials import LEXICON_PATH, default_lexicon, find_officials, fold
from index.officials import canonical_name

JUDGMENTS = Path(__file__).with_name("officials_judged.jsonl")
TOPICS = ("chinh-tri", "xa-hoi", "phap-luat")
SEED, SIZE = 12, 400

_CUE = re.compile(
    r"(?i)(?<!\w)(?:đồng chí|tướng|đại tá|thượng tá|trung tá|thiếu tá|bí thư|chủ tịch|thủ tướng"
    r"|bộ trưởng|thứ trưởng|giám đốc|trưởng ban|chủ nhiệm|chánh án|viện trưởng|tư lệnh"
    r"|chính [uủ]y|cục trưởng|vụ trưởng|trưởng công an|tổng thanh tra|chánh văn phòng"
    r"|trưởng phòng|thống đốc|tổng kiểm toán|tổng thư ký|[uủ]y viên|chỉ huy trưởng|trưởng đoàn"
    r"|đại biểu)(?!\w)"
)
_SURNAMES = (
    "Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Trương|Đinh"
    "|Lương|Tô|Trịnh|Vương|Mai|Đào|Đoàn|Hà|Lâm|Quách|Cao|Tạ|Chu|Thái|Lại|Hầu|Giàng|Lò|Y|Ksor"
)
_NAME = re.compile(rf"(?<!\w)(?:{_SURNAMES})(?:\s+[A-ZĐÂĂÊÔƠƯ]\w*){{1,3}}")
_SENTENCE_END = re.compile(r"(?<=\s[.!?])\s+")


def sentences(body: str) -> list[str]:
    """The corpus keeps the segmenter's spaces around punctuation: `` . `` ends a sentence."""
    return [s.strip() for line in body.splitlines() for s in _SENTENCE_END.split(line) if s.strip()]


def candidates(corpus: Path):
    """(article id, sentence index, sentence) for every sentence that may name an official."""
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            if article["topic_guess"] not in TOPICS:
                continue
            for i, sentence in enumerate(sentences(article["body"])):
                cue = _CUE.search(sentence)
                if cue and _NAME.search(sentence, cue.start()):
                    yield article["id"], i, sentence


def draw(corpus: Path, size: int = SIZE, seed: int = SEED) -> list[tuple[str, int, str]]:
    """A fixed sample: at most one sentence an article, the same for the same corpus."""
    by_article: dict[str, list[tuple[str, int, str]]] = {}
    for found in candidates(corpus):
        by_article.setdefault(found[0], []).append(found)
    rng = random.Random(seed)
    articles = sorted(by_article)
    rng.shuffle(articles)
    return [rng.choice(by_article[a]) for a in articles[:size]]


def found_names(sentence: str) -> list[str]:
    """The names as the article wrote them (canonical names hide an abbreviation's capitals)."""
    return [o.name for o in find_officials(sentence)]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sentence_key(article_id: str, index: int) -> str:
    return digest(f"{article_id}#{index}")


def name_digest(name: str) -> str:
    return digest(canonical_name(name))


def load_judgments(path: Path = JUDGMENTS) -> dict[str, dict]:
    judged = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            judged[entry["key"]] = entry
    return judged


def digested(plain: Path) -> list[dict]:
    """Judgments written as ``{"id", "sentence", "officials", "also"}`` lines, as digests."""
    entries = []
    for line in plain.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            kept = {"key": sentence_key(entry["id"], entry["sentence"]),
                    "officials": sorted(map(name_digest, entry["officials"]))}
            if entry.get("also"):
                kept["also"] = sorted(map(name_digest, entry["also"]))
            entries.append(kept)
    return entries


def score(sample, judged) -> dict:
    """Recall of the judged officials, precision of the names found, and the malformed names."""
    expected = hit = found_total = correct = 0
    missed, wrong, malformed, unjudged = [], [], [], 0
    for article_id, index, sentence in sample:
        entry = judged.get(sentence_key(article_id, index))
        if entry is None:
            unjudged += 1
            continue
        want, also = set(entry["officials"]), set(entry.get("also", []))
        raw = found_names(sentence)
        got = {name_digest(n): n for n in raw}
        expected, hit = expected + len(want), hit + len(want & got.keys())
        found_total, correct = found_total + len(got), correct + len(got.keys() & (want | also))
        if want - got.keys():  # the judged name is a digest: show the sentence it is missing from
            missed += [(article_id, index, f"{len(want - got.keys())} missed in: {sentence}")]
        wrong += [(article_id, index, got[d]) for d in sorted(got.keys() - want - also)]
        malformed += [(article_id, index, n) for n in sorted(raw) if _malformed(n)]
    return {
        "sentences": len(sample) - unjudged,
        "unjudged": unjudged,
        "officials": expected,
        "recall": hit / expected if expected else 1.0,
        "officials found": hit,
        "found": found_total,
        "precision": correct / found_total if found_total else 1.0,
        "names right": correct,
        "missed": missed,
        "wrong": wrong,
        "malformed": malformed,
    }


def _malformed(name: str) -> bool:
    """A name holding an abbreviation (``HCM``) or a position word, or opening with a place."""
    words = name.split()
    if any(len(w) > 1 and w.isupper() for w in words) or any(w.endswith(".") for w in words):
        return True
    folded = fold(name).lower()
    positions = any(p.search(folded) for p in default_lexicon().every_pattern)
    return positions or any(folded.startswith(fold(p).lower() + " ") for p in _provinces())


def _provinces() -> list[str]:
    """The provinces the bundled lexicon lists, and the countries the press names most."""
    lines = LEXICON_PATH.read_text(encoding="utf-8").splitlines()
    listed = [n for line in lines if line.startswith("PROVINCE =") for n in line[10:].split("|")]
    return [n.strip() for n in listed] + ["Việt Nam", "Trung Quốc", "Nhật Bản", "Thái Lan"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, required=True, help="vietnews-dev.jsonl.gz")
    parser.add_argument("--show", action="store_true", help="print each sentence and its names")
    parser.add_argument("--digest", type=Path, metavar="JUDGED",
                        help="write the judgments of this plain-text file as digests, and stop")
    args = parser.parse_args(argv)
    if args.digest:
        lines = [json.dumps(e, ensure_ascii=False) for e in digested(args.digest)]
        JUDGMENTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    sample = draw(args.corpus)
    if args.show:
        judged = load_judgments() if JUDGMENTS.exists() else {}
        for article_id, index, sentence in sample:
            found = found_names(sentence)
            entry = judged.get(sentence_key(article_id, index), {})
            print(json.dumps({"id": article_id, "sentence": index, "text": sentence,
                              "found": found, "judged": [n for n in found if name_digest(n)
                                                         in entry.get("officials", [])]},
                             ensure_ascii=False))
        return
    figures = score(sample, load_judgments())
    print(f"sentences    {figures['sentences']} ({figures['unjudged']} not judged)")
    print(f"recall       {figures['recall']:.4f} ({figures['officials found']} of {figures['officials']})")
    print(f"precision    {figures['precision']:.4f} ({figures['names right']} of {figures['found']})")
    for key in ("missed", "wrong", "malformed"):
        print(f"{key:12} {len(figures[key])}")
        for article_id, index, name in figures[key]:
            print(f"  {article_id} #{index}: {name}")


if __name__ == "__main__":
    main()
