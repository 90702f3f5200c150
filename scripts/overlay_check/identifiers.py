"""Normalisation of identifiers before they are compared (docs/deidentification.md,
"Pseudonyms and linkage"): two values are the same identifier exactly when their normal forms
are equal, which is what equal pseudonyms mean.
"""

import re
import unicodedata

UNDECOMPOSED = {"ß": "SS", "Æ": "AE", "æ": "AE", "Ø": "O", "ø": "O", "Œ": "OE", "œ": "OE",
                "Ł": "L", "ł": "L", "Đ": "D", "đ": "D", "Þ": "TH", "þ": "TH"}
APOSTROPHES = "'\u2019\u2018`\u00b4"
HYPHENS = "-\u2010\u2011\u2013\u2014"

ADDRESS_ABBREVIATIONS = {
    "RD": "ROAD", "AVE": "AVENUE", "AV": "AVENUE", "CL": "CLOSE", "CRES": "CRESCENT",
    "DR": "DRIVE", "GDNS": "GARDENS", "GRN": "GREEN", "LN": "LANE", "PL": "PLACE",
    "SQ": "SQUARE", "TCE": "TERRACE", "TERR": "TERRACE", "CT": "COURT", "PK": "PARK",
    "HSE": "HOUSE",
}
ABBREVIATION_PATTERN = re.compile(r"\b(%s)\b" % "|".join(ADDRESS_ABBREVIATIONS))


def fold_name(text):
    """Upper case, accents folded, apostrophes removed, hyphens as spaces, spaces collapsed."""
    # Apostrophes go first: NFKD would turn an acute accent typed as one (´) into a space.
    text = "".join(UNDECOMPOSED.get(c, c) for c in text if c not in APOSTROPHES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.upper()
    for hyphen in HYPHENS:
        text = text.replace(hyphen, " ")
    return " ".join(text.split())


def normalise_address(text):
    return ABBREVIATION_PATTERN.sub(lambda m: ADDRESS_ABBREVIATIONS[m.group(1)], fold_name(text))


def normalise_postcode(text):
    compact = "".join(text.split()).upper()
    if 5 <= len(compact) <= 7 and compact.isalnum():
        return compact[:-3] + " " + compact[-3:]
    return compact


def valid_nhs_number(text):
    """The NHS number's ten digits when the modulus-11 check passes, else None."""
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return None
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return None
    return digits


UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def valid_upn(text):
    """The UPN in upper case when its check letter is right, else None.

    The DfE's check: characters 2 to 13 (digits, or a letter of UPN_LETTERS in position 13 of
    a temporary UPN, valued by its place in that list) weighted by their position, summed,
    modulo 23, as a letter of UPN_LETTERS.
    """
    upn = text.strip().upper()
    if len(upn) != 13 or upn[0] not in UPN_LETTERS or not upn[1:12].isdigit():
        return None
    last = upn[12]
    if last.isdigit():
        value = int(last)
    elif last in UPN_LETTERS:
        value = UPN_LETTERS.index(last)
    else:
        return None
    total = sum(int(c) * weight for c, weight in zip(upn[1:12], range(2, 13))) + value * 13
    return upn if UPN_LETTERS[total % 23] == upn[0] else None


def normalise_local_id(text):
    text = text.strip()
    return text[:-2] if text.endswith(".0") else text


def uprn_number(text):
    if not text:
        return None
    digits = text.replace(" ", "")
    return int(digits) if digits.isdigit() else None


def address_key(address, postcode):
    if not address or not postcode:
        return None
    return normalise_address(address) + "|" + normalise_postcode(postcode)


IDENTIFIER_FIELDS = ("nhs_number", "upn", "local_id", "forename", "surname", "date_of_birth",
                     "postcode")


def identifier_values(raw, stats=None):
    """{identifier field: normal form} of one person on one record, leaving out empty values
    and NHS numbers and UPNs that fail their check (counted in `stats`)."""
    values = {}
    for field, value in raw.items():
        if value is None or value == "":
            continue
        if field == "nhs_number":
            value = valid_nhs_number(value)
        elif field == "upn":
            value = valid_upn(value)
        elif field == "local_id":
            value = normalise_local_id(value)
        elif field in ("forename", "surname"):
            value = fold_name(value)
        elif field == "date_of_birth":
            value = value.isoformat()
        elif field == "postcode":
            value = normalise_postcode(value)
        else:
            raise ValueError("not an identifier field: " + field)
        if value:
            values[field] = value
        elif stats is not None and field in ("nhs_number", "upn"):
            stats[field + "s_invalid"] += 1
    return values
