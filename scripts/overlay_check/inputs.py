"""Reading the extracts as pipelines/synthetic-authority.yaml declares them.

Typed values, quarantine (a row whose value does not fit its column's type, an empty
non-nullable value, a CSV record whose fields cannot be told apart, a malformed quoted value in
a declared column) and de-duplication (a record identical to an
earlier one of the same input is dropped, as the neglect overlay's `deduplicate` stage does),
following docs/pipeline-definition.md and docs/data.md. Standard library only.
"""

import codecs
import datetime
import functools
import json
import re

from .declarations import INPUTS


class InputError(Exception):
    """A file that cannot be read as declared (missing file or column): exit status 2."""


# ---------------------------------------------------------------------------------------------
# Reading: a CSV parser that reads quotes as the csv module does (a quote inside an unquoted
# field is an ordinary character, the pipeline's default `quotes: lenient`) but, like the
# pipeline, marks text after a closing quote and cuts a malformed record spanning lines at its
# first line (the csv module would join the lines); header matching and typed values.
# ---------------------------------------------------------------------------------------------

def _cp1252_fallback(error):
    # Bytes windows-1252 leaves undefined (0x81, 0x8D, ...) map to the same code point, as
    # browsers decode them, rather than failing the whole file.
    bad = error.object[error.start:error.end]
    return "".join(chr(b) for b in bad), error.end


codecs.register_error("cp1252_fallback", _cp1252_fallback)


def read_text(path, encoding):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise InputError("cannot read %s: %s" % (path, error.strerror))
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark is skipped
        data = data[3:]
    if encoding == "windows-1252":
        return data.decode("cp1252", errors="cp1252_fallback")
    return data.decode("utf-8", errors="replace")


def csv_records(text):
    """Yield (first physical line number, fields or None when malformed, positions of malformed
    fields) for each record; the first record is the header, whose width later records need."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    width = None
    while index < len(lines):
        first_line = index + 1
        line = _strip_cr(lines[index])
        if line.strip() == "":
            index += 1
            continue
        if '"' not in line:  # the common case: no quoting at all
            fields, bad = line.split(","), set()
            index += 1
        else:
            fields, bad, index = _parse_quoted_record(lines, index, width)
        if width is None and fields is not None:
            width = len(fields)
        yield first_line, fields, bad


def _strip_cr(line):
    return line[:-1] if line.endswith("\r") else line


def _parse_quoted_record(lines, index, width):
    """Parse one record that contains quotes, possibly over several physical lines.

    Returns (fields or None, positions of malformed fields, index of the next record's first
    line). A quote opens a quoted field only at the start of a field; anywhere else in an
    unquoted field it is an ordinary character. Text after a closing quote makes that field
    malformed (read on to the next comma). A quote never closed, or a record spanning lines
    that is malformed anywhere (a malformed field, the wrong number of fields), gives None and
    parsing resumes on the line after the record's first.
    """
    first = index
    fields, field, bad = [], [], set()
    line = _strip_cr(lines[index])
    position, quoted, field_started_quoted, after_quote = 0, False, False, False
    while True:
        if position == len(line):
            if quoted:  # a line break inside quotes belongs to the field
                index += 1
                if index == len(lines):
                    return None, set(), first + 1  # never closed
                field.append("\n")
                line, position = _strip_cr(lines[index]), 0
                continue
            fields.append("".join(field))
            if index > first and (bad or (width is not None and len(fields) != width)):
                return None, set(), first + 1
            return fields, bad, index + 1
        char = line[position]
        if quoted:
            if char == '"':
                if position + 1 < len(line) and line[position + 1] == '"':
                    field.append('"')
                    position += 2
                    continue
                quoted, after_quote = False, True
            else:
                field.append(char)
        elif char == ",":
            fields.append("".join(field))
            field, field_started_quoted, after_quote = [], False, False
        elif after_quote:
            bad.add(len(fields))  # text after a closing quote
        elif char == '"' and not field and not field_started_quoted:
            quoted, field_started_quoted = True, True
        else:
            field.append(char)
        position += 1


def header_key(name):
    # Headers match ignoring case, surrounding spaces, and runs of spaces or underscores.
    return re.sub(r"[\s_]+", " ", name.strip().lower())


@functools.lru_cache(maxsize=None)
def date_pattern(pattern):
    """A regular expression for a date pattern such as dd/MM/yyyy, with an optional time after."""
    regex = (re.escape(pattern).replace("dd", r"(?P<d>\d{2})").replace("MM", r"(?P<m>\d{2})")
             .replace("yyyy", r"(?P<y>\d{4})"))
    return re.compile(regex + r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


def parse_date(text, formats):
    """A date in one of the given patterns (a trailing time is ignored), or None if unreadable."""
    for pattern in formats:
        match = date_pattern(pattern).fullmatch(text)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None  # an impossible date such as 31/02/2024
    return None


INTEGER = re.compile(r"(?P<sign>[+-]?)(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?")

BOOLEANS = {"y": True, "yes": True, "1": True, "true": True, "t": True,
            "n": False, "no": False, "0": False, "false": False, "f": False}


def typed_value(text, kind, options):
    """(ok, value) for one cell; empty cells are None and always fit."""
    text = text.strip()
    if text == "":
        return True, None
    if kind == "string":
        return True, text
    if kind == "date":
        value = parse_date(text, options["formats"])
        return value is not None, value
    if kind == "boolean":
        value = BOOLEANS.get(text.lower())
        return value is not None, value
    if kind == "integer":
        # Optional sign, digits, thousands separators, a spreadsheet's whole decimal (1234.0).
        match = INTEGER.fullmatch(text)
        return (True, int(match["digits"].replace(",", "")) * (-1 if match["sign"] == "-" else 1)) \
            if match else (False, None)
    if kind == "code":
        if text in options.get("map", {}):
            return True, options["map"][text]
        for code in options["codes"]:  # canonical codes are accepted ignoring case
            if code.lower() == text.lower():
                return True, code
        return False, None
    raise ValueError("unknown type " + kind)


def read_input(data_dir, name, stats):
    """The rows of one input as dicts of typed fields.

    Quarantined rows are counted and skipped; so is a row identical to an earlier one of the
    same input (the `deduplicate` stage the neglect overlay runs first, comparing every field).
    """
    relative, encoding, columns = INPUTS[name]
    path = "%s/%s" % (data_dir, relative)
    if encoding == "jsonl":
        rows = _jsonl_rows(path, relative, columns)
    else:
        rows = _csv_rows(path, relative, encoding, columns)
    kept, seen = [], set()
    for row in rows:
        if row is None:
            stats["quarantined:" + name] += 1
            continue
        identity = tuple(row[field] for field, _, _, _ in columns)
        if identity in seen:
            stats["duplicates:" + name] += 1
            continue
        seen.add(identity)
        kept.append(row)
    stats["rows:" + name] = len(kept)
    return kept


def _csv_rows(path, relative, encoding, columns):
    records = csv_records(read_text(path, encoding))
    try:
        _, header, header_bad = next(records)
    except StopIteration:
        raise InputError("%s is empty (no header row)" % relative)
    if header is None or header_bad:
        raise InputError("%s: the header row is malformed" % relative)
    positions = {header_key(h): i for i, h in enumerate(header)}
    missing = [c[1] for c in columns if header_key(c[1]) not in positions]
    if missing:
        raise InputError("%s has no column %s" % (relative, ", ".join(missing)))
    for _, fields, bad in records:
        if fields is None or len(fields) != len(header):
            yield None
        elif any(positions[header_key(c[1])] in bad for c in columns):
            yield None  # a malformed value in a declared column
        else:
            yield _typed_row(lambda header: fields[positions[header_key(header)]], columns)


def _jsonl_rows(path, relative, columns):
    """One object per line; a key missing or null is an empty value, a line that is not a JSON
    object is quarantined."""
    for line in read_text(path, "utf-8").split("\n"):
        if line.strip() == "":
            continue
        try:
            record = json.loads(line)
        except ValueError:
            yield None
            continue
        if not isinstance(record, dict):
            yield None
            continue
        keys = {header_key(k): k for k in record}

        def cell(header):
            value = record.get(keys.get(header_key(header)))
            if value is None:
                return ""
            return value if isinstance(value, str) else json.dumps(value)

        yield _typed_row(cell, columns)


def _typed_row(cell, columns):
    row = {}
    for field, header, kind, options in columns:
        ok, value = typed_value(cell(header), kind, options)
        if not ok or (value is None and options.get("nullable") is False):
            return None
        row[field] = value
    return row
