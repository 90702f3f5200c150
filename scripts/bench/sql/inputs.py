"""Reading the extracts into typed DuckDB tables, as pipelines/synthetic-authority.yaml declares
them: every cell read as text, trimmed (empty is missing), then typed; a row whose value does
not fit its column's type, or whose required column is empty, is quarantined (left out).
The police file is Windows-1252 (read as Latin-1, then the 0x80-0x9F range mapped); the ED
extract is JSON Lines. Each table keeps `rid`, the row's position in its file.
"""

from authority import INPUTS
from sql.macros import sql_string

DATE_MACROS = {"dd/MM/yyyy": "dmy", "yyyy-MM-dd": "iso"}


def _typed(field, kind, options):
    """The SQL expression of a typed column over the cleaned text column `field`."""
    f = field
    if kind == "string":
        return f
    if kind == "date":
        (pattern,) = options["formats"]
        return f"{DATE_MACROS[pattern]}({f})"
    if kind == "boolean":
        return f"yes_no({f})"
    if kind == "integer":
        return f"whole({f})"
    if kind == "code":
        cases = [f"WHEN {f} = {sql_string(k)} THEN {sql_string(v)}"
                 for k, v in options.get("map", {}).items()]
        cases += [f"WHEN lower({f}) = {sql_string(c.lower())} THEN {sql_string(c)}"
                  for c in options["codes"]]
        return "CASE " + " ".join(cases) + " END"
    raise ValueError(kind)


def _source(data_dir, relative, encoding, columns):
    path = sql_string(f"{data_dir}/{relative}")
    if encoding == "jsonl":
        types = ", ".join(f"{sql_string(header)}: 'VARCHAR'" for _, header, _, _ in columns)
        return f"read_json({path}, format = 'newline_delimited', columns = {{{types}}})"
    charset = "latin-1" if encoding == "windows-1252" else "utf-8"
    return f"read_csv({path}, header = true, all_varchar = true, encoding = '{charset}')"


def typed_table_sql(data_dir, name):
    """CREATE TABLE <name> AS the input's accepted rows, typed."""
    relative, encoding, columns = INPUTS[name]
    cleaned = []
    for field, header, _, _ in columns:
        cell = '"' + header.replace('"', '""') + '"'
        if encoding == "windows-1252":
            cell = f"cp1252({cell})"
        cleaned.append(f"clean({cell}) AS {field}")
    typed = [f"{_typed(field, kind, options)} AS t_{field}" for field, _, kind, options in columns]
    fits = [f"({field} IS NULL OR t_{field} IS NOT NULL)"
            for field, _, kind, options in columns if kind != "string"]
    fits += [f"t_{field} IS NOT NULL" for field, _, _, options in columns
             if options.get("nullable") is False]
    # Each cell is typed once: the middle query keeps the text beside the typed value, so a
    # cell that had text but no value (it did not fit) is seen and its row left out.
    texts = [field for field, _, kind, _ in columns if kind != "string"]
    return f"""
CREATE TABLE raw_{name} AS SELECT * FROM {_source(data_dir, relative, encoding, columns)};
CREATE TABLE {name} AS
SELECT rid, {", ".join(f"t_{field} AS {field}" for field, _, _, _ in columns)}
FROM (SELECT rid, {", ".join(texts + typed)}
      FROM (SELECT rowid AS rid, {", ".join(cleaned)} FROM raw_{name}))
WHERE {" AND ".join(fits) or "true"};
DROP TABLE raw_{name};
"""
