"""Spatial weights by libpysal, the reference the test suite compares safeguard's weights with.

Runs in the environment scripts/spatial-venv.sh makes. Prints one JSON object: "ids" (the
areas in libpysal's order) and "neighbours" (area id -> its neighbours' ids, sorted).

    check_weights.py queen|rook BOUNDARIES.geojson ID_PROPERTY
    check_weights.py all BOUNDARIES.geojson ID_PROPERTY K   ({"queen": …, "rook": …, "knn": …})
    check_weights.py knn BOUNDARIES.geojson ID_PROPERTY K
    check_weights.py read-gal FILE.gal
    check_weights.py write-gal BOUNDARIES.geojson ID_PROPERTY OUT.gal   (libpysal's queen, as GAL)
"""

import json
import sys
import warnings

import geopandas
import libpysal
from libpysal.weights import KNN, Queen, Rook

warnings.simplefilter("ignore")


def boundaries(path, id_property):
    frame = geopandas.read_file(path)
    frame[id_property] = frame[id_property].astype(str)
    return frame


def lists(w):
    ids = [str(i) for i in w.id_order]
    neighbours = {str(i): sorted(str(n) for n in w.neighbors[i]) for i in w.id_order}
    return {"ids": ids, "neighbours": neighbours}


def report(w):
    json.dump(lists(w), sys.stdout)


def main(args):
    command = args[0]
    if command in ("queen", "rook"):
        frame = boundaries(args[1], args[2])
        kind = Queen if command == "queen" else Rook
        report(kind.from_dataframe(frame, ids=args[2], use_index=False))
    elif command == "all":
        frame = boundaries(args[1], args[2])
        json.dump(
            {
                "queen": lists(Queen.from_dataframe(frame, ids=args[2], use_index=False)),
                "rook": lists(Rook.from_dataframe(frame, ids=args[2], use_index=False)),
                "knn": lists(KNN.from_dataframe(frame, k=int(args[3]), ids=args[2])),
            },
            sys.stdout,
        )
    elif command == "knn":
        frame = boundaries(args[1], args[2])
        report(KNN.from_dataframe(frame, k=int(args[3]), ids=args[2]))
    elif command == "read-gal":
        report(libpysal.io.open(args[1], "r").read())
    elif command == "write-gal":
        frame = boundaries(args[1], args[2])
        w = Queen.from_dataframe(frame, ids=args[2], use_index=False)
        out = libpysal.io.open(args[3], "w")
        out.write(w)
        out.close()
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
