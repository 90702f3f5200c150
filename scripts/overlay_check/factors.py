"""The factors this check recomputes (docs/measures.md): the toxic trio, linked from adults'
records to children through the three routes of "Which child a record belongs to", and the
child-held factors whose records carry the child's own identifiers.
"""

import datetime
from collections import Counter, defaultdict

from .registers import find

FOREVER = float("inf")
TRIO = ("domestic_abuse", "substance_misuse", "mental_health")
CHILD_FACTORS = ("young_carer", "repeated_emergency_attendance", "dental_extraction",
                 "permanent_exclusion", "nursery_entitlement_not_taken_up", "two_year_funding")
# The factors' at_least in neglect-overlay.yaml (default 1).
AT_LEAST = {"repeated_emergency_attendance": 3}


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


def _dated(stats, name, start, end):
    """(start, end) as ordinals (an open end is FOREVER), or None for a record that cannot be
    placed (counted)."""
    if start is None:
        stats["undated:" + name] += 1
        return None
    if end is not None and end < start:
        stats["ends_before_it_starts:" + name] += 1
        return None
    return start.toordinal(), end.toordinal() if end else FOREVER


def adult_records(register, households, inputs, stats):
    """(factor, adults, household, start, end) for every usable record of the toxic trio."""
    def adults(name, row, factor):
        person = find(register, name, row, stats)
        stats["%s_adult_%s" % (factor, "in_register" if person else "not_linked")] += 1
        return [person] if person else []

    # domestic_abuse: police_da, event incident_date, adults [victim], household (the victim's
    # address), where children_present is true.
    for row in inputs["police_da"]:
        # Every record is linked (the linkage counts cover the whole stream).
        victims = adults("police_da.victim", row, "domestic_abuse")
        if row["children_present"] is not True:
            stats["domestic_abuse_police_records_without_children_present"] += 1
            continue
        dates = _dated(stats, "domestic_abuse", row["incident_date"], row["incident_date"])
        if dates is None:
            continue
        household = households.household(None, row["victim_address"], row["victim_postcode"],
                                         register_row=False)
        stats["domestic_abuse_household_%s" % (household[0] if household else "none")] += 1
        yield ("domestic_abuse", victims, household) + dates

    # substance_misuse: episodes, adults [client].
    for row in inputs["substance_misuse"]:
        clients = adults("substance_misuse.client", row, "substance_misuse")
        dates = _dated(stats, "substance_misuse", row["episode_start"], row["episode_end"])
        if dates is not None:
            yield ("substance_misuse", clients, None) + dates

    # mental_health: every service type, adults [patient].
    for row in inputs["adult_mental_health"]:
        patients = adults("adult_mental_health.patient", row, "mental_health")
        dates = _dated(stats, "mental_health", row["start_date"], row["end_date"])
        if dates is not None:
            yield ("mental_health", patients, None) + dates


def child_records(register, inputs, reference_date, stats):
    """(factor, person, date) for every record of a child-held factor, with the registered
    person it links to (None when it links to nobody in the register). A factor without a
    date (a snapshot: funded nursery places this term) dates its records on the reference
    date."""
    sources = {
        "young_carers": [("young_carer", "date_identified", {})],
        "ed_attendances": [("repeated_emergency_attendance", "arrival_date", {})],
        "dental_extractions": [("dental_extraction", "procedure_date", {})],
        "school_exclusions": [("permanent_exclusion", "start_date",
                               {"exclusion_type": "permanent"})],
        "nursery_entitlement": [
            ("nursery_entitlement_not_taken_up", None, {"eligible": True, "taken_up": False}),
            ("two_year_funding", None, {"funding_type": "two_year_old", "eligible": True})],
    }
    roles = {"young_carers": "carer", "ed_attendances": "patient",
             "dental_extractions": "patient", "school_exclusions": "pupil",
             "nursery_entitlement": "child"}
    for stream, factors in sources.items():
        for row in inputs[stream]:
            # Every record is linked once (the linkage counts cover the whole stream); `where`
            # only decides which factors count it.
            person = find(register, stream + "." + roles[stream], row, stats)
            for factor, date, where in factors:
                if any(row[field] != value for field, value in where.items()):
                    continue
                day = reference_date if date is None else row[date]
                if day is None:
                    stats["undated:" + factor] += 1
                    continue
                yield factor, person, day.toordinal()


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




def factors_present(children, adult_recs, child_recs, windows, stats):
    """{(child, factor, window name)}: the factor is present for the child in that window."""
    present = set()
    for factor, adults, household, start, end in adult_recs:
        parts, routes = linked_parts(children, adults, household, start, end)
        stats[factor + "_records"] += 1
        stats[factor + "_records_linked_to_a_child"] += bool(parts)
        for route, count in routes.items():
            stats["%s_links_by_%s" % (factor, route)] += count
        for child, child_parts in parts.items():
            for name, (first, last) in windows.items():
                # at_least is 1: one linked part overlapping the window is enough.
                if any(overlap(a, b, first, last) for a, b in child_parts):
                    present.add((child, factor, name))
    counts = Counter()
    for factor, person, day in child_recs:
        stats[factor + "_records"] += 1
        if person not in children.birth:
            continue  # linked to nobody, or to an adult
        stats[factor + "_records_of_a_child"] += 1
        for name, (first, last) in windows.items():
            if first <= day <= last:
                counts[(person, factor, name)] += 1
    for (person, factor, name), count in counts.items():
        if count >= AT_LEAST.get(factor, 1):
            present.add((person, factor, name))
    return present
