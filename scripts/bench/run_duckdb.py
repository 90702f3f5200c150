#!/usr/bin/env python3
"""The benchmark's DuckDB version of pipelines/bench.yaml: SQL over the synthetic authority's
extracts, through the duckdb package, from the raw files to the area table as CSV.

Usage: run_duckdb.py DATA_DIR KEY_FILE OUT_CSV [--verbose]

Every extract is read with typed columns (bad rows left out), every identifier of every
stream pseudonymised with a keyed SHA-256 and linked to the registers' people, every stream
de-identified into a table; then the toxic-trio overlay and its area table (sql/overlay.py).
The hotspot statistics of the pipeline are not computed here.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import duckdb  # noqa: E402

from authority import INPUTS, REGISTERS, STREAMS  # noqa: E402
from sql.identify import norm_table_sql  # noqa: E402
from sql.inputs import typed_table_sql  # noqa: E402
from sql.linkage import link_records_sql, link_registers  # noqa: E402
from sql.macros import macros  # noqa: E402
from sql.overlay import (OVERLAY, area_table_sql, deidentified_sql, lookup_sql,  # noqa: E402
                         register_links_sql)


def read_key(path):
    with open(path) as handle:
        return handle.read().strip()


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    data_dir, key_file, out_csv = (os.path.abspath(a) for a in argv[1:4])
    verbose = argv[4:] == ["--verbose"]
    began = time.perf_counter()

    def log(message):
        if verbose:
            print("%7.2f s (CPU %6.2f s)  %s" % (time.perf_counter() - began, time.process_time(), message),
                  file=sys.stderr)

    con = duckdb.connect()
    con.execute(macros(read_key(key_file)))
    for name in INPUTS:
        con.execute(typed_table_sql(data_dir, name))
    log("inputs read and typed")
    for name in STREAMS:
        con.execute(norm_table_sql(name))
    log("identifiers normalised and keyed")
    link_registers(con, log)
    for name in REGISTERS:
        con.execute(register_links_sql(name))
    con.execute(link_records_sql())
    log("records linked")
    con.execute(lookup_sql(data_dir))
    for name in STREAMS:
        con.execute(deidentified_sql(name))
    log("streams de-identified")
    con.execute(OVERLAY)
    con.execute(area_table_sql(out_csv))
    log("area table written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
