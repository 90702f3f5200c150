#!/usr/bin/env python3
"""Fast checks of the benchmark's parts (not run by `make test`; the equality of the three
area tables inside `make bench` is the real check):

    .build/bench-venv/bin/python scripts/bench/test_bench.py

The comparison must find the first differing row and column; the DuckDB macros and the pandas
functions must normalise identifiers as docs/deidentification.md says (values worked out by
hand from its rules), which is what lets their pseudonyms link the same records as safeguard's.
The normaliser tests are skipped under a python without duckdb and pandas.
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from compare import first_difference, outputs_identical  # noqa: E402

try:
    import duckdb
    import pandas as pd
except ImportError:  # the orchestrator's python: only the comparison is tested
    duckdb = pd = None

# (input, normal form or None), by docs/deidentification.md's rules.
CASES = {
    "fold": [("O'Brien-Hughes", "OBRIEN HUGHES"), ("  Siobhán ", "SIOBHAN"), ("GRØNVOLD", "GRONVOLD"),
             ("Straße", "STRASSE"), ("Æsa  Ó’Neill", "AESA ONEILL"), ('Har"ley', "HAR LEY"), ("--", None)],
    "postcode": [("xy1 0tb", "XY1 0TB"), ("XY10TB", "XY1 0TB"), (" SW1A 1AA ", "SW1A 1AA"), ("XY1", None),
                 ("12345", None), ("XY1-0TB", None)],
    "nhs_number": [("943 476 5919", "9434765919"), ("943-476-5919", "9434765919"), ("9434765918", None),
                   ("94347659", None)],
    "upn": [("a999330912481", "A999330912481"), ("A999330912482", None), ("A99933091248", None)],
    "uprn": [("000123", "123"), ("200000000028.0", "200000000028"), ("1.00012E+11", None), ("0", None)],
    "address_line": [("12 Kestrel Rd", "12 KESTREL ROAD"), ("Flat 22, 3 King's Gdns", "FLAT 22 3 KINGS GARDENS"),
                     ("1 St Mary's Drive", "1 ST MARYS DRIVE")],
}


class Comparison(unittest.TestCase):
    def write(self, folder, name, text):
        path = os.path.join(folder, name)
        with open(path, "w") as handle:
            handle.write(text)
        return path

    def test_equal_tables_and_the_first_difference(self):
        with tempfile.TemporaryDirectory() as folder:
            a = self.write(folder, "a.csv", "lsoa,age_band,children\nE1,0-4,3\nE1,5-9,4\nE2,0-4,1\n")
            b = self.write(folder, "b.csv", "lsoa,age_band,children\nE1,0-4,3\nE1,5-9,5\nE2,0-4,2\n")
            self.assertIsNone(first_difference(a, a))
            found = first_difference(a, b)
            self.assertIn("line 3", found)
            self.assertIn("children: '4' vs '5'", found)
            c = self.write(folder, "c.csv", "lsoa,age_band,children\nE1,0-4,3\nE1,5-9,4\n")
            self.assertIn("1 more row", first_difference(a, c))
            d = self.write(folder, "d.csv", "lsoa,children,age_band\nE1,3,0-4\n")
            self.assertIn("another order", first_difference(a, d))

    def test_outputs_identical_ignores_only_the_run_id(self):
        with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
            for folder, run in ((one, "r1"), (two, "r2")):
                self.write(folder, "t.csv", "x\n1\n")
                self.write(folder, "metadata.json", '{"run_id": "%s", "rows": 1}' % run)
            self.assertIsNone(outputs_identical(one, two))
            self.write(two, "metadata.json", '{"run_id": "r2", "rows": 2}')
            self.assertIn("metadata.json", outputs_identical(one, two))
            self.write(two, "metadata.json", '{"run_id": "r2", "rows": 1}')
            self.write(two, "t.csv", "x\n2\n")
            self.assertEqual(outputs_identical(one, two), "t.csv differs")


@unittest.skipIf(duckdb is None, "needs duckdb and pandas (.build/bench-venv)")
class Normalisers(unittest.TestCase):
    def test_duckdb_macros(self):
        from sql.macros import macros
        con = duckdb.connect()
        con.execute(macros("00" * 32))
        for function, cases in CASES.items():
            for text, expected in cases:
                got = con.execute(f"SELECT {function}(clean(?))", [text]).fetchone()[0]
                self.assertEqual(got, expected, f"{function}({text!r})")

    def test_pandas_functions(self):
        from frames import identify
        from frames.inputs import clean
        for function, cases in CASES.items():
            column = clean(pd.Series([text for text, _ in cases], dtype="str"))
            got = getattr(identify, function)(column)
            for (text, expected), value in zip(cases, got):
                self.assertEqual(None if pd.isna(value) else value, expected, f"{function}({text!r})")


if __name__ == "__main__":
    unittest.main()
