"""The person roles pipelines/neglect-overlay.yaml declares, and the register streams read in
link_from order: the people register (children, with their area), the address history (spells,
which both place people in households and let a postcode match only on its days) and the
relationships extract.
"""

from collections import defaultdict

from .identifiers import identifier_values, normalise_postcode
from .linkage import Register, Role

FOREVER_AGO = float("-inf")
FOREVER = float("inf")

DOB_POSTCODE = ("date_of_birth", "postcode")
SOCIAL_CARE_CHILD = {"nhs_number": "nhs_number", "upn": "upn", "local_id": "person_id",
                     "date_of_birth": "date_of_birth"}

# (stream, role) -> Role, as the deidentify stage of neglect-overlay.yaml maps them (only the
# roles this check needs).
ROLES = {role.stream + "." + role.role: role for role in [
    Role("people", "person", {"nhs_number": "nhs_number", "upn": "upn", "local_id": "person_id",
                              "forename": "forename", "surname": "surname",
                              "date_of_birth": "date_of_birth", "postcode": "postcode"}),
    Role("address_history", "person", {"local_id": "person_id"}),
    Role("relationships", "child", {"local_id": "child_person_id"}),
    Role("relationships", "related", {"local_id": "related_person_id"}),
    Role("police_da", "victim", {"forename": "victim_forename", "surname": "victim_surname",
                                 "date_of_birth": "victim_dob", "postcode": "victim_postcode"}),
    Role("substance_misuse", "client", {"nhs_number": "nhs_number",
                                        "date_of_birth": "date_of_birth", "postcode": "postcode"}),
    Role("adult_mental_health", "patient", {"nhs_number": "nhs_number",
                                            "date_of_birth": "date_of_birth",
                                            "postcode": "postcode"}),
    Role("ed_attendances", "patient", {"nhs_number": "nhs_number",
                                       "date_of_birth": "date_of_birth", "postcode": "postcode"},
         match=[("nhs_number",), DOB_POSTCODE], on="arrival_date"),
    Role("dental_extractions", "patient", {"nhs_number": "nhs_number",
                                           "date_of_birth": "date_of_birth",
                                           "postcode": "postcode"},
         match=[("nhs_number",), DOB_POSTCODE], on="procedure_date"),
    Role("young_carers", "carer", {"local_id": "person_id", "forename": "forename",
                                   "surname": "surname", "date_of_birth": "date_of_birth",
                                   "postcode": "postcode"}),
    Role("school_exclusions", "pupil", {"upn": "upn", "forename": "forename",
                                        "surname": "surname", "date_of_birth": "date_of_birth"}),
    # The roles no figure of this check reads, linked only to be counted.
    Role("police_da", "perpetrator", {"forename": "perpetrator_forename",
                                      "surname": "perpetrator_surname",
                                      "date_of_birth": "perpetrator_dob",
                                      "postcode": "perpetrator_postcode"}),
    Role("prison", "prisoner", {"forename": "forename", "surname": "surname",
                                "date_of_birth": "date_of_birth", "postcode": "postcode"}),
    Role("cp_plans", "child", SOCIAL_CARE_CHILD),
    Role("cin_plans", "child", SOCIAL_CARE_CHILD),
    Role("early_help", "child", {"nhs_number": "nhs_number", "local_id": "person_id",
                                 "date_of_birth": "date_of_birth", "postcode": "postcode"}),
    Role("cla_episodes", "child", {"upn": "upn", "local_id": "person_id",
                                   "date_of_birth": "date_of_birth"}),
    Role("school_attendance", "pupil", {"upn": "upn", "forename": "forename",
                                        "surname": "surname", "date_of_birth": "date_of_birth",
                                        "postcode": "postcode"}),
    Role("nursery_entitlement", "child", {"forename": "forename", "surname": "surname",
                                          "date_of_birth": "date_of_birth",
                                          "postcode": "postcode"}),
]}
COUNTED_ONLY = ("police_da.perpetrator", "prison.prisoner", "cp_plans.child", "cin_plans.child",
                "early_help.child", "cla_episodes.child", "school_attendance.pupil")


def new_register():
    return Register(rule for role in ROLES.values() for rule in role.rules)


def find(register, name, row, stats):
    """The registered person one role of a non-register record links to, or None."""
    role = ROLES[name]
    values = identifier_values(role.raw_identifiers(row), stats)
    on = row[role.on] if role.on else None
    return register.link_record(role, values, on.toordinal() if on else None)


class Children:
    """The children stream and everyone's address spells."""

    def __init__(self):
        self.birth = {}             # child person -> date of birth (None if unknown)
        self.register_lsoa = {}     # child person -> LSOA of the register's postcode
        self.spells_of_person = defaultdict(list)        # person -> [(household, start, end)]
        self.child_spells_at = defaultdict(list)         # household -> [(child, start, end)]
        self.areas_of_child = defaultdict(list)          # child -> [(start, end, lsoa)]
        self.children_of_adult = defaultdict(set)        # relationships: adult -> children


def load_people(register, households, children, lookup, rows, stats):
    role = ROLES["people.person"]
    for row in rows:
        values = identifier_values(role.raw_identifiers(row), stats)
        person = register.link_register_row(role, values)
        households.household(row["uprn"], row["address"], row["postcode"], register_row=True)
        if row["person_type"] == "child" and person not in children.birth:
            children.birth[person] = row["date_of_birth"]
            children.register_lsoa[person] = lookup.get(normalise_postcode(row["postcode"] or ""))


def load_address_history(register, households, children, lookup, rows, stats):
    role = ROLES["address_history.person"]
    for row in rows:
        start = row["start_date"].toordinal() if row["start_date"] else None
        end = row["end_date"].toordinal() if row["end_date"] else None
        postcode = normalise_postcode(row["postcode"]) if row["postcode"] else None
        values = identifier_values(role.raw_identifiers(row), stats)
        person = register.link_register_row(role, values, spell=(postcode, start, end))
        household = households.household(row["uprn"], row["address"], row["postcode"],
                                         register_row=True)
        start = FOREVER_AGO if start is None else start
        end = FOREVER if end is None else end
        if end < start:
            stats["address_spells_ending_before_they_start"] += 1
            continue
        if person in children.birth:
            # A spell places the child in an area even when it names no household.
            children.areas_of_child[person].append((start, end, lookup.get(postcode or "")))
        if household is None:
            stats["address_spells_without_household"] += 1
            continue
        children.spells_of_person[person].append((household, start, end))
        if person in children.birth:
            children.child_spells_at[household].append((person, start, end))


def count_other_links(register, inputs, stats):
    """Links every record of the roles no figure reads, so that the linkage counts cover every
    person role of the definition."""
    for name in COUNTED_ONLY:
        for row in inputs[name.split(".")[0]]:
            find(register, name, row, stats)


def load_relationships(register, children, rows, stats):
    for row in rows:
        child = find(register, "relationships.child", row, stats)
        adult = find(register, "relationships.related", row, stats)
        if child is None or adult is None:
            stats["relationships_not_in_register"] += 1
            continue  # an unknown person has no records linked to them anyway
        children.children_of_adult[adult].add(child)
