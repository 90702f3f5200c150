"""Reading the extracts into typed DataFrames (pandas), as pipelines/synthetic-authority.yaml
declares them: every cell read as text and trimmed (empty is missing), then typed, vectorised
column by column; a row whose value does not fit its column's type, or whose required column
is empty, is quarantined (left out). The police file is Windows-1252, the ED extract JSON
Lines. The index is the row's position in its file.
"""

import numpy as np
import pandas as pd

from authority import INPUTS

SPACES = " \t\r\n"
TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
DATES = {"dd/MM/yyyy": (r"\d{2}/\d{2}/\d{4}" + TIME, "%d/%m/%Y"),
         "yyyy-MM-dd": (r"\d{4}-\d{2}-\d{2}" + TIME, "%Y-%m-%d")}
BOOLEANS = {"y": True, "yes": True, "1": True, "true": True, "t": True,
            "n": False, "no": False, "0": False, "false": False, "f": False}
INTEGER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?"


def clean(column):
    text = column.astype("str").str.strip(SPACES)
    return text.mask(text == "")


def typed(text, kind, options):
    """(values, fits): the typed column and whether each cell fits (a missing cell fits)."""
    missing = text.isna()
    if kind == "string":
        return text, pd.Series(True, index=text.index)
    if kind == "date":
        (pattern,) = options["formats"]
        regex, fmt = DATES[pattern]
        shaped = text.str.fullmatch(regex).fillna(False).astype(bool)
        values = pd.to_datetime(text.str.slice(0, 10).where(shaped), format=fmt, errors="coerce")
    elif kind == "boolean":
        values = text.str.lower().map(BOOLEANS)
    elif kind == "integer":
        shaped = text.str.fullmatch(INTEGER).fillna(False).astype(bool)
        digits = text.where(shaped).str.replace(r"\.0+$", "", regex=True).str.replace(",", "")
        values = pd.to_numeric(digits, errors="coerce").astype("Int64")
    elif kind == "code":
        codes = {code.lower(): code for code in options["codes"]}
        values = text.map(options.get("map", {}))
        values = values.where(values.notna(), text.str.lower().map(codes))
    else:
        raise ValueError(kind)
    return values, missing | values.notna()


def _read(data_dir, relative, encoding, columns):
    path = f"{data_dir}/{relative}"
    if encoding == "jsonl":
        frame = pd.read_json(path, lines=True, dtype=False)
        for _, header, _, _ in columns:
            if header not in frame:
                frame[header] = np.nan
        return frame
    charset = "cp1252" if encoding == "windows-1252" else "utf-8-sig"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=charset,
                       encoding_errors="replace")


def read_input(data_dir, name):
    """The input's accepted rows, typed, indexed by their position in the file."""
    relative, encoding, columns = INPUTS[name]
    raw = _read(data_dir, relative, encoding, columns)
    out, fits = {}, pd.Series(True, index=raw.index)
    for field, header, kind, options in columns:
        values, ok = typed(clean(raw[header]), kind, options)
        out[field] = values
        fits &= ok
        if options.get("nullable") is False:
            fits &= values.notna()
    frame = pd.DataFrame(out)
    return frame[fits.to_numpy()]
