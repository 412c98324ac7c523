"""A reproducible corpus of news-like articles for benchmarks.

    python bench/corpus.py N OUT.jsonl [--words 400] [--seed 13]
        [--format articles|doccano|labelstudio]

Articles mix names, ministries, countries, money written many ways, percentages,
counts and dates, like the seeds. The same seed gives the same bytes. With spans
(`annotated_articles`), each article carries on average `SPANS_PER_DOC` entity spans
(PERSON, ORG, GPE, MONEY, PERCENT) on the names and amounts it mentions, as a team's
curated set has: 10,000 articles give about 176,000 spans.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

PEOPLE = [
    "Kassym-Jomart Tokayev",
    "Park Jin",
    "Murat Nurtleu",
    "Roman Vassilenko",
    "Nurgali Arystanov",
    "Woo Won-shik",
    "Ádám Stifter",
    "Olaf Scholz",
    "Li Qiang",
    "Emmanuel Macron",
    "Yoon Suk Yeol",
    "Alikhan Smailov",
    "Ursula von der Leyen",
]
ORGS = [
    "the Ministry of Foreign Affairs",
    "the Akorda press service",
    "Samsung",
    "Hyundai",
    "KIA",
    "the European Bank for Reconstruction and Development",
    "Kazinform",
    "the Business Council",
    "KazMunayGas",
    "Air Astana",
    "the World Bank",
    "Lotte",
]
PLACES = [
    "Kazakhstan",
    "South Korea",
    "Hungary",
    "China",
    "Germany",
    "Astana",
    "Almaty",
    "Seoul",
    "Busan",
    "Budapest",
    "Uzbekistan",
    "Japan",
    "Turkey",
    "France",
]
METRICS = [
    "trade turnover",
    "direct investments",
    "exports",
    "imports",
    "bilateral trade",
    "the volume of investment",
    "gross inflow of foreign direct investment",
]
PERIODS = [
    "in 2022",
    "in the first 5 months of 2023",
    "from 2005 to the 1st quarter of 2023",
    "at the end of 2021",
    "last year",
    "in January-June 2023",
    "annually",
]
FILLER = (
    "the sides discussed cooperation in energy, transport, logistics, digital technology "
    "and healthcare and agreed to continue the dialogue at the highest level while "
    "experts prepare a roadmap for joint projects in the regions"
).split()


def money(rng: random.Random) -> str:
    v = rng.choice([1.2, 6.1, 172.2, 3.5, 500, 15, 2.8, 40])
    return rng.choice(
        [
            f"${v} billion",
            f"{v} million US dollars",
            f"US${v}bn",
            f"{v} mln dlrs",
            f"€{v} million",
            f"{int(v * 1000):,} tenge",
            f"KZT {v} billion",
            f"${int(v * 1000):,}",
        ]
    )


def sentence(rng: random.Random) -> str:
    kind = rng.randrange(6)
    a, b = rng.sample(PLACES, 2)
    if kind == 0:
        return (
            f"{rng.choice(METRICS).capitalize()} between {a} and {b} reached "
            f"{money(rng)} {rng.choice(PERIODS)}."
        )
    if kind == 1:
        pct = round(rng.uniform(0.5, 60), 1)
        return f"That is {pct}% more than {rng.choice(PERIODS)}, according to {rng.choice(ORGS)}."
    if kind == 2:
        return (
            f"{rng.choice(PEOPLE)} met {rng.choice(PEOPLE)} in {rng.choice(PLACES)} on "
            f"{rng.choice(['June 1', 'May 31', 'October 25', 'December 16, 1991'])}."
        )
    if kind == 3:
        return (
            f"Some {rng.randrange(20, 900)} {rng.choice(['companies', 'joint ventures'])} "
            f"from {a} operate in {b}, and {rng.randrange(5, 30)} flights per week connect "
            f"{rng.choice(PLACES)} and {rng.choice(PLACES)}."
        )
    if kind == 4:
        return f"{a} is the {rng.randrange(2, 9)}th largest trading partner of {b}."
    n = rng.randrange(12, 30)
    return " ".join(rng.choice(FILLER) for _ in range(n)).capitalize() + "."


def article(rng: random.Random, words: int) -> dict[str, object]:
    title = f"{rng.choice(PLACES)}, {rng.choice(PLACES)} confirm course for cooperation"
    parts: list[str] = [title, ""]
    count = 0
    paragraph: list[str] = []
    while count < words:
        s = sentence(rng)
        paragraph.append(s)
        count += len(s.split())
        if len(paragraph) >= rng.randrange(2, 5):
            parts.append(" ".join(paragraph))
            parts.append("")
            paragraph = []
    if paragraph:
        parts.append(" ".join(paragraph))
    date = f"20{rng.randrange(18, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    return {"text": "\n".join(parts), "meta": {"date": date, "title": title}}


def articles(n: int, words: int = 400, seed: int = 13) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    for i in range(n):
        doc = article(rng, words)
        # a serial keeps every text unique, as real articles are
        doc["text"] = f"{doc['text']}\n\n(Ref. {i})"
        yield doc


def write_corpus(path: Path, n: int, words: int = 400, seed: int = 13) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for doc in articles(n, words, seed):
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


SPANS_PER_DOC = 17.6
ENTITY = re.compile(
    "|".join(re.escape(x) for x in sorted([*PEOPLE, *ORGS, *PLACES], key=len, reverse=True))
)
FIGURE = re.compile(r"(?:US)?\$[\d.,]*\d(?: billion|bn)?|\d+(?:\.\d+)?%|€[\d.]*\d million")
LABEL = {**{p: "PERSON" for p in PEOPLE}, **{o: "ORG" for o in ORGS}, **{g: "GPE" for g in PLACES}}


def all_spans(text: str) -> list[tuple[int, int, str]]:
    """Every name and amount of an article, as (start, end, label), in text order."""
    found = [(m.start(), m.end(), LABEL[m.group()]) for m in ENTITY.finditer(text)]
    for m in FIGURE.finditer(text):
        found.append((m.start(), m.end(), "PERCENT" if m.group().endswith("%") else "MONEY"))
    return sorted(found)


def annotated_articles(
    n: int, words: int = 400, seed: int = 13
) -> Iterator[tuple[dict[str, object], list[tuple[int, int, str]]]]:
    """Articles with the spans a curator kept: about SPANS_PER_DOC of the names and
    amounts of each, chosen at random (seeded)."""
    rng = random.Random(seed + 1)
    low = int(SPANS_PER_DOC) - 6
    for doc in articles(n, words, seed):
        found = all_spans(str(doc["text"]))
        k = min(len(found), low + rng.randrange(13) + (rng.random() < SPANS_PER_DOC % 1))
        yield doc, sorted(rng.sample(found, k))


def write_doccano(path: Path, n: int, words: int = 400, seed: int = 13) -> int:
    """doccano's sequence-labelling JSONL; returns the number of spans."""
    total = 0
    with path.open("w", encoding="utf-8") as f:
        for doc, spans in annotated_articles(n, words, seed):
            total += len(spans)
            record = {"text": doc["text"], "label": [list(s) for s in spans], "meta": doc["meta"]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return total


def write_labelstudio(path: Path, n: int, words: int = 400, seed: int = 13) -> int:
    """Label Studio's JSON export (a list of tasks, one annotation each); returns the
    number of spans."""
    total = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        for i, (doc, spans) in enumerate(annotated_articles(n, words, seed)):
            total += len(spans)
            text = str(doc["text"])
            result = [
                {
                    "id": f"r{j}",
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]},
                }
                for j, (s, e, label) in enumerate(spans)
            ]
            task = {
                "id": i + 1,
                "data": {"text": text},
                "annotations": [{"id": i + 1, "completed_by": 1, "result": result}],
            }
            f.write((",\n" if i else "\n") + json.dumps(task, ensure_ascii=False))
        f.write("\n]\n")
    return total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--format", choices=["articles", "doccano", "labelstudio"], default="articles"
    )
    args = parser.parse_args()
    writer = {"articles": write_corpus, "doccano": write_doccano, "labelstudio": write_labelstudio}
    writer[args.format](args.out, args.n, args.words, args.seed)
