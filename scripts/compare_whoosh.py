"""Index build speed, index size and query latency under whichever ``whoosh`` is importable.

Builds a deterministic synthetic archive of Vietnamese articles, indexes it through the store
and ``index.writer.rebuild`` in a temp dir, then times ``Engine.search`` for six kinds of query.
Run it once per Whoosh distribution and compare the output (see docs/whoosh-choice.md):

    python scripts/compare_whoosh.py [--articles 5000] [--queries 30]
"""

import argparse
import platform
import random
import statistics
import tempfile
import time
import unicodedata

import whoosh

from crawler.article import Article
from crawler.store import Store
from index import writer
from index.analysis import fold_text
from index.schema import build_schema, document
from search.engine import Engine, SearchRequest
from search.filters import Filters

# Syllables, function words first: their weights fall with the position, roughly as in news text.
SYLLABLES = (
    "của và các những được trong với cho đã sẽ là có về theo tại năm người dân đồng chí "
    "phát biểu chủ trì chỉ đạo đề nghị yêu cầu nhấn mạnh khẳng định đánh giá tiếp tục tăng cường "
    "đẩy mạnh nâng cao hiệu quả chất lượng địa phương cơ sở lãnh đạo quản lý điều hành tổ chức "
    "bộ máy tinh gọn sắp xếp đơn vị nghị quyết chính quyền dân vận cán bộ đảng viên hội nghị "
    "tổng kết công tác phát triển kinh tế xã hội an ninh quốc phòng nhân dân đại biểu cử tri "
    "tiếp xúc chỉ thị thực hiện triển khai kiểm tra giám sát tham nhũng lãng phí cải cách "
    "hành chính đầu tư xây dựng chỉnh đốn học tập tư tưởng đạo đức phong cách bầu cử đoàn thể "
    "thanh niên phụ nữ nông dân công nhân doanh nghiệp ngân sách thủy lợi giáo dục y tế môi "
    "trường biên giới hòa bình hợp tác quốc tế đối ngoại văn bản pháp luật quy hoạch đất đai "
    "thủ tục tăng trưởng khen thưởng kỷ luật nhiệm kỳ đại hội phương hướng nhiệm vụ giải pháp "
    "kết quả cấp xã cấp huyện cấp tỉnh"
)
WORDS = SYLLABLES.split()
PHRASES = [
    "Ban Chấp hành", "Bộ Chính trị", "Hồ Chí Minh", "nông thôn mới", "chuyển đổi số",
    "Mặt trận Tổ quốc", "Ủy ban nhân dân", "Hội đồng nhân dân", "báo cáo chính trị",
    "phòng chống tham nhũng",
]
OFFICIALS = [
    ("Nguyễn Văn Hòa", "Bí thư Tỉnh ủy"), ("Trần Thị Thu Hằng", "Chủ tịch UBND tỉnh"),
    ("Lê Minh Hưng", "Phó Bí thư Thường trực"), ("Phạm Quốc Tuấn", "Chủ tịch HĐND tỉnh"),
    ("Võ Thị Ánh Xuân", "Trưởng Ban Dân vận"), ("Đỗ Đức Duy", "Bí thư Huyện ủy"),
    ("Hoàng Trung Dũng", "Giám đốc Sở Nội vụ"), ("Bùi Thanh Sơn", "Phó Chủ tịch UBND tỉnh"),
    ("Đặng Quốc Khánh", "Trưởng Ban Tổ chức"), ("Y Thanh Hà Niê Kdăm", "Đại biểu Quốc hội"),
]
SOURCES = ["tinhuy", "baotinh", "congtt"]
SECTIONS = ["Xây dựng Đảng", "Chính trị", "Kinh tế", "Dân vận", "Quốc phòng - An ninh"]
WEIGHTS = [1 / (i + 1) ** 0.8 for i in range(len(WORDS))]


ONSETS = "b c ch d đ g gi h k kh l m n ng nh p ph qu r s t th tr v x"
RHYMES = (
    "a ai an ang anh ao at ăn ăng âm ân âu e em en eo ê ên êu i im in inh o oa oai oan oc oi om "
    "on ong ô ôi ôm ôn ông ơ ơi ơn u ui um un ung uy uyên ư ưa ưng ươi ương"
)


def rare_syllables(count: int) -> list[str]:
    """A long tail of syllables (onset, rhyme, tone), like names and rarer words."""
    rng = random.Random(1)
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    onsets = ONSETS.split()
    tail = {
        unicodedata.normalize("NFC", rng.choice(onsets) + rhyme[0] + rng.choice(tones) + rhyme[1:])
        for rhyme in rng.choices(RHYMES.split(), k=count)
    }
    return rng.sample(sorted(tail), len(tail))


RARE = rare_syllables(6000)
RARE_WEIGHTS = [1 / (i + 1) for i in range(len(RARE))]


def sentence(rng: random.Random, syllables: int) -> str:
    out: list[str] = []
    while len(out) < syllables:
        pick = rng.random()
        if pick < 0.01:
            out += rng.choice(PHRASES).split()
        else:
            out += rng.choices(RARE, RARE_WEIGHTS) if pick < 0.25 else rng.choices(WORDS, WEIGHTS)
    return " ".join(out).capitalize()


def article(rng: random.Random, n: int) -> Article:
    officials = rng.sample(OFFICIALS, rng.randint(0, 3))
    parts = [f"Đồng chí {name} - {position} chủ trì." for name, position in officials]
    while sum(len(p.split()) for p in parts) < 400:
        parts.append(sentence(rng, rng.randint(12, 30)) + ".")
    if rng.random() < 0.2:
        parts.append(f"Thực hiện Nghị quyết số {rng.randint(1, 60)}-NQ/TW.")
    moment = 1420070400 + rng.randrange(3650 * 86400)  # 2015-01-01 onwards, ten years
    published = time.strftime("%Y-%m-%dT%H:%M:00+07:00", time.gmtime(moment))
    return Article(
        url=f"http://127.0.0.1:9/tin-tuc/bai-{n}.html",
        title=sentence(rng, rng.randint(8, 14)),
        body=" ".join(parts),
        published=published,
        source=rng.choice(SOURCES),
        section=rng.choice(SECTIONS),
        officials=[{"name": name, "positions": [position]} for name, position in officials],
    )


def queries(count: int) -> dict[str, list[SearchRequest]]:
    rng = random.Random(7)
    accented = [w for w in WORDS[15:] if not w.isascii()]
    pairs = [" ".join(WORDS[i : i + 2]) for i in range(15, len(WORDS) - 1)]
    kinds = {
        "accented word": lambda: SearchRequest(q=rng.choice(accented)),
        "accentless word": lambda: SearchRequest(q=fold_text(rng.choice(accented))),
        "two words": lambda: SearchRequest(q=rng.choice(pairs)),
        "quoted phrase": lambda: SearchRequest(q=f'"{" ".join(rng.choice(PHRASES).split()[:3])}"'),
        "official + word": lambda: SearchRequest(
            q=rng.choice(accented), filters=Filters(officials=[rng.choice(OFFICIALS)[0]])
        ),
        "date range + word": lambda: SearchRequest(
            q=rng.choice(accented),
            filters=Filters(date_from=str(2015 + rng.randrange(8)) + "-07", date_to="2023-06"),
        ),
    }
    return {kind: [make() for _ in range(count)] for kind, make in kinds.items()}


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=30, help="per kind")
    parser.add_argument(
        "--cpu", action="store_true", help="time with this process's CPU time: steadier than "
        "wall-clock time on a busy machine (the index is small enough to stay in the page cache)"
    )
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    print(
        f"whoosh {whoosh.versionstring()} on Python {platform.python_version()}, "
        f"{'CPU' if args.cpu else 'wall-clock'} time"
    )
    rng = random.Random(2024)
    articles = [article(rng, n) for n in range(args.articles)]
    started = clock()
    for item in articles:
        document(item)
    prepare = clock() - started
    with tempfile.TemporaryDirectory() as data_dir:
        with Store.in_data_dir(data_dir) as store:
            with store.transaction():
                for item in articles:
                    store.save_article(item)
            started = clock()
            stats = writer.rebuild(store, data_dir)
            build = clock() - started
        size = sum(f.stat().st_size for f in writer.current_generation(data_dir).iterdir())
        print(
            f"build: {stats.indexed} articles, {len(build_schema().names())} fields, "
            f"{build:.1f} s, {stats.indexed / build:.0f} articles/s "
            f"(document() alone {prepare:.1f} s), index {size / 2**20:.1f} MiB"
        )
        engine = Engine(data_dir)
        print(f"{'query kind':<18} {'p50 ms':>8} {'p95 ms':>8} {'mean hits':>10}")
        for kind, requests in queries(args.queries).items():
            engine.search(requests[0])  # warm: facet columns and officials are read once
            times, totals = [], []
            for request in requests:
                started = clock()
                totals.append(engine.search(request)["total"])
                times.append((clock() - started) * 1000)
            print(
                f"{kind:<18} {statistics.median(times):>8.1f} {percentile(times, 95):>8.1f} "
                f"{statistics.mean(totals):>10.0f}"
            )


if __name__ == "__main__":
    main()
