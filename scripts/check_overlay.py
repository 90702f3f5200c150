#!/usr/bin/env python3
"""Independent re-computation of the neglect overlay's area figures.

Reads the synthetic authority's raw extracts (the folder `safeguard synth --out` writes) and
computes, for period 0 only (the year to the reference date and the 3 years to it), per LSOA and
summed over ages 0-17:

    lsoa, children, domestic_abuse_year, substance_misuse_year, mental_health_year,
    toxic_trio_year, toxic_trio_3y, and <factor>_year, <factor>_3y for the child-held factors
    young_carer, repeated_emergency_attendance, dental_extraction, permanent_exclusion,
    nursery_entitlement_not_taken_up, two_year_funding

following docs/measures.md (periods, windows, episodes, the three linkage routes of adult-held
records), docs/deidentification.md (identifier normalisation, the linkage rules and declared
match rules), docs/data.md (files, encodings) and pipelines/neglect-overlay.yaml with
pipelines/synthetic-authority.yaml (which columns identify whom, the factors and their filters).

It is deliberately written from the documentation alone, with the standard library only and
sharing nothing with the Swift implementation, so that the two can check each other. No keyed
pseudonyms are computed: a person is "the register person a record links to" under the linkage
rules, a household "a UPRN, or an address key linked to a UPRN", which is what equal
pseudonyms mean. The parts live in scripts/overlay_check/: inputs (reading, quarantine,
de-duplication), identifiers (normalisation), linkage (the rules), households, registers (the
roles of the definition and the register streams), factors; declarations lists the
inputs as pipelines/synthetic-authority.yaml maps them.

Usage:
    check_overlay.py DATA_DIR [--reference-date 2026-03-31] [--compare OVERLAY_AREAS_CSV]
                     [--linkage] [--verbose]

Without --compare the table is printed as CSV, sorted by LSOA. With --compare, the overlay's
area table is summed over age bands for period 0 (rows whose period_end is the reference date)
and compared column by column for every LSOA; a one-line summary (or the first mismatches) is
printed. --linkage prints, after that, one JSON object with the linkage counts per stream and
role in the run summary's shape (`<stream>: {<role>: {linked_by_rule, new_persons, unlinked,
ambiguous, refused, without_identifier, refused_by_rule, ambiguous_by_rule}}`). --verbose prints
diagnostics on standard error: counts only, never a name, identifier, postcode, date of birth or
address.

Exit status: 0 after printing the table or on exact agreement; 1 on any mismatch; 2 for a usage
error, an unreadable file or a missing column.

Rules that had to be interpreted (the most literal reading was taken):

1. Linkage (docs/deidentification.md, "Linkage rules"). Register rows (people, then
   address_history, as link_from lists them) are linked in file order against the persons of
   the rows before them; a row no rule links is a new person, and every key it gives then
   leads to its person (so two children with one UPN, or one name, birthday and postcode, stay
   two people, and the shared key leads to both). A record of another stream is linked against
   the whole register. For each rule in order: the persons the rule's key leads to, less those
   whose strong identifiers disagree with the record's (an NHS number on both sides and not
   equal; else a UPN on both sides and not equal); exactly one left links; two or more is
   ambiguous, none (when the key led somewhere) refused; either way the next rule is tried. A
   person's strong identifiers are those of all their register rows.
2. A record that links to no registered person keeps a pseudonym of its own that is never a
   registered person's, so it reaches no child: it has no address history and no
   relationships, and only route 2 (the record's own household) can link an adult's record.
3. Rules: a role's declared `match:` rules, else each of nhs_number, upn and local_id it maps,
   then forename + surname + date of birth + postcode if it maps all four (substance misuse,
   mental health, ED and dental records carry no names, school exclusions no postcode). A rule
   needs every one of its fields; an NHS number or UPN failing its check is no value.
4. Postcodes in rules (docs/deidentification.md, "Declaring match rules"): a people row (no
   spell) holds its postcode at any date; an address_history row (spell) from its start to its
   end date, both included, its key made of its own postcode and the person's date of birth and
   names from the people rows before it. With `on:` (ED and dental) the record's date must be
   held; without (the demographic key of police victims and young carers) the postcode must be
   current: a people row, or a spell with no end. A record whose `on:` date is empty skips
   rules with a postcode.
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
8. The children are the people rows of type child; a second row of the same person adds no
   child. A child without a date of birth has no age and is not counted.
9. A child's area on the reference date is the LSOA (of the postcode) of the address-history
   spell containing that date; if several do, the one starting latest. "Without one, the
   register's LSOA" is read as "without such a spell, or when its postcode gives no LSOA": the
   register's postcode is then used; if that gives no LSOA either, the area is empty.
   Address spells that end before they start cover no day; a spell without a UPRN or an
   address + postcode still places the child in an area but links to no household.
10. Rows are quarantined (ignored) as the pipeline would: a value that does not fit its column's
    type (dates, booleans, codes, integers), an empty non-nullable column, a CSV record with the
    wrong number of fields or a quote never closed, text after a closing quote in a declared
    column, a JSON Lines line that is not an object. A quote inside an unquoted field is an
    ordinary character, as the csv module reads it (the pipeline's default `quotes: lenient`). A row
    identical in every declared field to an earlier one of the same input is dropped (the
    `deduplicate` stage), which matters for the ED factor's "3 or more".
11. Folding names and addresses also folds, with a small table, the letters Unicode does not
    decompose (ß, Æ, Ø, Œ, Ł, Đ, Þ); only "accents folded (Ó → O)" is documented.
12. Date patterns are read strictly: `dd` and `MM` are exactly two digits, `yyyy` four.
13. Children whose area is empty are reported under an empty LSOA (shown as "(no area)" in
    mismatches); with the clean synthetic data there are none.
14. Child-held factors count the records linked to the child dated in the window (the ED
    factor at 3 or more), with the definition's `where`; the nursery factors have no date (a
    snapshot), so their records are dated on the reference date.
"""

import csv
import datetime
import json
import os
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from overlay_check.factors import (CHILD_FACTORS, TRIO, adult_records, age_at,  # noqa: E402
                                   child_records, factors_present, window)
from overlay_check.households import Households  # noqa: E402
from overlay_check.identifiers import normalise_postcode  # noqa: E402
from overlay_check.declarations import INPUTS  # noqa: E402
from overlay_check.inputs import InputError, header_key, read_input  # noqa: E402
from overlay_check.registers import (Children, count_other_links,  # noqa: E402
                                     load_address_history, load_people, load_relationships,
                                     new_register)

OUTPUT_COLUMNS = (("children", "domestic_abuse_year", "substance_misuse_year",
                   "mental_health_year", "toxic_trio_year", "toxic_trio_3y")
                  + tuple("%s_%s" % (f, w) for f in CHILD_FACTORS for w in ("year", "3y")))


def load_postcode_lookup(data_dir):
    path = data_dir + "/reference/postcode_lookup.csv"
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [header_key(h) for h in next(reader)]
            if "pcds" not in header or "lsoa21cd" not in header:
                raise InputError("%s needs columns pcds and lsoa21cd" % path)
            p, l = header.index("pcds"), header.index("lsoa21cd")
            return {normalise_postcode(row[p]): row[l].strip() for row in reader
                    if len(row) == len(header)}
    except OSError as error:
        raise InputError("cannot read %s: %s" % (path, error.strerror))


# ---------------------------------------------------------------------------------------------
# Children counted in period 0 and their areas.
# ---------------------------------------------------------------------------------------------

def area_on(children, child, day, stats):
    """The LSOA of the spell containing `day` (latest start wins); else the register's LSOA.

    A spell whose postcode is missing or not in the lookup gives no LSOA, and the register's
    LSOA is used as if there were no spell (rule 9 of the module docstring).
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
        for factor in CHILD_FACTORS:
            for name in ("year", "3y"):
                row["%s_%s" % (factor, name)] += (child, factor, name) in present
    return table


def compute(data_dir, reference_date, stats):
    """(area table, register) for period 0."""
    lookup = load_postcode_lookup(data_dir)
    inputs = {name: read_input(data_dir, name, stats) for name in INPUTS}
    register, households, children = new_register(), Households(), Children()
    # Both registers are read first, in the order link_from lists them.
    load_people(register, households, children, lookup, inputs["people"], stats)
    load_address_history(register, households, children, lookup, inputs["address_history"],
                         stats)
    load_relationships(register, children, inputs["relationships"], stats)
    windows = {"year": window(reference_date, 12), "3y": window(reference_date, 36)}
    present = factors_present(children, adult_records(register, households, inputs, stats),
                              child_records(register, inputs, reference_date, stats), windows,
                              stats)
    count_other_links(register, inputs, stats)
    return area_table(children, present, reference_date, stats), register


def linkage_summary(register):
    """The register's linkage counts in the run summary's shape."""
    summary = defaultdict(dict)
    for (stream, role), counts in sorted(register.counts.items()):
        outcomes = counts.outcomes
        summary[stream][role] = {
            "linked_by_rule": {k.split(":", 1)[1]: v for k, v in sorted(outcomes.items())
                               if k.startswith("linked_by_rule:")},
            "new_persons": outcomes["new_persons"], "unlinked": outcomes["unlinked"],
            "ambiguous": outcomes["ambiguous"], "refused": outcomes["refused"],
            "without_identifier": outcomes["without_identifier"],
            "refused_by_rule": dict(sorted(counts.refused_by_rule.items())),
            "ambiguous_by_rule": dict(sorted(counts.ambiguous_by_rule.items())),
        }
    return summary


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
                # The disclose stage adds an all-ages row per LSOA; the bands add up to it.
                if (row.get("age_band") or "").strip() == "total":
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
    options = {"reference_date": datetime.date(2026, 3, 31), "compare": None, "verbose": False,
               "linkage": False}
    positional = []
    while args:
        arg = args.pop(0)
        if arg in ("--verbose", "--linkage"):
            options[arg[2:]] = True
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
              "[--compare OVERLAY_AREAS_CSV] [--linkage] [--verbose]" % error, file=sys.stderr)
        return 2
    stats = Counter()
    try:
        table, register = compute(options["data_dir"], options["reference_date"], stats)
        overlay = (read_overlay_areas(options["compare"], options["reference_date"])
                   if options["compare"] else None)
    except InputError as error:
        print(error, file=sys.stderr)
        return 2
    if options["verbose"]:
        print_stats(stats)
    if overlay is None:
        print_table(table)
        if options["linkage"]:
            print(json.dumps(linkage_summary(register), sort_keys=True))
        return 0
    shown, total = compare(table, overlay)
    if total:
        print("%d mismatches; the first %d:" % (total, len(shown)))
        for line in shown:
            print("  " + line)
    else:
        print("%d areas, %d children, %d toxic-trio children (12 months): all match"
              % (sum(1 for r in table.values() if r["children"]),
                 sum(r["children"] for r in table.values()),
                 sum(r["toxic_trio_year"] for r in table.values())))
    if options["linkage"]:
        print(json.dumps(linkage_summary(register), sort_keys=True))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
