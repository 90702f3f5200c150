"""Linking records to people through the registers (DuckDB), by docs/deidentification.md's
rules ("Linkage rules: never a silent merge", "Declaring match rules").

Register rows (people, then address_history) are linked in order: a row links to the person
of earlier rows when, for the first of its rules that leads anywhere useful, exactly one such
person's strong identifiers (NHS number, else UPN) do not disagree with the row's; otherwise it
is a new person. Written set-based: the pairs of rows sharing a key are found with one join
(only keys shared by two or more rows can link anything), then the links are worked out
round by round, each row's candidates being the persons its earlier partners belong to, until
no link changes (from a first guess that puts rows sharing a key together). A person's strong
identifiers at row r are those of the first of its rows
before r that has one.

A record of another stream links, by its role's rules in order, to the one registered person
its key leads to (postcodes only on the days a spell holds them, or currently when the rule
has no `on:`) whose strong identifiers agree; otherwise it keeps a pseudonym of its own first
key, re-keyed into a domain of its own when a rule was refused or ambiguous.
"""

from authority import INDEX_RULES, REGISTERS, STREAMS, key_column, role_rules, rule_name, rules

SPELL_OFFSET = 10 ** 12  # address_history rows come after every people row
NEVER = "'infinity'::DATE"
ALWAYS = "'-infinity'::DATE"


def first_key(role, own, prefix=""):
    """The role's first key in rule order (a record no rule links keeps its pseudonym)."""
    columns = [prefix + key_column(role, r) for r in own]
    return "coalesce(" + ", ".join(columns) + ")" if len(columns) > 1 else columns[0]


def _register_rows():
    """One row per register row with its strong keys, names, birth, keys and spell."""
    selects = []
    for stream, offset in zip(REGISTERS, (0, SPELL_OFFSET)):
        role = "person"
        found, fields = role_rules(stream, role)
        own = rules(STREAMS[stream]["persons"][role])
        first = first_key(role, own)
        cols = [f"n.rid + {offset} AS seq", f"'{stream}' AS stream", f"{role}_nhs AS nhs",
                f"{role}_upn_key AS upn", f"{first} AS first_key"]
        for name in ("forename", "surname", "date_of_birth"):
            cols.append(f"{role}_{name} AS {name}" if name in fields else f"NULL::VARCHAR AS {name}")
        for rule in INDEX_RULES:
            own_key = rule in found and not ("spell" in STREAMS[stream] and "postcode" in rule)
            cols.append(f"{key_column(role, rule)} AS k{INDEX_RULES.index(rule)}" if own_key
                        else f"NULL::VARCHAR AS k{INDEX_RULES.index(rule)}")
        spell = STREAMS[stream].get("spell")
        if spell:
            cols += [f"{role}_postcode AS spell_postcode",
                     f"coalesce(t.{spell[0]}, {ALWAYS}) AS vfrom", f"coalesce(t.{spell[1]}, {NEVER}) AS vto"]
        else:
            cols += ["NULL::VARCHAR AS spell_postcode", f"{ALWAYS} AS vfrom", f"{NEVER} AS vto"]
        selects.append(f"SELECT {', '.join(cols)} FROM norm_{stream} n JOIN {stream} t USING (rid)")
    return "CREATE TABLE reg AS\n" + "\nUNION ALL\n".join(selects) + ";"


def _register_keys():
    """Every key a register row adds (always held) and its place in the row's own rules."""
    parts = []
    for i, rule in enumerate(INDEX_RULES):
        positions = []
        for stream in REGISTERS:
            own = rules(STREAMS[stream]["persons"]["person"])
            if rule in own:
                positions.append(f"WHEN '{stream}' THEN {own.index(rule)}")
        pos = f"CASE stream {' '.join(positions)} END" if positions else "NULL::INT"
        parts.append(f"SELECT seq, {i} AS rule, k{i} AS key, {pos} AS pos FROM reg WHERE k{i} IS NOT NULL")
    return "CREATE TABLE reg_keys AS\n" + "\nUNION ALL\n".join(parts) + ";"


REGISTER_SETUP = """
CREATE TABLE reg_pairs AS
WITH shared AS (SELECT rule, key FROM reg_keys GROUP BY rule, key HAVING count(*) > 1),
     keyed AS (SELECT k.* FROM reg_keys k SEMI JOIN shared s ON s.rule = k.rule AND s.key = k.key)
SELECT a.seq AS r, a.pos, b.seq AS e
FROM keyed a JOIN keyed b ON b.rule = a.rule AND b.key = a.key AND b.seq < a.seq
WHERE a.pos IS NOT NULL;
-- Only rows that share a key can link or be linked to: the rounds work on them alone.
CREATE TABLE reg_involved AS
SELECT seq, nhs, upn FROM reg SEMI JOIN (SELECT r AS seq FROM reg_pairs UNION SELECT e FROM reg_pairs) USING (seq);
-- A first guess that the rounds then correct: every row belongs with the earliest row it
-- shares a key with (followed once more, for a partner that shares a key with a still earlier
-- row). Rows are linked in order, so each round settles at least the earliest row still
-- wrong; from this guess, a register with many rows per person settles in a few rounds.
CREATE TABLE reg_guess AS SELECT r, min(e) AS person FROM reg_pairs GROUP BY r;
CREATE TABLE reg_link AS
SELECT g.r, coalesce(h.person, g.person) AS person FROM reg_guess g LEFT JOIN reg_guess h ON h.r = g.person;
DROP TABLE reg_guess;
CREATE TABLE reg_scope AS SELECT DISTINCT r FROM reg_pairs;
"""

# One round, over the rows in scope: each row's candidates are the persons of its earlier
# partners under the current links; the first rule with exactly one agreeing person links it.
# The next round's scope is the rows whose partners, or whose partners' persons, changed.
REGISTER_ROUND = """
CREATE OR REPLACE TABLE reg_link_part AS
WITH cand AS (
  SELECT DISTINCT p.r, p.pos, coalesce(l.person, p.e) AS person
  FROM reg_pairs p SEMI JOIN reg_scope s ON s.r = p.r LEFT JOIN reg_link l ON l.r = p.e
), members AS (
  SELECT coalesce(l.person, g.seq) AS person, g.seq, g.nhs, g.upn
  FROM reg_involved g LEFT JOIN reg_link l ON l.r = g.seq
  WHERE (g.nhs IS NOT NULL OR g.upn IS NOT NULL)
    AND coalesce(l.person, g.seq) IN (SELECT person FROM cand)
), strong AS (
  SELECT c.r, c.pos, c.person,
         arg_min(m.nhs, m.seq) FILTER (WHERE m.nhs IS NOT NULL) AS p_nhs,
         arg_min(m.upn, m.seq) FILTER (WHERE m.upn IS NOT NULL) AS p_upn
  FROM cand c LEFT JOIN members m ON m.person = c.person AND m.seq < c.r
  GROUP BY c.r, c.pos, c.person
), judged AS (
  SELECT s.r, s.pos,
         count(*) FILTER (WHERE agree) AS n, any_value(s.person) FILTER (WHERE agree) AS person
  FROM (SELECT s.*, CASE WHEN s.p_nhs IS NOT NULL AND g.nhs IS NOT NULL THEN s.p_nhs = g.nhs
                         WHEN s.p_upn IS NOT NULL AND g.upn IS NOT NULL THEN s.p_upn = g.upn
                         ELSE true END AS agree
        FROM strong s JOIN reg_involved g ON g.seq = s.r) s
  GROUP BY s.r, s.pos
)
SELECT r, arg_min(person, pos) AS person FROM judged WHERE n = 1 GROUP BY r;
"""

ROUND_APPLY = """
CREATE OR REPLACE TABLE reg_changed AS
SELECT s.r, o.person AS old, n.person AS new
FROM reg_scope s LEFT JOIN reg_link o ON o.r = s.r LEFT JOIN reg_link_part n ON n.r = s.r
WHERE o.person IS DISTINCT FROM n.person;
DELETE FROM reg_link WHERE r IN (SELECT r FROM reg_changed);
INSERT INTO reg_link SELECT r, new FROM reg_changed WHERE new IS NOT NULL;
CREATE OR REPLACE TABLE reg_scope AS
WITH touched AS (SELECT r AS seq FROM reg_changed UNION SELECT old FROM reg_changed
                 UNION SELECT new FROM reg_changed)
SELECT DISTINCT p.r FROM reg_pairs p LEFT JOIN reg_link l ON l.r = p.e
WHERE p.e IN (SELECT seq FROM touched) OR coalesce(l.person, p.e) IN (SELECT seq FROM touched);
"""


def _persons_sql():
    spell_keys = []
    for i, rule in enumerate(INDEX_RULES):
        if "postcode" not in rule:
            continue
        parts = " || '|' || ".join("g.spell_postcode" if f == "postcode" else f"p.{f}" for f in rule)
        spell_keys.append(
            f"SELECT {i} AS rule, pseudonym('{rule_name(rule)}', {parts}) AS key, rp.person, g.vfrom, g.vto "
            f"FROM reg g JOIN reg_person rp USING (seq) JOIN persons p USING (person) "
            f"WHERE g.stream = 'address_history'")
    return f"""
CREATE TABLE reg_person AS
SELECT g.seq, coalesce(l.person, g.seq) AS person
FROM reg g LEFT JOIN reg_link l ON l.r = g.seq WHERE g.first_key IS NOT NULL;
CREATE TABLE persons AS
WITH creators AS (
  SELECT g.seq AS person, g.first_key,
         row_number() OVER (PARTITION BY g.first_key ORDER BY g.seq) AS nth
  FROM reg g ANTI JOIN reg_link l ON l.r = g.seq WHERE g.first_key IS NOT NULL
), facts AS (
  SELECT rp.person,
         arg_min(g.nhs, g.seq) FILTER (WHERE g.nhs IS NOT NULL) AS nhs,
         arg_min(g.upn, g.seq) FILTER (WHERE g.upn IS NOT NULL) AS upn,
         arg_min(g.forename, g.seq) FILTER (WHERE g.forename IS NOT NULL) AS forename,
         arg_min(g.surname, g.seq) FILTER (WHERE g.surname IS NOT NULL) AS surname,
         arg_min(g.date_of_birth, g.seq) FILTER (WHERE g.date_of_birth IS NOT NULL) AS date_of_birth
  FROM reg_person rp JOIN reg g USING (seq) GROUP BY rp.person
)
SELECT c.person,
       CASE WHEN c.nth = 1 THEN c.first_key ELSE pseudonym('person-unresolved', c.first_key) END AS pseudonym,
       f.nhs, f.upn, f.forename, f.surname, f.date_of_birth
FROM creators c JOIN facts f USING (person);
CREATE TABLE person_keys AS
SELECT * FROM (
  SELECT k.rule, k.key, rp.person, {ALWAYS} AS vfrom, {NEVER} AS vto
  FROM reg_keys k JOIN reg_person rp USING (seq)
  UNION ALL
  {" UNION ALL ".join(spell_keys)}
) WHERE key IS NOT NULL;
"""


def link_registers(con, log):
    con.execute(_register_rows())
    con.execute(_register_keys())
    con.execute(REGISTER_SETUP)
    for round_ in range(1, 101):
        con.execute(REGISTER_ROUND)
        con.execute(ROUND_APPLY)
        if con.execute("SELECT count(*) FROM reg_changed").fetchone()[0] == 0:
            log(f"register links settled after {round_} rounds")
            break
    else:
        raise RuntimeError("register links did not settle in 100 rounds")
    con.execute(_persons_sql())


def _record_roles():
    return [(stream, role) for stream, spec in STREAMS.items() if stream not in REGISTERS
            for role in spec["persons"]]


def link_records_sql():
    """CREATE TABLE link_<stream>_<role> (rid, pseudonym) for every role of every stream that
    is not a register: all their keys are matched against the registered people's in one join."""
    keys, strong = [], []
    for source, (stream, role) in enumerate(_record_roles()):
        spec = STREAMS[stream]["persons"][role]
        own = rules(spec)
        on = spec["on"]
        for pos, rule in enumerate(own):
            dated = bool(on) and "postcode" in rule
            keys.append(
                f"SELECT {source} AS source, rid, {pos} AS pos, {INDEX_RULES.index(rule)} AS rule, "
                f"{key_column(role, rule)} AS key, {f'{role}_on' if dated else 'NULL::DATE'} AS day, "
                f"{str(dated).lower()} AS dated FROM norm_{stream} "
                f"WHERE {key_column(role, rule)} IS NOT NULL" + (f" AND {role}_on IS NOT NULL" if dated else ""))
        strong.append(f"SELECT {source} AS source, rid, {role}_nhs AS nhs, {role}_upn_key AS upn, "
                      f"{first_key(role, own)} AS first_key FROM norm_{stream}")
    sql = f"""
CREATE TABLE record_keys AS {" UNION ALL ".join(keys)};
CREATE TABLE record_strong AS {" UNION ALL ".join(strong)};
-- A key with a postcode holds on the record's day (`on:`), else only if current; others always.
CREATE TABLE record_resolved AS
WITH cand AS (
  SELECT DISTINCT k.source, k.rid, k.pos, pk.person
  FROM record_keys k JOIN person_keys pk ON pk.rule = k.rule AND pk.key = k.key
  WHERE CASE WHEN k.dated THEN pk.vfrom <= k.day AND k.day <= pk.vto ELSE pk.vto = {NEVER} END
), judged AS (
  SELECT c.source, c.rid, c.pos, count(*) FILTER (WHERE agree) AS n,
         any_value(c.person) FILTER (WHERE agree) AS person
  FROM (SELECT c.*, CASE WHEN p.nhs IS NOT NULL AND s.nhs IS NOT NULL THEN p.nhs = s.nhs
                         WHEN p.upn IS NOT NULL AND s.upn IS NOT NULL THEN p.upn = s.upn
                         ELSE true END AS agree
        FROM cand c JOIN persons p USING (person) JOIN record_strong s USING (source, rid)) c
  GROUP BY c.source, c.rid, c.pos
)
SELECT source, rid, arg_min(person, pos) FILTER (WHERE n = 1) AS person, bool_or(n <> 1) AS unresolved
FROM judged GROUP BY source, rid;
"""
    for source, (stream, role) in enumerate(_record_roles()):
        sql += f"""
CREATE TABLE link_{stream}_{role} AS
SELECT s.rid,
       CASE WHEN r.person IS NOT NULL THEN p.pseudonym
            WHEN r.unresolved THEN pseudonym('person-unresolved', s.first_key)
            ELSE s.first_key END AS pseudonym
FROM record_strong s LEFT JOIN record_resolved r USING (source, rid) LEFT JOIN persons p ON p.person = r.person
WHERE s.source = {source};
"""
    return sql
