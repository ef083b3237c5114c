"""The benchmark result as a readable table (``--json`` prints the dict itself)."""

from __future__ import annotations

from vnsearch.bench.queries import QUERY_TYPES


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def _load(values) -> str:
    return "/".join(f"{v:.1f}" for v in values) if values else "?"


def _latency_table(titles: tuple[str, str, str, str], ours: dict, fts: dict, ratios: dict):
    """p50/p95/p99 of each query type beside FTS5's, the p95 ratio and the mean matches of
    both (equal when both read the query into the same words)."""
    title, left, right, ratio_name = titles
    lines = [
        "",
        f"{title:<15}{left:>26}  {right:>26}  {'p95 ratio':>10}  {'matches (mean)':>17}",
        f"{'query type':<15}{'p50':>8} {'p95':>8} {'p99':>8}  {'p50':>8} {'p95':>8} {'p99':>8}"
        f"  {ratio_name:>10}  {'vnsearch':>8} {'FTS5':>8}",
    ]
    for kind in QUERY_TYPES:
        a, b, ratio = ours[kind], fts["queries"][kind], ratios.get(kind)
        lines.append(
            f"{kind:<15}{_ms(a['p50_ms']):>8} {_ms(a['p95_ms']):>8} {_ms(a['p99_ms']):>8}"
            f"  {_ms(b['p50_ms']):>8} {_ms(b['p95_ms']):>8} {_ms(b['p99_ms']):>8}"
            f"  {_ratio(ratio):>10}"
            f"  {a['mean_matches']:>8,.0f} {b['mean_matches']:>8,.0f}"
        )
    return lines


def _collapsed_table(vn: dict, ratios: dict, api_ratios: dict) -> list[str]:
    """The same queries with ``collapse=story``: their latency, against the plain queries' p95
    (engine and API), and how many stories they count against how many articles."""
    ours, api = vn["collapsed"]["queries"], vn["api_collapsed"]["queries"]
    api_collapsed = vn["api_collapsed"]["collapsed_as_asked"]
    lines = [
        "",
        f"{'collapse=story':<15}{'one hit a story':>26}  {'p95 ratio':>10}"
        f"  {'GET /api/search':>20}  {'total (mean)':>19}",
        f"{'query type':<15}{'p50':>8} {'p95':>8} {'p99':>8}  {'coll/plain':>10}"
        f"  {'p95':>8} {'coll/plain':>11}  {'stories':>9} {'articles':>9}",
    ]
    for kind in QUERY_TYPES:
        a, ratio = ours[kind], ratios.get(kind)
        api_p95 = _ms(api[kind]["p95_ms"]) if api_collapsed else "-"
        api_ratio = api_ratios.get(kind) if api_collapsed else None
        lines.append(
            f"{kind:<15}{_ms(a['p50_ms']):>8} {_ms(a['p95_ms']):>8} {_ms(a['p99_ms']):>8}"
            f"  {_ratio(ratio):>10}  {api_p95:>8} {_ratio(api_ratio):>11}"
            f"  {a['mean_matches']:>9,.0f} {vn['queries'][kind]['mean_matches']:>9,.0f}"
        )
    if not api_collapsed:
        lines.append("(GET /api/search answered with every copy: it does not read collapse=story)")
    return lines


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _grouping(what: str, stats: dict) -> list[str]:
    """The time the index writer spent grouping stories, against its time in all."""
    grouping, index = stats.get("grouping_seconds"), stats.get("index_seconds")
    if grouping is None or not index:
        return []
    without = index - grouping
    slower = f": +{grouping / without:.1%} over indexing without it" if without > 0 else ""
    lines = [f"             grouping {grouping:,.2f} s of the {what} ({grouping / index:.1%}"
             f" of the index's {index:,.1f} s{slower})"]
    quality = stats.get("grouping_quality")
    if quality:
        right, grouped, wanted = quality["pairs"]
        lines.append(f"             stories as the corpus made them: pairwise precision "
                     f"{quality['precision']:.3f} ({right:,}/{grouped:,}), recall "
                     f"{quality['recall']:.3f} ({right:,}/{wanted:,})")
    return lines


def _corpus(c: dict) -> list[str]:
    """How many of the articles are reprints, of how many stories."""
    if "stories" not in c:
        return []
    return [
        f"stories      {c['stories']:,} ({c['reprinted_stories']:,} republished: {c['reprints']:,}"
        f" reprints among the articles, up to {c['largest_story']} articles a story)",
    ]


def _after_commit(figures: dict | None) -> list[str]:
    """The first search after a commit of a few articles, against the same search warm."""
    if not figures:
        return []
    cells = [f"{kind} {_ms(f['first_ms'])}/{_ms(f['warm_ms'])}" for kind, f in figures.items()]
    worst = max(f["ratio"] or 0 for f in figures.values())
    commit = max(f["commit_ms"] for f in figures.values())
    return [
        "after commit first search after committing 10 edited articles / warm (ms):",
        f"             {', '.join(cells)}; worst ratio {worst:.2f}"
        f" (each commit ≤ {_ms(commit)} ms)",
    ]


def render(result: dict) -> str:
    c, vn, fts = result["corpus"], result["vnsearch"], result["fts5"]
    origin = f"seed {c['seed']}" if c.get("generated") else "from file"
    lines = [
        f"vnsearch bench: {c['articles']:,} articles ({origin}); bulk {c['bulk']:,}"
        f" + incremental {c['incremental']:,}; {c['queries_per_type']} queries per type,"
        " top 10 + snippets + facets",
        *_corpus(c),
    ]
    lines += _latency_table(
        ("latency (ms)", "vnsearch", "FTS5", "vn/FTS5"), vn["queries"], fts, result["p95_ratio"]
    )
    if vn.get("api"):
        lines += _latency_table(
            ("GET /api/search", "vnsearch serve", "FTS5 (above)", "API/FTS5"),
            vn["api"]["queries"], fts, result["api_p95_ratio"],
        )
    if vn.get("collapsed"):
        lines += _collapsed_table(vn, result["collapse_p95_ratio"], result["api_collapse_p95_ratio"])
    warm_vn = ", ".join(f"{k} {_ms(v)}" for k, v in vn["warmup_ms"].items())
    warm_fts = ", ".join(f"{k} {_ms(v)}" for k, v in fts["warmup_ms"].items())
    build, fbuild, inc = vn["build"], fts["build"], vn["incremental"]
    mem, fmem = vn["memory"], fts["memory"]
    lines += [
        "",
        f"build        vnsearch {build['articles_per_s']:,.1f} articles/s"
        f" ({build['seconds']:,.1f} s: store {build['store_seconds']:,.1f} s"
        f" + index {build['index_seconds']:,.1f} s, procs=2, {build.get('segments')} segments)",
        *_grouping("build", build),
        f"             FTS5     {fbuild['articles_per_s']:,.1f} articles/s"
        f" ({fbuild['seconds']:,.1f} s incl. optimize)",
        f"incremental  vnsearch {inc['articles_per_s']:,.1f} articles/s"
        f" ({inc['articles']:,} articles in {inc['seconds']:,.1f} s: store + index.writer.update)",
        *_grouping("update", inc),
        f"size         vnsearch index {_mb(vn['index_bytes'])} (+ store {_mb(vn['store_bytes'])})"
        f"; FTS5 database {_mb(fts['db_bytes'])}; index/FTS5 {result['size_ratio']}",
        f"peak memory  vnsearch build {mem['build_peak_mb']:,.0f} MB"
        f" (largest build worker {mem['build_workers_peak_mb']:,.0f} MB),"
        f" queries {mem['search_peak_mb']:,.0f} MB (+{mem['search_delta_mb']:,.0f} MB over"
        f" {mem['search_start_mb']:,.0f} MB after imports), collapsed queries"
        f" {mem['collapsed_search_peak_mb']:,.0f} MB, incremental"
        f" {mem['incremental_peak_mb']:,.0f} MB, API server {mem['api_server_peak_mb']:,.0f} MB"
        f" ({mem['api_server_collapsed_peak_mb']:,.0f} MB collapsed)",
        f"             FTS5 build {fmem['build_peak_mb']:,.0f} MB,"
        f" queries {fmem['search_peak_mb']:,.0f} MB (+{fmem['search_delta_mb']:,.0f} MB)",
        "             (each phase in a fresh process; peak = ru_maxrss)",
        *_after_commit(vn.get("after_commit")),
        f"warm-up (ms) vnsearch {warm_vn}",
        f"             FTS5     {warm_fts}",
        f"total time   {result['seconds']:,.0f} s; load average (1/5/15 min) at start"
        f" {_load(result['environment'].get('load_average_start'))},"
        f" at end {_load(result['environment'].get('load_average_end'))}"
        f" on {result['environment']['cpus']} CPUs",
    ]
    if result.get("kept"):
        lines.append(f"work files   {result['kept']}")
    return "\n".join(lines)
