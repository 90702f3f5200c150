"""DuckDB macros: typed values, identifier normalisation and keyed hashing.

The rules are docs/deidentification.md's ("Normalisation before hashing") as safeguard applies
them: text trimmed of spaces, tabs and line ends (empty is missing); NHS numbers with their
modulus-11 check, UPNs with their check letter; names and addresses folded (apostrophes
removed, accents stripped, upper case, letters with no decomposition spelled out, anything else
that is not a letter or digit a word break); postcodes in standard form; UPRNs as numbers.
"""

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
APOSTROPHES = "'`\u00b4\u00b7\u2018\u2019\u201b\u2032\u02bc\u02bb\uff07"
# Upper-case letters Unicode does not decompose, spelled out after upper-casing (ß upper-cases
# to ẞ in DuckDB, SS in Swift: both become SS).
SPELLED = [("Æ", "AE"), ("Ø", "O"), ("Ł", "L"), ("Đ", "D"), ("Ð", "D"), ("Þ", "TH"),
           ("Œ", "OE"), ("Ħ", "H"), ("Ŧ", "T"), ("Ŋ", "N"), ("ẞ", "SS"), ("ß", "SS"), ("ı", "I")]
ADDRESS_WORDS = {
    "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "CL": "CLOSE", "CRES": "CRESCENT",
    "DR": "DRIVE", "GDNS": "GARDENS", "GRN": "GREEN", "LN": "LANE", "PL": "PLACE", "SQ": "SQUARE",
    "TCE": "TERRACE", "TERR": "TERRACE", "CT": "COURT", "PK": "PARK", "HSE": "HOUSE",
}
# Windows-1252 where it differs from Latin-1 (0x80-0x9F): DuckDB reads Latin-1 only.
CP1252 = {0x80: "€", 0x82: "‚", 0x83: "ƒ", 0x84: "„", 0x85: "…", 0x86: "†", 0x87: "‡",
          0x88: "ˆ", 0x89: "‰", 0x8A: "Š", 0x8B: "‹", 0x8C: "Œ", 0x8E: "Ž", 0x91: "‘",
          0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•", 0x96: "–", 0x97: "—", 0x98: "˜",
          0x99: "™", 0x9A: "š", 0x9B: "›", 0x9C: "œ", 0x9E: "ž", 0x9F: "Ÿ"}


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def _spell(expr):
    for letter, spelled in SPELLED:
        expr = f"replace({expr}, '{letter}', '{spelled}')"
    return expr


def _address_words():
    cases = " ".join(f"WHEN '{a}' THEN '{b}'" for a, b in ADDRESS_WORDS.items())
    return f"CASE w {cases} ELSE w END"


def macros(key_hex):
    # Digits by their code points (ascii - 48): no cast that could fail on a value not yet checked.
    nhs_sum = " + ".join(f"(ascii(substr(d, {i + 1}, 1)) - 48) * {10 - i}" for i in range(9))
    upn_sum = " + ".join(f"(ascii(substr(u, {i + 2}, 1)) - 48) * {i + 2}" for i in range(11))
    cp_from = "".join(chr(b) for b in CP1252)
    cp_to = "".join(CP1252.values())
    spaces = sql_string(" \t\r\n")
    abbreviations = sql_string(r"\b(" + "|".join(ADDRESS_WORDS) + r")\b")
    return f"""
SET VARIABLE pseudonym_key = {sql_string(key_hex)};
-- trim() alone takes only spaces, and is three times faster than with a set of characters:
-- tabs and line ends, rare at the ends of a cell, are looked for first.
CREATE MACRO clean(v) AS nullif(CASE WHEN regexp_matches(v, '^[\t\r\n]|[\t\r\n]$')
    THEN trim(v, {spaces}) ELSE trim(v) END, '');
CREATE MACRO cp1252(v) AS translate(v, {sql_string(cp_from)}, {sql_string(cp_to)});

-- Typed values of a cleaned cell (NULL when it does not fit: the row is then quarantined).
CREATE MACRO dmy(v) AS CASE WHEN regexp_full_match(v, '\\d{{2}}/\\d{{2}}/\\d{{4}}(?:[ T]\\d{{1,2}}:\\d{{2}}(?::\\d{{2}})?)?')
    THEN try_strptime(left(v, 10), '%d/%m/%Y')::DATE END;
CREATE MACRO iso(v) AS CASE WHEN regexp_full_match(v, '\\d{{4}}-\\d{{2}}-\\d{{2}}(?:[ T]\\d{{1,2}}:\\d{{2}}(?::\\d{{2}})?)?')
    THEN try_strptime(left(v, 10), '%Y-%m-%d')::DATE END;
CREATE MACRO yes_no(v) AS CASE WHEN lower(v) IN ('y', 'yes', '1', 'true', 't') THEN true
    WHEN lower(v) IN ('n', 'no', '0', 'false', 'f') THEN false END;
CREATE MACRO whole(v) AS CASE WHEN regexp_full_match(v, '[+-]?(\\d{{1,3}}(,\\d{{3}})+|\\d+)(\\.0+)?')
    THEN TRY_CAST(regexp_replace(regexp_replace(v, '\\.0+$', ''), ',', '', 'g') AS BIGINT) END;

-- Identifiers.
CREATE MACRO nhs_check(d) AS 11 - ({nhs_sum}) % 11;
CREATE MACRO nhs_digits_ok(d) AS CASE WHEN regexp_full_match(d, '[0-9]{{10}}')
    AND (CASE nhs_check(d) WHEN 11 THEN 0 ELSE nhs_check(d) END) = ascii(substr(d, 10, 1)) - 48 THEN d END;
CREATE MACRO nhs_number(v) AS nhs_digits_ok(replace(replace(v, ' ', ''), '-', ''));
CREATE MACRO upn_last(c) AS CASE WHEN c BETWEEN '0' AND '9' THEN ascii(c) - 48
    ELSE instr('{UPN_LETTERS}', c) - 1 END;
CREATE MACRO upn_ok(u) AS CASE WHEN length(u) = 13 AND regexp_full_match(substr(u, 2, 11), '[0-9]{{11}}')
    AND upn_last(substr(u, 13, 1)) >= 0
    AND substr('{UPN_LETTERS}', (({upn_sum}) + upn_last(substr(u, 13, 1)) * 13) % 23 + 1, 1) = substr(u, 1, 1)
    THEN u END;
CREATE MACRO upn(v) AS upn_ok(upper(replace(v, ' ', '')));
CREATE MACRO local_id(v) AS nullif(CASE WHEN suffix(v, '.0') THEN left(v, length(v) - 2) ELSE v END, '');
CREATE MACRO postcode_compact(v) AS upper(regexp_replace(v, '[ \\t\\r\\n]', '', 'g'));
CREATE MACRO postcode_std(c) AS CASE WHEN regexp_full_match(c, '[A-Z][A-Z0-9]{{1,3}}[0-9][A-Z]{{2}}')
    THEN left(c, length(c) - 3) || ' ' || right(c, 3) END;
CREATE MACRO postcode(v) AS postcode_std(postcode_compact(v));
-- Folding; plain ASCII text (most names: strlen counts bytes, length characters) skips the
-- accent stripping and the letters spelled out.
CREATE MACRO fold_unicode(v) AS regexp_replace(
    {_spell("upper(strip_accents(regexp_replace(v, " + sql_string("[" + APOSTROPHES + "]") + ", '', 'g')))")},
    '[^\\pL\\pN]+', ' ', 'g');
CREATE MACRO fold_ascii(v) AS regexp_replace(upper(regexp_replace(v, '[''`]', '', 'g')), '[^A-Z0-9]+', ' ', 'g');
CREATE MACRO fold(v) AS nullif(trim(CASE WHEN strlen(v) = length(v) THEN fold_ascii(v) ELSE fold_unicode(v) END), '');
CREATE MACRO expand_words(f) AS CASE WHEN regexp_matches(f, {abbreviations})
    THEN array_to_string(list_transform(string_split(f, ' '), lambda w: {_address_words()}), ' ') ELSE f END;
CREATE MACRO address_line(v) AS expand_words(fold(v));
CREATE MACRO uprn(v) AS CASE WHEN regexp_full_match(v, '0*[1-9][0-9]{{0,11}}(\\.0*)?')
    THEN regexp_replace(regexp_replace(v, '\\.0*$', ''), '^0+', '') END;
CREATE MACRO dob_text(d) AS strftime(d, '%Y-%m-%d');

-- Keyed pseudonyms: SHA-256 of the key, the identifier's domain and its normal form, cut to
-- 128 bits (DuckDB has no HMAC; the key comes first, so nobody without it can compute one).
CREATE MACRO pseudonym(domain, v) AS CASE WHEN v IS NOT NULL
    THEN left(sha256(getvariable('pseudonym_key') || '|' || domain || '|' || v), 32) END;

-- Ages in completed years at a day (NULL for a birth after it), and deidentify's bands.
CREATE MACRO age_at(dob, day) AS CASE WHEN dob <= day THEN
    ((year(day) * 10000 + month(day) * 100 + day(day))
     - (year(dob) * 10000 + month(dob) * 100 + day(dob))) // 10000 END;
CREATE MACRO person_band(a) AS CASE WHEN a IS NULL THEN NULL WHEN a <= 4 THEN '0-4'
    WHEN a <= 9 THEN '5-9' WHEN a <= 15 THEN '10-15' WHEN a <= 17 THEN '16-17'
    WHEN a <= 24 THEN '18-24' WHEN a <= 34 THEN '25-34' WHEN a <= 49 THEN '35-49' ELSE '50+' END;
"""
