"""`annotator evaluate`: per-label precision, recall and F1 of models against the curated
documents, side by side."""

from __future__ import annotations

import json
from typing import Any

import click

from annotator.cli import _Progress, db_option, project
from annotator.core.model import GOLD, default_annotator

LABEL_WIDTH = 16
BLOCK = 26  # pred, P, R, F1 of one model


@click.command()
@db_option
@click.option(
    "--model",
    "models",
    multiple=True,
    metavar="NAME_OR_PATH",
    help="A model recorded in the project (`annotator models`), an installed pipeline or a "
    "pipeline folder; give it twice to compare two [default: the latest trained model "
    "and its base, else the default model].",
)
@click.option(
    "--annotator",
    default=default_annotator,
    show_default="the OS user",
    help="Score against the documents this curator marked done.",
)
@click.option("--gold", is_flag=True, help="Score against the adjudicated gold (curator @gold).")
@click.option(
    "--include-training-docs",
    is_flag=True,
    help="Also score on documents a compared model was trained on (left out by default: "
    "they flatter it).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def evaluate(
    db: str,
    models: tuple[str, ...],
    annotator: str,
    gold: bool,
    include_training_docs: bool,
    fmt: str,
) -> None:
    """Score models' suggestions against the curated documents: per label precision,
    recall and F1 with counts, for entities, figures (span and kind; value and unit)
    and doc.ents, several models side by side.

    Each model runs over the documents marked done; nothing is stored. Changes nothing.
    """
    from annotator.core.evaluate import evaluate as run

    progress = _Progress()

    def on_progress(model: str, done: int, total: int) -> None:
        progress.show(f"{model}: {done}/{total} documents")

    with project(db) as store:
        try:
            result = run(
                store,
                GOLD if gold else annotator,
                list(models) or None,
                include_training=include_training_docs,
                on_progress=on_progress,
            )
        finally:
            progress.done()
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    _table(result)


def _table(result: Any) -> None:
    from annotator.core.evaluate import SECTION_TITLES

    models = result.models
    note = (
        f"; {len(result.left_out)} left out (a compared model was trained on them)"
        if result.left_out
        else ""
    )
    n = len(result.documents)
    click.echo(f"{n} document{'s' if n != 1 else ''} marked done by {result.curator}{note}")
    names = "".join(f"  {_fit(m.name, BLOCK)}" for m in models)
    columns = "".join(f"  {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}" for _ in models)
    for section, title in SECTION_TITLES.items():
        labels = sorted(
            {label for m in models for label in m.sections.get(section, {})},
            key=lambda label: (-max(_score(m, section, label).gold for m in models), label),
        )
        click.echo(f"\n{title}")
        click.echo(f"{'':<{LABEL_WIDTH}} {'':>5}{names}")
        click.echo(f"{'label':<{LABEL_WIDTH}} {'gold':>5}{columns}")
        for label in labels:
            scores = [_score(m, section, label) for m in models]
            click.echo(_row(label, scores))
        click.echo(_row("all", [m.total(section) for m in models]))


def _score(model: Any, section: str, label: str) -> Any:
    from annotator.core.evaluate import Score

    return model.sections.get(section, {}).get(label, Score())


def _row(label: str, scores: list[Any]) -> str:
    gold = max(s.gold for s in scores)
    cells = "".join(f"  {s.pred:>5} {_pct(s.p):>6} {_pct(s.r):>6} {_pct(s.f):>6}" for s in scores)
    return f"{_fit(label, LABEL_WIDTH):<{LABEL_WIDTH}} {gold:>5}{cells}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
