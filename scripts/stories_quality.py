"""Story grouping on the bundled sample archive, scored against its ground truth.

Run: python -m scripts.stories_quality   (crawls the three sample sites on 127.0.0.1, rebuilds
the index, and prints the pairwise precision and recall of the stories it grouped against
``truth.json``'s ``stories``, and any ``look_alikes`` pair it put together)

A pair is two articles of one story. Precision: of the pairs the index grouped, the share the
truth groups too; recall: of the truth's pairs, the share the index found.
"""

import tempfile
from itertools import combinations
from pathlib import Path

from crawler.store import Store
from index import writer
from index.story_table import StoryTable
from scripts.sample_quality import crawl_sample, site_key, url_path
from vnsearch.bench.reprints import pair_agreement


def pairs(groups) -> set[frozenset]:
    return {frozenset(pair) for group in groups for pair in combinations(sorted(group), 2)}


def crawl_group_and_score(data_dir: Path) -> dict:
    _, stored, truth = crawl_sample(data_dir)
    with Store.in_data_dir(data_dir) as store:
        writer.rebuild(store, data_dir)
    table = StoryTable(writer.current_generation(data_dir))
    story_of = table.stories()
    table.close()
    grouped = {}
    for key, article in stored.items():
        grouped.setdefault(story_of[article["id"]], []).append(key)
    sites = {t["origin"]: name for name, t in truth["sites"].items()}

    def key(url: str) -> str:
        origin = url.split("/", 3)
        return site_key(sites["/".join(origin[:3])], url_path(url))

    groups = [[key(url) for url in group] for group in truth["stories"]]
    wanted, found = pairs(groups), pairs(grouped.values())
    truth_of = {k: n for n, group in enumerate(groups) for k in group}
    return {
        **pair_agreement({k: story_of[a["id"]] for k, a in stored.items()},
                         {k: truth_of.get(k, k) for k in stored}),
        "look_alikes_together": sorted(
            tuple(sorted(key(u) for u in pair)) for pair in truth["look_alikes"]
            if frozenset(key(u) for u in pair) in found
        ),
        "wrongly_grouped": sorted(tuple(sorted(p)) for p in found - wanted),
        "missed": sorted(tuple(sorted(p)) for p in wanted - found),
    }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        figures = crawl_group_and_score(Path(scratch))
    right, found, wanted = figures.pop("pairs")
    print(f"precision {figures.pop('precision'):.3f} ({right}/{found} pairs grouped are right)")
    print(f"recall    {figures.pop('recall'):.3f} ({right}/{wanted} pairs of the truth found)")
    for name, items in figures.items():
        print(f"{name}: {len(items)}")
        for item in items:
            print(f"  {item}")
