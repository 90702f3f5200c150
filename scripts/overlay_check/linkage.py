"""Person linkage, written from docs/deidentification.md ("Linkage rules: never a silent merge"
and "Declaring match rules") alone.

A person is a small integer. Register rows (the streams under `link_from`) are linked in order:
each is tried against the persons made by the rows before it, and becomes a new person when no
rule links it; every key it gives then leads to its person. A record of any other stream is
linked against the whole register and adds nothing to it.

A rule is a tuple of identifier fields. Its key for a record is the tuple of the record's normal
forms of those fields (identifiers.identifier_values); a record lacking any of them has no key
for the rule. A rule with a postcode matches a register row's postcode only when the row holds
it: a row without a spell holds its postcode at any date; a spell row from its start to its end
(both included; no start: since before any record; no end: still). With `on:`, the row must hold
it on the record's date; without, it must hold it now (a row without a spell, or a spell with
no end).
"""

from collections import Counter, defaultdict
from itertools import product

DEMOGRAPHIC_RULE = ("forename", "surname", "date_of_birth", "postcode")
FOREVER_AGO = float("-inf")
FOREVER = float("inf")


def default_rules(fields):
    """The rules of a role that declares no `match:`: each of the NHS number, UPN and local
    number it maps, then the demographic key when it maps all four of its fields."""
    rules = [(field,) for field in ("nhs_number", "upn", "local_id") if field in fields]
    if all(field in fields for field in DEMOGRAPHIC_RULE):
        rules.append(DEMOGRAPHIC_RULE)
    return rules


def rule_name(rule):
    return "+".join(rule)


class Role:
    """One person role of one stream: its identifier fields (identifier field -> record
    field), its rules in order, and the record field whose date `on:` names (or None)."""

    def __init__(self, stream, role, fields, match=None, on=None):
        self.stream, self.role, self.fields, self.on = stream, role, dict(fields), on
        self.rules = [tuple(rule) for rule in match] if match else default_rules(self.fields)

    def raw_identifiers(self, row):
        return {identifier: row[field] for identifier, field in self.fields.items()}


class LinkageCounts:
    """Per stream and role, as the run summary counts them (`stages[].counts.linkage`)."""

    def __init__(self):
        self.outcomes = Counter()       # linked_by_rule:<rule>, new_persons, unlinked, ...
        self.refused_by_rule = Counter()
        self.ambiguous_by_rule = Counter()


class Register:
    def __init__(self, rules):
        """`rules`: every rule any role will look up, so that register rows index them."""
        self.rules = sorted(set(rules))
        self.person_count = 0
        self.nhs = defaultdict(set)      # person -> NHS numbers of their register rows
        self.upn = defaultdict(set)      # person -> UPNs of their register rows
        self.values = defaultdict(lambda: defaultdict(set))  # person -> field -> values
        # rule -> key -> [(person, first day held, last day held, held now)]
        self.index = {rule: defaultdict(list) for rule in self.rules}
        self.counts = defaultdict(LinkageCounts)  # (stream, role) -> counts

    # Linking -------------------------------------------------------------------------------

    def link_register_row(self, role, values, spell=None):
        """The person of a register row; `spell` is (postcode, start, end) for a row with a
        spell (days as ordinals, None for an open end), else None."""
        counts = self.counts[(role.stream, role.role)]
        person, outcome = self._link(role, values, on=None, counts=counts)
        if person is None:
            if not values:
                counts.outcomes["without_identifier"] += 1
            else:
                counts.outcomes["new_persons"] += 1
            self.person_count += 1
            person = self.person_count
        else:
            counts.outcomes["linked_by_rule:" + outcome] += 1
        self._enrol(person, values, spell)
        return person

    def link_record(self, role, values, on):
        """The registered person a record of a non-register stream links to, or None (the
        record then has a pseudonym of its own, never a registered person's). `on` is the
        record's date named by the role's `on:`, as an ordinal, or None."""
        counts = self.counts[(role.stream, role.role)]
        person, outcome = self._link(role, values, on=on, counts=counts)
        if person is not None:
            counts.outcomes["linked_by_rule:" + outcome] += 1
        else:
            counts.outcomes[outcome] += 1
        return person

    def _link(self, role, values, on, counts):
        """(person, rule name) for the first rule that leads to exactly one person whose strong
        identifiers agree with the record's; else (None, why): ambiguous, refused, unlinked or
        without_identifier. Refused and ambiguous attempts are counted per rule."""
        any_key, ambiguous, refused = False, False, False
        for rule in role.rules:
            if any(field not in values for field in rule):
                continue
            if "postcode" in rule and role.on is not None and on is None:
                continue  # no date to know which postcode was the person's
            any_key = True
            candidates = self._lookup(rule, tuple(values[field] for field in rule),
                                      on if role.on is not None else None)
            if not candidates:
                continue
            agreeing = [p for p in sorted(candidates) if not self._disagree(values, p)]
            if len(agreeing) == 1:
                return agreeing[0], rule_name(rule)
            if agreeing:
                counts.ambiguous_by_rule[rule_name(rule)] += 1
                ambiguous = True
            else:
                counts.refused_by_rule[rule_name(rule)] += 1
                refused = True
        if ambiguous:
            return None, "ambiguous"
        if refused:
            return None, "refused"
        return None, "unlinked" if any_key else "without_identifier"

    def _disagree(self, values, person):
        """Rules 1-3: different NHS numbers never link; different UPNs (where both carry one)
        do not either, unless the NHS numbers are equal."""
        nhs, upn = values.get("nhs_number"), values.get("upn")
        if nhs is not None and self.nhs[person]:
            if nhs in self.nhs[person]:
                return False
            return True
        return upn is not None and bool(self.upn[person]) and upn not in self.upn[person]

    def _lookup(self, rule, key, on):
        entries = self.index[rule].get(key, ())
        if "postcode" not in rule:
            return {person for person, _, _, _ in entries}
        if on is None:
            return {person for person, _, _, now in entries if now}
        return {person for person, first, last, _ in entries if first <= on <= last}

    # Indexing ------------------------------------------------------------------------------

    def _enrol(self, person, values, spell):
        """Every key the row gives now leads to `person`. A spell row's keys are built from its
        own postcode and the person's other identifiers from the register."""
        if "nhs_number" in values:
            self.nhs[person].add(values["nhs_number"])
        if "upn" in values:
            self.upn[person].add(values["upn"])
        for field, value in values.items():
            self.values[person][field].add(value)
        for rule in self.rules:
            # A row holds its own keys at any date; a spell row's postcode only for its days.
            if (spell is None or "postcode" not in rule) and all(field in values for field in rule):
                key = tuple(values[field] for field in rule)
                self.index[rule][key].append((person, FOREVER_AGO, FOREVER, True))
        if spell is None or spell[0] is None:
            return
        postcode, start, end = spell
        first = FOREVER_AGO if start is None else start
        last, now = (FOREVER, True) if end is None else (end, False)
        known = dict(self.values[person])
        known["postcode"] = {postcode}
        for rule in self.rules:
            if "postcode" not in rule or any(not known.get(field) for field in rule):
                continue
            for key in product(*(sorted(known[field]) for field in rule)):
                self.index[rule][key].append((person, first, last, now))
