"""The model loop as a curator meets it in the window: which models there are to choose
from, what each one is, which suggestions the view shows once one is chosen, which
documents it should re-suggest, and whose finished documents a new one can learn from.

A model is known by the name its suggestions are stored under (`<lang>_<meta name>`,
what `annotator suggest` writes and `annotator models` lists). Three kinds can be
chosen:

- a pipeline `annotator train` recorded in the project (`registry.list_models`);
- an installed spaCy pipeline package (found through the `spacy_models` entry points and
  its meta.json, so listing them never imports spaCy);
- a name that suggested in this project but is neither (a pipeline folder given to
  `suggest --model` once, or another tool's): its suggestions can be shown, but the
  window cannot run it again.

No Qt here, and nothing slow: the window calls these on its own thread.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from annotator.core.kb.prelink import SOURCE as KB_SOURCE
from annotator.core.model import GOLD
from annotator.core.registry import (
    ModelRecord,
    documents_to_resuggest,
    list_models,
    model_in_use,
)
from annotator.core.store import Store
from annotator.core.suggest import DEFAULT_MODELS
from annotator.core.training import BLANK

# How many labels a model's description lists with their dev F1.
DESCRIBED_LABELS = 12


@dataclass(frozen=True)
class ModelChoice:
    """One model a curator can switch to."""

    name: str  # what its suggestions are stored under
    # What `annotator suggest --model` takes to run it (a recorded model's name, an
    # installed package); None when it cannot be run from here.
    load: str | None
    version: str = ""
    record: ModelRecord | None = None  # for a model `annotator train` recorded
    package: str = ""  # for an installed pipeline

    @property
    def trained(self) -> bool:
        return self.record is not None

    @property
    def runnable(self) -> bool:
        return self.load is not None

    @property
    def dev_f(self) -> float | None:
        if self.record is None:
            return None
        value = self.record.scores.get("ents_f")
        return float(value) if isinstance(value, int | float) else None

    def label(self) -> str:
        """One line for a menu: the name and what sets it apart."""
        if self.record is not None:
            f = self.dev_f
            score = "no dev score" if f is None else f"dev F1 {100 * f:.1f}"
            return f"{self.name}  ·  {score}, {len(self.record.train_docs)} training documents"
        if self.package:
            return f"{self.name}  ·  installed {self.version}".rstrip()
        return f"{self.name}  ·  suggestions only (cannot run from here)"

    def details(self) -> str:
        """Several lines for a tooltip: where it is, when and how it was made, its dev
        scores."""
        r = self.record
        if r is not None:
            return "\n".join(describe_record(r))
        if self.package:
            return (
                f"{self.name} {self.version}\ninstalled spaCy pipeline (package "
                f"{self.package})\nnot trained on this project"
            )
        return (
            f"{self.name}\nits suggestions are in the project, but it is neither installed "
            "nor recorded by `annotator train`, so the window cannot run it again"
        )


def describe_record(r: ModelRecord) -> list[str]:
    created = r.created[:16].replace("T", " ")
    who = "the adjudicated gold" if r.curator == GOLD else f"documents finished by {r.curator}"
    lines = [
        r.name,
        f"trained {created} from {r.base} on {len(r.train_docs)} {who}",
    ]
    f, p, rec = (r.scores.get(k) for k in ("ents_f", "ents_p", "ents_r"))
    held = f"{len(r.dev_docs)} held-out document{'s' if len(r.dev_docs) != 1 else ''}"
    if isinstance(f, int | float):
        lines.append(f"dev on {held}: F1 {_pct(f)} · P {_pct(p)} · R {_pct(rec)}")
    else:
        lines.append(f"dev on {held}: no score recorded")
    per_type = r.scores.get("ents_per_type")
    if isinstance(per_type, dict) and per_type:
        cells = [
            f"{label} {_pct(s.get('f'))}"
            for label, s in sorted(per_type.items())
            if isinstance(s, dict)
        ]
        more = len(cells) - DESCRIBED_LABELS
        lines.append(
            "per label F1: "
            + ", ".join(cells[:DESCRIBED_LABELS])
            + (f" … +{more}" if more > 0 else "")
        )
    steps = r.info.get("steps")
    if steps is not None:
        how = " (stopped by hand; the best so far kept)" if r.info.get("interrupted") else ""
        lines.append(f"{steps} steps{how}")
    lines.append(f"folder: {r.path}")
    return lines


def _pct(value: object) -> str:
    return f"{100 * value:.1f}" if isinstance(value, int | float) else "–"


# -- the choices ---------------------------------------------------------------------------


def installed_pipelines() -> list[ModelChoice]:
    """The installed spaCy pipeline packages, by the `spacy_models` entry points spaCy
    itself lists them by, named from their meta.json (read, not imported)."""
    found: dict[str, ModelChoice] = {}
    for ep in entry_points(group="spacy_models"):
        package = ep.name
        lang, meta_name, version = "", "", ""
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec else []
        for folder in folders:
            meta = Path(folder) / "meta.json"
            if meta.is_file():
                try:
                    data = json.loads(meta.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                lang, meta_name = str(data.get("lang", "")), str(data.get("name", ""))
                version = str(data.get("version", ""))
                break
        name = f"{lang}_{meta_name}" if lang and meta_name else package
        found.setdefault(name, ModelChoice(name, package, version, package=package))
    return sorted(found.values(), key=lambda c: c.name)


def suggested_models(store: Store) -> list[str]:
    """Every model that has suggested in the project (the knowledge base aside)."""
    rows = store.conn.execute(
        "SELECT DISTINCT model FROM suggest_runs WHERE model != ? ORDER BY model", (KB_SOURCE,)
    )
    return [str(r[0]) for r in rows]


def model_choices(store: Store) -> list[ModelChoice]:
    """What the Model menu lists: the installed pipelines, the project's trained models
    (oldest first), then any other model whose suggestions the project holds."""
    choices = installed_pipelines()
    names = {c.name for c in choices}
    for record in list_models(store):
        if record.name not in names:
            choices.append(ModelChoice(record.name, record.name, record=record))
            names.add(record.name)
    for name in suggested_models(store):
        if name not in names:
            choices.append(ModelChoice(name, None))
            names.add(name)
    return choices


def find_choice(choices: list[ModelChoice], name: str | None) -> ModelChoice | None:
    return next((c for c in choices if c.name == name), None)


def default_base(choices: list[ModelChoice]) -> ModelChoice | None:
    """The installed pipeline `annotator suggest` and `train` use when none is named."""
    for package in DEFAULT_MODELS:
        for c in choices:
            if c.package == package:
                return c
    return None


def initial_model(store: Store, remembered: str | None) -> str | None:
    """The model the window shows when it opens: the one chosen last time in this project
    when it is still there, else the one that suggested last, else the default pipeline
    (None when none is installed)."""
    choices = model_choices(store)
    if remembered and find_choice(choices, remembered) is not None:
        return remembered
    in_use = model_in_use(store)
    if in_use is not None:
        return in_use
    base = default_base(choices)
    return base.name if base else None


def shown_sources(model: str | None) -> frozenset[str] | None:
    """Whose suggestions the curation view shows with `model` in use: that model's and
    the knowledge base's pre-links; None (no model yet) shows every model's."""
    return None if model is None else frozenset({model, KB_SOURCE})


def documents_to_suggest(store: Store, model: str, curator: str) -> list[int]:
    """What switching to `model` re-suggests: the documents `curator` has not marked done
    or skipped that `model` has not run over yet (switching back to a model that already
    suggested them costs nothing)."""
    ran = store.suggested_doc_ids(model)
    return [d for d in documents_to_resuggest(store, curator) if d not in ran]


def has_suggested(store: Store, model: str, doc_id: int) -> bool:
    """Whether `model` has run over the document (found something or not)."""
    row = store.conn.execute(
        "SELECT 1 FROM suggest_runs WHERE doc_id = ? AND model = ?", (doc_id, model)
    ).fetchone()
    return row is not None


# -- training from the window ----------------------------------------------------------------


@dataclass(frozen=True)
class TrainingSource:
    """Whose finished documents a model can learn from, and how many there are."""

    curator: str  # a curator's name, or GOLD for the adjudicated gold
    done: int

    def label(self) -> str:
        who = "Gold (adjudicated)" if self.curator == GOLD else self.curator
        return f"{who}  ·  {self.done} document{'s' if self.done != 1 else ''} done"


def training_sources(store: Store, curator: str) -> list[TrainingSource]:
    """The window's curator first, then every other curator, then the gold, each with
    the number of documents marked done."""
    others = [a for a in store.annotators() if a not in (curator, GOLD)]
    return [
        TrainingSource(c, len(store.doc_ids_with_status(c, "done")))
        for c in (curator, *others, GOLD)
    ]


def base_options(store: Store) -> list[tuple[str, str]]:
    """(what `train --base` takes, a line describing it) for every base a model can be
    fine-tuned from, the default first, then `blank`."""
    choices = model_choices(store)
    default = default_base(choices)
    options: list[tuple[str, str]] = []
    if default is not None:
        options.append((default.package, f"{default.package}  ·  the default pipeline"))
    for c in choices:
        if c is default or c.load is None:
            continue
        if c.package:
            options.append((c.package, f"{c.package}  ·  installed"))
        else:
            options.append((c.load, c.label()))
    options.append((BLANK, "blank  ·  a new NER from scratch (no parser: figures lose context)"))
    return options
