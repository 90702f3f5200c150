"""The de-identified streams and the toxic-trio area table (DuckDB), as docs/measures.md and
docs/overlay.md define them for pipelines/bench.yaml.

`deid_<stream>`: every stream with its persons' pseudonyms (`<role>_id`), ages and age bands,
the household pseudonym (a UPRN's; else the address's, or the UPRN household a register row
tied that address to), the LSOA, the kept fields and the dates to the day.

The overlay: children are the people register's rows of type child (the first row of each
pseudonym); an adult's domestic-abuse (children present), substance-misuse or mental-health
record reaches a child through the adult's household on the record's days, the record's own
address, or a relationship, over the days each route holds; a factor is present in a window
when a reached stretch overlaps it. Each child counts in the LSOA of the address they lived at
on the reference date (the spell that started last), else the register's.
"""

from authority import (AREA_COLUMNS, CHILD_BANDS, COMBINATIONS, INPUTS, REFERENCE_DATE, REGISTERS,
                       STREAMS, THREE_YEAR_START, TRIO, YEAR_START)
from sql.linkage import ALWAYS, NEVER, SPELL_OFFSET

R = f"DATE '{REFERENCE_DATE.isoformat()}'"
Y1 = f"DATE '{YEAR_START.isoformat()}'"
Y3 = f"DATE '{THREE_YEAR_START.isoformat()}'"


def lookup_sql(data_dir):
    return f"""
CREATE TABLE lookup AS
SELECT postcode(clean(pcds)) AS postcode, any_value(clean(lsoa21cd)) AS lsoa
FROM read_csv('{data_dir}/reference/postcode_lookup.csv', header = true, all_varchar = true)
WHERE postcode(clean(pcds)) IS NOT NULL GROUP BY 1;
CREATE TABLE address_links AS
SELECT hh_address, arg_min(hh_uprn, seq) AS uprn_household, min(seq) AS linked_at FROM (
  SELECT rid AS seq, hh_uprn, hh_address FROM norm_people
  UNION ALL SELECT rid + {SPELL_OFFSET}, hh_uprn, hh_address FROM norm_address_history)
WHERE hh_uprn IS NOT NULL AND hh_address IS NOT NULL GROUP BY hh_address;
"""


def register_links_sql(stream):
    offset = REGISTERS.index(stream) * SPELL_OFFSET
    return f"""
CREATE TABLE link_{stream}_person AS
SELECT g.seq - {offset} AS rid, p.pseudonym FROM reg g
JOIN reg_person rp USING (seq) JOIN persons p USING (person) WHERE g.stream = '{stream}';
"""


def deidentified_sql(stream):
    spec = STREAMS[stream]
    columns = {field: kind for field, _, kind, _ in INPUTS[stream][2]}
    select, joins = ["t.rid"], []
    for role, person in spec["persons"].items():
        joins.append(f"LEFT JOIN link_{stream}_{role} l_{role} USING (rid)")
        select.append(f"l_{role}.pseudonym AS {role}_id")
        dob = person["fields"].get("date_of_birth")
        if dob:
            select.append(f"age_at(t.{dob}, {R}) AS {role}_age")
            select.append(f"person_band(age_at(t.{dob}, {R})) AS {role}_age_band")
    if spec.get("household"):
        # A register row tied an address to its UPRN for the rows after it; other streams
        # come after the registers.
        offset = REGISTERS.index(stream) * SPELL_OFFSET if stream in REGISTERS else None
        later = f" AND al.linked_at < n.rid + {offset}" if offset is not None else ""
        joins.append(f"LEFT JOIN address_links al ON al.hh_address = n.hh_address AND n.hh_uprn IS NULL{later}")
        select.append("coalesce(n.hh_uprn, al.uprn_household, n.hh_address) AS household_id")
    if spec.get("area"):
        joins.append("LEFT JOIN lookup lk ON lk.postcode = n.area_postcode")
        select.append("lk.lsoa AS lsoa")
    select += [f"t.{field}" for field in spec["keep"] + spec["dates"] if field in columns]
    return f"""
CREATE TABLE deid_{stream} AS
SELECT {", ".join(select)}
FROM {stream} t JOIN norm_{stream} n USING (rid) {" ".join(joins)};
"""


OVERLAY = f"""
CREATE TABLE children AS
SELECT person_id AS child, person_age AS age, lsoa AS register_lsoa FROM deid_people
WHERE person_type = 'child' AND person_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY rid) = 1;

CREATE TABLE spells AS
SELECT person, household, vstart, vend, lsoa, hh_order FROM (
  SELECT person_id AS person, household_id AS household,
         coalesce(start_date, {ALWAYS}) AS vstart, coalesce(end_date, {NEVER}) AS vend, lsoa,
         min(rid) OVER (PARTITION BY household_id) AS hh_order
  FROM deid_address_history WHERE person_id IS NOT NULL AND household_id IS NOT NULL)
WHERE vstart <= vend;
CREATE TABLE child_spells AS SELECT s.* FROM spells s SEMI JOIN children c ON c.child = s.person;
CREATE TABLE related AS
SELECT DISTINCT related_id AS adult, child_id AS child FROM deid_relationships r
SEMI JOIN children c ON c.child = r.child_id WHERE related_id IS NOT NULL;

CREATE TABLE factor_records AS
SELECT 'domestic_abuse' AS factor, rid, victim_id AS adult, household_id AS household,
       incident_date AS rstart, incident_date AS rend
FROM deid_police_da WHERE children_present AND incident_date IS NOT NULL
UNION ALL
SELECT 'substance_misuse', rid, client_id, NULL, episode_start, coalesce(episode_end, {NEVER})
FROM deid_substance_misuse
WHERE episode_start IS NOT NULL AND (episode_end IS NULL OR episode_end >= episode_start)
UNION ALL
SELECT 'mental_health', rid, patient_id, NULL, start_date, coalesce(end_date, {NEVER})
FROM deid_adult_mental_health
WHERE start_date IS NOT NULL AND (end_date IS NULL OR end_date >= start_date);

-- The stretches of each record's days over which it reaches each child, by the three routes.
CREATE TABLE reached AS
SELECT r.factor, r.rid, c.person AS child,
       greatest(r.rstart, a.vstart, c.vstart) AS pstart, least(r.rend, a.vend, c.vend) AS pend
FROM factor_records r
JOIN spells a ON a.person = r.adult AND a.vstart <= r.rend AND a.vend >= r.rstart
JOIN child_spells c ON c.household = a.household
     AND c.vstart <= least(r.rend, a.vend) AND c.vend >= greatest(r.rstart, a.vstart)
UNION ALL
SELECT r.factor, r.rid, c.person, greatest(r.rstart, c.vstart), least(r.rend, c.vend)
FROM factor_records r
JOIN child_spells c ON c.household = r.household AND c.vstart <= r.rend AND c.vend >= r.rstart
UNION ALL
SELECT r.factor, r.rid, rel.child, r.rstart, r.rend
FROM factor_records r JOIN related rel ON rel.adult = r.adult;

CREATE TABLE present AS
SELECT child,
       {", ".join(f"bool_or(factor = '{f}' AND pstart <= {R} AND pend >= {Y1}) AS {f}_year, "
                  f"bool_or(factor = '{f}' AND pstart <= {R} AND pend >= {Y3}) AS {f}_3y" for f in TRIO)}
FROM reached GROUP BY child;

CREATE TABLE counted AS
WITH covering AS (
  SELECT person AS child, lsoa FROM child_spells WHERE vstart <= {R} AND vend >= {R}
  QUALIFY row_number() OVER (PARTITION BY person ORDER BY vstart DESC, vend DESC, hh_order DESC) = 1
)
SELECT coalesce(cv.lsoa, ch.register_lsoa) AS lsoa,
       CASE {" ".join(f"WHEN ch.age BETWEEN {lo} AND {hi} THEN '{label}'" for lo, hi, label in CHILD_BANDS)} END
         AS age_band,
       {", ".join(f"coalesce(p.{f}_{w}, false) AS {f}_{w}" for f in TRIO for w in ("year", "3y"))}
FROM children ch LEFT JOIN covering cv USING (child) LEFT JOIN present p USING (child)
WHERE ch.age BETWEEN 0 AND 17;
"""


def area_table_sql(out_csv):
    year = [f"{f}_year" for f in TRIO]
    trio_year = " + ".join(f"{c}::INT" for c in year)
    trio_3y = " + ".join(f"{f}_3y::INT" for f in TRIO)
    sums = ["count(*) AS children"]
    sums += [f"count_if({f}_{w}) AS {f}_{w}" for f in TRIO for w in ("year", "3y")]
    sums += [f"count_if({trio_year} = {n}) AS trio_{n}_year" for n in range(4)]
    for combination, name in zip(COMBINATIONS, AREA_COLUMNS[15:23]):
        condition = " AND ".join(c if c[:-5] in combination else f"NOT {c}" for c in year)
        sums.append(f"count_if({condition}) AS \"{name}\"")
    sums += [f"count_if({trio_year} = 3) AS toxic_trio_year", f"count_if({trio_3y} = 3) AS toxic_trio_3y"]
    bands = ", ".join(f"('{label}', {i})" for i, (_, _, label) in enumerate(CHILD_BANDS))
    values = ", ".join(f"coalesce(t.\"{c}\", 0) AS \"{c}\"" for c in AREA_COLUMNS[4:])
    return f"""
COPY (
  WITH sums AS (SELECT lsoa, age_band, {", ".join(sums)} FROM counted GROUP BY lsoa, age_band),
  grid AS (SELECT a.lsoa, b.band, b.i FROM (SELECT DISTINCT lsoa FROM counted) a
           CROSS JOIN (VALUES {bands}) b(band, i))
  SELECT '{YEAR_START.isoformat()}' AS period_start, '{REFERENCE_DATE.isoformat()}' AS period_end,
         g.lsoa, g.band AS age_band, {values}
  FROM grid g LEFT JOIN sums t ON t.lsoa IS NOT DISTINCT FROM g.lsoa AND t.age_band = g.band
  ORDER BY g.lsoa NULLS LAST, g.i
) TO '{out_csv}' (HEADER, DELIMITER ',');
"""
