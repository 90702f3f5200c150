#!/usr/bin/env python3
"""Independent k-anonymity check of a CSV export.

Reads a CSV file (with a header row) and a comma-separated list of quasi-identifier columns,
groups the rows by the values of those columns (compared as exact text; an empty field is a
value like any other) and prints the size of the smallest group: the k the export achieves.
An export with no data rows prints 0.

Deliberately written from scratch with the standard library's csv module only, and sharing
nothing with the Swift implementation, so that the two can check each other.

Usage:
    check_k_anonymity.py EXPORT.csv COLUMN[,COLUMN...] [--at-least K]

Exit status: 0 after printing; 1 with --at-least when the smallest group is below K (or the
export is empty); 2 for a usage error, an unreadable file or a column not in the header.
Only the number is printed on standard output; no value from the file is ever printed.
"""

import csv
import sys
from collections import Counter


def smallest_class(path, columns):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise ValueError("the file is empty (no header row)")
        positions = []
        for name in columns:
            if name not in header:
                raise ValueError("column '%s' is not in the header" % name)
            positions.append(header.index(name))
        counts = Counter()
        for line_number, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise ValueError("line %d has %d fields, the header has %d" % (line_number, len(row), len(header)))
            counts[tuple(row[p] for p in positions)] += 1
    return min(counts.values()) if counts else 0


def main(argv):
    args = list(argv[1:])
    at_least = None
    if "--at-least" in args:
        index = args.index("--at-least")
        try:
            at_least = int(args[index + 1])
        except (IndexError, ValueError):
            print("--at-least needs a whole number", file=sys.stderr)
            return 2
        del args[index:index + 2]
    if len(args) != 2:
        print("usage: check_k_anonymity.py EXPORT.csv COLUMN[,COLUMN...] [--at-least K]", file=sys.stderr)
        return 2
    path, column_list = args
    columns = [name.strip() for name in column_list.split(",") if name.strip()]
    if not columns:
        print("no quasi-identifier columns given", file=sys.stderr)
        return 2
    try:
        k = smallest_class(path, columns)
    except (OSError, ValueError, csv.Error) as problem:
        print("check_k_anonymity: %s: %s" % (path, problem), file=sys.stderr)
        return 2
    print(k)
    if at_least is not None and k < at_least:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
