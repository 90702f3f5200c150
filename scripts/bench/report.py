"""Summaries of the benchmark's runs: medians and ranges, ratios, the printed report and the
JSON results. Standard library only.
"""

import statistics

TOOLS = ["safeguard", "duckdb", "pandas"]
NAMES = {"safeguard": "safeguard", "duckdb": "DuckDB", "pandas": "pandas"}
HOTSPOT_NOTE = ("Only safeguard's run computes the hotspot statistics (rates, intervals, funnel "
                "flags, Gi* and local Moran with 999 permutations) and writes hotspots.csv: the "
                "DuckDB and pandas versions stop at the area table, so the ratios favour them.")


def spread(values):
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "runs": [round(v, 3) for v in values]}


MEASURES = ("wall_s", "peak_mib", "cpu_s")


def summarise(runs):
    """runs: tool -> [(wall, peak, cpu)] -> tool -> {wall_s, peak_mib, cpu_s}, and the ratios
    of the medians."""
    tools = {tool: {m: spread([run[i] for run in measured]) for i, m in enumerate(MEASURES)}
             for tool, measured in runs.items()}
    ratios = {}
    if "safeguard" in tools:
        for other in ("duckdb", "pandas"):
            if other in tools:
                ratios[f"safeguard/{other}"] = {
                    m: round(tools["safeguard"][m]["median"] / tools[other][m]["median"], 2) for m in MEASURES}
    return tools, ratios


def size_lines(size):
    lines = [f"{size['children']:,} children: {size['agency_records']:,} agency records "
             f"({size['extract_bytes'] / 1e6:.0f} MB of extracts); area tables "
             f"{'equal' if size['tables_equal'] else 'NOT EQUAL'} "
             f"({size['area_rows']:,} rows x {size['area_columns']} columns, every column compared)"]
    lines.append(f"  {'':11}{'wall time: median (range)':>30}   {'peak memory: median (range)':>32}"
                 f"   {'CPU time: median':>16}")
    for tool, figures in size["tools"].items():
        w, p, c = figures["wall_s"], figures["peak_mib"], figures["cpu_s"]
        lines.append(f"  {NAMES[tool]:11}{w['median']:>13.2f} s ({w['min']:.2f}-{w['max']:.2f} s)"
                     f"   {p['median']:>15,.0f} MiB ({p['min']:,.0f}-{p['max']:,.0f} MiB)"
                     f"   {c['median']:>14.2f} s")
    for name, ratio in size["ratios"].items():
        tool, other = name.split("/")
        lines.append(f"  {NAMES[tool]} / {NAMES[other]}: wall time {ratio['wall_s']:.2f}, "
                     f"peak memory {ratio['peak_mib']:.2f}, CPU time {ratio['cpu_s']:.2f}")
    if size.get("threads_check"):
        lines.append(f"  --threads 1: {size['threads_check']}")
    return lines


def overlay_lines(overlay):
    w, p, c = overlay["wall_s"], overlay["peak_mib"], overlay["cpu_s"]
    return [f"pipelines/neglect-overlay.yaml, {overlay['children']:,} children "
            f"({overlay['agency_records']:,} agency records): wall {w['median']:.2f} s "
            f"({w['min']:.2f}-{w['max']:.2f} s), peak memory {p['median']:,.0f} MiB "
            f"({p['min']:,.0f}-{p['max']:,.0f} MiB), CPU {c['median']:.2f} s; target under 4 s"]
