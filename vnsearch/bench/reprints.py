"""Reprints: one story republished by other outlets, edited the way provincial papers edit.

Party and State news is syndicated: an article of the national press comes back on provincial
portals with its headline reworded, a "Theo TTXVN" line, a paragraph cut, another photo caption,
a day or two later. The bench corpus has the same, so that grouping stories at index time and
collapsing them at search time are measured on the work they will meet.

About a third of the originals are republished, 1 to 20 times, most of them 1 to 3 times
(``P(k) ∝ k^-COPY_SKEW``). The corpus is laid out in blocks of ``BLOCK`` originals: a block
holds its originals and all their copies in a seeded order, so a copy stands near its original
but not always after it (a crawler meets them in any order), and where an article stands does
not depend on the corpus size. Every article carries ``story``, the id of its original: the
truth the bench counts stories by. It is no field of the store's record and is never stored.
"""

from __future__ import annotations

import itertools
import random
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from crawler.article import article_id

BLOCK = 32  # originals a block
REPRINTED = 1 / 3  # of the originals
MAX_COPIES = 20
COPY_SKEW = 1.8  # P(k copies) ∝ k^-skew: 81% of reprinted stories have 1–3 copies, 5% 10 or more
COPY_WEIGHTS = tuple(itertools.accumulate(k**-COPY_SKEW for k in range(1, MAX_COPIES + 1)))
MAX_LAG_MINUTES = 5 * 24 * 60  # a copy appears 0–5 days after its original, most within a day

TITLE_CHANGED = 0.9
CREDITED = 0.85
PARAGRAPH_CUT = 0.5  # when the article has at least three paragraphs
REWORDED = 0.6  # a sentence reworded or the photo caption changed
AUTHOR_KEPT = 0.5
CAPTIONED = 0.4  # of the generated originals

CREDITS = (
    "Theo TTXVN", "(TTXVN)", "Theo Báo Nhân Dân", "(Theo Báo Nhân Dân)", "Theo dangcongsan.vn",
    "Theo Báo Quân đội nhân dân", "Nguồn: Cổng Thông tin điện tử Chính phủ", "Theo VOV",
)
CAPTIONS = (
    "Quang cảnh hội nghị", "Các đại biểu dự hội nghị", "Toàn cảnh buổi làm việc",
    "Các đại biểu biểu quyết thông qua nghị quyết", "Lãnh đạo tỉnh trao Bằng khen cho các tập thể",
    "Đoàn công tác thăm mô hình sản xuất tại cơ sở", "Các đại biểu dâng hương tưởng niệm",
    "Cử tri phát biểu ý kiến tại buổi tiếp xúc", "Lãnh đạo tỉnh thăm hỏi, tặng quà gia đình chính sách",
)
PHOTO_CREDITS = (
    "TTXVN", "VGP", "Tư liệu", "NDO", "Minh Hòa", "Thanh Hải", "Quang Vinh", "Ngọc Lan", "Đức Anh",
    "Hồng Phúc", "Văn Điệp", "Thu Hương", "Trọng Đức", "Xuân Tùng",
)
_CAPTION = re.compile(r"\(?\s*Ảnh\s*:")


# -- where each article stands --------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One place in the corpus: original ``original`` itself (copy 0) or its copy ``copy``."""

    original: int
    copy: int = 0


def copy_count(rng: random.Random) -> int:
    if rng.random() >= REPRINTED:
        return 0
    return rng.choices(range(1, MAX_COPIES + 1), cum_weights=COPY_WEIGHTS)[0]


@lru_cache(maxsize=64)
def block(seed: int, number: int) -> tuple[Slot, ...]:
    """The originals of block ``number`` and their copies, in the order the corpus has them."""
    rng = random.Random(f"vnsearch-bench/{seed}/stories/{number}")
    slots = [
        Slot(original, copy)
        for original in range(number * BLOCK, (number + 1) * BLOCK)
        for copy in range(copy_count(rng) + 1)
    ]
    rng.shuffle(slots)
    return tuple(slots)


class Layout:
    """The slots of a corpus, from any place on; block sizes are summed as far as asked."""

    def __init__(self, seed: int):
        self.seed = seed
        self.ends: list[int] = []  # the first slot after each block

    def slots(self, start: int = 0) -> Iterator[Slot]:
        while not self.ends or self.ends[-1] <= start:
            self.ends.append((self.ends[-1] if self.ends else 0) + len(block(self.seed, len(self.ends))))
        first = bisect_right(self.ends, start)
        offset = start - (self.ends[first - 1] if first else 0)
        for number in itertools.count(first):
            yield from block(self.seed, number)[offset:]
            offset = 0


def with_reprints(originals: Iterable[dict], seed: int, sources: tuple[str, ...]) -> Iterator[dict]:
    """Every article of ``originals`` (a corpus read in order) and the copies the layout gives it."""
    reprinter, chunks = Reprinter(seed, sources), iter(originals)
    for number in itertools.count():
        chunk = list(itertools.islice(chunks, BLOCK))
        if not chunk:
            return
        for slot in block(seed, number):
            index = slot.original - number * BLOCK
            if index < len(chunk):
                yield reprinter.copy(chunk[index], slot)


class Tally:
    """Counts the stories of the articles that pass through it."""

    def __init__(self):
        self.copies: Counter[str] = Counter()

    def __call__(self, articles: Iterable[dict]) -> Iterator[dict]:
        for article in articles:
            self.copies[article.get("story") or article["id"]] += 1
            yield article

    def summary(self) -> dict:
        articles = sum(self.copies.values())
        return {
            "stories": len(self.copies),
            "reprints": articles - len(self.copies),
            "reprinted_stories": sum(1 for n in self.copies.values() if n > 1),
            "largest_story": max(self.copies.values(), default=0),
        }


# -- the copies ---------------------------------------------------------------------------------


class Reprinter:
    """Copy ``j`` of an original: another outlet, another URL, a later date, edited text."""

    def __init__(self, seed: int, sources: tuple[str, ...]):
        self.seed = seed
        self.sources = sources

    def copy(self, original: dict, slot: Slot) -> dict:
        """The original itself for copy 0 (its ``story`` is its own id), else an edited copy."""
        if slot.copy == 0:
            return {**original, "story": original.get("story") or original["id"]}
        outlets = [s for s in self.sources if s != original.get("source")]
        story_rng = random.Random(f"vnsearch-bench/{self.seed}/reprint/{slot.original}")
        source = story_rng.sample(outlets, min(MAX_COPIES, len(outlets)))[
            (slot.copy - 1) % min(MAX_COPIES, len(outlets))
        ]
        rng = random.Random(f"vnsearch-bench/{self.seed}/reprint/{slot.original}/{slot.copy}")
        url = f"https://{source}.example/tin-tuc/{self.seed}-{slot.original}-{slot.copy}.html"
        officials = original.get("officials") or []
        body = edited_body(original.get("body", ""), rng, [o["name"] for o in officials])
        return {
            **original,
            "id": article_id(url),
            "url": url,
            "title": edited_title(original.get("title", ""), original.get("body", ""), rng),
            "published": later(original.get("published"), rng),
            "source": source,
            "source_name": source,
            "author": original.get("author", "") if rng.random() < AUTHOR_KEPT else "",
            "officials": [o for o in officials if o["name"] in body],
            "body": body,
            "story": original.get("story") or original["id"],
        }


def later(published: str | None, rng: random.Random) -> str | None:
    """0–5 days after ``published``, most copies within the first day."""
    lag = timedelta(minutes=int(MAX_LAG_MINUTES * rng.random() ** 2))
    try:
        moment = datetime.fromisoformat(published or "")
    except ValueError:
        return published
    return (moment + lag).isoformat(timespec="seconds")


def edited_title(title: str, body: str, rng: random.Random) -> str:
    """Words moved, added from the body, or dropped, as a reprint's desk rewrites a headline."""
    words = title.split()
    if not words or rng.random() >= TITLE_CHANGED:
        return title
    extra = _plain_words(body) or words
    for edit in rng.sample(("move", "add", "drop"), rng.choice((1, 1, 2))):
        if edit == "move" and len(words) > 3:
            cut = rng.randint(1, len(words) - 1)
            words = words[cut:] + words[:cut]
        elif edit == "drop" and len(words) > 4:
            del words[rng.randrange(len(words))]
        else:
            at = rng.randrange(len(extra))
            added = extra[at : at + rng.randint(2, 3)]
            words = [*added[:-1], added[-1] + ":", *words] if rng.random() < 0.5 else words + added
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text != title else f"{title} {rng.choice(extra)}"


def edited_body(body: str, rng: random.Random, names: list[str]) -> str:
    """A credit line, a paragraph cut, a sentence reworded or the caption changed; a sentence
    that names an official is not reworded (the copy names them as the original does)."""
    separator = "\n\n" if "\n\n" in body else "\n"
    paragraphs = [p for p in body.split("\n") if p.strip()]
    if len(paragraphs) >= 3 and rng.random() < PARAGRAPH_CUT:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    if paragraphs and rng.random() < REWORDED:
        if rng.random() < 0.5:
            _recaption(paragraphs, rng)
        else:
            _reword(paragraphs, rng, names)
    if paragraphs and rng.random() < CREDITED:
        credit = rng.choice(CREDITS)
        where = rng.choice(("start", "end", "end", "inline"))
        if where == "start":
            paragraphs.insert(0, credit)
        elif where == "end":
            paragraphs.append(credit)
        else:
            paragraphs[0] = f"{credit} - {paragraphs[0]}"
    return separator.join(paragraphs)


def caption(rng: random.Random) -> str:
    """A photo caption line: what the picture shows, and whose it is."""
    credit = rng.choice(PHOTO_CREDITS)
    text = rng.choice(CAPTIONS)
    return f"{text}. (Ảnh: {credit})" if rng.random() < 0.5 else f"{text}. Ảnh: {credit}"


def is_caption(paragraph: str) -> bool:
    return bool(_CAPTION.search(paragraph)) and len(paragraph.split()) <= 30


def _recaption(paragraphs: list[str], rng: random.Random) -> None:
    """Another caption, or the caption dropped; a caption added where there is none."""
    at = next((i for i, p in enumerate(paragraphs) if is_caption(p)), None)
    if at is None:
        paragraphs.insert(min(1, len(paragraphs)), caption(rng))
    elif rng.random() < 0.25:
        del paragraphs[at]
    else:
        old = paragraphs[at]
        while paragraphs[at] == old:
            paragraphs[at] = caption(rng)


def _reword(paragraphs: list[str], rng: random.Random, names: list[str]) -> None:
    """One or two words of a paragraph replaced by words of the article, dropped or swapped."""
    choices = [i for i, p in enumerate(paragraphs) if not is_caption(p) and len(p.split()) > 3
               and not any(name in p for name in names)]
    if not choices:
        return
    at = rng.choice(choices)
    tokens = paragraphs[at].split(" ")
    pool = _plain_words(" ".join(paragraphs)) or tokens
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(tokens) - 1)
        edit = rng.choice(("replace", "drop", "swap"))
        if edit == "replace":
            tokens[i] = rng.choice(pool)
        elif edit == "drop" and len(tokens) > 4:
            del tokens[i]
        else:
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
    paragraphs[at] = " ".join(tokens)


def _plain_words(text: str) -> list[str]:
    return [w for w in text.split() if w.isalpha()]



def pair_agreement(found: dict, truth: dict) -> dict:
    """Pairwise precision and recall of a grouping (item -> group) against the truth's: a pair
    is two items of one group. Counted, not listed: a story of 21 copies is 210 pairs."""
    def pairs(counts) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    items = found.keys() & truth.keys()
    right = pairs(Counter((found[i], truth[i]) for i in items).values())
    grouped = pairs(Counter(found[i] for i in items).values())
    wanted = pairs(Counter(truth[i] for i in items).values())
    return {
        "precision": right / grouped if grouped else 1.0,
        "recall": right / wanted if wanted else 1.0,
        "pairs": (right, grouped, wanted),
    }
