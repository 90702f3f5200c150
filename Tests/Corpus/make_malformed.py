#!/usr/bin/env python3
"""Writes Tests/Corpus/malformed/: one folder per malformed input, each with the files a user
would have and `expect.json` (the command to run, the exit status, text the output must and
must not contain, and row counts). Run it again after adding a case; the folders are the
corpus, committed as written. Every file is synthetic."""
import json, os, shutil, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "malformed")
REGISTER_HEADER = "Ref,Forename,Date of Birth,Count,Flag,Kind\n"
COLUMNS = ("columns: { ref: { from: Ref, nullable: false }, forename: Forename, "
           "dob: { from: Date of Birth, type: date, formats: [dd/MM/yyyy] }, "
           "count: { from: Count, type: integer }, flag: { from: Flag, type: boolean }, "
           "kind: { from: Kind, type: code, codes: [a, b] } }")
GOOD = "A1,Ann,01/02/2015,3,Y,a\n"


def csv_definition(extra=""):
    return f"name: corpus\nmax_quarantine: 100%\ninputs:\n  register: {{ path: register.csv, {extra}{COLUMNS} }}\nstages: [ {{ uses: export-csv }} ]\n"


def jsonl_definition():
    return ("name: corpus\nmax_quarantine: 100%\ninputs:\n  events: { path: events.jsonl, columns: { ref: { from: ref, nullable: false }, "
            "n: { from: n, type: integer }, day: { from: day, type: date, formats: [yyyy-MM-dd] } } }\n"
            "stages: [ { uses: export-csv } ]\n")


CASES = []


def case(name, files, expect):
    CASES.append((name, files, expect))


RUN = ["run", "case.yaml", "--out", "out"]
VALIDATE = ["validate", "case.yaml"]

# --- CSV records: each bad row quarantined with a reason naming the column, never the value.
for name, row, reason in [
    ("csv-nul-byte-in-text", "A2,Jo\x00hn,01/02/2015,3,Y,a\n", "column 'Forename' (field forename): holds a NUL byte"),
    ("csv-invalid-utf8-value", "A2,Ren\xe9e,01/02/2015,3,Y,a\n", "not valid UTF-8 text"),
    ("csv-unclosed-quote", 'A2,"Ann,01/02/2015,3,Y,a\n', "quote"),
    ("csv-too-many-fields", "A2,Ann,01/02/2015,3,Y,a,extra\n", "fields"),
    ("csv-too-few-fields", "A2,Ann,01/02/2015\n", "fields"),
    ("csv-not-a-date", "A2,Ann,2015-02-01,3,Y,a\n", "not a date in format dd/MM/yyyy"),
    ("csv-impossible-date", "A2,Ann,31/02/2015,3,Y,a\n", "not a real calendar date"),
    ("csv-not-a-whole-number", "A2,Ann,01/02/2015,3.5,Y,a\n", "not a whole number"),
    ("csv-not-a-boolean", "A2,Ann,01/02/2015,3,maybe,a\n", "not a yes/no value"),
    ("csv-not-a-code", "A2,Ann,01/02/2015,3,Y,zz\n", "not one of the codes a, b"),
    ("csv-empty-required-value", ",Ann,01/02/2015,3,Y,a\n", "empty, but the field may not be empty"),
    ("csv-number-overflow", "A2,Ann,01/02/2015,99999999999999999999,Y,a\n", "not a whole number"),
]:
    value = row.encode("latin-1")
    case(name, {"case.yaml": csv_definition(), "register.csv": REGISTER_HEADER.encode() + GOOD.encode() + value},
         {"args": RUN, "status": 0, "rows_read": 2, "rows_quarantined": 1, "quarantine_contains": [reason],
          "quarantine_excludes": ["Jo", "Ren", "Ann,"]})

case("csv-stray-quote-strict", {"case.yaml": csv_definition("quotes: strict, "),
                                 "register.csv": REGISTER_HEADER + GOOD + 'A2,O"Brien,01/02/2015,3,Y,a\n'},
     {"args": RUN, "status": 0, "rows_read": 2, "rows_quarantined": 1, "quarantine_contains": ["quote"],
      "quarantine_excludes": ["Brien"]})
case("csv-stray-quote-lenient", {"case.yaml": csv_definition(),
                                  "register.csv": REGISTER_HEADER + GOOD + 'A2,O"Brien,01/02/2015,3,Y,a\n'},
     {"args": RUN, "status": 0, "rows_read": 2, "rows_quarantined": 0})
case("csv-byte-order-mark", {"case.yaml": csv_definition(), "register.csv": "\ufeff" + REGISTER_HEADER + GOOD},
     {"args": RUN, "status": 0, "rows_read": 1, "rows_quarantined": 0})
case("csv-crlf-line-ends", {"case.yaml": csv_definition(),
                             "register.csv": (REGISTER_HEADER + GOOD + GOOD.replace("A1", "A2")).replace("\n", "\r\n")},
     {"args": RUN, "status": 0, "rows_read": 2, "rows_quarantined": 0})
case("csv-windows-1252-declared", {"case.yaml": csv_definition("encoding: windows-1252, "),
                                    "register.csv": (REGISTER_HEADER + "A2,Ren\xe9e,01/02/2015,3,Y,a\n").encode("cp1252")},
     {"args": RUN, "status": 0, "rows_read": 1, "rows_quarantined": 0})

# --- CSV files whose form is wrong: the run stops with a message saying what is wrong.
case("csv-utf16", {"case.yaml": csv_definition(), "register.csv": (REGISTER_HEADER + GOOD).encode("utf-16")},
     {"args": RUN, "status": 1, "stderr_contains": ["looks like UTF-16"]})
case("csv-cr-only-line-ends", {"case.yaml": csv_definition(), "register.csv": (REGISTER_HEADER + GOOD).replace("\n", "\r")},
     {"args": RUN, "status": 1, "stderr_contains": ["end in CR alone"]})
case("csv-header-not-utf8", {"case.yaml": csv_definition(),
                              "register.csv": REGISTER_HEADER.replace("Forename", "Pr\xe9nom").encode("latin-1") + GOOD.encode()},
     {"args": RUN, "status": 1, "stderr_contains": ["not valid UTF-8", "encoding: windows-1252"]})
case("csv-empty-file", {"case.yaml": csv_definition(), "register.csv": ""},
     {"args": RUN, "status": 1, "stderr_contains": ["is empty: it has no header line"]})
case("csv-header-only", {"case.yaml": csv_definition(), "register.csv": REGISTER_HEADER},
     {"args": RUN, "status": 0, "rows_read": 0, "stderr_contains": ["warning: input 'register' has no rows"]})
case("csv-missing-column", {"case.yaml": csv_definition(), "register.csv": "Ref,Forename\nA1,Ann\n"},
     {"args": RUN, "status": 1, "stderr_contains": ["has no column 'Date of Birth'"]})
case("csv-duplicate-column", {"case.yaml": csv_definition(),
                               "register.csv": REGISTER_HEADER.replace("Kind", "Ref") + GOOD},
     {"args": RUN, "status": 1, "stderr_contains": ["2 columns named 'Ref'"]})
case("csv-malformed-header", {"case.yaml": csv_definition(), "register.csv": 'Ref,"Fore"name,Date of Birth\n' + GOOD},
     {"args": RUN, "status": 1, "stderr_contains": ["the header line is malformed"]})

# --- JSON Lines.
for name, line, reason in [
    ("jsonl-not-an-object", '[1, 2]\n', "object"),
    ("jsonl-broken-json", '{"ref": "E2", "n": \n', "JSON"),
    ("jsonl-duplicate-key", '{"ref": "E2", "ref": "E3"}\n', "the key appears more than once"),
    ("jsonl-nested-value", '{"ref": {"id": "E2"}}\n', "expected a scalar, found an object or array"),
    ("jsonl-nul-escape", '{"ref": "E\\u00002"}\n', "holds a NUL byte"),
    ("jsonl-wrong-type", '{"ref": "E2", "n": "seven"}\n', "not a whole number"),
    ("jsonl-bad-date", '{"ref": "E2", "day": "02/01/2025"}\n', "not a date"),
    ("jsonl-missing-required", '{"n": 3}\n', "empty, but the field may not be empty"),
]:
    case(name, {"case.yaml": jsonl_definition(), "events.jsonl": '{"ref": "E1", "n": 1, "day": "2025-01-02"}\n' + line},
         {"args": RUN, "status": 0, "rows_read": 2, "rows_quarantined": 1, "quarantine_contains": [reason],
          "quarantine_excludes": ["E2", "E3", "seven"]})
case("jsonl-empty-file", {"case.yaml": jsonl_definition(), "events.jsonl": ""},
     {"args": RUN, "status": 0, "rows_read": 0, "stderr_contains": ["warning: input 'events' has no rows"]})
case("jsonl-blank-lines", {"case.yaml": jsonl_definition(),
                           "events.jsonl": '\n{"ref": "E1", "n": 1, "day": "2025-01-02"}\n\n{"ref": "E2", "n": 2, "day": "2025-01-03"}\n'},
     {"args": RUN, "status": 0, "rows_read": 2, "rows_quarantined": 0})

# --- Definitions: each refused by validate with status 2 and a message at its line.
bomb = "name: corpus\nvariables:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
for level in range(1, 10):
    bomb += f"  a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]\n"
bomb += "inputs: {}\nstages: []\n"
case("def-alias-bomb", {"case.yaml": bomb}, {"args": VALIDATE, "status": 2, "stderr_contains": ["once its YAML aliases are expanded"]})
case("def-variable-cycle", {"case.yaml": "name: corpus\nvariables:\n  a: ${b}\n  b: ${a}\ninputs: {}\nstages: []\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["refer to each other in a cycle: a -> b -> a"]})
case("def-variable-refers-to-itself", {"case.yaml": "name: corpus\nvariables:\n  a: ${a}/x\ninputs: {}\nstages: []\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["case.yaml:3:", "refers to itself"]})
case("def-unknown-stage", {"case.yaml": "name: corpus\ninputs: {}\nstages: [ { uses: no-such-stage } ]\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["no-such-stage"]})
case("def-misspelt-key", {"case.yaml": "name: corpus\ninputs: {}\nstagez: []\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["case.yaml:3:", "stagez"]})
case("def-yaml-syntax", {"case.yaml": "name: corpus\ninputs: [unclosed\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["YAML syntax"]})
case("def-unclosed-variable", {"case.yaml": "name: corpus\nvariables: { d: x }\ninputs:\n  r: { path: \"${d/r.csv\", columns: { ref: Ref } }\nstages: []\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["unclosed '${'"]})
case("def-unknown-variable", {"case.yaml": "name: corpus\ninputs:\n  r: { path: \"${data}/r.csv\", columns: { ref: Ref } }\nstages: []\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["unknown variable '${data}'"]})
case("def-input-is-a-folder", {"case.yaml": "name: corpus\ninputs:\n  r: { path: extracts, columns: { ref: Ref } }\nstages: []\n",
                                "extracts/readme.txt": "a folder, not an extract\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["extracts is a folder, not a regular file"]})
case("def-output-over-inputs", {"case.yaml": "name: corpus\ninputs:\n  r: { path: data/r.csv, columns: { ref: Ref } }\nstages: []\noutputs: { dir: data }\n",
                                 "data/r.csv": "Ref\nA1\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["holds the input file data/r.csv"]})
case("def-bad-date-format", {"case.yaml": "name: corpus\ninputs:\n  r: { path: r.csv, columns: { d: { from: D, type: date, formats: [qq/MM] } } }\nstages: []\n",
                              "r.csv": "D\n01/02\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["qq/MM"]})

# --- Reference files given to `safeguard hotspot`.
AREAS = "code,count,population\nE1,3,100\nE2,5,120\nE3,1,90\n"
HOT = ["hotspot", "--areas", "areas.csv", "--id-column", "code", "--count-column", "count",
       "--population-column", "population", "--permutations", "99", "--out", "out"]
case("ref-gal-malformed", {"areas.csv": AREAS, "w.gal": "3\nE1 2\nE2\n"},
     {"args": HOT + ["--weights", "w.gal"], "status_not": 0, "stderr_contains": ["w.gal"]})
case("ref-gal-unknown-area", {"areas.csv": AREAS, "w.gal": "2\nE1 1\nE2\nE2 1\nE1\n"},
     {"args": HOT + ["--weights", "w.gal"], "status_not": 0, "stderr_contains": ["E3"]})
case("ref-geojson-malformed", {"areas.csv": AREAS, "b.geojson": '{"type": "FeatureCollection", "features": [ {"type": "Feature", '},
     {"args": HOT + ["--boundaries", "b.geojson", "--id-property", "code"], "status_not": 0, "stderr_contains": ["b.geojson"]})
case("ref-geojson-not-polygons", {"areas.csv": AREAS, "b.geojson": json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": c}, "geometry": {"type": "Point", "coordinates": [0, i]}} for i, c in enumerate(["E1", "E2", "E3"])]})},
     {"args": HOT + ["--boundaries", "b.geojson", "--id-property", "code"], "status_not": 0, "stderr_contains": ["b.geojson"]})

# --- Plugins.
PLUGIN_DEF = ("name: corpus\ninputs:\n  r: { path: r.csv, columns: { ref: Ref } }\n"
              "stages:\n  - uses: lua\n    with: { script: p.lua }\n    on_error: quarantine\n")
case("plugin-syntax-error", {"case.yaml": PLUGIN_DEF, "r.csv": "Ref\nA1\n", "p.lua": "return { record = function(rec ctx) end }\n"},
     {"args": VALIDATE, "status": 2, "stderr_contains": ["p.lua:1:"]})
case("plugin-endless-loop", {"case.yaml": PLUGIN_DEF, "r.csv": "Ref\nA1\nA2\n",
                             "p.lua": "return { record = function(rec, ctx) while true do end end }\n"},
     {"args": RUN, "status": 1, "rows_read": 2, "stderr_contains": ["instruction limit"], "quarantine_excludes": ["A1", "A2"]})
case("plugin-bad-return", {"case.yaml": PLUGIN_DEF, "r.csv": "Ref\nA1\nA2\n",
                           "p.lua": "return { record = function(rec, ctx) rec.ref = {} return rec end }\n"},
     {"args": RUN, "status": 1, "rows_read": 2, "stderr_contains": ["bad return value"]})
case("plugin-leaks-in-quarantine-reason", {"case.yaml": PLUGIN_DEF, "r.csv": "Ref\nWHITMORE1\n",
                                           "p.lua": "return { record = function(rec, ctx) ctx:quarantine('saw ' .. rec.ref:lower()) return rec end }\n"},
     {"args": RUN, "status": 1, "rows_read": 1, "quarantine_contains": ["saw ‹value›"], "quarantine_excludes": ["whitmore1", "WHITMORE1"]})


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    for name, files, expect in CASES:
        folder = os.path.join(ROOT, name)
        for path, content in files.items():
            full = os.path.join(folder, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as handle:
                handle.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        with open(os.path.join(folder, "expect.json"), "w", encoding="utf-8") as handle:
            json.dump(expect, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    print(f"{len(CASES)} cases in {ROOT}", file=sys.stderr)


if __name__ == "__main__":
    main()
