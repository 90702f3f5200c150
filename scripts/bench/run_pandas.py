#!/usr/bin/env python3
"""The benchmark's pandas version of pipelines/bench.yaml: DataFrames over the synthetic
authority's extracts, from the raw files to the area table as CSV.

Usage: run_pandas.py DATA_DIR KEY_FILE OUT_CSV [--verbose]

Every extract is read with typed columns (bad rows left out), every identifier of every
stream pseudonymised with HMAC-SHA-256 and linked to the registers' people, every stream
de-identified into a DataFrame; then the toxic-trio overlay and its area table
(frames/overlay.py). The hotspot statistics of the pipeline are not computed here.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from authority import INPUTS, REGISTERS, STREAMS  # noqa: E402
from frames.identify import Hasher, normalised  # noqa: E402
from frames.inputs import read_input  # noqa: E402
from frames.linkage import link_records, link_registers, register_rows  # noqa: E402
from frames.overlay import (address_links, area_table, deidentified, overlay,  # noqa: E402
                            postcode_lookup)


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    data_dir, key_file, out_csv = argv[1:4]
    verbose = argv[4:] == ["--verbose"]
    began = time.perf_counter()

    def log(message):
        if verbose:
            print("%7.2f s (CPU %6.2f s)  %s" % (time.perf_counter() - began, time.process_time(), message),
                  file=sys.stderr)

    with open(key_file) as handle:
        hasher = Hasher(handle.read().strip())
    typed = {name: read_input(data_dir, name) for name in INPUTS}
    log("inputs read and typed")
    norm = {name: normalised(name, typed[name], hasher) for name in STREAMS}
    log("identifiers normalised and keyed")
    reg_person, persons, person_keys = link_registers(register_rows(norm, typed), hasher, log)
    ids = {}
    pseudonym_of = reg_person.merge(persons[["person", "pseudonym"]], on="person").set_index("seq")["pseudonym"]
    for i, name in enumerate(REGISTERS):
        seqs = norm[name].index.to_series() + i * 10 ** 12
        ids[name] = {"person": seqs.map(pseudonym_of)}
    for (name, role), pseudonyms in link_records(norm, persons, person_keys, hasher).items():
        ids.setdefault(name, {})[role] = pseudonyms
    log("records linked")
    links, lookup = address_links(norm), postcode_lookup(data_dir)
    deid = {name: deidentified(name, typed[name], norm[name], ids[name], links, lookup) for name in STREAMS}
    log("streams de-identified")
    area_table(overlay(deid), out_csv)
    log("area table written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
