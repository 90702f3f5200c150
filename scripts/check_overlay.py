#!/usr/bin/env python3
"""Independent re-computation of the neglect overlay's toxic-trio area figures.

Reads the synthetic authority's raw extracts (the folder `safeguard synth --out` writes) and
computes, for period 0 only (the year to the reference date and the 3 years to it), per LSOA and
summed over ages 0-17:

    lsoa, children, domestic_abuse_year, substance_misuse_year, mental_health_year,
    toxic_trio_year, toxic_trio_3y

following docs/measures.md (periods, windows, episodes, the three linkage routes of adult-held
records), docs/deidentification.md (identifier normalisation and register linkage),
docs/data.md (files, encodings) and pipelines/neglect-overlay.yaml with
pipelines/synthetic-authority.yaml (which columns identify whom, the factors and their filters).

It is deliberately written from the documentation alone, with the standard library only and
sharing nothing with the Swift implementation, so that the two can check each other. No keyed
pseudonyms are computed: a person is simply "the register person that any of its identifiers
maps to", a household "a UPRN, or an address key linked to a UPRN", which is what equal
pseudonyms mean.

Usage:
    check_overlay.py DATA_DIR [--reference-date 2026-03-31] [--compare OVERLAY_AREAS_CSV]
                     [--verbose]

Without --compare the table is printed as CSV, sorted by LSOA. With --compare, the overlay's
area table is summed over age bands for period 0 (rows whose period_end is the reference date)
and compared column by column for every LSOA; a one-line summary (or the first mismatches) is
printed. --verbose prints linkage diagnostics on standard error: counts only, never a name,
identifier, postcode, date of birth or address.

Exit status: 0 after printing the table or on exact agreement; 1 on any mismatch; 2 for a usage
error, an unreadable file or a missing column.

Rules that had to be interpreted (the most literal reading was taken; see also the report that
accompanied this script):

1. Register rows: a people / address_history row belongs to the person its first key (in rule
   order: the key that gives its pseudonym) already belongs to, otherwise to a new person; so
   each people row is one person, and an address-history row (local id only) joins the people
   row with that id. Each of the row's keys not yet known then maps to that person; a key already
   taken stays with the first person it was seen with (two register people with the same name,
   date of birth and postcode stay two people, and the demographic key links to the first).
   The same "first seen keeps it" applies to an address key linked to a UPRN.
2. A non-register record's person is the first of its keys (NHS number if valid, local id,
   demographics; UPN: see 4) that the register knows; otherwise an unlinked person of its own, who has no address history
   and no relationships (so only route 2, the record's own household, can link it).
3. The demographic key needs all four of forename, surname, date of birth and postcode; a record
   lacking any of them (substance misuse and mental health carry no names) has no such key.
4. UPNs are not used: no stream that feeds the three factors carries one, so they cannot change
   which register person a factor record belongs to.
5. A household key from an address needs both the address and the postcode. Addresses are folded
   like names (upper case, accents folded, apostrophes removed, hyphens as spaces, runs of spaces
   collapsed) and then the whole-word abbreviations of ADDRESS_ABBREVIATIONS are expanded; other
   punctuation (commas) is kept. The abbreviation list is not in the docs; it came with the brief.
   Only register rows (people, address_history) link an address key to a UPRN.
6. A UPRN is "numeric" when, with spaces removed, it is all digits; it is then compared as a
   number. Postcodes are put in standard form (upper case, inner spaces removed, one space before
   the last three characters) when they have 5 to 7 letters and digits; anything else is kept
   upper-cased with its spaces removed (it then matches no lookup row).
7. A police record whose victim cannot be identified at all still links through its own address
   (route 2): the household is a property of the record, not of the victim.
8. A child's area on the reference date is the LSOA (of the postcode) of the address-history
   spell containing that date; if several do, the one starting latest. "Without one, the
   register's LSOA" is read as "without such a spell, or when its postcode gives no LSOA": the
   register's postcode is then used; if that gives no LSOA either, the area is empty.
9. A child without a date of birth has no age and is not counted. Address spells that end before
   they start are ignored (they cover no day); a spell without a UPRN or an address + postcode
   still places the child in an area but links to no household.
10. Rows are quarantined (ignored) as the pipeline would: a value that does not fit its column's
    type (dates, booleans, codes), an empty non-nullable column, a CSV record with the wrong
    number of fields or a quote never closed, and text after a closing quote in a column the
    definition maps. A quote inside an unquoted field is an ordinary character, as the csv module
    reads it (the pipeline's default `quotes: lenient`). De-duplication is not repeated: an
    identical record counted twice cannot change whether a factor is present.
11. Folding names and addresses also folds, with a small table, the letters Unicode does not
    decompose (ß, Æ, Ø, Œ, Ł, Đ, Þ); only "accents folded (Ó → O)" is documented.
12. Date patterns are read strictly: `dd` and `MM` are exactly two digits, `yyyy` four.
13. Children whose area is empty are reported under an empty LSOA (shown as "(no area)" in
    mismatches); with the clean synthetic data there are none.
"""

import codecs
import csv
import datetime
import functools
import re
import sys
import unicodedata
from collections import Counter, defaultdict

TRIO = ("domestic_abuse", "substance_misuse", "mental_health")
OUTPUT_COLUMNS = ("children", "domestic_abuse_year", "substance_misuse_year", "mental_health_year",
                  "toxic_trio_year", "toxic_trio_3y")

# Open interval ends as day ordinals: "there since before any record", "still there / still open".
FOREVER_AGO = datetime.date.min.toordinal()
FOREVER = datetime.date.max.toordinal()


# ---------------------------------------------------------------------------------------------
# The inputs, as pipelines/synthetic-authority.yaml declares them (only the six this check needs).
# Every typed column is listed even when unused, because a bad value in it quarantines the row.
# Each column: (field, header, type, options).
# ---------------------------------------------------------------------------------------------

DMY = ["dd/MM/yyyy"]
ISO = ["yyyy-MM-dd"]

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
}


class InputError(Exception):
    """A file that cannot be read as declared (missing file or column): exit status 2."""


# ---------------------------------------------------------------------------------------------
# Reading: a CSV parser that reads quotes as the csv module does but, like the pipeline, marks
# text after a closing quote and cuts a malformed record spanning lines at its first line (the
# csv module would join the lines); header matching and typed values.
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
    if kind == "code":
        if text in options.get("map", {}):
            return True, options["map"][text]
        for code in options["codes"]:  # canonical codes are accepted ignoring case
            if code.lower() == text.lower():
                return True, code
        return False, None
    raise ValueError("unknown type " + kind)


def read_input(data_dir, name, stats):
    """The rows of one input as dicts of typed fields; quarantined rows are counted and skipped."""
    relative, encoding, columns = INPUTS[name]
    records = csv_records(read_text("%s/%s" % (data_dir, relative), encoding))
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
    rows = []
    for _, fields, bad in records:
        row = _typed_row(fields, bad, len(header), columns, positions)
        if row is None:
            stats["quarantined:" + name] += 1
        else:
            rows.append(row)
    stats["rows:" + name] = len(rows)
    return rows


def _typed_row(fields, bad, width, columns, positions):
    if fields is None or len(fields) != width:
        return None
    row = {}
    for field, header, kind, options in columns:
        position = positions[header_key(header)]
        if position in bad:  # a malformed value in a column the definition maps
            return None
        ok, value = typed_value(fields[position], kind, options)
        if not ok or (value is None and options.get("nullable") is False):
            return None
        row[field] = value
    return row


# ---------------------------------------------------------------------------------------------
# Normalisation of identifiers (docs/deidentification.md).
# ---------------------------------------------------------------------------------------------

UNDECOMPOSED = {"ß": "SS", "Æ": "AE", "æ": "AE", "Ø": "O", "ø": "O", "Œ": "OE", "œ": "OE",
                "Ł": "L", "ł": "L", "Đ": "D", "đ": "D", "Þ": "TH", "þ": "TH"}
APOSTROPHES = "'\u2019\u2018`\u00b4"
HYPHENS = "-\u2010\u2011\u2013\u2014"

ADDRESS_ABBREVIATIONS = {
    "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "CL": "CLOSE", "CRES": "CRESCENT",
    "DR": "DRIVE", "GDNS": "GARDENS", "GRN": "GREEN", "LN": "LANE", "PL": "PLACE",
    "SQ": "SQUARE", "TCE": "TERRACE", "TERR": "TERRACE", "CT": "COURT", "PK": "PARK",
    "HSE": "HOUSE",
}
ABBREVIATION_PATTERN = re.compile(r"\b(%s)\b" % "|".join(ADDRESS_ABBREVIATIONS))


def fold_name(text):
    """Upper case, accents folded, apostrophes removed, hyphens as spaces, spaces collapsed."""
    # Apostrophes go first: NFKD would turn an acute accent typed as one (´) into a space.
    text = "".join(UNDECOMPOSED.get(c, c) for c in text if c not in APOSTROPHES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.upper()
    for hyphen in HYPHENS:
        text = text.replace(hyphen, " ")
    return " ".join(text.split())


def normalise_address(text):
    return ABBREVIATION_PATTERN.sub(lambda m: ADDRESS_ABBREVIATIONS[m.group(1)], fold_name(text))


def normalise_postcode(text):
    compact = "".join(text.split()).upper()
    if 5 <= len(compact) <= 7 and compact.isalnum():
        return compact[:-3] + " " + compact[-3:]
    return compact


def valid_nhs_number(text):
    """The NHS number's ten digits when the modulus-11 check passes, else None."""
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return None
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return None
    return digits


def normalise_local_id(text):
    text = text.strip()
    return text[:-2] if text.endswith(".0") else text


def person_keys(nhs_number=None, local_id=None, forename=None, surname=None,
                date_of_birth=None, postcode=None):
    """The person's identifier keys in rule order (UPN omitted: see rule 4 of the docstring)."""
    keys = []
    if nhs_number:
        digits = valid_nhs_number(nhs_number)
        if digits:
            keys.append(("nhs", digits))
    if local_id:
        keys.append(("local", normalise_local_id(local_id)))
    if forename and surname and date_of_birth and postcode:
        keys.append(("demographics", "|".join([fold_name(forename), fold_name(surname),
                                               date_of_birth.isoformat(),
                                               normalise_postcode(postcode)])))
    return keys


def uprn_number(text):
    if not text:
        return None
    digits = text.replace(" ", "")
    return int(digits) if digits.isdigit() else None


def address_key(address, postcode):
    if not address or not postcode:
        return None
    return normalise_address(address) + "|" + normalise_postcode(postcode)


# ---------------------------------------------------------------------------------------------
# Linkage: the register of persons and of addresses linked to UPRNs.
# ---------------------------------------------------------------------------------------------

class Register:
    """Persons are small integers; households are ("uprn", n) or ("address", key)."""

    def __init__(self):
        self.person_of_key = {}
        self.uprn_of_address = {}
        self.person_count = 0

    def new_person(self):
        self.person_count += 1
        return self.person_count

    def enrol(self, keys, stats):
        """A register row's person; each of its keys not yet known then maps to that person.

        The row's first key (the one that gives its pseudonym) decides: the person that key
        already belongs to (the same person again: an address-history row, a repeated row), else
        a new person. A later key already taken stays with the first person it was seen with.
        """
        if not keys:
            stats["register_rows_without_identifier"] += 1
            return self.new_person()
        person = self.person_of_key.get(keys[0])
        if person is None:
            person = self.new_person()
        for key in keys:
            owner = self.person_of_key.setdefault(key, person)
            stats["register_keys_already_taken_by_another_person"] += owner != person
        return person

    def find(self, keys):
        """A non-register record's person: the first key the register knows, else None."""
        for key in keys:
            if key in self.person_of_key:
                return self.person_of_key[key]
        return None

    def household(self, uprn, address, postcode, register_row):
        """The household of a row; a register row links its address key to its UPRN."""
        number = uprn_number(uprn)
        key = address_key(address, postcode)
        if number is not None:
            if register_row and key is not None:
                self.uprn_of_address.setdefault(key, number)
            return ("uprn", number)
        if key is None:
            return None
        if key in self.uprn_of_address:
            return ("uprn", self.uprn_of_address[key])
        return ("address", key)


def load_postcode_lookup(data_dir):
    path = data_dir + "/reference/postcode_lookup.csv"
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [header_key(h) for h in next(reader)]
            if "pcds" not in header or "lsoa21cd" not in header:
                raise InputError("%s needs columns pcds and lsoa21cd" % path)
            p, l = header.index("pcds"), header.index("lsoa21cd")
            return {normalise_postcode(row[p]): row[l].strip() for row in reader if len(row) == len(header)}
    except OSError as error:
        raise InputError("cannot read %s: %s" % (path, error.strerror))


class Children:
    """The children stream and everyone's address spells."""

    def __init__(self):
        self.birth = {}             # child person -> date of birth (None if unknown)
        self.register_lsoa = {}     # child person -> LSOA of the register's postcode
        self.spells_of_person = defaultdict(list)        # person -> [(household, start, end)]
        self.child_spells_at = defaultdict(list)         # household -> [(child, start, end)]
        self.areas_of_child = defaultdict(list)          # child -> [(start, end, lsoa)]
        self.children_of_adult = defaultdict(set)        # relationships: adult -> children


def load_people(register, children, lookup, rows, stats):
    for row in rows:
        keys = person_keys(row["nhs_number"], row["person_id"], row["forename"], row["surname"],
                           row["date_of_birth"], row["postcode"])
        person = register.enrol(keys, stats)
        register.household(row["uprn"], row["address"], row["postcode"], register_row=True)
        if row["person_type"] == "child" and person not in children.birth:
            children.birth[person] = row["date_of_birth"]
            children.register_lsoa[person] = lookup.get(normalise_postcode(row["postcode"] or ""))


def load_address_history(register, children, lookup, rows, stats):
    for row in rows:
        person = register.enrol(person_keys(local_id=row["person_id"]), stats)
        household = register.household(row["uprn"], row["address"], row["postcode"], register_row=True)
        start = row["start_date"].toordinal() if row["start_date"] else FOREVER_AGO
        end = row["end_date"].toordinal() if row["end_date"] else FOREVER
        if end < start:
            stats["address_spells_ending_before_they_start"] += 1
            continue
        if person in children.birth:
            # A spell places the child in an area even when it names no household.
            lsoa = lookup.get(normalise_postcode(row["postcode"] or ""))
            children.areas_of_child[person].append((start, end, lsoa))
        if household is None:
            stats["address_spells_without_household"] += 1
            continue
        children.spells_of_person[person].append((household, start, end))
        if person in children.birth:
            children.child_spells_at[household].append((person, start, end))


def load_relationships(register, children, rows, stats):
    for row in rows:
        child = register.find(person_keys(local_id=row["child_person_id"]))
        adult = register.find(person_keys(local_id=row["related_person_id"]))
        if child is None or adult is None:
            stats["relationships_not_in_register"] += 1
            continue  # an unknown person has no records linked to them anyway
        children.children_of_adult[adult].add(child)


# ---------------------------------------------------------------------------------------------
# Dates: periods and windows (docs/measures.md, "Periods and windows").
# ---------------------------------------------------------------------------------------------

def add_months(day, months):
    """The same date `months` later (or earlier); a missing day becomes the month's last."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = (datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def window(period_end, months):
    """(first day, last day) as ordinals: from the day after the same date `months` before."""
    first = add_months(period_end, -months) + datetime.timedelta(days=1)
    return first.toordinal(), period_end.toordinal()


def age_at(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def overlap(a_start, a_end, b_start, b_end):
    """The common part of two inclusive intervals, or None."""
    start, end = max(a_start, b_start), min(a_end, b_end)
    return (start, end) if start <= end else None


# ---------------------------------------------------------------------------------------------
# Factor records and the three linkage routes (docs/measures.md, "Which child a record belongs
# to").
# ---------------------------------------------------------------------------------------------

def factor_records(register, inputs, stats):
    """(factor, adults, household, start, end) for every usable record of the three factors."""
    def dated(name, start, end):
        if start is None:
            stats["undated:" + name] += 1
            return None
        if end is not None and end < start:
            stats["ends_before_it_starts:" + name] += 1
            return None
        return start.toordinal(), end.toordinal() if end else FOREVER

    def adult(keys, name):
        person = register.find(keys)
        stats["%s_adult_%s" % (name, "in_register" if person else "unlinked")] += 1
        return [person] if person else []

    # domestic_abuse: police_da, event incident_date, adults [victim], household (the victim's
    # address), where children_present is true.
    for row in inputs["police_da"]:
        if row["children_present"] is not True:
            stats["domestic_abuse_police_records_without_children_present"] += 1
            continue
        dates = dated("domestic_abuse", row["incident_date"], row["incident_date"])
        if dates is None:
            continue
        victims = adult(person_keys(forename=row["victim_forename"], surname=row["victim_surname"],
                                    date_of_birth=row["victim_dob"], postcode=row["victim_postcode"]),
                        "domestic_abuse")
        household = register.household(None, row["victim_address"], row["victim_postcode"],
                                       register_row=False)
        stats["domestic_abuse_household_%s" % (household[0] if household else "none")] += 1
        yield ("domestic_abuse", victims, household) + dates

    # substance_misuse: episodes, adults [client] (NHS number, date of birth, postcode).
    for row in inputs["substance_misuse"]:
        dates = dated("substance_misuse", row["episode_start"], row["episode_end"])
        if dates is None:
            continue
        clients = adult(person_keys(nhs_number=row["nhs_number"], date_of_birth=row["date_of_birth"],
                                    postcode=row["postcode"]), "substance_misuse")
        yield ("substance_misuse", clients, None) + dates

    # mental_health: every service type, adults [patient].
    for row in inputs["adult_mental_health"]:
        dates = dated("mental_health", row["start_date"], row["end_date"])
        if dates is None:
            continue
        patients = adult(person_keys(nhs_number=row["nhs_number"], date_of_birth=row["date_of_birth"],
                                     postcode=row["postcode"]), "mental_health")
        yield ("mental_health", patients, None) + dates


def linked_parts(children, adults, household, start, end):
    """child -> [(first, last)] : the parts of the record's time each child is linked for."""
    parts = defaultdict(list)
    routes = Counter()
    # Route 1: the household at the date of the event, through each adult's own spells.
    for adult in adults:
        for adult_household, spell_start, spell_end in children.spells_of_person.get(adult, ()):
            shared = overlap(start, end, spell_start, spell_end)
            if shared is None:
                continue
            for child, child_start, child_end in children.child_spells_at.get(adult_household, ()):
                part = overlap(shared[0], shared[1], child_start, child_end)
                if part:
                    parts[child].append(part)
                    routes["household_of_adult"] += 1
    # Route 2: the record's own address.
    if household is not None:
        for child, child_start, child_end in children.child_spells_at.get(household, ()):
            part = overlap(start, end, child_start, child_end)
            if part:
                parts[child].append(part)
                routes["record_address"] += 1
    # Route 3: a direct relationship, for the whole of the record's time.
    for adult in adults:
        for child in children.children_of_adult.get(adult, ()):
            parts[child].append((start, end))
            routes["relationship"] += 1
    return parts, routes


def factors_present(children, records, windows, stats):
    """{(child, factor, window name)}: the factor is present for the child in that window."""
    present = set()
    for factor, adults, household, start, end in records:
        parts, routes = linked_parts(children, adults, household, start, end)
        stats[factor + "_records"] += 1
        stats[factor + "_records_linked_to_a_child"] += bool(parts)
        for route, count in routes.items():
            stats["%s_links_by_%s" % (factor, route)] += count
        for child, child_parts in parts.items():
            for name, (first, last) in windows.items():
                # at_least defaults to 1: one linked part overlapping the window is enough.
                if any(overlap(a, b, first, last) for a, b in child_parts):
                    present.add((child, factor, name))
    return present


# ---------------------------------------------------------------------------------------------
# Children counted in period 0 and their areas.
# ---------------------------------------------------------------------------------------------

def area_on(children, child, day, stats):
    """The LSOA of the spell containing `day` (latest start wins); else the register's LSOA.

    A spell whose postcode is missing or not in the lookup gives no LSOA, and the register's
    LSOA is used as if there were no spell (rule 8 of the module docstring).
    """
    containing = [(start, lsoa) for start, end, lsoa in children.areas_of_child.get(child, ())
                  if start <= day <= end]
    if containing:
        lsoa = max(containing, key=lambda spell: spell[0])[1]
        if lsoa:
            return lsoa
        stats["children_whose_address_on_the_day_has_no_lsoa"] += 1
    else:
        stats["children_without_address_on_the_day"] += 1
    return children.register_lsoa.get(child) or ""


def area_table(children, present, reference_date, stats):
    table = defaultdict(Counter)
    day = reference_date.toordinal()
    for child, birth in children.birth.items():
        if birth is None:
            stats["children_without_date_of_birth"] += 1
            continue
        age = age_at(birth, reference_date)  # period 0: the age at the reference date
        if not 0 <= age <= 17:
            stats["children_outside_ages_0_17"] += 1
            continue
        lsoa = area_on(children, child, day, stats)
        stats["children_without_area"] += lsoa == ""
        row = table[lsoa]
        row["children"] += 1
        year = [(child, factor, "year") in present for factor in TRIO]
        for factor, flag in zip(TRIO, year):
            row[factor + "_year"] += flag
        row["toxic_trio_year"] += all(year)
        row["toxic_trio_3y"] += all((child, factor, "3y") in present for factor in TRIO)
    return table


def compute(data_dir, reference_date, stats):
    lookup = load_postcode_lookup(data_dir)
    inputs = {name: read_input(data_dir, name, stats) for name in INPUTS}
    register, children = Register(), Children()
    # Both registers are read first, in the order link_from lists them.
    load_people(register, children, lookup, inputs["people"], stats)
    load_address_history(register, children, lookup, inputs["address_history"], stats)
    load_relationships(register, children, inputs["relationships"], stats)
    windows = {"year": window(reference_date, 12), "3y": window(reference_date, 36)}
    present = factors_present(children, factor_records(register, inputs, stats), windows, stats)
    return area_table(children, present, reference_date, stats)


# ---------------------------------------------------------------------------------------------
# Output and comparison.
# ---------------------------------------------------------------------------------------------

def print_table(table):
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(("lsoa",) + OUTPUT_COLUMNS)
    for lsoa in sorted(table):
        writer.writerow([lsoa] + [table[lsoa][c] for c in OUTPUT_COLUMNS])


def read_overlay_areas(path, reference_date):
    """The overlay's area table, period 0 rows summed over age bands, per LSOA."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            needed = ("period_end", "lsoa") + OUTPUT_COLUMNS
            missing = [c for c in needed if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError("%s has no column %s" % (path, ", ".join(missing)))
            table = defaultdict(Counter)
            for row in reader:
                if row["period_end"].strip() != reference_date.isoformat():
                    continue
                for column in OUTPUT_COLUMNS:
                    try:
                        table[row["lsoa"].strip()][column] += int(row[column] or 0)
                    except ValueError:
                        raise InputError("%s: column %s holds a value that is not a whole number"
                                         % (path, column))
            return table
    except OSError as error:
        raise InputError("cannot read %s: %s" % (path, error.strerror))


def compare(expected, actual, limit=20):
    """Mismatch descriptions; an LSOA on one side only is compared against zeros."""
    mismatches = []
    for lsoa in sorted(set(expected) | set(actual)):
        for column in OUTPUT_COLUMNS:
            mine, theirs = expected.get(lsoa, Counter())[column], actual.get(lsoa, Counter())[column]
            if mine != theirs:
                mismatches.append("%s %s: recomputed %d, overlay %d"
                                  % (lsoa or "(no area)", column, mine, theirs))
    return mismatches[:limit], len(mismatches)


def print_stats(stats):
    for name in sorted(stats):
        print("  %-60s %d" % (name, stats[name]), file=sys.stderr)


def parse_arguments(argv):
    args = list(argv[1:])
    options = {"reference_date": datetime.date(2026, 3, 31), "compare": None, "verbose": False}
    positional = []
    while args:
        arg = args.pop(0)
        if arg == "--verbose":
            options["verbose"] = True
        elif arg in ("--reference-date", "--compare") and args:
            value = args.pop(0)
            if arg == "--compare":
                options["compare"] = value
            else:
                options["reference_date"] = datetime.date.fromisoformat(value)
        elif arg.startswith("-"):
            raise ValueError("unknown option " + arg)
        else:
            positional.append(arg)
    if len(positional) != 1:
        raise ValueError("one DATA_DIR expected")
    options["data_dir"] = positional[0]
    return options


def main(argv):
    try:
        options = parse_arguments(argv)
    except ValueError as error:
        print("%s\nusage: check_overlay.py DATA_DIR [--reference-date yyyy-MM-dd] "
              "[--compare OVERLAY_AREAS_CSV] [--verbose]" % error, file=sys.stderr)
        return 2
    stats = Counter()
    try:
        table = compute(options["data_dir"], options["reference_date"], stats)
        overlay = (read_overlay_areas(options["compare"], options["reference_date"])
                   if options["compare"] else None)
    except InputError as error:
        print(error, file=sys.stderr)
        return 2
    if options["verbose"]:
        print_stats(stats)
    if overlay is None:
        print_table(table)
        return 0
    shown, total = compare(table, overlay)
    if total:
        print("%d mismatches; the first %d:" % (total, len(shown)))
        for line in shown:
            print("  " + line)
        return 1
    print("%d areas, %d children, %d toxic-trio children (12 months): all match"
          % (sum(1 for r in table.values() if r["children"]),
             sum(r["children"] for r in table.values()),
             sum(r["toxic_trio_year"] for r in table.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
