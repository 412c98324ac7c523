"""Knowledge-base speed on a generated KB of 100,000 entities and 300,000 aliases.

    python bench/kb_bench.py [--entities 100000] [--queries 1000] [--words 3000]

Prints one JSON line:
- `import_per_s`: `kb import` of the KB as JSON Lines (validation, duplicate checks,
  merge), entities per second; `import_floor_per_s` the same rows by bare sqlite3
  executemany into the project's tables (schema v5 with its triggers), read with
  json.loads; `import_ratio` ours / floor (1.0 would be free validation).
- `index_build_s`: the candidate index (normal forms, trigram postings) built from the
  project.
- `query_p50_ms`, `query_p95_ms`: one candidate query (shortlist, rapidfuzz re-rank,
  priors and article links read from SQLite) for mentions taken from the KB and spoilt
  the ways news spells them (typo, case, word order, dropped word, possessive,
  diacritics); `recall_at_10` of those queries that one entity could answer
  (`recall_queries` of them: an alias shared by more than ten entities, or generic words
  alone, are left out). `peer_p50_ms`: rapidfuzz's
  `process.extract` with WRatio over every alias (the naive way), on a sample;
  `peer_ratio` = query_p50 / peer_p50.
- `gazetteer_build_s`; `gazetteer_p50_ms`, `gazetteer_p95_ms`: known aliases found in a
  3,000-word article; `gazetteer_floor_ms`: spaCy's blank English tokenizer over the
  same article (the least any pipeline pays for it); `gazetteer_ratio` ours / floor.
- `peak_rss_mb` of the whole run.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from annotator.core.kb.candidates import candidates
from annotator.core.kb.gazetteer import build_gazetteer
from annotator.core.kb.importing import import_kb
from annotator.core.kb.index import get_index
from annotator.core.kb.normal import normal
from annotator.core.store import NewDocument, Store

SYLLABLES = (
    "ka ra sa ta na ma la ba da ga ha ja za ko ro so to no mo lo bo do go ho ki ri si ti ni "
    "mi li bi di gi ku ru su tu nu mu lu bu du gu an ar as at el en er es ol on or us ay ev "
    "ov in ul"
).split()
ORG_WORDS = (
    "Bank Group Holdings Ministry Agency Council University Institute Company Corporation "
    "Fund Commission Airlines Energy Motors Foundation Association"
).split()
ACCENTS = str.maketrans("aeiou", "áéíóú")
FILLER = (
    "the of and to in a said that for on with as was at by from it an be has have are "
    "were which its after market government year percent billion trade reached officials "
    "meeting agreed minister economic cooperation between two countries according report"
).split()


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()


def generate(path: Path, n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """n entities with 3 aliases each (name included); returns (alias, type, key) of
    every alias, for queries."""
    rng = random.Random(seed)
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as f:
        i = 0
        while i < n:
            kind = rng.random()
            if kind < 0.45:
                first, last = _word(rng, 2), _word(rng, rng.choice((2, 3)))
                name, type_ = f"{first} {last}", "PERSON"
                aliases = [last, f"{first[0]}. {last}"]
            elif kind < 0.8:
                core = " ".join(_word(rng, rng.choice((2, 3))) for _ in range(rng.choice((1, 2))))
                name, type_ = f"{core} {rng.choice(ORG_WORDS)}", "ORG"
                words = name.split()
                aliases = ["".join(w[0] for w in words).upper(), f"the {name}"]
            else:
                name, type_ = _word(rng, rng.choice((2, 3, 4))), "GPE"
                aliases = [f"Republic of {name}", f"{name}ian"]
            if name in seen:
                continue
            seen.add(name)
            i += 1
            key = f"bench:{i}"
            record = {"key": key, "name": name, "type": type_, "aliases": aliases}
            f.write(json.dumps(record) + "\n")
            out += [(a, type_, key) for a in (name, *aliases)]
    return out


def spoil(alias: str, rng: random.Random) -> str:
    words = alias.split()
    how = rng.randrange(7)
    if how == 0 and len(alias) > 5:  # a typo: one letter dropped
        k = rng.randrange(1, len(alias) - 1)
        return alias[:k] + alias[k + 1 :]
    if how == 1:
        return alias.upper() if rng.random() < 0.5 else alias.lower()
    if how == 2 and len(words) > 1:
        return " ".join(reversed(words))
    if how == 3 and len(words) > 2:
        return " ".join(words[:1] + words[2:])
    if how == 4:
        return alias + "'s"
    if how == 5:
        return alias.translate(ACCENTS)
    return alias


def floor_import(db: Path, path: Path) -> float:
    """The same rows by bare executemany into the project's tables."""
    with Store(db):
        pass
    conn = sqlite3.connect(db, isolation_level=None)
    t = time.perf_counter()
    entities, aliases = [], []
    for i, line in enumerate(path.open(encoding="utf-8"), 1):
        r = json.loads(line)
        entities.append((i, r["name"], r["type"], "", "{}", r["key"]))
        aliases += [(i, a, "") for a in {r["name"], *r["aliases"]}]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO entities (id, name, type, description, external_ids, key) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        entities,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO aliases (entity_id, alias, kind) VALUES (?, ?, ?)", aliases
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t
    conn.close()
    return elapsed


def article(rng: random.Random, names: list[str], words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        if rng.random() < 0.03:
            out += rng.choice(names).split()
        else:
            out.append(rng.choice(FILLER))
        if rng.random() < 0.06:
            out[-1] += "."
    return " ".join(out)


GENERIC = {w.lower() for w in ORG_WORDS} | {"the", "republic", "of"}


def ambiguous(query: str, index: object) -> bool:
    """A query no ranking can resolve: an alias more than ten entities share (the
    generated acronyms "NA", "OI" are hundreds of organisations'), or generic words only
    ("the Ministry" once its name is dropped)."""
    norm = normal(query)
    entities = {int(index.entity_ids[a]) for a in index.exact.get(norm, ())}  # type: ignore[attr-defined]
    return len(entities) > 10 or all(w in GENERIC for w in norm.split())


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--peer-queries", type=int, default=20)
    ap.add_argument("--words", type=int, default=3000)
    args = ap.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kb_file = folder / "kb.jsonl"
        aliases = generate(kb_file, args.entities)
        floor_s = floor_import(folder / "floor.db", kb_file)
        store = Store(folder / "kb.db")
        t = time.perf_counter()
        report = import_kb(store, kb_file)
        import_s = time.perf_counter() - t
        assert report.added == args.entities, report.summary()
        n_aliases = store.conn.execute("SELECT count(*) FROM aliases").fetchone()[0]
        (doc,) = store.add_documents([NewDocument("x", "", None, "bench", {})])
        t = time.perf_counter()
        index = get_index(store)
        build_s = time.perf_counter() - t
        sample = rng.sample(aliases, args.queries)
        times, hits, scored = [], 0, 0
        for alias, type_, key in sample:
            query = spoil(alias, rng)
            t = time.perf_counter()
            found = candidates(store, query, type_, doc_id=doc, annotator="bench", index=index)
            times.append((time.perf_counter() - t) * 1000)
            if not ambiguous(query, index):
                scored += 1
                hits += key in {c.key for c in found}
        from rapidfuzz import fuzz, process

        choices = index.norms
        peer = []
        for alias, _, _ in sample[: args.peer_queries]:
            query = normal(spoil(alias, rng))
            t = time.perf_counter()
            process.extract(query, choices, scorer=fuzz.WRatio, limit=10)
            peer.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        gazetteer = build_gazetteer(store)
        gaz_build_s = time.perf_counter() - t
        names = [a for a, _, _ in rng.sample(aliases, 2000)]
        text = article(rng, names, args.words)
        import spacy

        tokenizer = spacy.blank("en").tokenizer
        gaz, floor_tok, found_hits = [], [], 0
        for _ in range(30):
            t = time.perf_counter()
            found_hits = len(gazetteer.find(text))
            gaz.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            tokenizer(text)
            floor_tok.append((time.perf_counter() - t) * 1000)
        store.close()
    result = {
        "entities": args.entities,
        "aliases": n_aliases,
        "import_per_s": round(args.entities / import_s),
        "import_floor_per_s": round(args.entities / floor_s),
        "import_ratio": round(floor_s / import_s, 3),
        "index_build_s": round(build_s, 2),
        "queries": args.queries,
        "query_p50_ms": round(percentile(times, 0.5), 2),
        "query_p95_ms": round(percentile(times, 0.95), 2),
        "recall_at_10": round(hits / scored, 3),
        "recall_queries": scored,
        "peer_p50_ms": round(statistics.median(peer), 1),
        "peer_ratio": round(percentile(times, 0.5) / statistics.median(peer), 4),
        "gazetteer_build_s": round(gaz_build_s, 2),
        "article_words": len(text.split()),
        "article_hits": found_hits,
        "gazetteer_p50_ms": round(percentile(gaz, 0.5), 2),
        "gazetteer_p95_ms": round(percentile(gaz, 0.95), 2),
        "gazetteer_floor_ms": round(statistics.median(floor_tok), 2),
        "gazetteer_ratio": round(percentile(gaz, 0.5) / statistics.median(floor_tok), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
