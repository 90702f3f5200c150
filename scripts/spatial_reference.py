#!/usr/bin/env python3
"""The reference values the SafeguardSpatial tests compare against.

Reads a JSON request (a file path as the only argument), computes each requested item with
the reference implementations and writes the answers as JSON on stdout:

- spatial: esda's Moran, Moran_Local (transformation "r") and G_Local (transform "B",
  star=True) on weights built with libpysal from the given neighbour lists; areas whose value
  is null are removed first (libpysal's w_subset, or the same filter when weights are given);
- rates, funnel limits and flags: PHE's published formulas (PHEindicatormethods' phe_rate,
  byars_lower/upper, wilson_lower/upper, assign_funnel_significance, the funnel lines of
  calculate_funnel_limits) written out here with scipy's chi-square, normal and incomplete
  gamma functions;
- eb: esda's Empirical_Bayes; fdr: scipy.stats.false_discovery_control;
- normal, gamma: scipy.stats.norm and scipy.special.gammainc/gammaincc.

Run it with the environment scripts/spatial-venv.sh makes. esda is run on its pure numpy path
(numba is hidden) so that a test does not pay numba's compilation time.
"""

import json
import math
import sys
import warnings

sys.modules["numba"] = None  # esda and libpysal fall back to plain numpy without it
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
from scipy import optimize, special, stats  # noqa: E402


def clean(value):
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean(item) for item in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def weights_for(request):
    """A libpysal W over the areas with values, and their original positions."""
    from libpysal.weights import W, w_subset

    n = len(request["values"])
    neighbours = {i: list(request["neighbours"][i]) for i in range(n)}
    link_weights = request.get("weights")
    present = [i for i in range(n) if request["values"][i] is not None]
    if link_weights is None:
        w = W(neighbours, id_order=list(range(n)), silence_warnings=True)
        if len(present) < n:
            w = w_subset(w, present, silence_warnings=True)
        return w, present
    keep = set(present)
    kept_neighbours = {}
    kept_weights = {}
    for i in present:
        pairs = [(j, wt) for j, wt in zip(request["neighbours"][i], link_weights[i]) if j in keep]
        kept_neighbours[i] = [j for j, _ in pairs]
        kept_weights[i] = [wt for _, wt in pairs]
    return W(kept_neighbours, kept_weights, id_order=present, silence_warnings=True), present


def spatial(request):
    import esda

    permutations = request["permutations"]
    seed = request["seed"]
    w, present = weights_for(request)
    y = np.array([request["values"][i] for i in present], dtype=float)
    np.random.seed(seed)
    moran = esda.Moran(y, w, transformation="r", permutations=permutations)
    w, _ = weights_for(request)
    local = esda.Moran_Local(
        y, w, transformation="r", permutations=permutations, seed=seed, n_jobs=1)
    w, _ = weights_for(request)
    g = esda.G_Local(
        y, w, transform="B", star=True, permutations=permutations, seed=seed + 1, n_jobs=1)
    return {
        "present": present,
        "moran": {name: getattr(moran, name) for name in [
            "I", "EI", "VI_norm", "z_norm", "p_norm", "VI_rand", "z_rand", "p_rand",
            "p_sim", "EI_sim", "seI_sim", "z_sim", "p_z_sim"]},
        "local": {name: getattr(local, name) for name in [
            "Is", "q", "EI", "VI", "EIc", "VIc", "p_sim", "EI_sim", "seI_sim", "z_sim",
            "p_z_sim"]},
        "g": {name: getattr(g, name) for name in [
            "Gs", "EGs", "VGs", "Zs", "p_norm", "p_sim", "EG_sim", "seG_sim", "z_sim",
            "p_z_sim"]},
    }


def count_limits(x, confidence):
    """phe_rate's limits for the expected count: exact below 10 events, Byar's from 10."""
    alpha = 1 - confidence
    if x < 10:
        lower = stats.chi2.ppf(alpha / 2, 2 * x) / 2 if x > 0 else 0.0
        upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
        return lower, upper, "exact"
    z = stats.norm.ppf(1 - alpha / 2)
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper, "byar"


def rate(request):
    lower, upper, method = count_limits(request["count"], request["confidence"])
    scale = request["multiplier"] / request["population"]
    return {"rate": request["count"] * scale, "lower": lower * scale, "upper": upper * scale,
            "method": method}


def wilson(request):
    x, n = request["successes"], request["trials"]
    z = stats.norm.ppf(1 - (1 - request["confidence"]) / 2)
    spread = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    return {"lower": (2 * x + z * z - spread) / (2 * (n + z * z)),
            "upper": (2 * x + z * z + spread) / (2 * (n + z * z))}


def funnel(request):
    counts, populations = request["counts"], request["populations"]
    multiplier = request["multiplier"]
    usable = [(c, p) for c, p in zip(counts, populations) if c is not None and p and p > 0]
    average = sum(c for c, _ in usable) / sum(p for _, p in usable)

    def upper_line(e, tail):
        # O with P(O, E) = tail, P decreasing in the shape O.
        return optimize.brentq(lambda a: special.gammainc(a, e) - tail, 1e-12, 10 * e + 100,
                               xtol=1e-14, rtol=1e-14)

    def lower_line(e, tail):
        # O with P(O + 1, E) = 1 - tail, or 0 when no O >= 0 fits.
        if special.gammaincc(1, e) >= tail:
            return 0.0
        return optimize.brentq(lambda b: special.gammaincc(b, e) - tail, 1, 10 * e + 100,
                               xtol=1e-14, rtol=1e-14) - 1

    def flag(x, n):
        wide, narrow = count_limits(x, 0.998), count_limits(x, 0.95)
        if average < wide[0] / n:
            return "high_99.8"
        if average < narrow[0] / n:
            return "high_95"
        if average > wide[1] / n:
            return "low_99.8"
        if average > narrow[1] / n:
            return "low_95"
        return "not_significant"

    areas = []
    for c, p in zip(counts, populations):
        if c is None or not p or p <= 0:
            areas.append(None)
            continue
        e = average * p
        scale = multiplier / p
        areas.append({
            "lower95": lower_line(e, 0.025) * scale, "upper95": upper_line(e, 0.025) * scale,
            "lower99_8": lower_line(e, 0.001) * scale, "upper99_8": upper_line(e, 0.001) * scale,
            "flag": flag(c, p)})
    return {"overall": average * multiplier, "areas": areas}


def empirical_bayes(request):
    from esda.smoothing import Empirical_Bayes

    keep = [i for i, (c, p) in enumerate(zip(request["counts"], request["populations"]))
            if c is not None and p and p > 0]
    e = np.array([request["counts"][i] for i in keep], dtype=float)
    b = np.array([request["populations"][i] for i in keep], dtype=float)
    smoothed = Empirical_Bayes(e, b).r.flatten() * request["multiplier"]
    rates = [None] * len(request["counts"])
    for i, value in zip(keep, smoothed):
        rates[i] = value
    return {"rates": rates}


def fdr(request):
    present = [p for p in request["p"] if p is not None]
    adjusted = iter(stats.false_discovery_control(present, method=request["method"]))
    return [next(adjusted) if p is not None else None for p in request["p"]]


def main():
    with open(sys.argv[1]) as handle:
        request = json.load(handle)
    answer = {
        "spatial": [spatial(item) for item in request.get("spatial", [])],
        "rates": [rate(item) for item in request.get("rates", [])],
        "wilson": [wilson(item) for item in request.get("wilson", [])],
        "funnel": [funnel(item) for item in request.get("funnel", [])],
        "eb": [empirical_bayes(item) for item in request.get("eb", [])],
        "fdr": [fdr(item) for item in request.get("fdr", [])],
        "normal": {
            "quantile": [stats.norm.ppf(p) for p in request.get("normal", {}).get("quantile", [])],
            "survival": [stats.norm.sf(z) for z in request.get("normal", {}).get("survival", [])],
        },
        "gamma": [{"lower": special.gammainc(g["shape"], g["x"]),
                   "upper": special.gammaincc(g["shape"], g["x"]),
                   "quantile": special.gammaincinv(g["shape"], g["p"])}
                  for g in request.get("gamma", [])],
    }
    json.dump(clean(answer), sys.stdout)


if __name__ == "__main__":
    main()
