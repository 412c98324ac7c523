"""Training a spaCy pipeline on a project's finished documents (`annotator train`).

One run, in its own folder (default: `<project>.models/<name>/` beside the project):

1. the curator's finished documents are split into training and held-out dev documents
   (the export's `split_ids`, seed 0) and exported as `corpus-train.spacy` and
   `corpus-dev.spacy`, figures included in `doc.ents` with their OntoNotes labels;
2. `config.cfg` is written: by default every component is sourced from the base pipeline
   and all but `ner` are frozen, so the NER is fine-tuned and the tagger, parser and
   lemmatizer (which the figure finder uses) stay exactly as they were; with the base
   "blank" a new tok2vec + ner is trained from scratch. Nothing is downloaded: no vectors,
   no lookups, the tokenizer and vocabulary come from the base pipeline;
3. spaCy's training loop runs in a subprocess (`annotator.core.train_worker`), which
   reports each evaluation on the dev documents as a JSON line; stopping it (Ctrl-C,
   SIGTERM) ends the run at the next step and keeps `model-best`, the best pipeline
   evaluated so far;
4. `model-best` is recorded in the project's model registry with its dev scores.

The folder keeps `train.log` (spaCy's own output) and `config.cfg`, so the run can be
repeated by hand with `python -m spacy train config.cfg --output DIR`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.core.export import export_spacy, finished_doc_ids, split_ids
from annotator.core.registry import (
    ModelRecord,
    model_names,
    record_model,
    resolve_model,
)
from annotator.core.store import Store

if TYPE_CHECKING:
    from spacy.language import Language
    from thinc.api import Config

BLANK = "blank"
# At least one document to score on and a few to learn from.
MIN_DOCUMENTS = 5
DEFAULT_MAX_STEPS = 1000
DEFAULT_DEV_FRACTION = 0.2
SPLIT_SEED = 0
CORPUS = "corpus.spacy"  # the export writes corpus-train.spacy and corpus-dev.spacy

EventFn = Callable[[dict[str, Any]], None]


class TrainError(AnnotatorError):
    """Training that cannot start or failed; the message says why and what to do."""


@dataclass
class TrainPlan:
    """What one training run will do, decided before anything is written."""

    name: str  # the registry name, what its suggestions are stored under: en_<meta_name>
    meta_name: str  # the pipeline's meta.json name
    output: Path
    base: str  # as the user named it: blank, an installed pipeline, a recorded model, a path
    base_source: str | None  # what spaCy sources components from; None for blank
    lang: str
    curator: str
    train_docs: list[int]
    dev_docs: list[int]
    max_steps: int
    eval_frequency: int
    gpu_id: int = -1
    dev_fraction: float = DEFAULT_DEV_FRACTION
    # fine-tuning stops once five evaluations in a row bring nothing better; a new NER
    # scores 0 for a while before it learns anything, so it is never stopped early
    early_stop: bool = True

    @property
    def config_path(self) -> Path:
        return self.output / "config.cfg"

    @property
    def train_path(self) -> Path:
        return self.output / "corpus-train.spacy"

    @property
    def dev_path(self) -> Path:
        return self.output / "corpus-dev.spacy"

    @property
    def best_path(self) -> Path:
        return self.output / "model-best"

    @property
    def log_path(self) -> Path:
        return self.output / "train.log"

    def describe(self) -> dict[str, Any]:
        return {
            "event": "start",
            "name": self.name,
            "output": str(self.output),
            "base": self.base,
            "curator": self.curator,
            "train_docs": len(self.train_docs),
            "dev_docs": len(self.dev_docs),
            "max_steps": self.max_steps,
            "eval_frequency": self.eval_frequency,
        }


@dataclass
class TrainResult:
    plan: TrainPlan
    record: ModelRecord | None  # None when stopped before the first evaluation
    interrupted: bool = False
    seconds: float = 0.0
    steps: int = 0
    evaluations: list[dict[str, Any]] = field(default_factory=list)


# -- planning --------------------------------------------------------------------------


def too_few_message(curator: str, found: int) -> str:
    return (
        f"cannot train: {curator} has marked {found} document{'s' if found != 1 else ''} "
        f"done; training needs at least {MIN_DOCUMENTS} (most to learn from, at least one "
        "held out to score on). Mark more documents done, or choose another curator with "
        "--annotator NAME or the adjudicated gold with --gold"
    )


def eval_frequency_for(max_steps: int) -> int:
    """About ten evaluations per run, at most 200 steps apart (spaCy's default)."""
    return max(1, min(200, max_steps // 10))


def _base_source(store: Store, base: str | None) -> tuple[str, str | None]:
    """The base as named and what spaCy should source it from (None: blank)."""
    from annotator.core.suggest import default_model, installed_pipelines

    if base is None:
        base = default_model()
    if base == BLANK:
        return base, None
    resolved = resolve_model(store, base)
    assert resolved is not None
    if resolved in installed_pipelines():
        return base, resolved
    path = Path(resolved)
    if (path / "config.cfg").is_file():
        return base, str(path.resolve())
    found = ", ".join(installed_pipelines()) or "none"
    raise TrainError(
        f"unknown base model {base!r}: not an installed pipeline, a model recorded in the "
        f"project nor a pipeline folder (installed: {found}; or --base blank)"
    )


@contextlib.contextmanager
def _read_snapshot(store: Store) -> Iterator[None]:
    """A read transaction: the split and the export see the same project while curators
    go on writing (in WAL mode readers never block writers)."""
    if store.conn.in_transaction:
        yield
        return
    store.conn.execute("BEGIN")
    try:
        yield
    finally:
        store.conn.execute("COMMIT")


def plan_training(
    store: Store,
    curator: str,
    *,
    base: str | None = None,
    output: Path | None = None,
    dev_fraction: float = DEFAULT_DEV_FRACTION,
    max_steps: int = DEFAULT_MAX_STEPS,
    gpu_id: int = -1,
    early_stop: bool = True,
) -> TrainPlan:
    """Check everything that can be checked before a file is written."""
    if not 0 < dev_fraction < 1:
        raise TrainError(f"--dev-fraction must be between 0 and 1, not {dev_fraction}")
    if max_steps < 1:
        raise TrainError(f"--max-steps must be at least 1, not {max_steps}")
    if gpu_id >= 0:
        from thinc.util import has_cupy

        if not has_cupy:
            raise TrainError(
                f"--gpu-id {gpu_id}: no GPU support installed (spaCy needs CuPy for a GPU); "
                "train on the CPU with --gpu-id -1"
            )
    ids = finished_doc_ids(store, curator)
    if len(ids) < MIN_DOCUMENTS:
        raise TrainError(too_few_message(curator, len(ids)))
    base, source = _base_source(store, base)
    lang = _lang_of(source)
    train_docs, dev_docs = split_ids(ids, dev_fraction, SPLIT_SEED)
    meta_name = ""
    for meta_name in model_names(store, lang):
        if output is not None or not _default_output(store, meta_name).exists():
            break
    if output is None:
        output = _default_output(store, meta_name)
    elif output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise TrainError(f"{output}: already exists and is not an empty folder")
    return TrainPlan(
        name=f"{lang}_{meta_name}",
        meta_name=meta_name,
        output=output.resolve(),
        base=base,
        base_source=source,
        lang=lang,
        curator=curator,
        train_docs=train_docs,
        dev_docs=dev_docs,
        max_steps=max_steps,
        eval_frequency=eval_frequency_for(max_steps),
        gpu_id=gpu_id,
        dev_fraction=dev_fraction,
        early_stop=early_stop,
    )


def _default_output(store: Store, meta_name: str) -> Path:
    project = store.path.resolve()
    return project.parent / f"{project.stem}.models" / meta_name


def _lang_of(source: str | None) -> str:
    if source is None:
        return "en"
    import spacy.util

    path = Path(source) if Path(source).exists() else spacy.util.get_package_path(source)
    meta_paths = [path / "meta.json", *path.glob("*/meta.json")]
    for meta in meta_paths:
        if meta.is_file():
            return str(json.loads(meta.read_text(encoding="utf-8")).get("lang", "en"))
    return "en"


# -- files -------------------------------------------------------------------------------


def write_training_files(store: Store, plan: TrainPlan) -> dict[str, Any]:
    """Export the corpus and write config.cfg into the run's folder. Returns the
    export's counts."""
    plan.output.mkdir(parents=True, exist_ok=True)
    with _read_snapshot(store):
        ids = finished_doc_ids(store, plan.curator)
        train, dev = split_ids(ids, plan.dev_fraction, SPLIT_SEED)
        # as exported, should a curator have finished a document since the plan
        plan.train_docs, plan.dev_docs = train, dev
        report = export_spacy(
            store,
            plan.output / CORPUS,
            plan.curator,
            dev_fraction=plan.dev_fraction,
            seed=SPLIT_SEED,
            model=plan.base_source,
        )
    config = training_config(plan, _load_base(plan))
    config.to_disk(plan.config_path)
    return {
        "documents": report.documents,
        "entities": report.entities,
        "figures": report.figures,
        "figure_ents": report.figure_ents,
    }


def _load_base(plan: TrainPlan) -> Language | None:
    if plan.base_source is None:
        return None
    import spacy

    try:
        return spacy.load(plan.base_source)
    except (OSError, ValueError) as exc:
        raise TrainError(f"cannot load the base model {plan.base!r}: {exc}") from exc


def training_config(plan: TrainPlan, base_nlp: Language | None) -> Config:
    """spaCy's config for the run: fine-tune the base's NER with the rest frozen, or
    (blank) a new tok2vec + ner."""
    config = _blank_config(plan.lang) if base_nlp is None else _finetune_config(plan, base_nlp)
    config["paths"]["train"] = str(plan.train_path)
    config["paths"]["dev"] = str(plan.dev_path)
    config["paths"]["vectors"] = None
    config["paths"]["init_tok2vec"] = None
    config["system"]["seed"] = 0
    config["system"]["gpu_allocator"] = None
    training = config["training"]
    training.update(
        {
            "max_steps": plan.max_steps,
            "max_epochs": 0,
            "eval_frequency": plan.eval_frequency,
            "patience": 5 * plan.eval_frequency if plan.early_stop and base_nlp is not None else 0,
            "seed": "${system.seed}",
            "gpu_allocator": "${system.gpu_allocator}",
            "dropout": 0.1,
            "accumulate_gradient": 1,
            "score_weights": _ner_only_weights(config["training"].get("score_weights", {})),
            "logger": {"@loggers": "spacy.ConsoleLogger.v3", "progress_bar": None},
            "before_to_disk": None,
            "before_update": None,
        }
    )
    return config


def _ner_only_weights(weights: dict[str, Any]) -> dict[str, float | None]:
    """The run's score is the dev entity F1 alone: the other components are frozen, and
    the dev documents hold no tags or parses to score them on."""
    zeroed: dict[str, float | None] = {k: None if v is None else 0.0 for k, v in weights.items()}
    return {**zeroed, "ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None}


def _blank_config(lang: str) -> Config:
    from spacy.cli.init_config import init_config

    return init_config(
        lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False, pretraining=False
    )


def _finetune_config(plan: TrainPlan, base_nlp: Language) -> Config:
    from thinc.api import Config

    assert plan.base_source is not None
    if "ner" not in base_nlp.component_names:
        raise TrainError(
            f"base model {plan.base!r} has no ner component to fine-tune; "
            "train one from scratch with --base blank"
        )
    source = plan.base_source  # labels the base never had are added by spaCy as it trains
    config = Config(base_nlp.config.copy())
    components: dict[str, Any] = {}
    for name in base_nlp.component_names:
        components[name] = {"source": source}
    ner_model = json.dumps(base_nlp.config["components"]["ner"].get("model", {}))
    if "Listener" in ner_model:
        # the NER reads a shared tok2vec that stays frozen: give it its own copy
        components["ner"]["replace_listeners"] = ["model.tok2vec"]
    config["components"] = components
    config["corpora"] = {
        "train": {"@readers": "spacy.Corpus.v1", "path": "${paths.train}", "max_length": 0},
        "dev": {"@readers": "spacy.Corpus.v1", "path": "${paths.dev}", "max_length": 0},
    }
    config["training"]["frozen_components"] = [n for n in base_nlp.component_names if n != "ner"]
    config["training"]["annotating_components"] = []
    config["training"]["train_corpus"] = "corpora.train"
    config["training"]["dev_corpus"] = "corpora.dev"
    config["initialize"] = {
        "vectors": "${paths.vectors}",
        "init_tok2vec": "${paths.init_tok2vec}",
        "vocab_data": None,
        "lookups": None,
        "components": {},
        "tokenizer": {},
        "before_init": {
            "@callbacks": "spacy.copy_from_base_model.v1",
            "tokenizer": source,
            "vocab": source,
        },
        "after_init": None,
    }
    config["pretraining"] = {}
    return config


# -- running -------------------------------------------------------------------------------


def worker_command(plan: TrainPlan) -> list[str]:
    return [
        sys.executable,
        "-m",
        "annotator.core.train_worker",
        str(plan.config_path),
        str(plan.output),
        "--gpu-id",
        str(plan.gpu_id),
        "--name",
        plan.meta_name,
        "--description",
        f"Trained by annotator on {len(plan.train_docs)} documents finished by "
        f"{plan.curator}; base: {plan.base}",
    ]


def run_training(plan: TrainPlan, on_event: EventFn | None = None) -> TrainResult:
    """Run spaCy's training loop in a subprocess, passing each of its events (JSON
    lines) to `on_event`. KeyboardInterrupt (Ctrl-C, or SIGTERM turned into one by the
    caller) asks the subprocess to stop: it ends at the next step keeping model-best,
    and the result says `interrupted`."""
    result = TrainResult(plan=plan, record=None)
    started = time.perf_counter()
    with plan.log_path.open("a", encoding="utf-8") as log:
        # Its own session: Ctrl-C at a terminal reaches this process only, which asks
        # the worker to stop once, instead of both racing to handle it.
        proc = subprocess.Popen(
            worker_command(plan),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert proc.stdout is not None
        lines = iter(proc.stdout)
        while True:
            try:
                line = next(lines, None)
                if line is None:
                    break
                event = _parse_event(line)
                if event is not None:
                    _note(result, event)
                    if on_event:
                        on_event(event)
            except KeyboardInterrupt:
                if not result.interrupted:
                    result.interrupted = True
                    proc.send_signal(signal.SIGTERM)
                    if on_event:
                        on_event({"event": "stopping"})
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:
                continue  # it is saving; a second Ctrl-C must not cut that short
    result.seconds = time.perf_counter() - started
    if code != 0:
        raise TrainError(f"spacy train failed: {_last_error(plan.log_path)} (see {plan.log_path})")
    return result


def _note(result: TrainResult, event: dict[str, Any]) -> None:
    if event.get("event") == "evaluation":
        result.evaluations.append(event)
        result.steps = max(result.steps, int(event.get("step", 0)))
    elif event.get("event") == "finished":
        result.interrupted = result.interrupted or bool(event.get("interrupted"))
        result.steps = max(result.steps, int(event.get("steps", 0)))


def _parse_event(line: str) -> dict[str, Any] | None:
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def _last_error(log: Path) -> str:
    lines = [ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines = [ln for ln in lines if ln]
    for ln in reversed(lines):
        if "Error" in ln or ln.startswith("✘"):
            return ln
    return lines[-1] if lines else "it stopped without a message"


# -- recording -------------------------------------------------------------------------------


def dev_scores(best: Path) -> dict[str, Any]:
    """The dev scores spaCy wrote into model-best's meta.json."""
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    performance = meta.get("performance") or {}
    keys = ("ents_f", "ents_p", "ents_r", "ents_per_type")
    return {k: performance[k] for k in keys if k in performance}


def record_training(store: Store, result: TrainResult) -> ModelRecord | None:
    """Record model-best in the project's registry (None when no evaluation ran)."""
    plan = result.plan
    if not (plan.best_path / "config.cfg").is_file():
        return None
    import spacy

    best_step = None
    if result.evaluations:
        # spaCy saves model-best again on a tie: the last of the best is the one kept
        best = max(result.evaluations, key=lambda e: (e.get("score") or 0.0, e["step"]))
        best_step = best["step"]
    result.record = record_model(
        store,
        name=plan.name,
        path=plan.best_path,
        base=plan.base,
        curator=plan.curator,
        train_docs=plan.train_docs,
        dev_docs=plan.dev_docs,
        scores=dev_scores(plan.best_path),
        info={
            "meta_name": plan.meta_name,
            "steps": result.steps,
            "best_step": best_step,
            "max_steps": plan.max_steps,
            "seconds": round(result.seconds, 1),
            "interrupted": result.interrupted,
            "gpu_id": plan.gpu_id,
            "dev_fraction": plan.dev_fraction,
            "spacy": spacy.__version__,
        },
    )
    return result.record


def train(
    store: Store,
    curator: str,
    *,
    base: str | None = None,
    output: Path | None = None,
    dev_fraction: float = DEFAULT_DEV_FRACTION,
    max_steps: int = DEFAULT_MAX_STEPS,
    gpu_id: int = -1,
    early_stop: bool = True,
    on_event: EventFn | None = None,
) -> TrainResult:
    """Plan, export, train in a subprocess and record: the whole of `annotator train`."""
    plan = plan_training(
        store,
        curator,
        base=base,
        output=output,
        dev_fraction=dev_fraction,
        max_steps=max_steps,
        gpu_id=gpu_id,
        early_stop=early_stop,
    )
    if on_event:
        on_event(plan.describe())
    created = not plan.output.exists()
    try:
        counts = write_training_files(store, plan)
    except BaseException:
        if created:  # nothing trained yet: leave no half-made folder behind
            shutil.rmtree(plan.output, ignore_errors=True)
        raise
    if on_event:
        on_event({"event": "exported", **counts})
    result = run_training(plan, on_event)
    record_training(store, result)
    return result
