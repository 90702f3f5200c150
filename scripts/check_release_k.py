#!/usr/bin/env python3
"""Independent check of a record-level release: k over the files joined on their pseudonyms.

Reads the folder an export-csv stage wrote (its metadata.json and CSV files). For each file
that a k-anonymity stage released it takes the quasi-identifiers metadata.json lists, and then,
sharing nothing with the Swift implementation:

1. finds the pseudonym columns of every file by their values (every non-empty value 32 hex
   digits), not from the metadata;
2. computes k of each file alone with pycanon (a reference k-anonymity library);
3. joins every pseudonym column of every file with every pseudonym column of every file
   (itself included: a person's records within one file pair up too) wherever the two share a
   value, as a reader of the release would, and computes with pycanon the k of each joined
   table over the quasi-identifiers of both sides.

It prints a JSON report and exits 0 when each file's k alone equals the k_alone the metadata
claims, the smallest k of any join is at least the claimed k_release, and no two files join
unless the metadata says both share pseudonyms; 1 otherwise; 2 for a usage error or an
unreadable folder. No value from the files is ever printed: only file and column names and
counts.

Usage: check_release_k.py RECORDS_FOLDER
"""

import json
import os
import re
import sys

import pandas as pd
from pycanon import anonymity

PSEUDONYM = re.compile(r"^[0-9a-f]{32}$")


def k_of(frame, columns):
    """k of a table over the given columns: pycanon, or the row count when there are none."""
    if len(frame) == 0:
        return 0
    if not columns:
        return len(frame)
    return int(anonymity.k_anonymity(frame.reset_index(drop=True), list(columns)))


def pseudonym_columns(frame):
    found = []
    for column in frame.columns:
        values = frame[column][frame[column] != ""]
        if len(values) > 0 and values.map(lambda v: bool(PSEUDONYM.match(v))).all():
            found.append(column)
    return found


def check(folder):
    with open(os.path.join(folder, "metadata.json"), encoding="utf-8") as handle:
        metadata = json.load(handle)
    releases = metadata.get("disclosure_control") or []
    if not releases:
        raise ValueError("metadata.json names no k-anonymity release")
    release = releases[-1]
    shared = set(release["linkable_streams"])
    files = {}
    for entry in metadata["files"]:
        facts = entry.get("k_anonymity")
        if facts is None:
            continue
        frame = pd.read_csv(
            os.path.join(folder, entry["file"]), dtype=str, keep_default_na=False, na_filter=False)
        files[entry["stream"]] = (frame, facts["quasi_identifiers"], facts["k_alone"])

    report = {"alone": {}, "joins": [], "problems": []}
    for stream, (frame, quasi, claimed) in sorted(files.items()):
        k = k_of(frame, quasi)
        report["alone"][stream] = k
        if k != claimed:
            report["problems"].append("%s alone: k %d, metadata claims %d" % (stream, k, claimed))

    columns = [(stream, column) for stream, (frame, _, _) in sorted(files.items())
               for column in pseudonym_columns(frame)]
    for i, (left, left_column) in enumerate(columns):
        for right, right_column in columns[i:]:
            a, a_quasi, _ = files[left]
            b, b_quasi, _ = files[right]
            a_values = set(a[left_column]) - {""}
            if not a_values & (set(b[right_column]) - {""}):
                continue
            joined = pd.merge(
                a[a[left_column] != ""].add_prefix("l."), b[b[right_column] != ""].add_prefix("r."),
                left_on="l." + left_column, right_on="r." + right_column)
            quasi = ["l." + q for q in a_quasi] + ["r." + q for q in b_quasi]
            k = k_of(joined, quasi)
            report["joins"].append({
                "left": "%s.%s" % (left, left_column), "right": "%s.%s" % (right, right_column),
                "rows": len(joined), "k": k})
            if left != right and not (left in shared and right in shared):
                report["problems"].append(
                    "%s.%s joins %s.%s, but the metadata says they do not share pseudonyms"
                    % (left, left_column, right, right_column))

    ks = [join["k"] for join in report["joins"]] + [k for k in report["alone"].values() if k > 0]
    report["k_joined_min"] = min(ks) if ks else 0
    report["k_release_claimed"] = release["k_release"]
    if report["k_joined_min"] < release["k_release"]:
        report["problems"].append(
            "the release joined has k %d, metadata claims %d" % (report["k_joined_min"], release["k_release"]))
    return report


def main(argv):
    if len(argv) != 2:
        print("usage: check_release_k.py RECORDS_FOLDER", file=sys.stderr)
        return 2
    try:
        report = check(argv[1])
    except (OSError, ValueError, KeyError) as problem:
        print("check_release_k: %s: %s" % (argv[1], problem), file=sys.stderr)
        return 2
    print(json.dumps(report, indent=1, sort_keys=True))
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
