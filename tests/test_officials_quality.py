"""Officials in real text: recall and precision on the judged sample of corpus sentences.

The corpus is not part of the repository; the measure skips without it. What the repository
keeps of the sample (digests only) is checked here either way.
"""

import json
import re
from pathlib import Path

import pytest

from scripts.officials_quality import (
    JUDGMENTS,
    digested,
    draw,
    load_judgments,
    name_digest,
    score,
    sentence_key,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "vietnews-dev.jsonl.gz"


DIGEST = re.compile(r"[0-9a-f]{16}")


def test_the_judgments_keep_digests_and_nothing_of_the_corpus():
    lines = [json.loads(line) for line in JUDGMENTS.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(load_judgments()) >= 200
    for entry in lines:
        assert set(entry) <= {"key", "officials", "also"}
        for value in [entry["key"], *entry["officials"], *entry.get("also", [])]:
            assert DIGEST.fullmatch(value), value


def test_plain_judgments_become_the_digests_the_score_reads(tmp_path):
    plain = tmp_path / "judged.jsonl"
    plain.write_text(json.dumps({"id": "a-1", "sentence": 3, "officials": ["Nguyễn Văn Hoà"],
                                 "also": ["Lê Văn B"]}, ensure_ascii=False) + "\n")
    (entry,) = digested(plain)
    assert entry["key"] == sentence_key("a-1", 3)
    assert entry["officials"] == [name_digest("Nguyễn Văn Hòa")]  # canonical, any tone placement
    sample = [("a-1", 3, "Đồng chí Nguyễn Văn Hoà, Bí thư Tỉnh ủy, phát biểu .")]
    figures = score(sample, {entry["key"]: entry})
    assert figures["recall"] == 1.0 and figures["unjudged"] == 0


@pytest.mark.skipif(not CORPUS.exists(), reason="the development corpus (../shared/corpus) is absent")
def test_officials_named_with_a_position_or_rank_are_found_in_real_sentences():
    figures = score(draw(CORPUS), load_judgments())
    assert figures["unjudged"] == 0 and figures["officials"] >= 150
    assert figures["recall"] >= 0.97, figures["missed"]
    assert figures["precision"] >= 0.98, figures["wrong"]
    assert figures["malformed"] == []
