"""The project's model registry: the pipelines `annotator train` made from its documents.

A record says what the pipeline's suggestions are called (the name `suggest` stores with
them, `<lang>_<meta name>`), where its folder is, what it was trained from (`base`) and
on (whose finished documents: which went to training, which were held out to score it),
and the scores it reached on the held-out documents. Paths inside the project's folder
are stored relative to it, so a project moved with its models keeps working.

Also here: which model suggested last (the model in use) and which documents a newly
chosen model should re-suggest (those a curator has not finished).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.store import Store


class RegistryError(AnnotatorError):
    """A recorded model that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class ModelRecord:
    id: int
    name: str  # what its suggestions are stored under, e.g. en_seeds_001
    path: Path  # the pipeline folder, absolute
    base: str  # the pipeline it was fine-tuned from, or "blank"
    curator: str  # whose finished documents it learnt from ("@gold" for the gold)
    train_docs: tuple[int, ...] = ()
    dev_docs: tuple[int, ...] = ()
    # dev scores as spaCy reports them: ents_f, ents_p, ents_r (0-1) and ents_per_type
    scores: dict[str, Any] = field(default_factory=dict)
    # how it was trained: steps, seconds, interrupted, max_steps, spacy version, ...
    info: dict[str, Any] = field(default_factory=dict)
    created: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": str(self.path),
            "base": self.base,
            "curator": self.curator,
            "created": self.created,
            "train_docs": len(self.train_docs),
            "dev_docs": len(self.dev_docs),
            "scores": self.scores,
            "info": self.info,
        }


def _project_dir(store: Store) -> Path:
    return store.path.resolve().parent


def _stored_path(store: Store, path: Path) -> str:
    path = path.resolve()
    try:
        return str(path.relative_to(_project_dir(store)))
    except ValueError:
        return str(path)


def _record(store: Store, row: tuple[Any, ...]) -> ModelRecord:
    id_, name, path, base, curator, train, dev, scores, info, created = row
    try:
        record = ModelRecord(
            id=id_,
            name=str(name),
            path=_project_dir(store) / str(path),  # an absolute stored path stays as it is
            base=str(base),
            curator=str(curator),
            train_docs=tuple(int(d) for d in json.loads(train)),
            dev_docs=tuple(int(d) for d in json.loads(dev)),
            scores=json.loads(scores),
            info=json.loads(info),
            created=str(created),
        )
    except (TypeError, ValueError) as exc:
        raise RegistryError(
            f"{store.path}: the record of model {name!r} is damaged ({exc})"
        ) from exc
    if not isinstance(record.scores, dict) or not isinstance(record.info, dict):
        raise RegistryError(f"{store.path}: the record of model {name!r} is damaged")
    return record


_COLUMNS = "id, name, path, base, curator, train_docs, dev_docs, scores, info, created"


def record_model(
    store: Store,
    *,
    name: str,
    path: Path,
    base: str,
    curator: str,
    train_docs: list[int],
    dev_docs: list[int],
    scores: dict[str, Any],
    info: dict[str, Any],
) -> ModelRecord:
    """Add a trained pipeline to the registry (a name is recorded once)."""
    if find_model(store, name) is not None:
        raise RegistryError(f"a model named {name!r} is already recorded in {store.path}")
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO models (name, path, base, curator, train_docs, dev_docs, scores, "
            "info) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                _stored_path(store, path),
                base,
                curator,
                json.dumps(sorted(train_docs)),
                json.dumps(sorted(dev_docs)),
                json.dumps(scores, sort_keys=True),
                json.dumps(info, sort_keys=True),
            ),
        )
        store.log(curator, None, "record_model", name=name, base=base, path=str(path))
    model = find_model(store, name)
    assert model is not None and model.id == cur.lastrowid
    return model


def list_models(store: Store) -> list[ModelRecord]:
    """Every recorded pipeline, oldest first."""
    rows = store.conn.execute(f"SELECT {_COLUMNS} FROM models ORDER BY id")
    return [_record(store, r) for r in rows]


def find_model(store: Store, name: str) -> ModelRecord | None:
    row = store.conn.execute(f"SELECT {_COLUMNS} FROM models WHERE name = ?", (name,)).fetchone()
    return None if row is None else _record(store, row)


def resolve_model(store: Store, name_or_path: str | None) -> str | None:
    """What to load for a model the user named: a recorded model's folder, else the name
    or path as given (an installed pipeline or a pipeline folder; None is the default)."""
    if name_or_path is None:
        return None
    model = find_model(store, name_or_path)
    if model is None:
        return name_or_path
    if not (model.path / "config.cfg").is_file():
        raise RegistryError(
            f"model {model.name}: its pipeline folder {model.path} is missing or incomplete "
            "(moved or deleted?)"
        )
    return str(model.path)


def model_in_use(store: Store) -> str | None:
    """The model that suggested last (what a curator now sees), or None before any. The
    knowledge base's pre-links (source `kb`), written after every model run, are no
    model."""
    from annotator.core.kb.prelink import SOURCE as KB_SOURCE

    row = store.conn.execute(
        "SELECT model FROM suggest_runs WHERE model != ? ORDER BY created DESC, rowid DESC LIMIT 1",
        (KB_SOURCE,),
    ).fetchone()
    return None if row is None else str(row[0])


def documents_to_resuggest(store: Store, curator: str) -> list[int]:
    """The documents `curator` has not marked done or skipped: where a newly chosen model's
    suggestions are still of use. Re-suggesting never changes a status."""
    rows = store.conn.execute(
        "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM status "
        "WHERE annotator = ? AND status IN ('done', 'skipped')) ORDER BY id",
        (curator,),
    )
    return [r[0] for r in rows]


def model_names(store: Store, lang: str) -> Iterator[str]:
    """Free pipeline (meta) names for this project, `<project file stem>_NNN` counting up,
    whose suggestion name `<lang>_<name>` is not recorded yet."""
    stem = re.sub(r"[^a-z0-9]+", "_", store.path.stem.lower()).strip("_") or "project"
    for number in itertools.count(1):
        name = f"{stem}_{number:03d}"
        if find_model(store, f"{lang}_{name}") is None:
            yield name
