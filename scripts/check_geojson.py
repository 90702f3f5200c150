#!/usr/bin/env python3
"""Independent check of safeguard's GeoJSON export: GDAL reads it, and it joins back to the CSV.

Reads every `*.geojson` an `export-geojson` stage wrote (with the metadata JSON beside it) through
GDAL/OGR (pyogrio, which bundles GDAL: scripts/spatial-venv.sh), and the area table's CSV from an
`export-csv` stage with its metadata. For each layer it checks that:

- GDAL opens it as one layer in WGS 84 (EPSG:4326) with one feature per area of the boundaries,
  each with the boundary's geometry (shapely `equals_exact`, no tolerance);
- every CSV row of the layer's group (its measure, period, ...) has exactly one feature, for its
  area, with `has_figures` true, and every column the two files share (matched through the
  metadata's `source` names, so renamed columns join) holds the same value: numbers equal as
  doubles, text equal, the CSV's suppression symbol a null property with the symbol in its
  `_suppressed` sibling;
- every feature with `has_figures` false has null figures;

and over all layers, that every CSV row was matched exactly once (nothing lost). Prints a JSON
summary; exits 1 listing the problems if any.

Usage: check_geojson.py CSV_FOLDER GEOJSON_FOLDER BOUNDARIES.geojson ID_PROPERTY
"""
import csv
import glob
import json
import math
import os
import sys

import pyogrio
import shapely


def is_null(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


def text(value):
    """A property as the CSV would write it, for comparing text and dates."""
    if is_null(value):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def same(csv_value, feature_value, kind):
    if csv_value == "":
        return is_null(feature_value)
    if is_null(feature_value):
        return False
    if kind in ("integer", "decimal"):
        return float(csv_value) == float(feature_value)
    return csv_value == text(feature_value)


def main(csv_folder, geojson_folder, boundaries_path, id_property):
    problems = []
    boundaries = pyogrio.read_dataframe(boundaries_path)
    shapes = dict(zip(boundaries[id_property], boundaries.geometry))
    tables = {}  # stream -> (metadata, rows, matched count per row)
    layers = features = 0
    for path in sorted(glob.glob(os.path.join(geojson_folder, "*.geojson"))):
        meta_path = path[: -len(".geojson")] + ".metadata.json"
        with open(meta_path, encoding="utf-8") as handle:
            meta = json.load(handle)
        stream = meta["stream"]
        if stream not in tables:
            with open(os.path.join(csv_folder, stream + ".metadata.json"), encoding="utf-8") as handle:
                csv_meta = json.load(handle)
            with open(os.path.join(csv_folder, stream + ".csv"), newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            tables[stream] = (csv_meta, rows, [0] * len(rows))
        csv_meta, rows, matched = tables[stream]
        symbol = csv_meta.get("disclosure", {}).get("symbol")
        csv_names = {c["source"]: c["name"] for c in csv_meta["columns"]}
        geo_columns = {c["source"]: c for c in meta["columns"] if "source" in c}
        area_source = next(s for s, c in geo_columns.items() if c["name"] == meta["area_table"]["area_column"])

        info = pyogrio.read_info(path)
        frame = pyogrio.read_dataframe(path)
        layers += 1
        features += len(frame)
        name = os.path.basename(path)
        if info["crs"] != "EPSG:4326":
            problems.append(f"{name}: GDAL reads its CRS as {info['crs']}")
        if len(frame) != len(boundaries):
            problems.append(f"{name}: {len(frame)} features for {len(boundaries)} areas")
        area_column = geo_columns[area_source]["name"]
        by_area = {}
        for index, code in enumerate(frame[area_column]):
            if code in by_area:
                problems.append(f"{name}: area {code} twice")
            by_area[code] = index
            if code not in shapes:
                problems.append(f"{name}: area {code} is not in the boundaries")
            elif not shapely.equals_exact(frame.geometry.iloc[index], shapes[code], tolerance=0):
                problems.append(f"{name}: area {code} has another geometry than the boundaries")
        if set(by_area) != set(shapes):
            problems.append(f"{name}: areas differ from the boundaries")

        group = meta.get("group", {})
        in_group = [
            i for i, row in enumerate(rows)
            if all(row[csv_names[dim]] == value for dim, value in group.items() if dim in csv_names)
        ]
        with_figures = 0
        for i in in_group:
            row = rows[i]
            code = row[csv_names[area_source]]
            if code not in by_area:
                problems.append(f"{name}: CSV row {i + 2} (area {code}) has no feature")
                continue
            feature = frame.iloc[by_area[code]]
            if not bool(feature["has_figures"]):
                problems.append(f"{name}: area {code} has a CSV row but has_figures is false")
            matched[i] += 1
            for source, column in geo_columns.items():
                if source not in csv_names:
                    continue
                cell = row[csv_names[source]]
                value = feature[column["name"]]
                sibling = column["name"] + "_suppressed"
                if symbol is not None and cell == symbol and sibling in frame.columns:
                    if not is_null(value) or feature[sibling] != symbol:
                        problems.append(f"{name}: area {code} {column['name']}: suppressed in the CSV but not here")
                elif not same(cell, value, column["type"]):
                    problems.append(f"{name}: area {code} {column['name']}: CSV {cell!r}, GeoJSON {value!r}")
        for code, index in by_area.items():
            feature = frame.iloc[index]
            if bool(feature["has_figures"]):
                with_figures += 1
                continue
            for source in meta["area_table"]["measures"]:
                if not is_null(feature[source]):
                    problems.append(f"{name}: area {code} has no figures but {source} is {feature[source]!r}")
        if with_figures != len(in_group):
            problems.append(f"{name}: {with_figures} features with figures for {len(in_group)} CSV rows")

    csv_rows = sum(len(rows) for _, rows, _ in tables.values())
    once = sum(1 for _, _, counts in tables.values() for n in counts if n == 1)
    for stream, (_, _, counts) in tables.items():
        for i, n in enumerate(counts):
            if n != 1:
                problems.append(f"{stream}.csv row {i + 2} matched {n} features")
    print(json.dumps({
        "gdal": pyogrio.__gdal_version_string__, "layers": layers, "features": features,
        "csv_rows": csv_rows, "matched_once": once, "problems": problems[:50],
    }))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
