"""`annotator export ...`: write a curator's (or the gold) annotations to files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from annotator.cli import _Progress, annotator_option, db_option, project
from annotator.core.model import GOLD


def _selection(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--force", is_flag=True, help="Overwrite output files that already exist.")(f)
    f = click.option(
        "--include-unfinished",
        is_flag=True,
        help="Also export documents in progress (never skipped ones).",
    )(f)
    f = click.option(
        "--gold", is_flag=True, help="Export the adjudicated gold (curator @gold) instead."
    )(f)
    f = annotator_option(f)
    return db_option(f)


def _curator(annotator: str, gold: bool) -> str:
    return GOLD if gold else annotator


def _report(report: Any) -> None:
    for doc_id, message in report.problems:
        click.echo(f"doc {doc_id}: {message}" if doc_id else message, err=True)
    click.echo(report.summary())


@click.group()
def export() -> None:
    """Write a curator's finished documents (or the adjudicated gold) to files.

    Changes nothing in the project. Only documents the curator marked done are
    written unless --include-unfinished is given. Existing files are kept unless
    --force is given.
    """


@export.command("spacy")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_selection
@click.option(
    "--dev-fraction",
    type=float,
    help="Hold out this fraction for evaluation: writes OUT-train.spacy and OUT-dev.spacy.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the dev split.")
@click.option(
    "--model",
    help="Tokenise with this spaCy pipeline's tokenizer (default: spacy.blank('en')).",
)
@click.option(
    "--figure-ents/--no-figure-ents",
    default=True,
    show_default=True,
    help="Also put figures into doc.ents with OntoNotes labels (MONEY, PERCENT, CARDINAL, "
    "QUANTITY, ORDINAL, DATE, TIME) where they overlap no entity.",
)
def spacy_cmd(
    out: Path,
    db: str,
    annotator: str,
    gold: bool,
    include_unfinished: bool,
    force: bool,
    dev_fraction: float | None,
    seed: int,
    model: str | None,
    figure_ents: bool,
) -> None:
    """Export a spaCy DocBin (.spacy) ready for `spacy train`.

    doc.ents holds the entities (kb_id_ where linked) and, unless --no-figure-ents,
    the figures that overlap no entity, labelled MONEY, PERCENT, CARDINAL... as
    spaCy's English pipelines do; doc.spans["figures"] holds every figure, with its
    attributes in doc.user_data. Overlapping entities go to
    doc.spans["ents_overlapping"]; every span that needed attention is listed on
    stderr as `doc ID: ...`.
    """
    from annotator.core.export import export_spacy

    progress = _Progress()

    def on_progress(done: int, total: int) -> None:
        progress.show(f"{done}/{total} documents")

    with project(db) as store:
        try:
            report = export_spacy(
                store,
                out,
                _curator(annotator, gold),
                include_unfinished=include_unfinished,
                dev_fraction=dev_fraction,
                seed=seed,
                force=force,
                model=model,
                figures_as_ents=figure_ents,
                on_progress=on_progress,
            )
        finally:
            progress.done()
    _report(report)


def _format_command(fmt: str, help_text: str) -> click.Command:
    @click.argument("out", type=click.Path(path_type=Path))
    @_selection
    def command(
        out: Path, db: str, annotator: str, gold: bool, include_unfinished: bool, force: bool
    ) -> None:
        from annotator.core.export import export_format

        with project(db) as store:
            report = export_format(
                store,
                fmt,
                out,
                _curator(annotator, gold),
                include_unfinished=include_unfinished,
                force=force,
            )
        _report(report)

    command.__doc__ = help_text
    return export.command(fmt)(command)


_format_command(
    "jsonl",
    "Export Prodigy-compatible JSONL (text, tokens, spans with token_start/token_end, "
    'answer "accept"), one task per document; `prodigy db-in` reads it.',
)
_format_command("prodigy", "The same as `export jsonl`: Prodigy's JSONL.")
_format_command(
    "doccano",
    'Export doccano JSONL: {"text", "entities": [{id, start_offset, end_offset, label}], '
    '"relations": [...]}, one line per document.',
)
_format_command(
    "labelstudio",
    "Export a Label Studio JSON list of tasks, one annotation per task with `labels` and "
    "`relation` results (offsets in code points).",
)
_format_command(
    "brat",
    "Export brat standoff into the folder OUT: NNNNNN.txt + .ann per document (T, N for "
    "kb ids, R for relations) and an annotation.conf listing the labels.",
)
_format_command(
    "conll",
    "Export CoNLL-2003 style IOB2 (token and tag per line, blank line between sentences, "
    "-DOCSTART- between documents). Figures are not written; overlapping entities lose "
    "the shorter one (listed on stderr).",
)


@export.command("facts")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_selection
def facts_cmd(
    out: Path, db: str, annotator: str, gold: bool, include_unfinished: bool, force: bool
) -> None:
    """Export the figures as CSV: one row per figure with its document, span, kind,
    value, unit, metric, period and subjects."""
    from annotator.core.export import export_facts

    with project(db) as store:
        report = export_facts(
            store,
            out,
            _curator(annotator, gold),
            include_unfinished=include_unfinished,
            force=force,
        )
    click.echo(f"exported {report.figures} figures from {report.documents} documents to {out}")


@export.command("kb")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def kb_cmd(out: Path, db: str, force: bool) -> None:
    """Export the knowledge base as JSON Lines: one entity a line with its id, name,
    type, description, external ids and aliases."""
    from annotator.core.export import export_kb

    with project(db) as store:
        n = export_kb(store, out, force=force)
    click.echo(f"exported {n} entities to {out}")
