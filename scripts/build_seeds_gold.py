"""Turn the hand-written labels of the five seeds into ``tests/data/seeds_gold.jsonl``.

The labels below were written by reading each article (no model, no figure finder).
Mentions are listed in the order they appear; each one is looked up as a whole word
after the end of the previous mention of the same list, so repeated names need no
offsets. The script imports the seeds into a temporary project, resolves every mention
against the text as stored (header moved out), checks each span's text, and reports
every occurrence of a labelled name that no entity span covers (a mention left out by
mistake).

Usage: ``python scripts/build_seeds_gold.py [--check]`` (``--check``: compare, do not write).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "data" / "seeds_gold.jsonl"

KZ, KR, HU = "Kazakhstan", "South Korea", "Hungary"
TOKAYEV = "Kassym-Jomart Tokayev"
KZ_MFA = "Ministry of Foreign Affairs of Kazakhstan"
KR_ASSEMBLY = "National Assembly of South Korea"
HYUNDAI = "Hyundai Motor Company"
KZ_EMBASSY_KR = "Embassy of Kazakhstan in South Korea"
KZ_CONSULATE = "Consulate General of Kazakhstan in Busan"


def E(text: str, label: str, entity: str | None = None, demonym: bool = False) -> dict:
    row: dict[str, Any] = {"text": text, "label": label, "entity": entity}
    if demonym:
        row["demonym"] = True
    return row


def N(text: str, country: str) -> dict:
    """A demonym (NORP) standing for a country."""
    return E(text, "NORP", country, demonym=True)


def D(text: str) -> dict:
    return E(text, "DATE")


def P(text: str, start: str | None, end: str | None) -> dict:
    return {"text": text, "start": start, "end": end}


def F(
    text: str,
    kind: str,
    value: float,
    unit: str | None,
    metric: str | None = None,
    period: dict | None = None,
    subjects: list[str] | None = None,
    rate: str | None = None,
) -> dict:
    row: dict[str, Any] = {
        "text": text,
        "kind": kind,
        "value": float(value),
        "unit": unit,
        "metric": metric,
        "period": period,
        "subjects": subjects or [],
    }
    if rate:
        row["rate"] = rate
    return row


Y2021 = P("2021", "2021-01-01", "2021-12-31")
Y2022 = P("2022", "2022-01-01", "2022-12-31")
Y2023 = P("2023", "2023-01-01", "2023-12-31")

GOLD: dict[str, dict[str, list[dict]]] = {
    # ------------------------------------------------------------------ 2023-06-01
    "000_71e2dbcf1fe46cab.txt": {
        "ents": [
            E("ASTANA", "GPE", "Astana"),
            N("Kazakh", KZ),
            E("Kassym-Jomart Tokayev", "PERSON", TOKAYEV),
            E("South Korea", "GPE", KR),
            E("Park Jin", "PERSON", "Park Jin"),
            D("June 1"),
            E("Almaty", "GPE", "Almaty"),
            E("Akorda", "ORG", "Akorda"),
            E("Tokayev", "PERSON", TOKAYEV),
            N("Kazakh", KZ),
            N("Korean", KR),
            E("Tokayev", "PERSON", TOKAYEV),
            E("KIA", "ORG", "Kia"),
            E("Hyundai", "ORG", HYUNDAI),
            E("Kazakhstan", "GPE", KZ),
            E(
                "Kazakh-Korean Intergovernmental Commission on Trade, Economic, Scientific "
                "and Technical Cooperation",
                "ORG",
                "Kazakh-Korean Intergovernmental Commission on Trade, Economic, Scientific "
                "and Technical Cooperation",
            ),
            E("Business Council", "ORG", "Kazakh-Korean Business Council"),
            E("Park", "PERSON", "Park Jin"),
            E("Kazakhstan", "GPE", KZ),
            E("Park", "PERSON", "Park Jin"),
            N("Kazakh", KZ),
            E("Murat Nurtleu", "PERSON", "Murat Nurtleu"),
            E("Astana", "GPE", "Astana"),
            D("May 31"),
            N("Kazakh", KZ),
            N("South Korean", KR),
            E("Nurtleu", "PERSON", "Murat Nurtleu"),
            N("Kazakh", KZ),
            E("South Korea", "GPE", KR),
            E("Kazakhstan", "GPE", KZ),
            N("Korean", KR),
            E("System of Labor Permits", "LAW", "Employment Permit System"),
            E("Nurtleu", "PERSON", "Murat Nurtleu"),
            E("South Korea", "GPE", KR),
            E("Asia", "LOC", "Asia"),
            N("Korean", KR),
            N("Kazakh", KZ),
            E("Park", "PERSON", "Park Jin"),
            E("Korea", "GPE", KR),
            E("Kazakhstan", "GPE", KZ),
            N("Korean", KR),
            D("2022"),
            N("Korean", KR),
            N("Kazakh", KZ),
            N("Korean", KR),
            E("Kazakhstan", "GPE", KZ),
            D("2023-2024"),
        ],
        "figures": [
            F("$6.1 billion", "money", 6.1e9, "USD", "trade turnover", Y2022, [KZ, KR]),
            F("$1.5 billion", "money", 1.5e9, "USD", "direct investments", None, [KR, KZ]),
            F(
                "740 Korean companies",
                "count",
                740,
                "companies",
                None,
                P("so far", "2023-06-01", "2023-06-01"),
                [KR, KZ],
            ),
            F(
                "28 major projects",
                "count",
                28,
                "projects",
                None,
                P("so far", "2023-06-01", "2023-06-01"),
                [KR, KZ],
            ),
        ],
    },
    # ------------------------------------------------------------------ 2024-08-16
    "001_ad4d05e486d7b25c.txt": {
        "ents": [
            E("Kazakhstan", "GPE", KZ),
            E("South Korea", "GPE", KR),
            E("Nurgali Arystanov", "PERSON", "Nurgali Arystanov"),
            E("National Assembly of the Republic of Korea", "ORG", KR_ASSEMBLY),
            E("Woo Won-shik", "PERSON", "Woo Won-shik"),
            E("Kazakh MFA", "ORG", KZ_MFA),
            N("Kazakh", KZ),
            E("Republic of Korea", "GPE", KR),
            E(
                "Kazakhstan-Korea Parliamentary Friendship Group",
                "ORG",
                "Kazakhstan-Korea Parliamentary Friendship Group",
            ),
            E("Astana", "GPE", "Astana"),
            E("Almaty", "GPE", "Almaty"),
            E("Kyzylorda", "GPE", "Kyzylorda"),
            E("Woo Won-shik", "PERSON", "Woo Won-shik"),
            E("Korean Parliament", "ORG", KR_ASSEMBLY),
            E("Republic of Kazakhstan", "GPE", KZ),
            E("Kassym-Jomart Tokayev", "PERSON", TOKAYEV),
            E("Hong Beom-do", "PERSON", "Hong Beom-do"),
            D("2021"),
            N("Korean", KR),
            E(
                "School of Artificial Intelligence",
                "ORG",
                "School of Artificial Intelligence, Korkyt Ata Kyzylorda University",
            ),
            E("Korkyt Ata University", "ORG", "Korkyt Ata Kyzylorda University"),
            E(
                "Seoultech University",
                "ORG",
                "Seoul National University of Science and Technology",
            ),
            D("2023"),
            E("Republic of Korea", "GPE", KR),
            E("Republic of Kazakhstan", "GPE", KZ),
            E("Kazakhstan", "GPE", KZ),
            E("Korea", "GPE", KR),
            E("Almaty", "GPE", "Almaty"),
            E("Seoul", "GPE", "Seoul"),
            E("Astana", "GPE", "Astana"),
            E("Seoul", "GPE", "Seoul"),
            E("Kia", "ORG", "Kia"),
            E("Hyundai", "ORG", HYUNDAI),
            E("SK Ecoplant", "ORG", "SK Ecoplant"),
            E("Big Almaty Ring Road", "FAC", "Big Almaty Ring Road"),
            E("BAKAD", "FAC", "Big Almaty Ring Road"),
            E("Doosan", "ORG", "Doosan Enerbility"),
            E("Turkestan region", "GPE", "Turkistan Region"),
            E("CU", "ORG", "CU"),
            E("Almaty", "GPE", "Almaty"),
            E("Kazakhstan", "GPE", KZ),
            E("Korea", "GPE", KR),
        ],
        "figures": [
            F("4th largest trading partner", "rank", 4, "trading partner", None, Y2023, [KR, KZ]),
            F("5th largest investor", "rank", 5, "investor", None, Y2023, [KR, KZ]),
            F(
                "15 flights",
                "count",
                15,
                "flights",
                None,
                P("Currently", "2024-08-16", "2024-08-16"),
                [KZ, KR],
                rate="per week",
            ),
            F(
                "13 flights",
                "count",
                13,
                "flights",
                None,
                P("Currently", "2024-08-16", "2024-08-16"),
                ["Almaty", "Seoul"],
                rate="per week",
            ),
            F(
                "2 flights",
                "count",
                2,
                "flights",
                None,
                P("Currently", "2024-08-16", "2024-08-16"),
                ["Astana", "Seoul"],
                rate="per week",
            ),
            F(
                "1 GW",
                "measure",
                1,
                "GW",
                "combined-cycle power plant",
                None,
                ["Doosan Enerbility", "Turkistan Region"],
            ),
        ],
    },
    # ------------------------------------------------------------------ 2023-11-02
    "002_424eff0ee6a7e48d.txt": {
        "ents": [
            E("Kazakhstan", "GPE", KZ),
            E("Korea", "GPE", KR),
            E("Nurgali Arystanov", "PERSON", "Nurgali Arystanov"),
            E("Kazakhstan", "GPE", KZ),
            E("Republic Day", "DATE", "Republic Day (Kazakhstan)"),
            D("Oct. 25"),
            E("Lotte Hotel", "FAC", "Lotte Hotel Seoul"),
            E("Jung-gu", "GPE", "Jung District, Seoul"),
            E("Seoul", "GPE", "Seoul"),
            E("Kazakh Embassy", "ORG", KZ_EMBASSY_KR),
            E("Seoul", "GPE", "Seoul"),
            E("Kazakhstan Embassy", "ORG", KZ_EMBASSY_KR),
            E("Seoul", "GPE", "Seoul"),
            E("Korea", "GPE", KR),
            E("Kazakhstan", "GPE", KZ),
            D("October 25"),
            E("Kazakhstan", "GPE", KZ),
            E("Soviet Union", "GPE", "Soviet Union"),
            D("December 16, 1991"),
            E("Kazakhstan", "GPE", KZ),
            E("Korea", "GPE", KR),
            E("Nurgali Arystanov", "PERSON", "Nurgali Arystanov"),
            E("South Korea", "GPE", KR),
            E("Arystanov", "PERSON", "Nurgali Arystanov"),
            E("Almaty", "GPE", "Almaty"),
            E("Seoul", "GPE", "Seoul"),
            E("Air Astana", "ORG", "Air Astana"),
            E("Asiana Airlines", "ORG", "Asiana Airlines"),
            E("Almaty", "GPE", "Almaty"),
            E("Seoul", "GPE", "Seoul"),
            E("6 hours", "TIME"),
            E("Kazakhstan", "GPE", KZ),
            E("Astana", "GPE", "Astana"),
            E("Seoul", "GPE", "Seoul"),
            D("one month"),
            E("Arystanov", "PERSON", "Nurgali Arystanov"),
            E("Kazakhstan", "GPE", KZ),
            E("Koreans", "NORP", "Koryo-saram"),
            E("Koryoin", "NORP", "Koryo-saram"),
            E("Arystanov", "PERSON", "Nurgali Arystanov"),
            E("Kazakhstan", "GPE", KZ),
            E("Korea", "GPE", KR),
            D("1992"),
            D("1993"),
            D("1996"),
            E(
                "Trade and Investment Promotion Framework",
                "LAW",
                "Kazakhstan-South Korea Trade and Investment Promotion Framework",
            ),
            E(
                "TIPF",
                "LAW",
                "Kazakhstan-South Korea Trade and Investment Promotion Framework",
            ),
            N("Kazakh", KZ),
            E("Korea", "GPE", KR),
            D("2022"),
        ],
        "figures": [
            F(
                "11 weekly flights",
                "count",
                11,
                "flights",
                None,
                None,
                ["Almaty", "Seoul", "Air Astana", "Asiana Airlines"],
                rate="per week",
            ),
            F("6 hours", "duration", 6, "hours", "duration of flights", None, ["Almaty", "Seoul"]),
            F(
                "one month",
                "duration",
                1,
                "months",
                "visit our countries without a visa",
                None,
                [KZ, KR],
            ),
            F("$6.53 billion", "money", 6.53e9, "USD", "bilateral trade", Y2022, [KZ, KR]),
        ],
    },
    # ------------------------------------------------------------------ no date header
    "003_ae66230cc2f50f2e.txt": {
        "ents": [
            E("Consulate General of Kazakhstan", "ORG", KZ_CONSULATE),
            N("South Korean", KR),
            E("Busan", "GPE", "Busan"),
            E("Consulate General of Kazakhstan", "ORG", KZ_CONSULATE),
            N("South Korean", KR),
            E("Busan", "GPE", "Busan"),
            E("Consulate General of Kazakhstan", "ORG", KZ_CONSULATE),
            E("South Korea", "GPE", KR),
            E("Busan", "GPE", "Busan"),
            E("Kazakhstan", "GPE", KZ),
            E("South Korea", "GPE", KR),
            E("Seoul", "GPE", "Seoul"),
            E("Busan", "GPE", "Busan"),
            N("Korean", KR),
            E("Kazakhstan", "GPE", KZ),
            E("Busan", "GPE", "Busan"),
            E("Park Eun-Ha", "PERSON", "Park Eun-Ha"),
            E("Busan", "GPE", "Busan"),
            D("June 24-26"),
            E("Embassy of Kazakhstan", "ORG", KZ_EMBASSY_KR),
            N("Kazakh", KZ),
            E("Busan", "GPE", "Busan"),
            E("Eurasian", "NORP", "Eurasia", demonym=True),
            E("Central Asia", "LOC", "Central Asia"),
            E("Chung Jong Pil", "PERSON", "Chung Jong Pil"),
            E(
                "Busan Foundation for International Cooperation",
                "ORG",
                "Busan Foundation for International Cooperation",
            ),
            E("Busan", "GPE", "Busan"),
            E("South Korea", "GPE", KR),
            E("Kazakhstan", "GPE", KZ),
            E("Kazakhstan", "GPE", KZ),
            E("South Korea", "GPE", KR),
            D("the end of 2021"),
            D("the first three months of this year"),
            E("Bakyt Dyussenbayev", "PERSON", "Bakyt Dyussenbayev"),
            E("Kazakhstan", "GPE", KZ),
            E("South Korea", "GPE", KR),
            N("South Korean", KR),
            E("Kazakhstan", "GPE", KZ),
            N("Kazakh", KZ),
            E("Consulate General", "ORG", KZ_CONSULATE),
            E("Busan", "GPE", "Busan"),
            E("South Korea", "GPE", KR),
            E("Kazakhstan", "GPE", KZ),
            E(
                "Commonwealth of Independent States",
                "ORG",
                "Commonwealth of Independent States",
            ),
            E("Kazakhstan", "GPE", KZ),
            E("Aigul Nuralina", "PERSON", "Aigul Nuralina"),
            E("Galiya Khassenkhanova", "PERSON", "Galiya Khassenkhanova"),
        ],
        "figures": [
            F("second largest city", "rank", 2, "city", None, None, ["Busan", KR]),
            F("300 kilometers", "measure", 300, "km", "travel", None, ["Seoul"]),
            F("second largest city", "rank", 2, "city", None, None, ["Busan", KR]),
            # "one of the five biggest": a set of five, counted; a rank names one position.
            F("five biggest seaports", "count", 5, "seaports", None, None, ["Busan"]),
            F(
                "US$3.2 billion",
                "money",
                3.2e9,
                "USD",
                "trade turnover",
                P("the end of 2021", "2021-01-01", "2021-12-31"),
                [KZ, KR],
            ),
            F(
                "US$1.2 billion",
                "money",
                1.2e9,
                "USD",
                "bilateral trade",
                # The document has no date, so "this year" cannot be resolved.
                P("the first three months of this year", None, None),
                [KZ, KR],
            ),
        ],
    },
    # ------------------------------------------------------------------ 2023-07-13
    "004_1afd95646ca92b3c.txt": {
        "ents": [
            E("Kazakhstan", "GPE", KZ),
            E("Hungary", "GPE", HU),
            E("ASTANA", "GPE", "Astana"),
            E("KAZINFORM", "ORG", "Kazinform"),
            E("Kazakhstan", "GPE", KZ),
            E("Roman Vassilenko", "PERSON", "Roman Vassilenko"),
            E(
                "Ministry of Foreign Affairs and Trade of Hungary",
                "ORG",
                "Ministry of Foreign Affairs and Trade of Hungary",
            ),
            E("Ádám Stifter", "PERSON", "Ádám Stifter"),
            E("Kazinform", "ORG", "Kazinform"),
            E("Kazakh MFA", "ORG", KZ_MFA),
            E("Kazakhstan", "GPE", KZ),
            E("Hungary", "GPE", HU),
            E("Kazakhstan", "GPE", KZ),
            E("Hungary", "GPE", HU),
            E("Central and Eastern Europe", "LOC", "Central and Eastern Europe"),
            D("Today"),
            E("Vassilenko", "PERSON", "Roman Vassilenko"),
            E(
                "Kazakh-Hungarian Intergovernmental Commission on Economic Cooperation",
                "ORG",
                "Kazakh-Hungarian Intergovernmental Commission on Economic Cooperation",
            ),
            N("Kazakh", KZ),
            E("Hungary", "GPE", HU),
            E("Hungary", "GPE", HU),
            E("UN", "ORG", "United Nations"),
            E("OSCE", "ORG", "Organization for Security and Co-operation in Europe"),
            E("Organization of Turkic States", "ORG", "Organization of Turkic States"),
            E("Hungary", "GPE", HU),
            N("Kazakh", KZ),
            N("Hungarian", HU),
            D("2022"),
            D("2021"),
            D("the first 5 months of 2023"),
            D("2005"),
            D("the 1st quarter of 2023"),
            E("Hungary", "GPE", HU),
            E("Kazakhstan", "GPE", KZ),
            D("2022"),
            N("Hungarian", HU),
            E("Kazakhstan", "GPE", KZ),
            N("Hungarian", HU),
            E("Moll", "ORG", "MOL Group"),
            E("Globalia", "ORG", "Globalia"),
            E("Gedeon Richter", "ORG", "Gedeon Richter"),
        ],
        "figures": [
            F(
                "one thousand Kazakh students",
                "count",
                1000,
                "students",
                None,
                P("Currently", "2023-07-13", "2023-07-13"),
                [KZ, HU],
            ),
            F("250 grants", "count", 250, "grants", None, None, [HU, KZ], rate="per year"),
            F("172.2 million US dollars", "money", 172.2e6, "USD", "mutual trade", Y2022, [KZ, HU]),
            F("19.5%", "percent", 19.5, "%", "mutual trade", Y2022, [KZ, HU]),
            F(
                "68.4 million US dollars",
                "money",
                68.4e6,
                "USD",
                "trade turnover",
                P("the first 5 months of 2023", "2023-01-01", "2023-05-31"),
                [KZ, HU],
            ),
            F(
                "26.3%",
                "percent",
                26.3,
                "%",
                "trade turnover",
                P("the first 5 months of 2023", "2023-01-01", "2023-05-31"),
                [KZ, HU],
            ),
            F(
                "322 million US dollars",
                "money",
                322e6,
                "USD",
                "investments",
                P("From 2005 to the 1st quarter of 2023", "2005-01-01", "2023-03-31"),
                [HU, KZ],
            ),
            F("49.8 million US dollars", "money", 49.8e6, "USD", "investments", Y2022, [HU, KZ]),
            F("1.9 times", "multiplier", 1.9, "times", "investments", Y2022, [HU, KZ]),
            F("70 companies", "count", 70, "companies", None, None, [HU, KZ]),
        ],
    },
}


def stored_texts() -> dict[str, str]:
    from annotator.core.importer import import_paths
    from annotator.core.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "seeds.db")
        try:
            import_paths(store, [ROOT / "seeds"])
            texts = {}
            for doc_id in store.document_ids():
                doc = store.document(doc_id)
                texts[doc.source] = doc.text
        finally:
            store.close()
    return texts


def word(text: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")


def place(text: str, items: list[dict], where: str) -> list[dict]:
    """Give each item start/end: the next whole-word occurrence after the previous item."""
    cursor = 0
    out = []
    for item in items:
        m = word(item["text"]).search(text, cursor)
        if m is None:
            raise SystemExit(f"{where}: {item['text']!r} not found after offset {cursor}")
        cursor = m.end()
        row = {"start": m.start(), "end": m.end(), **item}
        assert text[row["start"] : row["end"]] == row["text"]
        out.append(row)
    return out


def missed(file: str, text: str, ents: list[dict]) -> list[str]:
    """Occurrences of a labelled name that lie outside every labelled entity span."""
    problems = []
    for name in sorted({e["text"] for e in ents}):
        for m in word(name).finditer(text):
            if not any(e["start"] <= m.start() < e["end"] for e in ents):
                problems.append(f"{file}: {name!r} at {m.start()} not labelled")
    return problems


def build() -> list[dict]:
    texts = stored_texts()
    rows = []
    problems = []
    for file, gold in GOLD.items():
        text = texts[file]
        ents = place(text, gold["ents"], f"{file} ents")
        figures = place(text, gold["figures"], f"{file} figures")
        problems += missed(file, text, ents)
        rows.append({"file": file, "ents": ents, "figures": figures})
    if problems:
        raise SystemExit("\n".join(problems))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the file")
    args = parser.parse_args()
    rows = build()
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == lines
        print("up to date" if same else f"{OUT} differs")
        sys.exit(0 if same else 1)
    OUT.write_text(lines, encoding="utf-8")
    n_ents = sum(len(r["ents"]) for r in rows)
    n_figs = sum(len(r["figures"]) for r in rows)
    print(f"wrote {OUT}: {len(rows)} documents, {n_ents} entities, {n_figs} figures")


if __name__ == "__main__":
    main()
