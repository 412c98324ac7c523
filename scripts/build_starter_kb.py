"""Rebuild resources/kb/countries.jsonl, the starter knowledge base's countries, from
pycountry (ISO 3166-1) and the news names in resources/kb/country_names.json.

    pip install pycountry   # build time only: the project does not need it to run
    python scripts/build_starter_kb.py

Every code is pycountry's: the key is iso3166:<alpha-2>, and the external ids are the
alpha-2, alpha-3 and numeric codes. Names: the canonical name is the news name from
country_names.json, else pycountry's common name, else its name (turned round
when it is "X, Republic of"); aliases are pycountry's
name, official name and common name, its "Korea, Republic of" turned round ("Republic of
Korea"), and the news names and demonyms of country_names.json. The output is sorted, so
an unchanged pycountry gives an unchanged file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "resources" / "kb" / "country_names.json"
OUT = ROOT / "resources" / "kb" / "countries.jsonl"


def turned(name: str) -> str | None:
    """'Korea, Republic of' -> 'Republic of Korea'; 'Congo, The Democratic Republic of
    the' -> 'Democratic Republic of the Congo'. None unless the part after the comma ends
    in "of" or "of the" ('Bonaire, Sint Eustatius and Saba' is a list, not a title)."""
    head, sep, tail = name.partition(", ")
    if not sep or not tail.lower().endswith((" of", " of the")):
        return None
    return f"{tail} {head}".removeprefix("The ")


def country_records(names: dict[str, Any]) -> list[dict[str, Any]]:
    import pycountry

    records = []
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        extra = names.get(c.alpha_2, {})
        common = getattr(c, "common_name", None)
        official = getattr(c, "official_name", None)
        canonical = extra.get("name") or common or turned(c.name) or c.name
        aliases = {c.name, canonical}
        for name in (official, common, turned(c.name)):
            if name:
                aliases.add(name)
        aliases.update(extra.get("aliases", []))
        record: dict[str, Any] = {
            "key": f"iso3166:{c.alpha_2}",
            "name": canonical,
            "type": "GPE",
            "description": f"country (ISO 3166-1 {c.alpha_2})",
            "external_ids": {
                "iso3166": c.alpha_2,
                "iso3166-alpha3": c.alpha_3,
                "iso3166-numeric": c.numeric,
            },
            "aliases": sorted(aliases),
        }
        if extra.get("demonyms"):
            record["demonyms"] = sorted(extra["demonyms"])
        records.append(record)
    return records


def main() -> int:
    names = json.loads(NAMES.read_text("utf-8"))["countries"]
    records = country_records(names)
    import pycountry

    codes = {c.alpha_2 for c in pycountry.countries}
    unknown = sorted(set(names) - codes)
    if unknown:
        print(f"{NAMES.name}: not ISO 3166-1 alpha-2 codes: {', '.join(unknown)}", file=sys.stderr)
        return 1
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} countries to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
