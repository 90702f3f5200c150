"""Identifier normalisation and keyed pseudonyms (pandas), by docs/deidentification.md's
rules as safeguard applies them; vectorised string methods (pyarrow's, with RE2 regular
expressions) throughout. Pseudonyms are HMAC-SHA-256 under the key over the identifier's
domain and normal form, cut to 128 bits: hashlib is called once per distinct value.
"""

import hashlib
import hmac

import pandas as pd

from authority import KEY_ORDER, STREAMS, key_column, role_rules, rule_name

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
APOSTROPHES = "['`\u00b4\u00b7\u2018\u2019\u201b\u2032\u02bc\u02bb\uff07]"
SPELLED = {"Æ": "AE", "Ø": "O", "Ł": "L", "Đ": "D", "Ð": "D", "Þ": "TH", "Œ": "OE", "Ħ": "H",
           "Ŧ": "T", "Ŋ": "N", "ẞ": "SS", "ß": "SS", "ı": "I"}
ADDRESS_WORDS = {
    "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "CL": "CLOSE", "CRES": "CRESCENT",
    "DR": "DRIVE", "GDNS": "GARDENS", "GRN": "GREEN", "LN": "LANE", "PL": "PLACE", "SQ": "SQUARE",
    "TCE": "TERRACE", "TERR": "TERRACE", "CT": "COURT", "PK": "PARK", "HSE": "HOUSE",
}


class Hasher:
    def __init__(self, key_hex):
        self.key = bytes.fromhex(key_hex)

    def __call__(self, domain, values):
        """The pseudonyms of a column of normal forms (missing stays missing)."""
        distinct = values.dropna().unique().tolist()
        prefix, key = (domain + "|").encode(), self.key
        table = {v: hmac.digest(key, prefix + v.encode(), hashlib.sha256).hex()[:32] for v in distinct}
        return values.map(table).astype("str")


def digits_at(text, position):
    return text.str.slice(position, position + 1).astype("Int64")


def nhs_number(text):
    digits = text.str.replace(r"[ -]", "", regex=True)
    shaped = digits.str.fullmatch(r"[0-9]{10}").fillna(False).astype(bool)
    digits = digits.where(shaped)
    total = sum(digits_at(digits, i) * (10 - i) for i in range(9))
    check = 11 - total % 11
    check = check.mask(check == 11, 0)
    return digits.where((check == digits_at(digits, 9)).fillna(False).astype(bool))


def upn(text):
    u = text.str.replace(" ", "").str.upper()
    shaped = (u.str.len() == 13) & u.str.slice(1, 12).str.fullmatch(r"[0-9]{11}").fillna(False)
    u = u.where(shaped.fillna(False).astype(bool))
    last_char = u.str.slice(12, 13)
    last = last_char.map({c: i for i, c in enumerate(UPN_LETTERS)}).astype("Int64")
    last = last.where(~last_char.str.isdigit().fillna(False).astype(bool), digits_at(u.where(
        last_char.str.isdigit().fillna(False).astype(bool)), 12))
    total = sum(digits_at(u, i + 1) * (i + 2) for i in range(11)) + last * 13
    check = (total % 23).map(dict(enumerate(UPN_LETTERS)))
    return u.where((check == u.str.slice(0, 1)).fillna(False).astype(bool))


def local_id(text):
    stripped = text.str.replace(r"\.0$", "", regex=True)
    return stripped.mask(stripped == "")


def postcode(text):
    compact = text.str.replace(r"[ \t\r\n]", "", regex=True).str.upper()
    shaped = compact.str.fullmatch(r"[A-Z][A-Z0-9]{1,3}[0-9][A-Z]{2}").fillna(False).astype(bool)
    compact = compact.where(shaped)
    return compact.str.slice(0, -3) + " " + compact.str.slice(-3)


def fold(text):
    folded = (text.str.replace(APOSTROPHES, "", regex=True).str.normalize("NFKD")
              .str.replace(r"\p{M}+", "", regex=True).str.upper())
    for letter, spelled in SPELLED.items():
        folded = folded.str.replace(letter, spelled, regex=False)
    folded = folded.str.replace(r"[^\pL\pN]+", " ", regex=True).str.strip()
    return folded.mask(folded == "")


def address_line(text):
    line = fold(text)
    for short, word in ADDRESS_WORDS.items():
        line = line.str.replace(rf"\b{short}\b", word, regex=True)
    return line


def uprn(text):
    shaped = text.str.fullmatch(r"0*[1-9][0-9]{0,11}(?:\.0*)?").fillna(False).astype(bool)
    return text.where(shaped).str.replace(r"\.0*$", "", regex=True).str.replace(r"^0+", "", regex=True)


def iso_date(dates):
    return dates.dt.strftime("%Y-%m-%d").astype("str")


NORMALISERS = {"nhs_number": nhs_number, "upn": upn, "local_id": local_id, "forename": fold,
               "surname": fold, "date_of_birth": iso_date, "postcode": postcode}



def join_key(parts):
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    return key


def normalised(stream, frame, hasher):
    """Per row: each role's normal forms, strong keys and match keys; the household's UPRN
    and address pseudonyms; the area's postcode; the `on:` day."""
    spec = STREAMS[stream]
    out = pd.DataFrame(index=frame.index)
    for role, person in spec["persons"].items():
        found, fields = role_rules(stream, role)
        values = {f: NORMALISERS[f](frame[fields[f]]) for f in KEY_ORDER if f in fields}
        for f, column in values.items():
            out[f"{role}_{f}"] = column
        out[f"{role}_nhs"] = hasher("nhs_number", values["nhs_number"]) if "nhs_number" in values \
            else pd.Series(pd.NA, index=frame.index, dtype="str")
        out[f"{role}_upn_key"] = hasher("upn", values["upn"]) if "upn" in values \
            else pd.Series(pd.NA, index=frame.index, dtype="str")
        for rule in found:
            out[key_column(role, rule)] = hasher(rule_name(rule), join_key([values[f] for f in rule]))
        if person["on"]:
            out[f"{role}_on"] = frame[person["on"]]
    household = spec.get("household")
    if household:
        number = uprn(frame[household["uprn"]]) if "uprn" in household else None
        out["hh_uprn"] = hasher("household-uprn", number) if number is not None \
            else pd.Series(pd.NA, index=frame.index, dtype="str")
        address = address_line(frame[household["address"]]) + "|" + postcode(frame[household["postcode"]])
        out["hh_address"] = hasher("household-address", address)
    if spec.get("area"):
        out["area_postcode"] = postcode(frame[spec["area"]])
    return out
