"""What pipelines/bench.yaml computes, as declarations the DuckDB and pandas versions share.

The inputs and their typed columns come from scripts/overlay_check/declarations.py (the
synthetic authority's extracts as pipelines/synthetic-authority.yaml maps them). This module
adds the `deidentify` stage's rules of bench.yaml (which identifiers name whom, the household,
the area, the kept fields and dates of every stream), the match rules they imply
(docs/deidentification.md), and the overlay's windows, age bands and toxic-trio factors
(docs/measures.md). Standard library only: the orchestrator imports it too.
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from overlay_check.declarations import INPUTS  # noqa: E402,F401  (re-exported)

REFERENCE_DATE = datetime.date(2026, 3, 31)
YEAR_START = datetime.date(2025, 4, 1)       # the day after the same date 12 months before
THREE_YEAR_START = datetime.date(2023, 4, 1)  # the day after the same date 36 months before

# The overlay's age bands (of the age at the reference date: one period) and deidentify's
# default bands (every person's <role>_age_band).
CHILD_BANDS = [(0, 4, "0-4"), (5, 9, "5-9"), (10, 15, "10-15"), (16, 17, "16-17")]
PERSON_BANDS = [(0, 4, "0-4"), (5, 9, "5-9"), (10, 15, "10-15"), (16, 17, "16-17"),
                (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"), (50, 200, "50+")]

TRIO = ["domestic_abuse", "substance_misuse", "mental_health"]
# The area table's columns after period_start, period_end, lsoa, age_band (overlay.md).
COMBINATIONS = [[], ["domestic_abuse"], ["substance_misuse"], ["mental_health"],
                ["domestic_abuse", "substance_misuse"], ["domestic_abuse", "mental_health"],
                ["substance_misuse", "mental_health"], TRIO]
AREA_COLUMNS = (["period_start", "period_end", "lsoa", "age_band", "children"]
                + [f"{f}_{w}" for f in TRIO for w in ("year", "3y")]
                + [f"trio_{n}_year" for n in range(4)]
                + ["combination_" + ("+".join(c) if c else "none") + "_year" for c in COMBINATIONS]
                + ["toxic_trio_year", "toxic_trio_3y"])

# Identifier fields in key order (a multi-field key joins them in this order).
KEY_ORDER = ["forename", "surname", "date_of_birth", "postcode", "nhs_number", "upn", "local_id"]
DEMOGRAPHIC = ("forename", "surname", "date_of_birth", "postcode")
DOB_POSTCODE = ("date_of_birth", "postcode")


def person(fields, match=None, on=None):
    """A person role: identifier field -> the stream's column, optional match rules and `on:`."""
    return {"fields": fields, "match": match, "on": on}


SOCIAL_CARE_CHILD = {"nhs_number": "nhs_number", "upn": "upn", "local_id": "person_id",
                     "date_of_birth": "date_of_birth"}

# The deidentify stage of pipelines/bench.yaml, stream by stream: persons, household, area
# (a postcode column), keep, dates, and for the address history its spell.
STREAMS = {
    "people": {
        "persons": {"person": person({
            "nhs_number": "nhs_number", "upn": "upn", "local_id": "person_id",
            "forename": "forename", "surname": "surname", "date_of_birth": "date_of_birth",
            "postcode": "postcode"})},
        "household": {"uprn": "uprn", "address": "address", "postcode": "postcode"},
        "area": "postcode", "keep": ["person_type", "sex"], "dates": []},
    "address_history": {
        "persons": {"person": person({"local_id": "person_id"})},
        "household": {"uprn": "uprn", "address": "address", "postcode": "postcode"},
        "area": "postcode", "keep": [], "dates": ["start_date", "end_date"],
        "spell": ("start_date", "end_date")},
    "relationships": {
        "persons": {"child": person({"local_id": "child_person_id"}),
                    "related": person({"local_id": "related_person_id"})},
        "keep": ["relationship", "parental_responsibility"], "dates": []},
    "police_da": {
        "persons": {
            "victim": person({"forename": "victim_forename", "surname": "victim_surname",
                              "date_of_birth": "victim_dob", "postcode": "victim_postcode"}),
            "perpetrator": person({"forename": "perpetrator_forename",
                                   "surname": "perpetrator_surname",
                                   "date_of_birth": "perpetrator_dob",
                                   "postcode": "perpetrator_postcode"})},
        "household": {"address": "victim_address", "postcode": "victim_postcode"},
        "area": "victim_postcode", "keep": ["children_present", "risk_level"],
        "dates": ["incident_date"]},
    "substance_misuse": {
        "persons": {"client": person({"nhs_number": "nhs_number", "date_of_birth": "date_of_birth",
                                      "postcode": "postcode"})},
        "area": "postcode", "keep": ["sex", "primary_substance"],
        "dates": ["episode_start", "episode_end"]},
    "adult_mental_health": {
        "persons": {"patient": person({"nhs_number": "nhs_number",
                                       "date_of_birth": "date_of_birth", "postcode": "postcode"})},
        "area": "postcode", "keep": ["sex", "service_type"], "dates": ["start_date", "end_date"]},
    "prison": {
        "persons": {"prisoner": person({"forename": "forename", "surname": "surname",
                                        "date_of_birth": "date_of_birth", "postcode": "postcode"})},
        "area": "postcode", "keep": [], "dates": ["reception_date", "release_date"]},
    "cp_plans": {
        "persons": {"child": person(SOCIAL_CARE_CHILD)},
        "keep": ["plan_number", "initial_category", "latest_category"],
        "dates": ["start_date", "end_date"]},
    "cin_plans": {
        "persons": {"child": person(SOCIAL_CARE_CHILD)},
        "keep": ["primary_need"], "dates": ["start_date", "end_date"]},
    "early_help": {
        "persons": {"child": person({"nhs_number": "nhs_number", "local_id": "person_id",
                                     "date_of_birth": "date_of_birth", "postcode": "postcode"})},
        "area": "postcode", "keep": ["primary_concern", "lead_agency"],
        "dates": ["assessment_date"]},
    "cla_episodes": {
        "persons": {"child": person({"upn": "upn", "local_id": "person_id",
                                     "date_of_birth": "date_of_birth"})},
        "area": "home_postcode",
        "keep": ["sex", "reason_new_episode", "legal_status", "category_of_need", "placement"],
        "dates": ["start_date"]},
    "ed_attendances": {
        "persons": {"patient": person({"nhs_number": "nhs_number", "date_of_birth": "date_of_birth",
                                       "postcode": "postcode"},
                                      match=[("nhs_number",), DOB_POSTCODE], on="arrival_date")},
        "area": "postcode", "keep": ["sex", "arrival_mode", "discharge_destination"],
        "dates": ["arrival_date"]},
    "dental_extractions": {
        "persons": {"patient": person({"nhs_number": "nhs_number", "date_of_birth": "date_of_birth",
                                       "postcode": "postcode"},
                                      match=[("nhs_number",), DOB_POSTCODE], on="procedure_date")},
        "area": "postcode", "keep": ["teeth_extracted", "anaesthetic"],
        "dates": ["procedure_date"]},
    "young_carers": {
        "persons": {"carer": person({"local_id": "person_id", "forename": "forename",
                                     "surname": "surname", "date_of_birth": "date_of_birth",
                                     "postcode": "postcode"})},
        "area": "postcode", "keep": ["cares_for", "reason"], "dates": ["date_identified"]},
    "school_attendance": {
        "persons": {"pupil": person({"upn": "upn", "forename": "forename", "surname": "surname",
                                     "date_of_birth": "date_of_birth", "postcode": "postcode"})},
        "area": "postcode",
        "keep": ["academic_year", "term", "sessions_possible", "authorised_absence",
                 "unauthorised_absence"], "dates": []},
    "school_exclusions": {
        "persons": {"pupil": person({"upn": "upn", "forename": "forename", "surname": "surname",
                                     "date_of_birth": "date_of_birth"})},
        "keep": ["exclusion_type", "sessions", "reason"], "dates": ["start_date"]},
    "nursery_entitlement": {
        "persons": {"child": person({"forename": "forename", "surname": "surname",
                                     "date_of_birth": "date_of_birth", "postcode": "postcode"})},
        "area": "postcode", "keep": ["funding_type", "eligible", "taken_up", "term"],
        "dates": ["eligibility_checked"]},
}

# The registers, in link_from order: their rows are linked one after another.
REGISTERS = ["people", "address_history"]


def rules(role):
    """A role's match rules in order: its `match:`, else each of NHS number, UPN and local
    number it maps, then the demographic key when it maps all four of its fields."""
    if role["match"]:
        return [tuple(sorted(rule, key=KEY_ORDER.index)) for rule in role["match"]]
    fields = role["fields"]
    found = [(f,) for f in ("nhs_number", "upn", "local_id") if f in fields]
    if all(f in fields for f in DEMOGRAPHIC):
        found.append(DEMOGRAPHIC)
    return found


def rule_name(rule):
    return "+".join(rule)


# Every rule any role links by: the keys a register row adds to the index.
INDEX_RULES = sorted({r for s in STREAMS.values() for role in s["persons"].values()
                      for r in rules(role)}, key=rule_name)


def key_column(role, rule):
    """The column of a role's key for one rule: `<role>_k<i>`, i its place in INDEX_RULES."""
    return f"{role}_k{INDEX_RULES.index(rule)}"


def role_rules(stream, role):
    """(rules, fields): the rules whose keys the role's rows carry (a register row: every index
    rule it can form, its spell's postcode included) and its identifier fields."""
    spec = STREAMS[stream]["persons"][role]
    fields = dict(spec["fields"])
    if stream in REGISTERS and "spell" in STREAMS[stream]:
        fields.setdefault("postcode", STREAMS[stream]["household"]["postcode"])
    if stream in REGISTERS:
        return [r for r in INDEX_RULES if all(f in fields for f in r)], fields
    return rules(spec), fields
