#!/usr/bin/env python3
"""An independent count of the CIN measures, for the tests to compare safeguard's with.

    cin_reference.py returns DIR      every *.xml in DIR read as CIN Census returns
    cin_reference.py extracts DIR     the synthetic authority's cp_plans.csv and cin_plans.csv
                                      (DIR/extracts), for the measures they can give

Prints `measure,value` lines. Written from docs/statutory-returns.md with the Python standard
library only (xml.etree, csv), sharing no code with safeguard: a second reading of the same
definitions, so that a mistake in either shows as a difference.
"""
import csv
import datetime as dt
import os
import re
import sys
import xml.etree.ElementTree as ET

CATEGORIES = ["NEG", "PHY", "SAB", "EMO", "MUL"]
DESCRIPTIONS = {
    "neglect": "NEG", "physical abuse": "PHY", "physical": "PHY", "sexual abuse": "SAB", "sexual": "SAB",
    "emotional abuse": "EMO", "emotional": "EMO", "multiple": "MUL", "multiple/not recommended": "MUL",
}
GROUPS = [
    ("domestic_abuse", {"3A", "3B", "3C"}),
    ("parental_mental_health", {"4B", "4C"}),
    ("parental_substance_misuse", {"1B", "1C", "2B", "2C"}),
]


def factor_codes(year):
    codes = ["1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C",
             "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A",
             "15A", "16A", "17A"]
    codes += ["18B", "18C", "19B", "19C"] if year >= 2021 else ["18A", "19A"]
    codes += ["20", "21", "22A", "23A"]
    if year >= 2022:
        codes.append("24A")
    return codes


def strip(text):
    if text is None:
        return None
    text = text.strip(" \t\r\n\u00a0")
    return text or None


def parse_date(text):
    text = strip(text)
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2}|[T ].*)?", text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text)
        if not m:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def identifier(text):
    text = strip(text)
    if text is None:
        return None
    text = re.sub(r"\s", "", text)
    m = re.fullmatch(r"(\d+)\.0+", text)
    return m.group(1) if m else text


def text_of(element, name):
    child = element.find(name) if element is not None else None
    return child.text if child is not None else None


def collection_year(root, path):
    header = root.find("Header/CollectionDetails")
    ref = parse_date(text_of(header, "ReferenceDate"))
    if ref:
        return ref.year + 1 if ref.month >= 4 else ref.year
    year = strip(text_of(header, "Year"))
    if year and re.fullmatch(r"\d{4}", year):
        return int(year)
    m = re.search(r"(?<!\d)(20\d{2})[-_/]?(\d{2})(?!\d)", os.path.basename(path))
    if m and int(m.group(2)) == (int(m.group(1)) + 1) % 100:
        return int(m.group(1)) + 1
    m = re.search(r"(?<!\d)(20\d{2})(?!\d)", os.path.basename(path))
    return int(m.group(1)) if m else None


class Records:
    def __init__(self):
        self.return_years = []
        self.child_years = []          # collection year of each child kept
        self.birth = {}                # child -> date of birth
        self.referrals = []            # referral dates of episodes kept
        self.authorisations = []       # authorisation dates of assessments kept
        self.factors = []              # (child, authorisation date, code)
        self.cin_plans = []            # (start, end)
        self.cp_plans = []             # dicts


def read_returns(folder):
    files = []
    for name in os.listdir(folder):
        if name.endswith(".xml"):
            path = os.path.join(folder, name)
            root = ET.parse(path).getroot()
            files.append((collection_year(root, path), path, root))
    files.sort(key=lambda f: (f[0], f[1]), reverse=True)
    r = Records()
    seen = {"child": set(), "episode": set(), "assessment": set(), "cin": set(), "s47": set(), "cp": set()}
    for year, path, root in files:
        r.return_years.append(year)
        codes = factor_codes(year)
        for child in root.iter("Child"):
            ids = child.find("ChildIdentifiers")
            cid = identifier(text_of(ids, "LAchildID"))
            if cid is None:
                continue
            if cid not in seen["child"]:
                seen["child"].add(cid)
                r.child_years.append(year)
                r.birth[cid] = parse_date(text_of(ids, "PersonBirthDate"))
            for episode in child.findall("CINdetails"):
                referral = parse_date(text_of(episode, "CINreferralDate"))
                if referral is None:
                    continue
                closure = parse_date(text_of(episode, "CINclosureDate"))
                if (cid, referral) not in seen["episode"]:
                    seen["episode"].add((cid, referral))
                    if not (closure and closure < referral):
                        r.referrals.append(referral)
                for a in episode.findall("Assessments"):
                    start = parse_date(text_of(a, "AssessmentActualStartDate"))
                    auth = parse_date(text_of(a, "AssessmentAuthorisationDate"))
                    if start is None or (auth and auth < start) or (cid, start) in seen["assessment"]:
                        continue
                    seen["assessment"].add((cid, start))
                    if auth:
                        r.authorisations.append(auth)
                    kept = set()
                    for f in a.findall("FactorsIdentifiedAtAssessment/AssessmentFactors"):
                        code = strip(f.text)
                        code = re.sub(r"\s", "", code).upper() if code else None
                        if code in codes and code not in kept:
                            kept.add(code)
                            if auth:
                                r.factors.append((cid, auth, code))
                for p in episode.findall("CINPlanDates"):
                    start = parse_date(text_of(p, "CINPlanStartDate"))
                    end = parse_date(text_of(p, "CINPlanEndDate"))
                    if start is None or (end and end < start) or (cid, start) in seen["cin"]:
                        continue
                    seen["cin"].add((cid, start))
                    r.cin_plans.append((start, end))
                for p in episode.findall("ChildProtectionPlans"):
                    start = parse_date(text_of(p, "CPPstartDate"))
                    end = parse_date(text_of(p, "CPPendDate"))
                    if start is None or (end and end < start) or (cid, start) in seen["cp"]:
                        continue
                    seen["cp"].add((cid, start))
                    previous = identifier(text_of(p, "NumberOfPreviousCPP"))
                    r.cp_plans.append({
                        "child": cid, "start": start, "end": end,
                        "initial": category(text_of(p, "InitialCategoryOfAbuse")),
                        "latest": category(text_of(p, "LatestCategoryOfAbuse")),
                        "previous": int(previous) if previous and previous.isdigit() else None,
                    })
    return r


def category(text):
    text = strip(text)
    if text is None:
        return None
    folded = re.sub(r"\s", "", text).upper()
    if folded in CATEGORIES:
        return folded
    return DESCRIPTIONS.get(text.lower())


def add_months(day, months):
    total = day.year * 12 + day.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
            30, 31][m - 1]
    return dt.date(y, m, min(day.day, last))


def age(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def plan_measures(year, cp_plans, cin_plans, birth):
    """The measures of child-protection and CIN plans, shared by both modes."""
    start, ref = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
    out = []
    starting = [p for p in cp_plans if start <= p["start"] <= ref]
    for c in CATEGORIES:
        out.append((f"cp_plans_starting_in_year_by_initial_category.{c}", sum(p["initial"] == c for p in starting)))
    open_ = [p for p in cp_plans if p["start"] <= ref and (p["end"] is None or p["end"] > ref)]
    out.append(("children_on_cp_plan_at_ref_date", len({p["child"] for p in open_})))
    out.append(("cp_plans_open_at_ref_date_lasting_12_months_or_more",
                sum(add_months(p["start"], 12) <= ref for p in open_)))
    repeats = both = 0
    for p in starting:
        earlier = [q for q in cp_plans if q["child"] == p["child"] and q["start"] < p["start"]]
        previous = max(earlier, key=lambda q: q["start"]) if earlier else None
        is_repeat = p["previous"] >= 1 if p["previous"] is not None else previous is not None
        if is_repeat:
            repeats += 1
            if p["initial"] == "NEG" and previous is not None and previous["latest"] == "NEG":
                both += 1
    out.append(("repeat_cp_plans_starting_in_year", repeats))
    out.append(("repeat_cp_plans_starting_in_year_both_neglect", both))
    out.append(("cin_plans_open_at_ref_date_lasting_more_than_6_months",
                sum(s <= ref and (e is None or e > ref) and add_months(s, 6) < ref for s, e in cin_plans)))
    young = {p["child"] for p in open_ if p["latest"] == "NEG" and birth.get(p["child"])
             and birth[p["child"]] <= ref and age(birth[p["child"]], ref) <= 5}
    out.append(("children_aged_0_5_on_neglect_cp_plan_at_ref_date", len(young)))
    return out


def returns_measures(folder):
    r = read_returns(folder)
    year = max(r.return_years)
    start, three, ref = dt.date(year - 1, 4, 1), dt.date(year - 3, 4, 1), dt.date(year, 3, 31)
    out = [
        ("children_in_return", sum(y == year for y in r.child_years)),
        ("referrals_in_year", sum(start <= d <= ref for d in r.referrals)),
        ("assessments_authorised_in_year", sum(start <= d <= ref for d in r.authorisations)),
        ("assessments_authorised_in_3_years", sum(three <= d <= ref for d in r.authorisations)),
    ]
    for code in factor_codes(year):
        out.append((f"assessments_authorised_in_year_by_factor.{code}",
                    sum(start <= d <= ref and c == code for _, d, c in r.factors)))
    for suffix, first in (("in_year", start), ("in_3_years", three)):
        groups = {}
        for child, d, code in r.factors:
            if first <= d <= ref:
                for name, members in GROUPS:
                    if code in members:
                        groups.setdefault(child, set()).add(name)
        for name, _ in GROUPS:
            out.append((f"children_with_factor_group_{suffix}.{name}", sum(name in g for g in groups.values())))
        out.append((f"children_with_factor_group_{suffix}.all_three", sum(len(g) == 3 for g in groups.values())))
    return out + plan_measures(year, r.cp_plans, r.cin_plans, r.birth)


def extracts_measures(folder, year):
    def uk(text):
        text = (text or "").strip()
        return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None
    cp, birth = [], {}
    with open(os.path.join(folder, "extracts", "cp_plans.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            child = row["Person ID"].strip()
            birth[child] = uk(row["Date of Birth"])
            cp.append({"child": child, "start": uk(row["Plan Start Date"]), "end": uk(row["Plan End Date"]),
                       "initial": category(row["Initial Category"]), "latest": category(row["Latest Category"]),
                       "previous": int(row["Plan Number"]) - 1})
    with open(os.path.join(folder, "extracts", "cin_plans.csv"), newline="", encoding="utf-8") as f:
        cin = [(uk(row["CIN Plan Start"]), uk(row["CIN Plan End"])) for row in csv.DictReader(f)]
    return plan_measures(year, cp, cin, birth)


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == "returns":
        rows = returns_measures(folder)
    else:
        year = int(sys.argv[3]) if len(sys.argv) > 3 else 2026
        rows = extracts_measures(folder, year)
    print("measure,value")
    for name, value in rows:
        print(f"{name},{value}")


if __name__ == "__main__":
    main()
