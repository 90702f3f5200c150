"""Normalised identifiers and keyed match keys of every stream (DuckDB).

`norm_<stream>` holds, per row (`rid`), each person role's normalised identifiers
(`<role>_nhs_number`, `<role>_forename`, ...), its strong keys (`<role>_nhs`, `<role>_upn`:
the pseudonyms of a valid NHS number and UPN), one keyed match key per rule the role can be
linked by (`<role>_k<i>`, i the rule's place in INDEX_RULES; a register row has a key for every
rule it can form), the event day named by `on:`, the household's UPRN and address key and the
row's LSOA.
"""

from authority import KEY_ORDER, STREAMS, key_column, role_rules, rule_name

NORMALISERS = {"nhs_number": "nhs_number", "upn": "upn", "local_id": "local_id",
               "forename": "fold", "surname": "fold", "date_of_birth": "dob_text",
               "postcode": "postcode"}



def norm_table_sql(stream):
    spec = STREAMS[stream]
    inner, outer = ["rid"], ["rid"]
    for role in spec["persons"]:
        found, fields = role_rules(stream, role)
        for identifier in KEY_ORDER:
            if identifier in fields:
                inner.append(f"{NORMALISERS[identifier]}({fields[identifier]}) AS {role}_{identifier}")
                outer.append(f"{role}_{identifier}")
        for rule in found:
            parts = " || '|' || ".join(f"{role}_{f}" for f in rule)
            outer.append(f"pseudonym('{rule_name(rule)}', {parts}) AS {key_column(role, rule)}")
        # The strong identifiers' keys are the single-identifier rules' keys, or made here.
        for strong, name in (("nhs_number", "nhs"), ("upn", "upn_key")):
            if (strong,) in found:
                outer.append(f"{key_column(role, (strong,))} AS {role}_{name}")
            elif strong in fields:
                outer.append(f"pseudonym('{strong}', {role}_{strong}) AS {role}_{name}")
            else:
                outer.append(f"NULL::VARCHAR AS {role}_{name}")
        on = spec["persons"][role]["on"]
        if on:
            inner.append(f"{on} AS {role}_on")
            outer.append(f"{role}_on")
    household = spec.get("household")
    if household:
        if "uprn" in household:
            inner.append(f"uprn({household['uprn']}) AS hh_uprn")
        else:
            inner.append("NULL::VARCHAR AS hh_uprn")
        inner.append(f"address_line({household['address']}) || '|' || "
                     f"postcode({household['postcode']}) AS hh_address")
        outer.append("pseudonym('household-uprn', hh_uprn) AS hh_uprn")
        outer.append("pseudonym('household-address', hh_address) AS hh_address")
    if spec.get("area"):
        inner.append(f"postcode({spec['area']}) AS area_postcode")
        outer.append("area_postcode")
    return f"""
CREATE TABLE norm_{stream} AS
SELECT {", ".join(outer)}
FROM (SELECT {", ".join(inner)} FROM {stream});
"""
