"""Importing other tools' annotation files: each record's text is matched to a document
of the project (or imported as a new one) and its spans become the curator's
annotations, with origin "imported".

Each record is one transaction: a record is imported whole or not at all, and every
good record is kept whatever happens to the others. Spans already there (same layer,
offsets and label for that curator) are not added twice, so importing a file again
changes nothing. Documents that receive a record are marked done for its curator (they
were finished in the other tool) unless the curator already has a status for them other
than open or in progress.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.store import InvalidSpan, NewDocument, Store
from annotator.formats.records import Rejection
from annotator.formats.spans import AnnotatedText, Item, attach_relations

FORMATS = ("prodigy", "doccano", "labelstudio", "brat", "conll", "spacy")

# Extensions that name their format alone.
_BY_EXTENSION = {
    ".ann": "brat",
    ".json": "labelstudio",
    ".conll": "conll",
    ".conll03": "conll",
    ".iob": "conll",
    ".iob2": "conll",
    ".bio": "conll",
    ".spacy": "spacy",
}


@dataclass
class AnnotationImportReport:
    documents_new: int = 0
    documents_matched: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    curators: set[str] = field(default_factory=set)
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        text_only = self.answers["reject"] + self.answers["ignore"]
        parts = [
            f"imported {self.documents_new} new documents, {self.documents_matched} already "
            f"in the project; {self.spans_added} annotations added"
            + (f" for {', '.join(sorted(self.curators))}" if self.curators else "")
            + f", {self.spans_existing} already there"
        ]
        if text_only:
            parts.append(
                f"{self.answers['reject']} rejected and {self.answers['ignore']} ignored "
                "tasks imported as text only"
            )
        parts.append(f"rejected {len(self.rejected)}")
        return "; ".join(parts)


def detect_format(path: Path) -> str | None:
    """The annotation format of a file when its name or first record says so
    unambiguously; None for plain article files."""
    suffix = path.suffix.lower()
    if suffix in _BY_EXTENSION:
        return _BY_EXTENSION[suffix]
    if suffix == ".txt" and path.with_suffix(".ann").is_file():
        return "brat"
    if suffix == ".jsonl":
        return _sniff_jsonl(path)
    return None


def _sniff_jsonl(path: Path) -> str | None:
    import json

    try:
        with path.open("rb") as f:
            for raw in f:
                if raw.strip():
                    obj = json.loads(raw.decode("utf-8-sig"))
                    break
            else:
                return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(obj, dict):
        return None
    if any(k in obj for k in ("answer", "_input_hash", "_task_hash", "_session_id")):
        return "prodigy"
    if isinstance(obj.get("spans"), list) and isinstance(obj.get("tokens"), list):
        return "prodigy"
    label = obj.get("label")
    if isinstance(label, list) and all(isinstance(x, list) for x in label):
        return "doccano"
    if isinstance(obj.get("entities"), list) or isinstance(obj.get("annotations"), list):
        return "doccano"
    return None


def read_annotated(path: Path, fmt: str) -> Iterator[Item]:
    from annotator.formats import brat, conll, doccano, labelstudio, prodigy, spacy_docbin

    readers: dict[str, Callable[[Path], Iterator[Item]]] = {
        "prodigy": prodigy.read_prodigy,
        "doccano": doccano.read_doccano,
        "labelstudio": labelstudio.read_labelstudio,
        "brat": brat.read_brat,
        "conll": conll.read_conll,
        "spacy": spacy_docbin.docbin_to_annotated,
    }
    if not path.exists():
        yield Rejection(str(path), 0, "no such file or folder")
        return
    try:
        yield from readers[fmt](path)
    except OSError as exc:
        yield Rejection(path.name, 0, f"cannot read: {exc.strerror or exc}")


def import_annotated(
    store: Store,
    items: Iterable[Item],
    *,
    annotator: str | None,
    fallback: str,
    report: AnnotationImportReport | None = None,
    mark_done: bool = True,
) -> AnnotationImportReport:
    """Store the records' texts and spans. `annotator` files everything under one
    curator; otherwise each record's own curator is used, or `fallback` when it names
    none."""
    report = report or AnnotationImportReport()
    for item in items:
        if isinstance(item, Rejection):
            report.rejected.append(item)
            continue
        report.rejected.extend(item.problems)
        curator = annotator or item.curator or fallback
        try:
            _import_one(store, item, curator, report, mark_done)
        except (InvalidSpan, ValueError) as exc:
            report.rejected.append(Rejection(item.source, 0, f"not imported: {exc}"))
    return report


def _import_one(
    store: Store,
    item: AnnotatedText,
    curator: str,
    report: AnnotationImportReport,
    mark_done: bool,
) -> None:
    counts = Counter[str]()
    with store.transaction():
        doc_id = store.document_id_for_text(item.text)
        if doc_id is None:
            (doc_id,) = store.add_documents(
                [NewDocument(item.text, item.title, item.date, item.source, item.meta)]
            )
            counts["new"] += 1
        else:
            counts["matched"] += 1
        if item.answer == "accept":
            existing = {
                (a.layer, a.start, a.end, a.label) for a in store.annotations(doc_id, curator)
            }
            for s in attach_relations(item.spans, item.relations):
                key = (s.layer, s.start, s.end, s.label)
                if key in existing:
                    counts["existing"] += 1
                    continue
                existing.add(key)
                store.add_annotation(
                    doc_id,
                    curator,
                    s.layer,
                    s.start,
                    s.end,
                    s.label,
                    "imported",
                    kb_id=s.kb_id,
                    attrs=s.attrs,
                )
                counts["added"] += 1
            if mark_done and store.status(doc_id, curator) in ("open", "in_progress"):
                store.set_status(doc_id, curator, "done")
    # counted only once the record is committed
    report.documents_new += counts["new"]
    report.documents_matched += counts["matched"]
    report.spans_added += counts["added"]
    report.spans_existing += counts["existing"]
    report.answers[item.answer] += 1
    if item.answer == "accept":
        report.curators.add(curator)
