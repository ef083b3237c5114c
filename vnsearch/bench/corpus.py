"""A deterministic synthetic archive of Vietnamese political news.

The text is not Vietnamese prose, but it has the shape search cares about: real words, most of
them of two or more syllables, drawn with the frequencies they have in news text
(``words.txt`` beside this module, counted from Vietnamese news by ``scripts/bench_words.py``),
the vocabulary of the political press weighted up, sentences with commas and full stops,
officials named in the body as ``Đồng chí NAME - POSITION``, and document numbers such as
``25-NQ/TW``. A two-syllable word's syllables stand together as often as the word is drawn, so
pairs of syllables have the skew of real text: a few pairs are very common, most are rare.

Some originals carry a photo caption line. About a third of them are republished by other
outlets of the corpus, edited (:mod:`vnsearch.bench.reprints`); every article names the id of its
original in ``story``, which is no field of the store's record.

Everything comes from seeded :class:`random.Random` instances: the vocabulary from the seed, each
original from ``(seed, number)``, the place of the originals and their copies from the seed and
a block, so article ``i`` is the same whatever the corpus size.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from crawler.article import EXPORT_KEYS, article_id
from vnsearch.bench import reprints

# -- real words ---------------------------------------------------------------------------------


def _distinct(text: str, separator: str | None = None) -> list[str]:
    return list(dict.fromkeys(text.split(separator)))


POLITICAL_WORDS = _distinct(
    "công tác|dân vận|chính quyền|Đảng bộ|nghị quyết|kinh tế - xã hội|Ban Chấp hành|"
    "Ủy ban nhân dân|Hội đồng nhân dân|Mặt trận Tổ quốc|đoàn thể|chính trị - xã hội|cán bộ|"
    "đảng viên|tổ chức cơ sở đảng|chi bộ|Bộ Chính trị|Ban Bí thư|Trung ương|Tỉnh ủy|Thành ủy|"
    "Huyện ủy|Thị ủy|Đảng ủy|Ban Thường vụ|Thường trực|hội nghị|triển khai|thực hiện|quán triệt|"
    "học tập|tổng kết|sơ kết|phát biểu|chỉ đạo|lãnh đạo|điều hành|quản lý|nhiệm vụ|giải pháp|"
    "mục tiêu|chỉ tiêu|kế hoạch|chương trình|phong trào|thi đua|khen thưởng|kỷ luật|kiểm tra|"
    "giám sát|thanh tra|tiếp công dân|khiếu nại|tố cáo|phòng, chống tham nhũng|lãng phí|"
    "tiêu cực|cải cách hành chính|chuyển đổi số|xây dựng Đảng|chỉnh đốn Đảng|tư tưởng|đạo đức|"
    "phong cách Hồ Chí Minh|Chủ tịch Hồ Chí Minh|chủ nghĩa Mác - Lênin|độc lập dân tộc|"
    "chủ nghĩa xã hội|đổi mới|công nghiệp hóa|hiện đại hóa|hội nhập quốc tế|quốc phòng|an ninh|"
    "trật tự|an toàn xã hội|biên giới|biển đảo|chủ quyền|lực lượng vũ trang|dân quân tự vệ|"
    "nông thôn mới|giảm nghèo|bền vững|an sinh xã hội|chính sách|người có công|"
    "gia đình chính sách|đồng bào dân tộc thiểu số|miền núi|vùng sâu|vùng xa|đại đoàn kết|"
    "toàn dân tộc|khối đại đoàn kết|nhân dân|cử tri|đại biểu Quốc hội|Quốc hội|Chính phủ|"
    "Thủ tướng|Chủ tịch nước|Văn phòng|Sở Nội vụ|Ban Tổ chức|Ban Tuyên giáo|Ban Dân vận|"
    "Ủy ban Kiểm tra|Ban Nội chính|Trường Chính trị|bồi dưỡng|đào tạo|quy hoạch|luân chuyển|"
    "bổ nhiệm|đánh giá|xếp loại|nhiệm kỳ|Đại hội|đại biểu|bầu cử|ứng cử|hiệp thương|văn kiện|"
    "báo cáo chính trị|dự thảo|góp ý|tổng kết thực tiễn|lý luận|tuyên truyền|vận động|"
    "dân chủ ở cơ sở|quy chế|dân biết|dân bàn|dân làm|dân kiểm tra|dân giám sát|dân thụ hưởng|"
    "dân vận khéo|Năm dân vận chính quyền|hệ thống chính trị|tinh gọn|hiệu lực|hiệu quả|"
    "bộ máy|biên chế|tinh giản|sắp xếp|đơn vị hành chính|cấp xã|cấp huyện|cấp tỉnh|thôn|bản|"
    "tổ dân phố|khu dân cư|hộ gia đình|doanh nghiệp|đầu tư|thu hút|tăng trưởng|tổng sản phẩm|"
    "ngân sách|thu ngân sách|xuất khẩu|nông nghiệp|công nghiệp|dịch vụ|du lịch|hạ tầng|"
    "giao thông|đô thị|môi trường|tài nguyên|đất đai|giải phóng mặt bằng|bồi thường|"
    "tái định cư|y tế|giáo dục|văn hóa|thể thao|khoa học|công nghệ|đổi mới sáng tạo|thanh niên|"
    "phụ nữ|cựu chiến binh|nông dân|công đoàn|Hội Nông dân|Hội Liên hiệp Phụ nữ|"
    "Đoàn Thanh niên|Hội Cựu chiến binh|Liên đoàn Lao động|đối ngoại|hợp tác|hữu nghị|"
    "kỷ niệm|ngày thành lập|truyền thống|anh hùng|liệt sĩ|thương binh|Mẹ Việt Nam Anh hùng|"
    "tri ân|đền ơn đáp nghĩa|uống nước nhớ nguồn|trao tặng|Huân chương Lao động|Bằng khen|"
    "Huy hiệu Đảng|kết nạp|đảng viên mới|sinh hoạt chi bộ|tự phê bình|phê bình|suy thoái|"
    "tự diễn biến|tự chuyển hóa|thế lực thù địch|luận điệu sai trái|"
    "bảo vệ nền tảng tư tưởng của Đảng|dư luận xã hội|báo chí|truyền thông|thông tin|"
    "phát thanh|truyền hình|cổng thông tin điện tử|nhân sự|công tác cán bộ|Đề án|Chỉ thị|"
    "Kết luận|Quy định|Hướng dẫn|Nghị định|Thông tư|Luật|Hiến pháp|pháp luật|"
    "nhà nước pháp quyền|tư pháp|tòa án|viện kiểm sát|công an|quân đội|Bộ Chỉ huy Quân sự|"
    "Bộ đội Biên phòng|phòng chống thiên tai|lũ lụt|hạn hán|dịch bệnh|tiêm chủng|"
    "phục hồi kinh tế|việc làm|lao động|an toàn thực phẩm|sản xuất|kinh doanh|hợp tác xã|"
    "nông sản|cà phê|lúa gạo|cao su|thủy sản|lâm nghiệp|trồng rừng|bảo vệ rừng|"
    "xóa đói giảm nghèo|nhà ở|nhà đại đoàn kết|học sinh|sinh viên|trường học|bệnh viện|"
    "trạm y tế|bảo hiểm y tế|bảo hiểm xã hội|người cao tuổi|trẻ em|bình đẳng giới|tôn giáo|"
    "tín ngưỡng|đồng bào|già làng|người có uy tín|cộng đồng|lễ hội|di tích|di sản|bản sắc|"
    "văn hóa dân tộc|tổ quốc|đất nước|quê hương|Việt Nam|Hà Nội|Thành phố Hồ Chí Minh|"
    "Tây Nguyên|Đồng bằng sông Cửu Long|miền Trung|Tây Bắc|biên cương|hải đảo|ngư dân|"
    "chủ động|kịp thời|quyết liệt|đồng bộ|thống nhất|nghiêm túc|sâu rộng|thiết thực|"
    "trọng tâm|trọng điểm|đột phá|khâu đột phá|chiến lược|tầm nhìn|định hướng|phương hướng|"
    "tồn tại|hạn chế|nguyên nhân|bài học kinh nghiệm|kết quả|thành tựu|nổi bật|tích cực|"
    "chuyển biến|rõ nét|đề xuất|kiến nghị|tháo gỡ|khó khăn|vướng mắc|nguồn lực|nguồn vốn|"
    "vốn vay|tín dụng|ngân hàng chính sách|nhà máy|khu công nghiệp|cụm công nghiệp|"
    "thương mại|thị trường|giá cả|thu nhập|đời sống|vật chất|tinh thần|sức khỏe|"
    "chăm sóc|hỗ trợ|trợ cấp|cứu trợ|thăm hỏi|động viên|tặng quà|Tết Nguyên đán|"
    "ngày hội đại đoàn kết|cuộc vận động|Ngày vì người nghèo|Quỹ Vì người nghèo|"
    "gương điển hình|người tốt việc tốt|tiên tiến|xuất sắc|hoàn thành tốt nhiệm vụ|"
    "trong sạch vững mạnh|nêu gương|trách nhiệm|người đứng đầu|dám nghĩ|dám làm|"
    "dám chịu trách nhiệm|vì lợi ích chung|niềm tin|nhân dân đối với Đảng",
    "|",
)

POSITIONS = (
    "Bí thư Tỉnh ủy", "Phó Bí thư Tỉnh ủy", "Phó Bí thư Thường trực Tỉnh ủy",
    "Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh", "Phó Chủ tịch Thường trực UBND tỉnh",
    "Chủ tịch HĐND tỉnh", "Phó Chủ tịch HĐND tỉnh", "Trưởng Ban Tuyên giáo Tỉnh ủy",
    "Trưởng Ban Dân vận Tỉnh ủy", "Trưởng Ban Tổ chức Tỉnh ủy", "Trưởng Ban Nội chính Tỉnh ủy",
    "Chủ nhiệm Ủy ban Kiểm tra Tỉnh ủy", "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh",
    "Trưởng Đoàn đại biểu Quốc hội tỉnh", "Phó Trưởng Đoàn chuyên trách Đoàn ĐBQH tỉnh",
    "Ủy viên Ban Thường vụ Tỉnh ủy", "Tỉnh ủy viên", "Bí thư Thành ủy", "Chủ tịch UBND thành phố",
    "Bí thư Huyện ủy", "Phó Bí thư Huyện ủy", "Chủ tịch UBND huyện", "Chủ tịch HĐND huyện",
    "Bí thư Đảng ủy xã", "Chủ tịch UBND xã", "Ủy viên Trung ương Đảng", "Ủy viên Bộ Chính trị",
    "Bí thư Trung ương Đảng", "Trưởng Ban Dân vận Trung ương", "Phó Thủ tướng Chính phủ",
    "Bộ trưởng Bộ Nội vụ", "Thứ trưởng Bộ Nội vụ", "Giám đốc Sở Nội vụ",
    "Giám đốc Sở Kế hoạch và Đầu tư", "Giám đốc Công an tỉnh", "Chỉ huy trưởng Bộ CHQS tỉnh",
    "Chỉ huy trưởng Bộ đội Biên phòng tỉnh", "Hiệu trưởng Trường Chính trị tỉnh",
    "Chủ tịch Hội Nông dân tỉnh", "Chủ tịch Hội LHPN tỉnh", "Bí thư Tỉnh đoàn",
    "Chủ tịch Liên đoàn Lao động tỉnh", "Chủ tịch Hội Cựu chiến binh tỉnh",
)

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai", "Hà", "Tô", "Lương", "Đoàn",
    "Trịnh", "Cao", "Châu", "Thái", "Tạ", "La",
)
MIDDLE_NAMES = (
    "Văn", "Thị", "Đức", "Minh", "Xuân", "Hữu", "Quang", "Thanh", "Ngọc", "Thành", "Công",
    "Đình", "Hồng", "Thu", "Kim", "Bá", "Trọng", "Quốc", "Anh", "Tấn", "Viết", "Như", "Thế",
)
GIVEN_NAMES = (
    "Hòa", "Phúc", "Dũng", "Hùng", "Sơn", "Thắng", "Hải", "Hương", "Lan", "Tuấn", "Nam", "Bình",
    "Cường", "Trung", "Huệ", "Ngân", "Thưởng", "Chính", "Khải", "Hiếu", "Long", "Phong", "Quân",
    "Tâm", "Thủy", "Vinh", "Hạnh", "Huy", "Mai", "Đạt", "Lợi", "Nghĩa", "Toàn", "Thuận", "Hiền",
    "Quý", "Khoa", "Duyên", "Tuyết", "Nhung", "Việt", "Thịnh", "Hưng", "Tùng", "Kiên", "Lực",
    "Nguyên", "Hoàn", "Thúy", "Loan", "Uyên", "Điệp", "Ngoan", "Quyết", "Khánh", "Đông",
)
MINORITY_FIXED = ("Y Mửi", "A Pớt", "Kring Ba", "H'Yim Kđoh", "Y Biêr Niê", "Điểu K'ré")
MINORITY_PREFIXES = (  # (prefix, takes a family name after the given name)
    ("Y", True), ("A", True), ("H'", True), ("Ksor", False), ("Rơ Mah", False), ("Siu", False),
    ("Nay", False), ("Kpă", False), ("Rah Lan", False), ("Điểu", False), ("Kring", False),
    ("Alăng", False), ("Sùng A", False), ("Giàng A", False), ("Vừ A", False), ("Hầu A", False),
    ("Lò Văn", False), ("Mùa A", False), ("Thào A", False), ("Lầu Thị", False),
)
MINORITY_GIVEN = (
    "Mửi", "Pớt", "Ba", "Biêr", "Kông", "Thảnh", "Lềnh", "Dhăm", "Blin", "Ngọc", "Hồ", "Phử",
    "Sơn", "Thuyên", "Tuấn", "Hương", "Ly", "Jút", "Sinh", "Nuôl", "Khoa", "Hoa", "Thái", "Hồng",
)
MINORITY_FAMILY = ("", "", "Niê", "Ayun", "Kđăm", "Byă", "Êban", "Mlô")

SOURCES = (  # more than MAX_COPIES + 1: every copy of a story on an outlet of its own
    "dangcongsan", "nhandan", "baochinhphu", "qdnd", "cand", "tuyengiao", "xaydungdang",
    "dangbo-hanoi", "tinhuy-daklak", "tinhuy-laocai", "baotinh-nghean", "baotinh-quangnam",
    "congtt-gialai", "congtt-kontum", "tinhuy-soctrang", "baotinh-angiang", "mattran",
    "danvan-tw", "tinhuy-hagiang", "baotinh-thanhhoa", "baotinh-binhdinh", "tinhuy-caobang",
    "congtt-dienbien", "baotinh-camau", "tinhuy-quangtri", "baotinh-phuyen", "congtt-laichau",
    "tinhuy-bentre", "baotinh-haiduong", "tinhuy-kiengiang",
)
SECTIONS = (
    "Chính trị", "Xây dựng Đảng", "Dân vận", "Kinh tế", "Xã hội", "Quốc phòng - An ninh",
    "Văn hóa", "Nội chính",
)
DOCUMENTS = (
    ("Nghị quyết", "{n}-NQ/TW"), ("Chỉ thị", "{n}-CT/TW"), ("Kết luận", "{n}-KL/TW"),
    ("Quy định", "{n}-QĐ/TW"), ("Chỉ thị", "{n}/CT-TTg"), ("Quyết định", "{n}/QĐ-TTg"),
    ("Nghị quyết", "{n}/NQ-CP"), ("Nghị định", "{n}/NĐ-CP"),
)
OFFICIAL_ACTIONS = (
    "phát biểu chỉ đạo hội nghị", "chủ trì buổi làm việc", "dự và phát biểu tại hội nghị",
    "đề nghị các cấp ủy tiếp tục", "nhấn mạnh yêu cầu", "trao tặng Bằng khen cho các tập thể",
    "kiểm tra tiến độ thực hiện", "tiếp xúc cử tri và ghi nhận",
)
YEARS = (2010, 2024)
WORDS_FILE = Path(__file__).with_name("words.txt")
OFFICIALS = 300
ZIPF_S = 0.6  # of the political words' weights by rank (a seeded order): a gentle slope
POLITICAL_SHARE = 0.15  # of the words drawn: the vocabulary of the political press, weighted up
OFFICIAL_COUNTS = (0.22, 0.30, 0.22, 0.12, 0.08, 0.06)  # P(0..5 officials)


class CorpusError(ValueError):
    """A corpus file that cannot be read as articles; the message says where."""


# -- the generator ------------------------------------------------------------------------------


@dataclass
class Official:
    name: str
    positions: tuple[str, ...]


class Generator:
    """Article ``i`` of the corpus for ``seed``; the vocabulary and officials come from the seed."""

    def __init__(self, seed: int = 1):
        self.seed = seed
        rng = random.Random(f"vnsearch-bench/{seed}/vocabulary")
        news = read_words(WORDS_FILE)
        political = list(POLITICAL_WORDS)
        rng.shuffle(political)
        zipf = [1.0 / (rank + 1) ** ZIPF_S for rank in range(len(political))]
        scale = (1 - POLITICAL_SHARE) / sum(news.values())
        weights = [count * scale for count in news.values()]
        weights += [POLITICAL_SHARE * w / sum(zipf) for w in zipf]
        self.words = list(news) + political
        self.cum_weights = list(itertools.accumulate(weights))
        self.officials = _officials(rng)
        self.official_weights = list(
            itertools.accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(len(self.officials)))
        )
        self.layout = reprints.Layout(seed)

    # -- pieces --------------------------------------------------------------------------------

    def _words(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)

    def _sentence(self, rng: random.Random, lead: str = "") -> tuple[str, int]:
        chosen = self._words(rng, rng.randint(6, 18))
        parts = [lead] if lead else []
        for i, word in enumerate(chosen):
            parts.append(word + ("," if i and i < len(chosen) - 2 and rng.random() < 0.08 else ""))
        text = " ".join(parts)
        return text[0].upper() + text[1:] + ".", text.count(" ") + 1

    def _official_sentence(self, rng: random.Random, official: Official, positions) -> str:
        lead = rng.choice(("Đồng chí", "Đồng chí", "Đồng chí", "Ông", "Bà"))
        action = rng.choice(OFFICIAL_ACTIONS)
        rest, _ = self._sentence(rng)
        return f"{lead} {official.name} - {', '.join(positions)} {action} {rest[0].lower()}{rest[1:]}"

    def _document_sentence(self, rng: random.Random) -> str:
        kind, pattern = rng.choice(DOCUMENTS)
        number = pattern.format(n=rng.randint(1, 120))
        rest, _ = self._sentence(rng)
        return f"Thực hiện {kind} số {number} của Ban Chấp hành Trung ương, {rest[0].lower()}{rest[1:]}"

    # -- articles ------------------------------------------------------------------------------

    def original(self, number: int) -> dict:
        """Original ``number``: articles and copies are laid out around the originals."""
        rng = random.Random(f"vnsearch-bench/{self.seed}/article/{number}")
        source = rng.choice(SOURCES)
        section = rng.choice(SECTIONS)
        count = rng.choices(range(len(OFFICIAL_COUNTS)), weights=OFFICIAL_COUNTS)[0]
        mentioned: dict[str, Official] = {}
        while len(mentioned) < count:
            official = rng.choices(self.officials, cum_weights=self.official_weights)[0]
            mentioned.setdefault(official.name, official)
        officials = [
            (o, list(rng.sample(o.positions, rng.choice((1, 1, 1, 2)) if len(o.positions) > 1 else 1)))
            for o in mentioned.values()
        ]
        special = [self._official_sentence(rng, o, p) for o, p in officials]
        special += [self._document_sentence(rng) for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))]
        target = rng.randint(420, 660)
        sentences, size = [], 0
        while size < target:
            text, n = self._sentence(rng)
            sentences.append(text)
            size += n
        for text in special:
            sentences.insert(rng.randint(0, len(sentences)), text)
        paragraphs, i = [], 0
        while i < len(sentences):
            step = rng.randint(3, 6)
            paragraphs.append(" ".join(sentences[i : i + step]))
            i += step
        photo = random.Random(f"vnsearch-bench/{self.seed}/caption/{number}")
        if photo.random() < reprints.CAPTIONED:
            paragraphs.insert(1, reprints.caption(photo))
        size = rng.randint(8, 15)
        syllables = [s for s in " ".join(self._words(rng, size)).split() if s != "-"]
        title = " ".join(syllables[:size]).replace(",", "")
        url = f"https://{source}.example/tin-tuc/{self.seed}-{number}.html"
        author = rng.choice(("", "", f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}"))
        return {
            "id": article_id(url),
            "url": url,
            "title": title[0].upper() + title[1:],
            "published": _published(rng),
            "date_source": "page",
            "source": source,
            "source_name": source,
            "section": section,
            "author": author,
            "officials": [{"name": o.name, "positions": p} for o, p in officials],
            "body": "\n\n".join(paragraphs),
            "story": article_id(url),
        }

    def articles(self, count: int, start: int = 0) -> Iterator[dict]:
        """Articles ``start`` .. ``start + count - 1``: originals and copies as laid out."""
        reprinter, block, originals = reprints.Reprinter(self.seed, SOURCES), -1, {}
        for slot in itertools.islice(self.layout.slots(start), count):
            if slot.original // reprints.BLOCK != block:  # a block's copies are of its originals
                block, originals = slot.original // reprints.BLOCK, {}
            if slot.original not in originals:
                originals[slot.original] = self.original(slot.original)
            yield reprinter.copy(originals[slot.original], slot)


def read_words(path: str | Path) -> dict[str, int]:
    """``word<TAB>count`` lines (see ``scripts/bench_words.py``), as a dict in file order;
    ``#`` starts a comment line."""
    words = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            word, count = line.rstrip("\n").split("\t")
            words[word] = int(count)
    return words


def _officials(rng: random.Random) -> list[Official]:
    names: dict[str, None] = dict.fromkeys(MINORITY_FIXED)
    while len(names) < OFFICIALS * 15 // 100:
        (prefix, family), given = rng.choice(MINORITY_PREFIXES), rng.choice(MINORITY_GIVEN)
        name = prefix + given if prefix.endswith("'") else f"{prefix} {given}"
        family = rng.choice(MINORITY_FAMILY) if family else ""
        names[f"{name} {family}".strip()] = None
    while len(names) < OFFICIALS:
        middle = rng.choice(MIDDLE_NAMES)
        given = rng.choice(GIVEN_NAMES)
        if rng.random() < 0.2:
            given = f"{rng.choice(MIDDLE_NAMES[2:])} {given}"
        names[f"{rng.choice(SURNAMES)} {middle} {given}"] = None
    ordered = list(names)
    rng.shuffle(ordered)
    return [
        Official(name, tuple(rng.sample(POSITIONS, rng.choice((1, 1, 2, 2, 3))))) for name in ordered
    ]


def _published(rng: random.Random) -> str:
    start = datetime(YEARS[0], 1, 1)
    span = (datetime(YEARS[1] + 1, 1, 1) - start).total_seconds()
    moment = start + timedelta(seconds=rng.randrange(int(span) // 60) * 60)
    return moment.isoformat(timespec="seconds") + "+07:00"


def generate(count: int, seed: int = 1, start: int = 0) -> Iterator[dict]:
    """Articles ``start`` .. ``start + count - 1`` of the corpus for ``seed``."""
    return Generator(seed).articles(count, start)


# -- JSONL --------------------------------------------------------------------------------------


def write_jsonl(articles: Iterable[dict], path: str | Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
            count += 1
    return count


def prepare(source: str | Path, target: str | Path, seed: int = 1) -> int:
    """Copy a corpus of real articles into the export format the bench loads."""
    return write_jsonl(prepared(source, seed), target)


def prepared(source: str | Path, seed: int = 1) -> Iterator[dict]:
    """The articles of a corpus file in the export format.

    A news corpus gathered for language work has ids, titles and bodies but often no URL, date,
    outlet or officials: those are given here (a URL from the id, a date, source and section
    drawn from ``(seed, line)``, the officials the crawler's finder reads in the body), so the
    filters and facets have something to work on. What the file has of the export format is
    kept, and ``story`` where it names one (a corpus the bench saved); other keys are not."""
    from crawler.officials import find_officials

    def filled(index: int, article: dict) -> dict:
        rng = random.Random(f"vnsearch-bench/{seed}/corpus/{index}")
        url = article.get("url") or f"https://corpus.example/{article['id']}"
        officials = article.get("officials")
        if officials is None:
            officials = [{"name": o.name, "positions": list(o.positions)}
                         for o in find_officials(article.get("body", ""))]
        given = {
            "id": article_id(url),
            "url": url,
            "published": article.get("published") or _published(rng),
            "source": article.get("source") or rng.choice(SOURCES),
            "section": article.get("section") or rng.choice(SECTIONS),
            "officials": officials,
        }
        keys = EXPORT_KEYS + (("story",) if article.get("story") else ())
        return {key: given.get(key, article.get(key) or "") for key in keys}

    return (filled(i, a) for i, a in enumerate(read_jsonl(source, need_url=False)))


def with_stories(articles: Iterator[dict], seed: int = 1) -> Iterator[dict]:
    """``articles`` as they are if they name their stories (a corpus the bench saved), else with
    a third of them republished by other outlets, as the generated corpus is."""
    first = next(articles, None)
    if first is None:
        return iter(())
    articles = itertools.chain([first], articles)
    if first.get("story"):
        return articles
    return reprints.with_reprints(articles, seed, SOURCES)


def read_jsonl(path: str | Path, start: int = 0, stop: int | None = None,
               need_url: bool = True) -> Iterator[dict]:
    """Articles ``start`` .. ``stop - 1`` of an export file (gzipped or not), one JSON object
    a line; without ``need_url``, an ``id`` will do instead of a URL.

    Blank lines do not count; lines before ``start`` are skipped without being parsed.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        index = 0
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            if stop is not None and index >= stop:
                return
            index += 1
            if index <= start:
                continue
            try:
                article = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusError(f"{path}, line {number}: not JSON ({error.msg})") from None
            named = isinstance(article, dict) and (article.get("url") or (
                not need_url and isinstance(article.get("id"), str) and article["id"]))
            if not named or "body" not in article:
                wanted = "url and body" if need_url else "url or id, and body"
                raise CorpusError(f"{path}, line {number}: not an article ({wanted} needed)")
            yield article

