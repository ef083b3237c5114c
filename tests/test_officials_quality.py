"""Officials in real text: recall and precision on the judged sample of corpus sentences.

The corpus is not part of the repository; the measure skips without it. What the repository
keeps of the sample (ids, sentence indexes, names) is checked here either way.
"""

import json
from pathlib import Path

import pytest

from scripts.officials_quality import JUDGMENTS, draw, load_judgments, score

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "vietnews-dev.jsonl.gz"


def test_the_judgments_keep_ids_and_names_and_no_corpus_text():
    lines = [json.loads(line) for line in JUDGMENTS.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(load_judgments()) >= 200
    for entry in lines:
        assert set(entry) <= {"id", "sentence", "officials", "also"}
        assert isinstance(entry["sentence"], int)
        for name in entry["officials"] + entry.get("also", []):
            assert 2 <= len(name.split()) <= 5 and "," not in name


@pytest.mark.skipif(not CORPUS.exists(), reason="the development corpus (../shared/corpus) is absent")
def test_officials_named_with_a_position_or_rank_are_found_in_real_sentences():
    figures = score(draw(CORPUS), load_judgments())
    assert figures["unjudged"] == 0 and figures["officials"] >= 150
    assert figures["recall"] >= 0.97, figures["missed"]
    assert figures["precision"] >= 0.98, figures["wrong"]
    assert figures["malformed"] == []
