"""Equality of area tables and of run outputs. Standard library only.

Two area tables are equal when their headers are equal and every row is equal, cell by cell,
in the same order (the three versions sort rows the same way: by LSOA, children without an
area last, then age band). The first difference is described with its line, the columns that
differ and both values, so a mismatch can be traced to its cause.
"""

import csv
import json
import os


def read_rows(path):
    """The rows of a CSV file, without the column `disclosure` that safeguard adds to a table
    released with disclosure control off (every cell `unsuppressed`): DuckDB and pandas do not
    say it, and it carries no figure."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if rows and rows[0] and rows[0][-1] == "disclosure" and all(
            row[-1] == "unsuppressed" for row in rows[1:]):
        rows = [row[:-1] for row in rows]
    return rows


def first_difference(expected_path, actual_path):
    """None when the two CSV tables are equal; else a description of the first difference."""
    expected, actual = read_rows(expected_path), read_rows(actual_path)
    if not expected or not actual:
        return f"{expected_path if not expected else actual_path} is empty"
    header = expected[0]
    if actual[0] != header:
        missing = [c for c in header if c not in actual[0]]
        extra = [c for c in actual[0] if c not in header]
        return (f"the headers differ: {actual_path} lacks {missing or 'nothing'}, has extra "
                f"{extra or 'nothing'}" + ("" if missing or extra else " (columns in another order)"))
    for line, (want, got) in enumerate(zip(expected[1:], actual[1:]), start=2):
        if want != got:
            cells = [f"{name}: {w!r} vs {g!r}" for name, w, g in zip(header, want, got) if w != g]
            return (f"line {line} differs in {len(cells)} column(s): {'; '.join(cells)}\n"
                    f"  {expected_path}: {','.join(want)}\n  {actual_path}: {','.join(got)}")
    if len(expected) != len(actual):
        longer, shorter = (expected_path, actual_path) if len(expected) > len(actual) else (actual_path, expected_path)
        extra = (expected if len(expected) > len(actual) else actual)[min(len(expected), len(actual))]
        return (f"{longer} has {abs(len(expected) - len(actual))} more row(s) than {shorter}; the first: "
                f"{','.join(extra)}")
    return None


def _json(path):
    with open(path) as handle:
        return json.load(handle)


def _bytes(path):
    with open(path, "rb") as handle:
        return handle.read()


def outputs_identical(first_dir, second_dir):
    """None when every file of two runs' export folders is byte-identical (metadata.json
    compared without its run_id, which names the run); else the first file that differs."""
    names = sorted(set(os.listdir(first_dir)) | set(os.listdir(second_dir)))
    for name in names:
        a, b = os.path.join(first_dir, name), os.path.join(second_dir, name)
        if not (os.path.isfile(a) and os.path.isfile(b)):
            return f"{name} is in only one of {first_dir} and {second_dir}"
        if name == "metadata.json":
            left, right = (_json(p) for p in (a, b))
            left.pop("run_id", None)
            right.pop("run_id", None)
            if left != right:
                return f"{name} differs (beyond its run_id)"
        elif _bytes(a) != _bytes(b):
            return f"{name} differs"
    return None
