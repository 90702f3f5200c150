#!/usr/bin/env python3
"""Reads CSV files with Python's csv module, the independent reference for safeguard's CSV reader.

    csv_reference.py FILE...

Prints a JSON list holding, for each file in order, the list of its records, each as
{"line": <the physical line it starts on>, "fields": [...]}. Files are read as UTF-8 (a byte order
mark at the start dropped) with the csv module's default dialect, which is how pandas and
DuckDB read quotes too: a quote at the start of a field opens a quoted field, a quote anywhere
else in an unquoted field is an ordinary character. Blank lines give no record, as in safeguard.
"""
import csv
import json
import sys


def records(path):
    out = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if row:
                out.append({"line": start, "fields": row})
    return out


def main():
    json.dump([records(path) for path in sys.argv[1:]], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
