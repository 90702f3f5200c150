"""Reading the extracts as pipelines/synthetic-authority.yaml declares them.

Typed values, quarantine (a row whose value does not fit its column's type, an empty
non-nullable value, a malformed CSV record) and de-duplication (a record identical to an
earlier one of the same input is dropped, as the neglect overlay's `deduplicate` stage does),
following docs/pipeline-definition.md and docs/data.md. Standard library only.
"""

import codecs
import datetime
import functools
import json
import re

# The inputs, as pipelines/synthetic-authority.yaml declares them (only those this check needs):
# path, encoding of a CSV file (or "jsonl" for JSON Lines, always UTF-8), columns. Every typed
# column is listed even when unused, because a bad value in it quarantines the row.
# Each column: (field, header or JSON key, type, options).

DMY = ["dd/MM/yyyy"]
ISO = ["yyyy-MM-dd"]

CATEGORIES = {"codes": ["NEG", "PHY", "EMO", "SAB", "MUL"],
              "map": {"Neglect": "NEG", "Physical abuse": "PHY", "Emotional abuse": "EMO",
                      "Sexual abuse": "SAB", "Multiple": "MUL"}}

INPUTS = {
    "people": ("extracts/people.csv", "utf-8", [
        ("person_id", "Person ID", "string", {"nullable": False}),
        ("person_type", "Person Type", "code", {"codes": ["child", "adult"],
                                                "map": {"Child": "child", "Adult": "adult"}}),
        ("nhs_number", "NHS Number", "string", {}),
        ("upn", "UPN", "string", {}),
        ("forename", "Forename", "string", {}),
        ("surname", "Surname", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("sex", "Sex", "code", {"codes": ["M", "F", "U"]}),
        ("uprn", "UPRN", "string", {}),
        ("address", "Address", "string", {}),
        ("postcode", "Postcode", "string", {}),
    ]),
    "address_history": ("extracts/address_history.csv", "utf-8", [
        ("person_id", "Person ID", "string", {"nullable": False}),
        ("uprn", "UPRN", "string", {}),
        ("address", "Address", "string", {}),
        ("postcode", "Postcode", "string", {}),
        ("start_date", "Start Date", "date", {"formats": DMY}),
        ("end_date", "End Date", "date", {"formats": DMY}),
    ]),
    "relationships": ("extracts/relationships.csv", "utf-8", [
        ("child_person_id", "Child Person ID", "string", {"nullable": False}),
        ("related_person_id", "Related Person ID", "string", {"nullable": False}),
        ("relationship", "Relationship", "code", {
            "codes": ["mother", "father", "step_mother", "step_father", "grandparent", "aunt_uncle"],
            "map": {"Mother": "mother", "Father": "father", "Step-mother": "step_mother",
                    "Step-father": "step_father", "Grandparent": "grandparent",
                    "Aunt/Uncle": "aunt_uncle"}}),
        ("parental_responsibility", "Parental Responsibility", "boolean", {}),
    ]),
    "police_da": ("extracts/police_domestic_abuse.csv", "windows-1252", [
        ("incident_ref", "Incident Ref", "string", {"nullable": False}),
        ("incident_date", "Incident Date", "date", {"formats": DMY}),
        ("incident_time", "Incident Time", "string", {}),
        ("children_present", "Children Present", "boolean", {}),
        ("risk_level", "DASH Risk", "code", {"codes": ["standard", "medium", "high"],
                                             "map": {"Standard": "standard", "Medium": "medium",
                                                     "High": "high"}}),
        ("victim_forename", "Victim Forename", "string", {}),
        ("victim_surname", "Victim Surname", "string", {}),
        ("victim_dob", "Victim DOB", "date", {"formats": DMY}),
        ("victim_address", "Victim Address", "string", {}),
        ("victim_postcode", "Victim Postcode", "string", {}),
        ("perpetrator_forename", "Perpetrator Forename", "string", {}),
        ("perpetrator_surname", "Perpetrator Surname", "string", {}),
        ("perpetrator_dob", "Perpetrator DOB", "date", {"formats": DMY}),
        ("perpetrator_postcode", "Perpetrator Postcode", "string", {}),
        ("notes", "Notes", "string", {}),
    ]),
    "substance_misuse": ("extracts/substance_misuse_treatment.csv", "utf-8", [
        ("client_ref", "client_ref", "string", {"nullable": False}),
        ("nhs_number", "nhs_number", "string", {}),
        ("date_of_birth", "date_of_birth", "date", {"formats": ISO}),
        ("sex", "sex", "code", {"codes": ["M", "F", "U"]}),
        ("postcode", "postcode", "string", {}),
        ("episode_start", "episode_start", "date", {"formats": ISO}),
        ("episode_end", "episode_end", "date", {"formats": ISO}),
        ("primary_substance", "primary_substance", "string", {}),
    ]),
    "adult_mental_health": ("extracts/adult_mental_health.csv", "utf-8", [
        ("local_patient_id", "Local Patient ID", "string", {"nullable": False}),
        ("nhs_number", "NHS Number", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("sex", "Gender", "code", {"codes": ["M", "F", "U"],
                                   "map": {"Male": "M", "Female": "F", "Unknown": "U"}}),
        ("postcode", "Postcode", "string", {}),
        ("service_type", "Service Type", "code", {
            "codes": ["secondary_care", "admission"],
            "map": {"Secondary care (community)": "secondary_care",
                    "Inpatient admission": "admission"}}),
        ("start_date", "Start Date", "date", {"formats": DMY}),
        ("end_date", "End Date", "date", {"formats": DMY}),
        ("team", "Team", "string", {}),
    ]),
    # Read only to count their links (the linkage counts cover every person role).
    "prison": ("extracts/prison_receptions.csv", "utf-8", [
        ("prison_number", "Prison Number", "string", {"nullable": False}),
        ("forename", "Forename", "string", {}),
        ("surname", "Surname", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("postcode", "Last Known Postcode", "string", {}),
        ("reception_date", "Reception Date", "date", {"formats": DMY}),
        ("release_date", "Release Date", "date", {"formats": DMY}),
        ("establishment", "Establishment", "string", {}),
    ]),
    "cp_plans": ("extracts/cp_plans.csv", "utf-8", [
        ("person_id", "Person ID", "string", {"nullable": False}),
        ("upn", "UPN", "string", {}),
        ("nhs_number", "NHS Number", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("plan_id", "CP Plan ID", "string", {"nullable": False}),
        ("plan_number", "Plan Number", "integer", {}),
        ("start_date", "Plan Start Date", "date", {"formats": DMY}),
        ("end_date", "Plan End Date", "date", {"formats": DMY}),
        ("initial_category", "Initial Category", "code", CATEGORIES),
        ("latest_category", "Latest Category", "code", CATEGORIES),
    ]),
    "cin_plans": ("extracts/cin_plans.csv", "utf-8", [
        ("person_id", "Person ID", "string", {"nullable": False}),
        ("upn", "UPN", "string", {}),
        ("nhs_number", "NHS Number", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("plan_id", "CIN Plan ID", "string", {"nullable": False}),
        ("start_date", "CIN Plan Start", "date", {"formats": DMY}),
        ("end_date", "CIN Plan End", "date", {"formats": DMY}),
        ("primary_need", "Primary Need Code", "code", {"codes": ["N%d" % n for n in range(10)]}),
    ]),
    "early_help": ("extracts/early_help_assessments.csv", "utf-8", [
        ("person_id", "Person ID", "string", {"nullable": False}),
        ("nhs_number", "NHS Number", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("postcode", "Postcode", "string", {}),
        ("assessment_id", "Assessment ID", "string", {"nullable": False}),
        ("assessment_date", "Assessment Date", "date", {"formats": DMY}),
        ("primary_concern", "Primary Concern", "string", {}),
        ("lead_agency", "Lead Agency", "string", {}),
    ]),
    "cla_episodes": ("extracts/cla_episodes.csv", "utf-8", [
        ("person_id", "CHILD", "string", {"nullable": False}),
        ("sex", "SEX", "code", {"codes": ["M", "F"], "map": {"1": "M", "2": "F"}}),
        ("date_of_birth", "DOB", "date", {"formats": DMY}),
        ("upn", "UPN", "string", {}),
        ("start_date", "DECOM", "date", {"formats": DMY}),
        ("reason_new_episode", "RNE", "string", {}),
        ("legal_status", "LS", "string", {}),
        ("category_of_need", "CIN", "code", {"codes": ["N%d" % n for n in range(1, 9)]}),
        ("placement", "PLACE", "string", {}),
        ("home_postcode", "HOME_POST", "string", {}),
    ]),
    "school_attendance": ("extracts/school_attendance.csv", "utf-8", [
        ("upn", "UPN", "string", {"nullable": False}),
        ("forename", "Forename", "string", {}),
        ("surname", "Surname", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("postcode", "Postcode", "string", {}),
        ("academic_year", "Academic Year", "string", {}),
        ("term", "Term", "code", {"codes": ["autumn", "spring", "summer"],
                                  "map": {"Autumn": "autumn", "Spring": "spring",
                                          "Summer": "summer"}}),
        ("sessions_possible", "Sessions Possible", "integer", {}),
        ("authorised_absence", "Authorised Absence", "integer", {}),
        ("unauthorised_absence", "Unauthorised Absence", "integer", {}),
    ]),
    "nursery_entitlement": ("extracts/nursery_entitlement.csv", "utf-8", [
        ("forename", "Child Forename", "string", {}),
        ("surname", "Child Surname", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("postcode", "Postcode", "string", {}),
        ("funding_type", "Funding Type", "code", {"codes": ["two_year_old", "three_four_year_old"],
                                                  "map": {"2YO": "two_year_old",
                                                          "3-4YO": "three_four_year_old"}}),
        ("eligible", "Eligible", "boolean", {}),
        ("taken_up", "Taken Up", "boolean", {}),
        ("term", "Term", "string", {}),
        ("eligibility_checked", "Eligibility Checked", "date", {"formats": DMY}),
    ]),
    "ed_attendances": ("extracts/ed_attendances.jsonl", "jsonl", [
        ("attendance_id", "attendance_id", "string", {"nullable": False}),
        ("nhs_number", "nhs_number", "string", {}),
        ("date_of_birth", "date_of_birth", "date", {"formats": ISO}),
        ("sex", "sex", "code", {"codes": ["M", "F", "U"]}),
        ("postcode", "postcode", "string", {}),
        ("arrival_date", "arrival_date", "date", {"formats": ISO}),
        ("arrival_time", "arrival_time", "string", {}),
        ("arrival_mode", "arrival_mode", "string", {}),
        ("chief_complaint", "chief_complaint", "string", {}),
        ("discharge_destination", "discharge_destination", "string", {}),
    ]),
    "dental_extractions": ("extracts/dental_extractions.csv", "utf-8", [
        ("nhs_number", "NHS Number", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("postcode", "Postcode", "string", {}),
        ("procedure_date", "Procedure Date", "date", {"formats": DMY}),
        ("teeth_extracted", "Teeth Extracted", "integer", {}),
        ("anaesthetic", "Anaesthetic", "code", {"codes": ["GA", "LA", "Sedation"]}),
    ]),
    "young_carers": ("extracts/young_carers.csv", "utf-8", [
        ("person_id", "Person ID", "string", {"nullable": False}),
        ("forename", "Forename", "string", {}),
        ("surname", "Surname", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("postcode", "Postcode", "string", {}),
        ("date_identified", "Date Identified", "date", {"formats": DMY}),
        ("cares_for", "Cares For", "string", {}),
        ("reason", "Reason", "string", {}),
    ]),
    "school_exclusions": ("extracts/school_exclusions.csv", "utf-8", [
        ("upn", "UPN", "string", {"nullable": False}),
        ("forename", "Forename", "string", {}),
        ("surname", "Surname", "string", {}),
        ("date_of_birth", "Date of Birth", "date", {"formats": DMY}),
        ("exclusion_type", "Exclusion Type", "code", {"codes": ["fixed", "permanent"],
                                                      "map": {"Fixed": "fixed",
                                                              "Permanent": "permanent"}}),
        ("start_date", "Start Date", "date", {"formats": DMY}),
        ("sessions", "Sessions", "integer", {}),
        ("reason", "Reason", "string", {}),
    ]),
}


class InputError(Exception):
    """A file that cannot be read as declared (missing file or column): exit status 2."""


# ---------------------------------------------------------------------------------------------
# Reading: a strict CSV parser (the csv module silently accepts a stray quote inside an
# unquoted field, which the pipeline quarantines), header matching and typed values.
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
    """Yield (first physical line number, fields or None when malformed) for each record."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        first_line = index + 1
        line = _strip_cr(lines[index])
        if line.strip() == "":
            index += 1
            continue
        if '"' not in line:  # the common case: no quoting at all
            yield first_line, line.split(",")
            index += 1
            continue
        fields, index = _parse_quoted_record(lines, index)
        yield first_line, fields


def _strip_cr(line):
    return line[:-1] if line.endswith("\r") else line


def _parse_quoted_record(lines, index):
    """Parse one record that contains quotes, possibly over several physical lines.

    Returns (fields or None, index of the next record's first line). A quote inside an unquoted
    field, or text after a closing quote, makes the record malformed; parsing then resumes at
    the next physical line.
    """
    fields, field = [], []
    line = _strip_cr(lines[index])
    position, quoted, field_started_quoted, after_quote = 0, False, False, False
    while True:
        if position == len(line):
            if quoted:  # a line break inside quotes belongs to the field
                index += 1
                if index == len(lines):
                    return None, index  # unterminated quote at the end of the file
                field.append("\n")
                line, position = _strip_cr(lines[index]), 0
                continue
            fields.append("".join(field))
            return fields, index + 1
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
            return None, index + 1  # text after a closing quote
        elif char == '"':
            if field or field_started_quoted:
                return None, index + 1  # a stray quote inside an unquoted field
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
        _, header = next(records)
    except StopIteration:
        raise InputError("%s is empty (no header row)" % relative)
    if header is None:
        raise InputError("%s: the header row is malformed" % relative)
    positions = {header_key(h): i for i, h in enumerate(header)}
    missing = [c[1] for c in columns if header_key(c[1]) not in positions]
    if missing:
        raise InputError("%s has no column %s" % (relative, ", ".join(missing)))
    for _, fields in records:
        if fields is None or len(fields) != len(header):
            yield None
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
