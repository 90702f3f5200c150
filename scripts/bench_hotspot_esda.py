#!/usr/bin/env python3
"""The reference half of `safeguard bench hotspot`: esda on the benchmark's weights and values.

Usage: bench_hotspot_esda.py INPUT.json OUTPUT.json, where INPUT holds the neighbour lists, the
values and the number of permutations. Times esda's Moran_Local (row-standardised), G_Local
(binary, star) and Moran with numba on all cores, twice in one process: the first calls include
numba's compilation, which every fresh process pays; the second are compiled. Building the
weights is not timed. Writes the timings and esda's statistics (from the first calls) as JSON.
"""

import json
import sys
import time
import warnings

warnings.simplefilter("ignore")

import esda  # noqa: E402
import numpy as np  # noqa: E402
from libpysal.weights import W  # noqa: E402


def weights(neighbours):
    return W({i: list(n) for i, n in enumerate(neighbours)}, id_order=list(range(len(neighbours))),
             silence_warnings=True)


def timed(make):
    start = time.perf_counter()
    result = make()
    return result, time.perf_counter() - start


def run(neighbours, y, permutations):
    # A fresh W for each statistic (they change its transformation), built before the clock.
    w_local, w_g, w_moran = weights(neighbours), weights(neighbours), weights(neighbours)
    local, local_time = timed(lambda: esda.Moran_Local(
        y, w_local, transformation="r", permutations=permutations, n_jobs=-1,
        keep_simulations=False, seed=1))
    g, g_time = timed(lambda: esda.G_Local(
        y, w_g, transform="B", star=True, permutations=permutations, n_jobs=-1,
        keep_simulations=False, seed=2))
    moran, moran_time = timed(lambda: esda.Moran(
        y, w_moran, transformation="r", permutations=permutations))
    return (local, g, moran), (local_time, g_time, moran_time)


def main():
    with open(sys.argv[1]) as handle:
        request = json.load(handle)
    neighbours = request["neighbours"]
    y = np.array(request["values"], dtype=float)
    (local, g, moran), cold = run(neighbours, y, request["permutations"])
    _, warm = run(neighbours, y, request["permutations"])
    output = {
        "timings": {
            "version": esda.__version__,
            "coldLocalMoran": cold[0], "coldGiStar": cold[1], "coldGlobal": cold[2],
            "warmLocalMoran": warm[0], "warmGiStar": warm[1], "warmGlobal": warm[2],
        },
        "Is": local.Is.tolist(), "p_sim_local": np.asarray(local.p_sim).tolist(),
        "Zs": g.Zs.tolist(), "p_sim_g": np.asarray(g.p_sim).tolist(), "I": float(moran.I),
    }
    with open(sys.argv[2], "w") as handle:
        json.dump(output, handle)


if __name__ == "__main__":
    main()
