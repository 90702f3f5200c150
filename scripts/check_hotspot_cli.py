"""esda's and PHE's figures for a `safeguard hotspot` run, the reference its CLI test compares with.

Runs in the environment scripts/spatial-venv.sh makes (esda on plain numpy: numba is hidden).

    check_hotspot_cli.py AREAS.csv BOUNDARIES.geojson ID_PROPERTY ID_COLUMN COUNT_COLUMN POPULATION_COLUMN PERMUTATIONS

Reads the area table with pandas (suppression codes c, x, z, :, low, * and empty are missing),
builds libpysal's queen contiguity from the boundaries, keeps the areas with a count and a
positive population (w_subset), and prints one JSON object: "areas" (code -> rate, interval,
empirical Bayes rate, funnel flag, esda's local Moran I, quadrant, p_sim and z_sim, Gi* z and
p_sim, neighbours in the subset) and "global" (esda's Moran: I, z_norm, z_rand, p_sim).
"""

import json
import os
import sys
import warnings

sys.modules["numba"] = None
warnings.simplefilter("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import pandas  # noqa: E402

from spatial_reference import clean, count_limits, funnel  # noqa: E402

SUPPRESSED = {"", "c", "x", "z", ":", "low", "*"}


def number(text):
    text = str(text).strip()
    return None if text.lower() in SUPPRESSED else float(text)


def main(args):
    areas_path, boundaries_path, id_property, id_column, count_column, population_column = args[:6]
    permutations = int(args[6])
    import esda
    import geopandas
    from esda.smoothing import Empirical_Bayes
    from libpysal.weights import Queen, w_subset

    table = pandas.read_csv(areas_path, dtype=str, keep_default_na=False)
    counts = {row[id_column]: number(row[count_column]) for _, row in table.iterrows()}
    populations = {row[id_column]: number(row[population_column]) for _, row in table.iterrows()}
    frame = geopandas.read_file(boundaries_path)
    frame[id_property] = frame[id_property].astype(str)
    w = Queen.from_dataframe(frame, ids=id_property, use_index=False, silence_warnings=True)
    codes = [str(i) for i in w.id_order]
    present = [c for c in codes
               if counts.get(c) is not None and populations.get(c) is not None and populations[c] > 0]
    sub = w_subset(w, present, silence_warnings=True)
    e = np.array([counts[c] for c in present])
    b = np.array([populations[c] for c in present])
    y = e / b * 1000
    np.random.seed(7)
    moran = esda.Moran(y, sub, transformation="r", permutations=permutations)
    local = esda.Moran_Local(y, w_subset(w, present, silence_warnings=True), transformation="r",
                             permutations=permutations, seed=11, n_jobs=1)
    g = esda.G_Local(y, w_subset(w, present, silence_warnings=True), transform="B", star=True,
                     permutations=permutations, seed=13, n_jobs=1)
    eb = Empirical_Bayes(e, b).r.flatten() * 1000
    plot = funnel({"counts": list(e), "populations": list(b), "multiplier": 1000})
    answer = {}
    for i, code in enumerate(present):
        lower, upper, _ = count_limits(int(e[i]), 0.95)
        answer[code] = {
            "count": int(e[i]), "population": b[i], "rate": y[i],
            "rate_low": lower * 1000 / b[i], "rate_high": upper * 1000 / b[i],
            "eb": eb[i], "funnel_flag": plot["areas"][i]["flag"],
            "neighbours": int(sub.cardinalities[code]),
            "lisa_i": local.Is[i], "lisa_q": int(local.q[i]), "lisa_p": local.p_sim[i],
            "gi_z": g.Zs[i], "gi_p": g.p_sim[i],
        }
    print(json.dumps(clean({
        "ids": codes, "areas": answer,
        "global": {"I": moran.I, "z_norm": moran.z_norm, "z_rand": moran.z_rand, "p_sim": moran.p_sim},
    })))


if __name__ == "__main__":
    main(sys.argv[1:])
