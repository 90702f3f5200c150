#!/usr/bin/env python3
"""An independent interval attack on published tables, for the test suite (scipy's HiGHS
linear programming; no code shared with safeguard's GLPK audit).

  disclosure_check.py intervals RELATIONS.json OUT.csv
      Reads the relations file (the JSON form of `safeguard audit`'s, docs/disclosure.md) and the
      CSV files it names; writes, for every suppressed count, the smallest and largest value it
      can take given every published figure and relation (suppressed counts >= 1 when zeros are
      published, every cell >= 0): table,row,measure,lower,upper (upper empty: no bound).

  disclosure_check.py attack OUTDIR AREAS.csv THRESHOLD
      Attacks the published tables of a `pipelines/neglect-overlay.yaml` run (OUTDIR/overlay/):
      the relations are worked out here from docs/measures.md, not read from safeguard. Prints
      every suppressed count whose interval is narrower than THRESHOLD and reaches down to it;
      exit status 1 when there is one.
"""
import csv
import json
import math
import os
import sys

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

SYMBOLS = {"c", "*", "x", "z", ":", "low", "[c]", "[x]"}


class Release:
    """Cells keyed by (measure, level, area, sorted dimension values) and linear relations."""

    def __init__(self):
        self.index = {}
        self.keys = []
        self.value = []  # published number or None
        self.suppressed = []
        self.count = []
        self.where = []  # (table, row, measure)
        self.relations = []  # (list of (cell, coefficient), is_equality)

    def cell(self, key, value, suppressed, is_count, where):
        if key in self.index:
            c = self.index[key]
            if not suppressed and not self.suppressed[c] and value is not None and self.value[c] is not None:
                assert abs(value - self.value[c]) < 1e-9, f"{where} and {self.where[c]} publish one cell differently"
            if not suppressed and self.suppressed[c]:
                self.suppressed[c] = False  # shown elsewhere: known
                self.value[c] = value
            return c
        c = len(self.keys)
        self.index[key] = c
        self.keys.append(key)
        self.value.append(value)
        self.suppressed.append(suppressed)
        self.count.append(is_count)
        self.where.append(where)
        return c

    def add_table(self, name, level, areas, dims, dim_values, measures, counts, values, flags, row_relations):
        cells = []
        for row in range(len(areas)):
            dimkey = tuple(sorted((d, dim_values[i][row]) for i, d in enumerate(dims)))
            rowcells = {}
            for m, measure in enumerate(measures):
                key = (measure, level, areas[row], dimkey)
                rowcells[measure] = self.cell(key, values[m][row], flags[m][row], counts[m], (name, row, measure))
            cells.append(rowcells)
            for terms, equality in row_relations:
                if all(t in rowcells for t, _ in terms):
                    self.relations.append(([(rowcells[t], w) for t, w in terms], equality))

    def derive(self, totalled, lookup):
        """Totals (a `total` value of a totalled dimension adds up the others) and geography (a
        coarser area adds up the finest areas inside it)."""
        groups = {}
        for c, (measure, level, area, dimkey) in enumerate(self.keys):
            dims = dict(dimkey)
            for d in totalled:
                if d in dims and dims[d] != "total":
                    whole = dict(dims)
                    whole[d] = "total"
                    wkey = (measure, level, area, tuple(sorted(whole.items())))
                    if wkey in self.index:
                        groups.setdefault((self.index[wkey], "dim", d), []).append(c)
            if lookup and level == lookup["finest"]:
                for coarse, mapping in lookup["levels"].items():
                    code = mapping.get(area)
                    wkey = (measure, coarse, code, dimkey)
                    if code is not None and wkey in self.index:
                        groups.setdefault((self.index[wkey], "geo", coarse), []).append(c)
        for (whole, _, _), parts in sorted(groups.items()):
            self.relations.append(([(whole, 1.0)] + [(p, -1.0) for p in parts], True))


def intervals(release, threshold, zeros_published, rounding=None, certify=False):
    """Per suppressed count: (lower, upper) by linear programming over its component."""
    n = len(release.keys)

    def interval_of_rounded(v):
        if not rounding or v == 0:
            return (v, v)
        return (max(math.ceil(v - rounding / 2), threshold + 1), math.ceil(v + rounding / 2) - 1)

    variable = [release.suppressed[c] or (rounding and release.count[c] and release.value[c] not in (None, 0))
                for c in range(n)]
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    usable = []
    for terms, eq in release.relations:
        if any(release.value[c] is None and not release.suppressed[c] for c, _ in terms):
            continue
        vs = [c for c, _ in terms if variable[c]]
        if not vs:
            continue
        usable.append((terms, eq))
        for v in vs[1:]:
            a, b = find(vs[0]), find(v)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members = {}
    for c in range(n):
        if variable[c]:
            members.setdefault(find(c), []).append(c)
    rows_of = {}
    for terms, eq in usable:
        v = next(c for c, _ in terms if variable[c])
        rows_of.setdefault(find(v), []).append((terms, eq))
    result = {}
    for root, cols in members.items():
        targets = [c for c in cols if release.suppressed[c] and release.count[c]]
        if not targets:
            continue
        pos = {c: i for i, c in enumerate(cols)}
        eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
        for terms, eq in rows_of.get(root, []):
            row = np.zeros(len(cols))
            const = 0.0
            for c, w in terms:
                if c in pos:
                    row[pos[c]] += w
                else:
                    const += w * release.value[c]
            if eq:
                eq_rows.append(row)
                eq_rhs.append(-const)
            else:  # row + const >= 0  ->  -row <= const
                ub_rows.append(-row)
                ub_rhs.append(const)
        bounds = []
        for c in cols:
            if release.suppressed[c]:
                bounds.append((1 if (zeros_published and release.count[c]) else 0, None))
            else:
                bounds.append(interval_of_rounded(release.value[c]))
        a_eq = csr_matrix(np.array(eq_rows)) if eq_rows else None
        a_ub = csr_matrix(np.array(ub_rows)) if ub_rows else None
        b_eq = np.array(eq_rhs) if eq_rows else None
        b_ub = np.array(ub_rhs) if ub_rows else None

        def solve(objective):
            r = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if r.status == 3:
                return None, None
            if r.status != 0:
                raise SystemExit(f"linprog: {r.message}")
            return r.fun, r.x

        low = {c: math.inf for c in targets}
        high = {c: -math.inf for c in targets}

        def see(x):
            for c in targets:
                low[c] = min(low[c], x[pos[c]])
                high[c] = max(high[c], x[pos[c]])

        def wide(c):
            return math.floor(high[c] + 1e-6) - math.ceil(low[c] - 1e-6) >= threshold

        if certify:
            cap = [(lo, hi if hi is not None else 1e6) for lo, hi in bounds]
            for sign in (1, -1):
                obj = np.zeros(len(cols))
                for c in targets:
                    obj[pos[c]] = sign
                r = linprog(obj, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=cap, method="highs")
                if r.status == 0:
                    see(r.x)
        for c in targets:
            if certify and wide(c):
                result[c] = (low[c], high[c], True)
                continue
            obj = np.zeros(len(cols))
            obj[pos[c]] = 1
            fun, x = solve(obj)
            lower = math.ceil(fun - 1e-6)
            see(x)
            if certify and (lower > threshold or wide(c)):
                result[c] = (lower, high[c], True)
                continue
            obj[pos[c]] = -1
            fun, x = solve(obj)
            upper = None if fun is None else math.floor(-fun + 1e-6)
            if x is not None:
                see(x)
            result[c] = (lower, upper, False)
    return result


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def parse_cell(text):
    t = text.strip()
    if t in SYMBOLS or t.lower() in SYMBOLS:
        return None, True
    if t == "":
        return None, False
    return float(t), False


def release_from_relations(spec, folder):
    release = Release()
    totalled = set()
    for table in spec["tables"]:
        header, rows = read_csv(os.path.join(folder, table["file"]))
        area = table["area"]
        level = table.get("level", area)
        dims = table.get("dimensions", [])
        fixed = table.get("fixed", {})
        totalled.update(table.get("totals", []))
        ignore = set(table.get("ignore", ["suppressed"]))
        not_counts = set(table.get("not_counts", []))
        measure_column = table.get("measure_column")
        value_column = table.get("value_column")
        measures = table.get("measures")
        renames = measures if isinstance(measures, dict) else {}
        skip = {area, *dims, *ignore} | ({measure_column} if measure_column else set())
        columns = list(measures) if measures else [h for h in header if h not in skip]
        relations = []
        for r in table.get("relations", []):
            whole = r.get("sum", r.get("at_least"))
            of = r["of"]
            parts = list(of.items()) if isinstance(of, dict) else [(p, 1.0) for p in of]
            relations.append(([(whole, 1.0)] + [(p, -float(w)) for p, w in parts], "sum" in r))
        groups = {}
        for row in rows:
            groups.setdefault(row[header.index(measure_column)] if measure_column else None, []).append(row)
        for name, group in groups.items():
            names = [(name if c == value_column else renames.get(c, c)) for c in columns]
            values, flags = [], []
            for c in columns:
                parsed = [parse_cell(row[header.index(c)]) for row in group]
                values.append([p[0] for p in parsed])
                flags.append([p[1] for p in parsed])
            all_dims = dims + list(fixed)
            dim_values = [[row[header.index(d)] for row in group] for d in dims] + [[v] * len(group) for v in fixed.values()]
            release.add_table(
                table["file"] + (f" [{name}]" if name else ""), level, [row[header.index(area)] for row in group],
                all_dims, dim_values, names, [c not in not_counts for c in columns], values, flags, relations)
    lookup = None
    geo = spec.get("geography")
    if geo:
        header, rows = read_csv(os.path.join(folder, geo["lookup"]))
        f = header.index(geo["from"])
        lookup = {"finest": geo["level"], "levels": {}}
        for level, column in geo["to"].items():
            t = header.index(column)
            lookup["levels"][level] = {row[f]: row[t] for row in rows}
    release.derive(totalled, lookup)
    return release


def overlay_relations(header):
    """The relations docs/measures.md states for the overlay's area table."""
    factors = sorted({h[: -len("_year")] for h in header if h.endswith("_year") and h + "" and
                      h[: -len("_year")] + "_3y" in header and not h.startswith("toxic_trio")})
    trio = ["domestic_abuse", "substance_misuse", "mental_health"]
    combos = [h for h in header if h.startswith("combination_")]
    rel = []
    rel.append(([("children", 1.0)] + [(f"trio_{k}_year", -1.0) for k in range(4)], True))
    rel.append(([("children", 1.0)] + [(c, -1.0) for c in combos], True))

    def members(c):
        body = c[len("combination_"): -len("_year")]
        return [] if body == "none" else body.split("+")

    for k in range(4):
        rel.append(([(f"trio_{k}_year", 1.0)] + [(c, -1.0) for c in combos if len(members(c)) == k], True))
    for f in trio:
        rel.append(([(f + "_year", 1.0)] + [(c, -1.0) for c in combos if f in members(c)], True))
    rel.append(([("toxic_trio_year", 1.0), ("trio_3_year", -1.0)], True))
    rel.append(([("toxic_trio_3y", 1.0), ("toxic_trio_year", -1.0)], False))
    for f in factors:
        rel.append(([(f + "_3y", 1.0), (f + "_year", -1.0)], False))
    # The score of pipelines/neglect-overlay.yaml: its weights.
    weights = {"domestic_abuse_year": 2, "substance_misuse_year": 2, "mental_health_year": 2, "incarceration_year": 1,
               "young_carer_year": 1, "repeated_emergency_attendance_year": 1, "dental_extraction_year": 1,
               "nursery_entitlement_not_taken_up_year": 1, "two_year_funding_year": 1, "multiple_adversity": 1}
    rel.append(([("score_total", 1.0)] + [(m, -float(w)) for m, w in weights.items()], True))
    for h in header:
        if h not in ("children", "score_total", "adversity_count", "suppressed") and h not in (
                "period_start", "period_end", "lsoa", "ward", "authority", "age_band"):
            rel.append(([("children", 1.0), (h, -1.0)], False))
    return rel


def attack(outdir, areas_path, threshold):
    folder = os.path.join(outdir, "overlay")
    release = Release()
    for name, level in (("overlay_areas", "lsoa"), ("overlay_areas_ward", "ward"),
                        ("overlay_areas_authority", "authority")):
        header, rows = read_csv(os.path.join(folder, name + ".csv"))
        dims = ["period_start", "period_end", "age_band"]
        skip = set(dims) | {level, "suppressed"}
        measures = [h for h in header if h not in skip]
        values, flags = [], []
        for m in measures:
            parsed = [parse_cell(r[header.index(m)]) for r in rows]
            values.append([p[0] for p in parsed])
            flags.append([p[1] for p in parsed])
        # Suppressed cells show the profile's symbol; the marker field is never published.
        assert "suppressed" not in header, f"{name}: the disclosure marker was published"
        release.add_table(name, level, [r[header.index(level)] for r in rows], dims,
                          [[r[header.index(d)] for r in rows] for d in dims], measures,
                          [m != "score_total" for m in measures], values, flags, overlay_relations(header))
    # The hotspot table: its count of a measure in an area is the all-ages count of the period
    # it maps (the reference date's year), its population the all-ages children.
    header, rows = read_csv(os.path.join(folder, "hotspots.csv"))
    by_measure = {}
    for r in rows:
        by_measure.setdefault(r[header.index("measure")], []).append(r)
    _, area_rows = read_csv(os.path.join(folder, "overlay_areas.csv"))
    for measure, group in by_measure.items():
        values = [[parse_cell(r[header.index(c)])[0] for r in group] for c in ("count", "population")]
        flags = [[parse_cell(r[header.index(c)])[1] or r[header.index(c)] == "" for r in group]
                 for c in ("count", "population")]
        dims = ["period_start", "period_end", "age_band"]
        fixed = [["2025-04-01"] * len(group), ["2026-03-31"] * len(group), ["total"] * len(group)]
        release.add_table("hotspots.csv [" + measure + "]", "lsoa", [r[header.index("area_code")] for r in group],
                          dims, fixed, [measure, "children"], [True, True], values, flags, [])
    header, rows = read_csv(areas_path)
    f = header.index("LSOA21CD")
    lookup = {"finest": "lsoa", "levels": {
        "ward": {r[f]: r[header.index("WD24CD")] for r in rows},
        "authority": {r[f]: r[header.index("LAD24CD")] for r in rows}}}
    release.derive({"age_band"}, lookup)
    found = intervals(release, threshold, True, certify=True)
    bad = []
    for c, (lower, upper, _) in found.items():
        width = math.inf if upper is None else upper - lower
        if width < threshold and lower <= threshold:
            bad.append((release.where[c], lower, upper))
    print(f"{sum(release.suppressed)} suppressed cells, {len(found)} audited, {len(bad)} recoverable")
    for where, lower, upper in bad[:20]:
        print(f"recoverable: {where}: between {lower} and {upper}")
    return 1 if bad else 0


def main():
    if sys.argv[1] == "intervals":
        path, out = sys.argv[2], sys.argv[3]
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
        release = release_from_relations(spec, os.path.dirname(path))
        found = intervals(release, spec["threshold"], spec.get("zeros_published", True), spec.get("rounding"))
        with open(out, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["table", "row", "measure", "lower", "upper"])
            for c in sorted(found, key=lambda c: release.where[c]):
                table, row, measure = release.where[c]
                lower, upper, _ = found[c]
                w.writerow([table, row + 2, measure, lower, "" if upper is None else upper])
        return 0
    if sys.argv[1] == "attack":
        return attack(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
