"""Linking records to people through the registers (pandas), by docs/deidentification.md's
rules, with merges and group-bys as sql/linkage.py does it in SQL (see there for the method):
register rows sharing a key are paired, the links settled round by round until none changes,
then every other stream's records are matched against the registered people's keys.
"""

import numpy as np
import pandas as pd

from authority import INDEX_RULES, REGISTERS, STREAMS, key_column, role_rules, rules

SPELL_OFFSET = 10 ** 12
ALWAYS, NEVER = -(1 << 40), 1 << 40


def day_numbers(dates, missing):
    """Days since 1970-01-01 as int64, `missing` where there is no date."""
    values = dates.to_numpy(dtype="datetime64[D]")
    days = values.astype("int64")
    return np.where(np.isnat(values), missing, days)


def first_key(frame, role, own):
    key = frame[key_column(role, own[0])]
    for rule in own[1:]:
        key = key.fillna(frame[key_column(role, rule)])
    return key


def register_rows(norm, typed):
    parts = []
    for stream, offset in zip(REGISTERS, (0, SPELL_OFFSET)):
        n, role = norm[stream], "person"
        found, fields = role_rules(stream, role)
        own = rules(STREAMS[stream]["persons"][role])
        rows = pd.DataFrame({"seq": n.index.to_numpy(dtype="int64") + offset, "stream": stream,
                             "nhs": n[f"{role}_nhs"].to_numpy(), "upn": n[f"{role}_upn_key"].to_numpy(),
                             "first_key": first_key(n, role, own).to_numpy()})
        for name in ("forename", "surname", "date_of_birth"):
            rows[name] = n[f"{role}_{name}"].to_numpy() if name in fields else None
        for i, rule in enumerate(INDEX_RULES):
            own_key = rule in found and not ("spell" in STREAMS[stream] and "postcode" in rule)
            rows[f"k{i}"] = n[key_column(role, rule)].to_numpy() if own_key else None
        spell = STREAMS[stream].get("spell")
        if spell:
            t = typed[stream]
            rows["spell_postcode"] = n[f"{role}_postcode"].to_numpy()
            rows["vfrom"] = day_numbers(t[spell[0]], ALWAYS)
            rows["vto"] = day_numbers(t[spell[1]], NEVER)
        else:
            rows["spell_postcode"], rows["vfrom"], rows["vto"] = None, ALWAYS, NEVER
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)


def register_keys(reg):
    parts = []
    for i, rule in enumerate(INDEX_RULES):
        keyed = reg.loc[reg[f"k{i}"].notna(), ["seq", "stream", f"k{i}"]].rename(columns={f"k{i}": "key"})
        positions = {s: rules(STREAMS[s]["persons"]["person"]).index(rule) for s in REGISTERS
                     if rule in rules(STREAMS[s]["persons"]["person"])}
        keyed["pos"] = keyed["stream"].map(positions)
        keyed["rule"] = i
        parts.append(keyed.drop(columns="stream"))
    return pd.concat(parts, ignore_index=True)


def agree(frame, person_nhs, person_upn, own_nhs, own_upn):
    """NHS numbers decide where both have one; else UPNs, where both have one."""
    both_nhs = frame[person_nhs].notna() & frame[own_nhs].notna()
    both_upn = frame[person_upn].notna() & frame[own_upn].notna()
    return np.where(both_nhs, frame[person_nhs] == frame[own_nhs],
                    np.where(both_upn, frame[person_upn] == frame[own_upn], True))


def _round(pairs, reg_strong, link):
    person_of = lambda seqs: seqs.map(link).fillna(seqs).astype("int64")  # noqa: E731
    cand = pairs.assign(person=person_of(pairs["e"]))[["r", "pos", "person"]].drop_duplicates()
    members = reg_strong.assign(person=person_of(reg_strong["seq"]))
    members = members[members["person"].isin(cand["person"])]
    joined = cand.merge(members, on="person", how="left")
    joined = joined[joined["seq"] < joined["r"]].sort_values("seq")
    firsts = joined.groupby(["r", "pos", "person"])[["nhs", "upn"]].first()
    judged = cand.merge(firsts.rename(columns={"nhs": "p_nhs", "upn": "p_upn"}).reset_index(),
                        on=["r", "pos", "person"], how="left")
    judged = judged.merge(reg_strong.rename(columns={"seq": "r"}), on="r", how="left")
    judged["agree"] = agree(judged, "p_nhs", "p_upn", "nhs", "upn")
    agreeing = judged[judged["agree"]]
    n = agreeing.groupby(["r", "pos"])["person"].agg(["size", "first"]).reset_index()
    n = n[n["size"] == 1].sort_values("pos").drop_duplicates("r")
    return pd.Series(n["first"].to_numpy(), index=n["r"].to_numpy()).sort_index()


def _settle(pairs, reg_strong, log):
    """The register links (row -> person), settled round by round as sql/linkage.py does: from
    a first guess (each row with the earliest row it shares a key with), each round re-judging
    only the rows whose partners, or whose partners' persons, changed in the round before."""
    guess = pairs.groupby("r")["e"].min()
    link = guess.map(guess).fillna(guess).astype("int64")
    scope = pairs["r"].unique()
    for round_ in range(1, 101):
        part = _round(pairs[pairs["r"].isin(scope)], reg_strong, link)
        old, new = link.reindex(scope), part.reindex(scope)
        changed = scope[~((old == new) | (old.isna() & new.isna())).to_numpy()]
        if len(changed) == 0:
            log(f"register links settled after {round_} rounds")
            return link
        link = pd.concat([link.drop(changed, errors="ignore"), new[changed].dropna()]).astype("int64")
        touched = set(changed) | set(old[changed].dropna()) | set(new[changed].dropna())
        person_of_e = pairs["e"].map(link).fillna(pairs["e"])
        scope = pairs.loc[pairs["e"].isin(touched) | person_of_e.isin(touched), "r"].unique()
    raise RuntimeError("register links did not settle in 100 rounds")


def link_registers(reg, hasher, log):
    """(reg_person, persons, person_keys)."""
    own = register_keys(reg)
    keyed = own[own.duplicated(["rule", "key"], keep=False)]
    pairs = keyed.merge(keyed, on=["rule", "key"], suffixes=("", "_e"))
    pairs = pairs[(pairs["seq_e"] < pairs["seq"]) & pairs["pos"].notna()]
    pairs = pairs.rename(columns={"seq": "r", "seq_e": "e"})[["r", "pos", "e"]]
    reg_strong = reg.loc[reg["nhs"].notna() | reg["upn"].notna(), ["seq", "nhs", "upn"]]
    link = _settle(pairs, reg_strong, log)

    with_key = reg[reg["first_key"].notna()].sort_values("seq")
    person = with_key["seq"].map(link).fillna(with_key["seq"]).astype("int64")
    reg_person = pd.DataFrame({"seq": with_key["seq"].to_numpy(), "person": person.to_numpy()})
    creators = with_key[~with_key["seq"].isin(link.index)]
    nth = creators.groupby("first_key").cumcount()
    pseudonym = creators["first_key"].where(
        nth == 0, hasher("person-unresolved", creators["first_key"]))
    facts = with_key.assign(person=person.to_numpy()).groupby("person")[
        ["nhs", "upn", "forename", "surname", "date_of_birth"]].first()
    persons = facts.join(pd.Series(pseudonym.to_numpy(), index=creators["seq"].to_numpy(),
                                   name="pseudonym"))
    persons.index.name = "person"
    persons = persons.reset_index()

    keys = [own.merge(reg_person, on="seq")[["rule", "key", "person"]].assign(vfrom=ALWAYS, vto=NEVER)]
    spells = reg[reg["stream"] == "address_history"].merge(reg_person, on="seq").merge(
        persons[["person", "forename", "surname", "date_of_birth"]], on="person", suffixes=("_row", ""))
    for i, rule in enumerate(INDEX_RULES):
        if "postcode" in rule:
            parts = [spells["spell_postcode"] if f == "postcode" else spells[f] for f in rule]
            joined = parts[0]
            for part in parts[1:]:
                joined = joined + "|" + part
            keys.append(pd.DataFrame({"rule": i, "key": hasher("+".join(rule), joined),
                                      "person": spells["person"], "vfrom": spells["vfrom"],
                                      "vto": spells["vto"]}))
    person_keys = pd.concat(keys, ignore_index=True).dropna(subset=["key"])
    return reg_person, persons, person_keys


def link_records(norm, persons, person_keys, hasher):
    """{(stream, role): the pseudonym of the role's person, per row} for every role of every
    stream that is not a register: all their keys matched against the people's in one merge."""
    roles = [(stream, role) for stream, spec in STREAMS.items() if stream not in REGISTERS
             for role in spec["persons"]]
    keys, strong = [], []
    for source, (stream, role) in enumerate(roles):
        n, spec = norm[stream], STREAMS[stream]["persons"][role]
        own, on = rules(spec), spec["on"]
        day = day_numbers(n[f"{role}_on"], ALWAYS) if on else None
        for pos, rule in enumerate(own):
            column = n[key_column(role, rule)]
            keep = column.notna().to_numpy().copy()
            dated = bool(on) and "postcode" in rule
            if dated:
                keep &= n[f"{role}_on"].notna().to_numpy()
            keys.append(pd.DataFrame({"source": source, "rid": n.index[keep], "pos": pos,
                                      "rule": INDEX_RULES.index(rule), "key": column[keep].to_numpy(),
                                      "day": day[keep] if dated else 0, "dated": dated}))
        strong.append(pd.DataFrame({"source": source, "rid": n.index, "own_nhs": n[f"{role}_nhs"].to_numpy(),
                                    "own_upn": n[f"{role}_upn_key"].to_numpy()}))
    cand = pd.concat(keys, ignore_index=True).merge(person_keys, on=["rule", "key"])
    holds = np.where(cand["dated"], (cand["vfrom"] <= cand["day"]) & (cand["day"] <= cand["vto"]),
                     cand["vto"] == NEVER)
    cand = cand[holds][["source", "rid", "pos", "person"]].drop_duplicates()
    cand = cand.merge(persons[["person", "nhs", "upn", "pseudonym"]], on="person")
    cand = cand.merge(pd.concat(strong, ignore_index=True), on=["source", "rid"])
    cand["agree"] = agree(cand, "nhs", "upn", "own_nhs", "own_upn")
    judged = cand.groupby(["source", "rid", "pos"])["agree"].sum().rename("n").reset_index()
    agreeing = cand[cand["agree"]].drop_duplicates(["source", "rid", "pos"])[["source", "rid", "pos", "pseudonym"]]
    judged = judged.merge(agreeing, on=["source", "rid", "pos"], how="left")
    linked = judged[judged["n"] == 1].sort_values("pos").drop_duplicates(["source", "rid"])
    unresolved = judged[judged["n"] != 1][["source", "rid"]].drop_duplicates()
    found = {}
    for source, (stream, role) in enumerate(roles):
        n = norm[stream]
        first = first_key(n, role, rules(STREAMS[stream]["persons"][role]))
        doubtful = n.index.isin(unresolved.loc[unresolved["source"] == source, "rid"])
        own = first.where(~doubtful, hasher("person-unresolved", first.where(doubtful)))
        mine = linked[linked["source"] == source].set_index("rid")["pseudonym"]
        found[(stream, role)] = mine.reindex(n.index).fillna(own).astype("str")
    return found
