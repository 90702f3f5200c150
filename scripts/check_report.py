#!/usr/bin/env python3
"""Browser check of safeguard's HTML report: renders it in headless Chromium with no network,
reads the DOM the page ends with, and compares what it drew with the published CSV.

Needs only Python's standard library and Chromium (Debian's `chromium`, which
scripts/install-deps.sh installs). It fails (exit 1, listing the problems) when:

- the page holds a `<script src>`, a stylesheet link or an image from anywhere, or lacks its
  Content-Security-Policy allowing no request (the page must work offline and send nothing);
- the page recorded any error: a script error, a console error or warning, a failed resource
  or a request the policy blocked (the report's first script writes them to `<html data-errors>`
  and `#report-errors`), or it did not finish drawing every map and chart;
- a map does not have exactly one shape per area of the boundaries (areas with a geometry);
- a map's colours disagree with the CSV: on the hotspot-class map each area's fill is the
  documented colour of its class, grey where the class is suppressed and white where the table
  has no row; on the rate map the suppressed areas are exactly those whose rate the CSV
  suppresses, and colours never get lighter as the CSV's rate goes up;
- a funnel plot plots another number of areas than the CSV's rows with a published count,
  population and rate;
- a table's rows differ from the CSV's rows of its measure: another set of areas, or a cell
  that is not the CSV's value as the report formats it (`%.1f` for rates, whole numbers for
  counts) or, for a suppressed cell, the profile's symbol;
- the disclosure banner names another profile than the CSV's metadata.

Then it saves a screenshot. Prints a JSON summary with the rendering time.

Usage: check_report.py REPORT.html CSV_FOLDER BOUNDARIES.geojson ID_PROPERTY SCREENSHOT.png
       [--stream hotspots] [--chromium PATH]          (SCREENSHOT "-" takes none)
"""
import argparse
import csv
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

CLASS_COLOURS = {"hot_spot": "#d7191c", "high_low": "#fdae61", "low_high": "#abd9e9", "cold_spot": "#2c7bb6",
                 "not_significant": "#d9d9d9"}
RATE_COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
SUPPRESSED, NO_FIGURES = "#969696", "#ffffff"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
RATE_COLUMNS = {"rate_per_1000", "rate_low", "rate_high", "eb_rate_per_1000"}


class Page(html.parser.HTMLParser):
    """The maps' shapes, the funnels' point counts, the tables' cells and the page's marks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = {}
        self.maps = []        # {measure, kind, shapes: [(classes, fill)]}
        self.funnels = {}     # measure -> points
        self.tables = {}      # measure -> {area: {column: (text, classes, data-value)}}
        self.banner = None
        self.errors_box = None
        self.map_depth = 0
        self.table = None
        self.row = None
        self.cell = None
        self.in_errors = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "html":
            self.root = a
        if self.map_depth:
            if tag not in VOID:
                self.map_depth += 1
            if tag == "path" and "area" in classes:
                self.maps[-1]["shapes"].append((classes, a.get("fill")))
        elif tag == "div" and "map" in classes:
            self.maps.append({"measure": a.get("data-measure"), "kind": a.get("data-kind"), "shapes": [],
                              "declared": a.get("data-shapes")})
            self.map_depth = 1
        if tag == "canvas" and "funnel" in classes:
            self.funnels[a.get("data-measure")] = a.get("data-points")
        if tag == "table" and "figures" in classes:
            self.table = self.tables.setdefault(a.get("data-measure"), {})
        if self.table is not None and tag == "tr" and "data-area" in a:
            self.row = self.table.setdefault(a["data-area"], {})
        if self.row is not None and tag in ("td", "th") and "data-column" in a:
            self.cell = [a["data-column"], "", classes, a.get("data-value")]
        if tag == "div" and "banner" in classes:
            self.banner = a.get("data-disclosure")
        if a.get("id") == "report-errors":
            self.errors_box = {"hidden": "hidden" in a, "text": ""}
            self.in_errors = True

    def handle_endtag(self, tag):
        if self.map_depth and tag not in VOID:
            self.map_depth -= 1
        if self.cell is not None and tag in ("td", "th"):
            self.row[self.cell[0]] = (self.cell[1].strip(), self.cell[2], self.cell[3])
            self.cell = None
        if tag == "tr":
            self.row = None
        if tag == "table":
            self.table = None
        if tag == "div":
            self.in_errors = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data
        if self.in_errors and self.errors_box is not None:
            self.errors_box["text"] += data


def chromium_command(chromium, profile):
    command = [chromium, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
               "--hide-scrollbars", f"--user-data-dir={profile}", "--virtual-time-budget=10000",
               # No network: every request goes to a closed port and no name resolves.
               "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
               "--host-resolver-rules=MAP * ~NOTFOUND"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--no-sandbox")  # Chromium's sandbox refuses to run as root (containers, CI)
    return command


def rate_text(value, column):
    number = float(value)
    if column in RATE_COLUMNS:
        return "%.1f" % number
    return str(int(number)) if number == int(number) else "%.1f" % number


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("csv_folder")
    parser.add_argument("boundaries")
    parser.add_argument("id_property")
    parser.add_argument("screenshot")
    parser.add_argument("--stream", default="hotspots")
    parser.add_argument("--chromium", default=os.environ.get("SAFEGUARD_CHROMIUM", "chromium"))
    args = parser.parse_args()
    problems = []

    with open(args.report, encoding="utf-8") as handle:
        source = handle.read()
    if not re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';", source):
        problems.append("the page has no Content-Security-Policy refusing every request")
    for pattern in (r"<script[^>]+\bsrc=", r"<link\b", r"<img\b", r"<iframe\b"):
        if re.search(pattern, source, re.IGNORECASE):
            problems.append(f"the page loads something from elsewhere ({pattern})")

    with open(args.boundaries, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    drawable = {f["properties"][args.id_property] for f in features if f.get("geometry")}
    with open(os.path.join(args.csv_folder, args.stream + ".metadata.json"), encoding="utf-8") as handle:
        meta = json.load(handle)
    published = {c["source"]: c["name"] for c in meta["columns"]}
    disclosure = meta.get("disclosure", {})
    symbol = disclosure.get("symbol") if disclosure.get("applied") and not disclosure.get("unsuppressed") else None
    with open(os.path.join(args.csv_folder, args.stream + ".csv"), newline="", encoding="utf-8") as handle:
        rows = [{source: row[name] for source, name in published.items() if name in row}
                for row in csv.DictReader(handle)]
    by_measure = {}
    for row in rows:
        by_measure.setdefault(row["measure"], {})[row["area_code"]] = row

    if shutil.which(args.chromium) is None:
        print(json.dumps({"problems": [f"no Chromium ({args.chromium}): install Debian's chromium "
                                       "(scripts/install-deps.sh does) or set SAFEGUARD_CHROMIUM"]}))
        return 1
    with tempfile.TemporaryDirectory() as profile:
        url = "file://" + os.path.abspath(args.report)
        started = time.monotonic()
        dump = subprocess.run(chromium_command(args.chromium, profile) + ["--dump-dom", url],
                              capture_output=True, text=True, timeout=120)
        seconds = time.monotonic() - started
        if dump.returncode != 0:
            problems.append(f"chromium exited {dump.returncode}: {dump.stderr[-2000:]}")
        if args.screenshot != "-":
            shot = subprocess.run(chromium_command(args.chromium, profile)
                                  + ["--window-size=1280,2400", f"--screenshot={os.path.abspath(args.screenshot)}", url],
                                  capture_output=True, text=True, timeout=120)
            if shot.returncode != 0 or not os.path.exists(args.screenshot):
                problems.append(f"no screenshot: {shot.stderr[-2000:]}")

    page = Page()
    page.feed(dump.stdout)
    measures = list(by_measure)
    if page.root.get("data-errors") != "0":
        problems.append(f"the page recorded {page.root.get('data-errors')} error(s): "
                        f"{(page.errors_box or {}).get('text', '')[:2000]}")
    if page.errors_box is None or not page.errors_box["hidden"] or page.errors_box["text"].strip():
        problems.append("the error notice is shown or missing")
    expected = f"maps {2 * len(measures)}, charts {len(measures)}"
    if page.root.get("data-rendered") != expected:
        problems.append(f"drawn: {page.root.get('data-rendered')!r}, expected {expected!r}")
    banner = "none" if not disclosure.get("applied") else disclosure.get("profile")
    if page.banner != banner:
        problems.append(f"the banner names profile {page.banner!r}; the CSV's metadata {banner!r}")

    shapes = 0
    for drawn in page.maps:
        measure, kind = drawn["measure"], drawn["kind"]
        table = by_measure.get(measure, {})
        codes = {}
        for classes, fill in drawn["shapes"]:
            code = next((c[len("area-"):] for c in classes if c.startswith("area-")), None)
            state = next((c[len("state-"):] for c in classes if c.startswith("state-")), None)
            codes.setdefault(code, []).append((state, (fill or "").lower()))
        shapes += len(drawn["shapes"])
        if len(drawn["shapes"]) != len(drawable) or set(codes) != drawable:
            problems.append(f"map {measure}/{kind}: {len(drawn['shapes'])} shapes for {len(drawable)} areas")
            continue
        ranked = []
        for code, [(state, fill)] in codes.items():
            row = table.get(code)
            column = "hotspot_class" if kind == "class" else "rate_per_1000"
            if row is None:
                want = ("absent", NO_FIGURES)
            elif symbol is not None and (row[column] == symbol or (
                    row[column] == "" and symbol in (row["count"], row["population"]))):
                # A rate or class missing because the count or population is suppressed.
                want = ("suppressed", SUPPRESSED)
            elif row[column] == "":
                want = ("none", NO_FIGURES)
            elif kind == "class":
                want = ("published", CLASS_COLOURS.get(row[column], NO_FIGURES))
            else:
                want = ("published", fill if fill in RATE_COLOURS else "a rate colour")
                ranked.append((float(row[column]), RATE_COLOURS.index(fill) if fill in RATE_COLOURS else -1, code))
            if (state, fill) != want:
                problems.append(f"map {measure}/{kind}: area {code} is {state} {fill}, the CSV says {want}")
        ranked.sort()
        for (rate_a, colour_a, a), (rate_b, colour_b, b) in zip(ranked, ranked[1:]):
            if colour_b < colour_a or (rate_a == rate_b and colour_a != colour_b):
                problems.append(f"map {measure}/rate: {b} (rate {rate_b}) is coloured lighter than {a} ({rate_a})")
    if len(page.maps) != 2 * len(measures):
        problems.append(f"{len(page.maps)} maps for {len(measures)} measures")

    for measure, table in by_measure.items():
        plottable = sum(1 for row in table.values()
                        if row["count"] not in ("", symbol) and row["population"] not in ("", symbol)
                        and float(row["population"]) > 0 and row["rate_per_1000"] not in ("", symbol))
        if page.funnels.get(measure) != str(plottable):
            problems.append(f"funnel {measure}: {page.funnels.get(measure)} points, the CSV has {plottable}")
        shown = page.tables.get(measure, {})
        if set(shown) != set(table):
            problems.append(f"table {measure}: {len(shown)} rows, the CSV has {len(table)}")
        for code, row in table.items():
            cells = shown.get(code, {})
            for column, value in row.items():
                if column not in cells:
                    continue
                text, classes, data_value = cells[column]
                if symbol is not None and value == symbol:
                    ok = text == symbol and "suppressed" in classes
                elif value == "":
                    ok = text == ""
                elif data_value is not None:
                    ok = data_value == value
                elif column in ("count", "population") or column in RATE_COLUMNS:
                    ok = text == rate_text(value, column)
                else:
                    ok = text == value
                if not ok:
                    problems.append(f"table {measure} area {code} {column}: shows {text!r}, the CSV has {value!r}")

    print(json.dumps({
        "measures": len(measures), "maps": len(page.maps), "shapes": shapes,
        "table_rows": sum(len(t) for t in page.tables.values()), "csv_rows": len(rows),
        "bytes": os.path.getsize(args.report), "render_seconds": round(seconds, 2),
        "draw_ms": page.root.get("data-draw-ms"), "problems": problems[:50],
    }))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
