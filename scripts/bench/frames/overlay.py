"""The de-identified streams and the toxic-trio area table (pandas): the same definitions as
sql/overlay.py (docs/measures.md, docs/overlay.md), with merges and group-bys.
"""

import numpy as np
import pandas as pd

from authority import (AREA_COLUMNS, CHILD_BANDS, COMBINATIONS, PERSON_BANDS, REFERENCE_DATE,
                       REGISTERS, STREAMS, THREE_YEAR_START, TRIO, YEAR_START)
from frames.identify import postcode
from frames.linkage import ALWAYS, NEVER, SPELL_OFFSET, day_numbers

EPOCH = pd.Timestamp("1970-01-01")
R = (pd.Timestamp(REFERENCE_DATE) - EPOCH).days
Y1 = (pd.Timestamp(YEAR_START) - EPOCH).days
Y3 = (pd.Timestamp(THREE_YEAR_START) - EPOCH).days


def postcode_lookup(data_dir):
    table = pd.read_csv(f"{data_dir}/reference/postcode_lookup.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    codes = postcode(table["pcds"].str.strip())
    return pd.Series(table["lsoa21cd"].str.strip().to_numpy(), index=codes.to_numpy()).loc[
        lambda s: s.index.notna()].groupby(level=0).first()


def address_links(norm):
    parts = [norm[s][["hh_uprn", "hh_address"]].assign(seq=norm[s].index + i * SPELL_OFFSET)
             for i, s in enumerate(REGISTERS)]
    rows = pd.concat(parts).dropna().sort_values("seq")
    return rows.drop_duplicates("hh_address").set_index("hh_address")[["hh_uprn", "seq"]]


def age_at_reference(dates):
    born = dates.dt.year * 10000 + dates.dt.month * 100 + dates.dt.day
    now = REFERENCE_DATE.year * 10000 + REFERENCE_DATE.month * 100 + REFERENCE_DATE.day
    return ((now - born) // 10000).where(dates <= pd.Timestamp(REFERENCE_DATE)).astype("Int64")


def band(ages, bands):
    labels = pd.Series(pd.NA, index=ages.index, dtype="str")
    for low, high, label in bands:
        labels = labels.mask((ages >= low) & (ages <= high), label)
    return labels


def deidentified(stream, typed, n, ids, links, lookup):
    """The stream de-identified. A register row tied an address to its UPRN for the register
    rows after it (`links`: address -> the first UPRN household and where it was tied)."""
    spec = STREAMS[stream]
    out = pd.DataFrame(index=typed.index)
    for role, person in spec["persons"].items():
        out[f"{role}_id"] = ids[role]
        dob = person["fields"].get("date_of_birth")
        if dob:
            out[f"{role}_age"] = age_at_reference(typed[dob])
            out[f"{role}_age_band"] = band(out[f"{role}_age"], PERSON_BANDS)
    if spec.get("household"):
        linked = n["hh_address"].map(links["hh_uprn"]).where(n["hh_uprn"].isna())
        if stream in REGISTERS:
            seq = n.index.to_series() + REGISTERS.index(stream) * SPELL_OFFSET
            linked = linked.where(n["hh_address"].map(links["seq"]) < seq)
        out["household_id"] = n["hh_uprn"].fillna(linked).fillna(n["hh_address"])
    if spec.get("area"):
        out["lsoa"] = n["area_postcode"].map(lookup)
    for field in spec["keep"] + spec["dates"]:
        out[field] = typed[field]
    return out


def overlay(deid):
    people = deid["people"]
    children = people[(people["person_type"] == "child") & people["person_id"].notna()]
    children = children.drop_duplicates("person_id")[["person_id", "person_age", "lsoa"]].rename(
        columns={"person_id": "child", "person_age": "age", "lsoa": "register_lsoa"})

    history = deid["address_history"]
    history = history[history["person_id"].notna() & history["household_id"].notna()]
    spells = pd.DataFrame({
        "person": history["person_id"], "household": history["household_id"],
        "vstart": day_numbers(history["start_date"], ALWAYS), "vend": day_numbers(history["end_date"], NEVER),
        "lsoa": history["lsoa"],
        "hh_order": history.index.to_series().groupby(history["household_id"]).transform("min")})
    spells = spells[spells["vstart"] <= spells["vend"]]
    child_spells = spells[spells["person"].isin(children["child"])]
    rel = deid["relationships"]
    related = rel.loc[rel["child_id"].isin(children["child"]) & rel["related_id"].notna(),
                      ["related_id", "child_id"]].drop_duplicates()
    related.columns = ["adult", "child"]

    police = deid["police_da"]
    police = police[(police["children_present"] == True) & police["incident_date"].notna()]  # noqa: E712
    records = [pd.DataFrame({"factor": "domestic_abuse", "rid": police.index, "adult": police["victim_id"],
                             "household": police["household_id"],
                             "rstart": day_numbers(police["incident_date"], 0),
                             "rend": day_numbers(police["incident_date"], 0)})]
    for factor, stream, adult, start, end in (
            ("substance_misuse", "substance_misuse", "client_id", "episode_start", "episode_end"),
            ("mental_health", "adult_mental_health", "patient_id", "start_date", "end_date")):
        d = deid[stream]
        d = d[d[start].notna() & (d[end].isna() | (d[end] >= d[start]))]
        records.append(pd.DataFrame({"factor": factor, "rid": d.index, "adult": d[adult], "household": None,
                                     "rstart": day_numbers(d[start], 0), "rend": day_numbers(d[end], NEVER)}))
    records = pd.concat(records, ignore_index=True)

    # Route 1: the adult's household on the record's days.
    a = records.merge(spells[["person", "household", "vstart", "vend"]], left_on="adult", right_on="person",
                      suffixes=("", "_a"))
    a = a[(a["vstart"] <= a["rend"]) & (a["vend"] >= a["rstart"])]
    a = a.assign(fstart=np.maximum(a["rstart"], a["vstart"]), fend=np.minimum(a["rend"], a["vend"]))
    a = a[["factor", "rid", "household_a", "fstart", "fend"]]  # the adult's household
    a.columns = ["factor", "rid", "household", "fstart", "fend"]
    # Route 2: the record's own address.
    b = records.loc[records["household"].notna(), ["factor", "rid", "household", "rstart", "rend"]]
    b.columns = ["factor", "rid", "household", "fstart", "fend"]
    via_household = pd.concat([a, b], ignore_index=True).merge(
        child_spells[["person", "household", "vstart", "vend"]], on="household")
    via_household = via_household[(via_household["vstart"] <= via_household["fend"])
                                   & (via_household["vend"] >= via_household["fstart"])]
    reached = [pd.DataFrame({"factor": via_household["factor"], "child": via_household["person"],
                             "pstart": np.maximum(via_household["fstart"], via_household["vstart"]),
                             "pend": np.minimum(via_household["fend"], via_household["vend"])})]
    # Route 3: a relationship, for the whole of the record's days.
    c = records.merge(related, on="adult")
    reached.append(pd.DataFrame({"factor": c["factor"], "child": c["child"], "pstart": c["rstart"],
                                 "pend": c["rend"]}))
    reached = pd.concat(reached, ignore_index=True)
    reached["year"] = (reached["pstart"] <= R) & (reached["pend"] >= Y1)
    reached["3y"] = (reached["pstart"] <= R) & (reached["pend"] >= Y3)
    present = reached.groupby(["child", "factor"])[["year", "3y"]].any().unstack("factor", fill_value=False)
    present.columns = [f"{factor}_{window}" for window, factor in present.columns]

    covering = child_spells[(child_spells["vstart"] <= R) & (child_spells["vend"] >= R)]
    covering = covering.sort_values(["vstart", "vend", "hh_order"]).drop_duplicates("person", keep="last")
    counted = children.merge(covering[["person", "lsoa"]].rename(columns={"person": "child"}), on="child",
                             how="left")
    counted["lsoa"] = counted["lsoa"].fillna(counted["register_lsoa"])
    counted = counted[(counted["age"] >= 0) & (counted["age"] <= 17)].copy()
    counted["age_band"] = band(counted["age"], CHILD_BANDS)
    counted = counted.merge(present, left_on="child", right_index=True, how="left")
    for f in TRIO:
        for w in ("year", "3y"):
            column = f"{f}_{w}"
            counted[column] = counted[column].fillna(False).astype(bool) if column in counted else False
    return counted


def area_table(counted, out_csv):
    year = counted[[f"{f}_year" for f in TRIO]]
    trio_year = year.sum(axis=1)
    trio_3y = counted[[f"{f}_3y" for f in TRIO]].sum(axis=1)
    columns = {"children": 1}
    for f in TRIO:
        for w in ("year", "3y"):
            columns[f"{f}_{w}"] = counted[f"{f}_{w}"]
    for n in range(4):
        columns[f"trio_{n}_year"] = trio_year == n
    for combination, name in zip(COMBINATIONS, AREA_COLUMNS[15:23]):
        match = pd.Series(True, index=counted.index)
        for f in TRIO:
            match &= counted[f"{f}_year"] == (f in combination)
        columns[name] = match
    columns["toxic_trio_year"] = trio_year == 3
    columns["toxic_trio_3y"] = trio_3y == 3
    flags = pd.DataFrame(columns, index=counted.index).astype("int64")
    flags["lsoa"] = counted["lsoa"].fillna("\uffff")  # children without an area sort last
    flags["age_band"] = counted["age_band"]
    sums = flags.groupby(["lsoa", "age_band"]).sum()
    bands = [label for _, _, label in CHILD_BANDS]
    grid = pd.MultiIndex.from_product([sorted(flags["lsoa"].unique()), bands], names=["lsoa", "age_band"])
    table = sums.reindex(grid, fill_value=0).reset_index()
    table["lsoa"] = table["lsoa"].replace("\uffff", "")
    table.insert(0, "period_start", YEAR_START.isoformat())
    table.insert(1, "period_end", REFERENCE_DATE.isoformat())
    table[AREA_COLUMNS].to_csv(out_csv, index=False, lineterminator="\n")
