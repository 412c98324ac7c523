"""Shared by the agreement, review and merge tests: curators' work made by hand, and
reference token labels computed the plain way (regex tokens, Python loops), independent
of the numpy code under test."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

from annotator.core.offsets import token_bounds
from annotator.core.store import Store

LS_EXPORT = (
    Path(__file__).parent / "data" / "labelstudio_multi" / "labelstudio_multi_annotator_export.json"
)

# Names in the seeds, with the label a careful curator gives them.
SEED_NAMES = {
    "Kazakhstan": "GPE",
    "Korea": "GPE",
    "Republic of Korea": "GPE",
    "Hungary": "GPE",
    "Astana": "GPE",
    "Seoul": "GPE",
    "Tokayev": "PERSON",
    "Kassym-Jomart Tokayev": "PERSON",
    "Samsung": "ORG",
    "Hyundai": "ORG",
    "Kazinform": "ORG",
    "Ministry of Foreign Affairs": "ORG",
    "Kazakh": "NORP",
    "Korean": "NORP",
    "Hungarian": "NORP",
}


def seed_spans(text: str) -> list[tuple[int, int, str]]:
    """Every occurrence of a known name (longest first, no overlaps)."""
    taken: list[tuple[int, int, str]] = []
    for name in sorted(SEED_NAMES, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            if all(m.end() <= s or m.start() >= e for s, e, _ in taken):
                taken.append((m.start(), m.end(), SEED_NAMES[name]))
    return sorted(taken)


def three_curators(store: Store, names: Sequence[str] = ("alice", "bob", "carol")) -> None:
    """Three curators' finished work on every document, with realistic disagreement:
    alice marks every known name; bob misses some and calls NORP mentions GPE; carol
    takes "the" into some spans, adds a few of her own and marks one nested span."""
    rng = random.Random(7)
    a, b, c = names
    for doc_id in store.document_ids():
        text = store.document(doc_id).text
        spans = seed_spans(text)
        for start, end, label in spans:
            store.add_annotation(doc_id, a, "ents", start, end, label, "manual")
            if rng.random() > 0.15:
                bob_label = "GPE" if label == "NORP" and rng.random() < 0.5 else label
                store.add_annotation(doc_id, b, "ents", start, end, bob_label, "manual")
            c_start = start - 4 if text[max(0, start - 4) : start] == "the " else start
            if rng.random() > 0.1:
                store.add_annotation(doc_id, c, "ents", c_start, end, label, "manual")
        for m in list(re.finditer(r"\b(?:President|Minister)\b", text))[:2]:
            store.add_annotation(doc_id, c, "ents", m.start(), m.end(), "TITLE", "manual")
        if spans:
            s, e, label = spans[0]
            store.add_annotation(
                doc_id, c, "ents", s, e, "ORG" if label != "ORG" else "GPE", "manual"
            )
        for who in names:
            store.set_status(doc_id, who, "done")


def import_ls_raw(store: Store) -> list[str]:
    """The real multi-annotator Label Studio export, every span as the annotators left it
    (white space at edges included), each annotator a curator `ls-user-<id>`; the
    documents marked done for them. Returns the curators."""
    data = json.loads(LS_EXPORT.read_text(encoding="utf-8"))
    curators: set[str] = set()
    for project in data["projects"]:
        for task in project["tasks"]:
            text = task["data"]["text"]
            doc_id = store.document_id_for_text(text)
            if doc_id is None:
                from annotator.core.store import NewDocument

                (doc_id,) = store.add_documents([NewDocument(text, "", None, "ls", {})])
            for ann in task["annotations"]:
                who = f"ls-user-{ann['completed_by']}"
                curators.add(who)
                for result in ann["result"]:
                    v = result["value"]
                    for label in v["labels"]:
                        store.add_annotation(
                            doc_id, who, "ents", v["start"], v["end"], label, "imported"
                        )
                store.set_status(doc_id, who, "done")
    return sorted(curators)


def flattened_ls_tasks(out: Path) -> Path:
    """The same export as a plain Label Studio task list, for `annotator import`."""
    data = json.loads(LS_EXPORT.read_text(encoding="utf-8"))
    tasks = [t for p in data["projects"] for t in p["tasks"]]
    out.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return out


def reference_labels(
    store: Store,
    curators: Sequence[str],
    *,
    layer: str = "ents",
    labels: Sequence[str] | None = None,
    label: str | None = None,
) -> list[list[str]]:
    """Each curator's label of every token of the documents all of them finished, the
    plain way: "O", a label, or labels joined by "+" (or, with `label`, "yes"/"no")."""
    done = [set(store.doc_ids_with_status(c, "done")) for c in curators]
    docs = sorted(set.intersection(*done))
    out: list[list[str]] = [[] for _ in curators]
    for doc_id in docs:
        tokens = token_bounds(store.document(doc_id).text)
        for i, who in enumerate(curators):
            spans = [
                a
                for a in store.annotations(doc_id, who, layer)
                if labels is None or a.label in labels
            ]
            for ts, te in tokens:
                found = {a.label for a in spans if a.start < te and a.end > ts}
                if label is not None:
                    out[i].append("yes" if label in found else "no")
                else:
                    out[i].append("+".join(sorted(found)) if found else "O")
    return out
