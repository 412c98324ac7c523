"""`annotator export ...`: write a curator's (or the gold) annotations to files."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from annotator.cli import _Progress, annotator_option, db_option, project
from annotator.core.model import GOLD

SHARD_DOCS = 2000  # annotator.core.export.SHARD_DOCS, without importing it for --help


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
    "--shard-size",
    "shard_docs",
    type=click.IntRange(min=1),
    default=SHARD_DOCS,
    show_default=True,
    help="Documents per DocBin. An export of more documents (per part, with "
    "--dev-fraction) writes OUT as a folder of .spacy shards, which `spacy train` reads "
    "like one file; memory stays flat.",
)
@click.option(
    "--shards", is_flag=True, help="Write OUT as a folder of shards even when one would do."
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
    shard_docs: int,
    shards: bool,
    figure_ents: bool,
) -> None:
    """Export a spaCy DocBin (.spacy) ready for `spacy train`.

    doc.ents holds the entities (kb_id_ where linked) and, unless --no-figure-ents,
    the figures that overlap no entity, labelled MONEY, PERCENT, CARDINAL... as
    spaCy's English pipelines do; doc.spans["figures"] holds every figure, with its
    attributes in doc.user_data. Overlapping entities go to
    doc.spans["ents_overlapping"]; every span that needed attention is listed on
    stderr as `doc ID: ...`. Large exports become a folder OUT/ of numbered .spacy
    shards (see --shard-size); pass the folder to `spacy train --paths.train OUT`.
    """
    from annotator.core.export import export_spacy

    with project(db) as store, _progress() as on_progress:
        report = export_spacy(
            store,
            out,
            _curator(annotator, gold),
            include_unfinished=include_unfinished,
            dev_fraction=dev_fraction,
            seed=seed,
            force=force,
            model=model,
            shard_docs=shard_docs,
            shards=shards,
            figures_as_ents=figure_ents,
            on_progress=on_progress,
        )
    _report(report)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None]]:
    progress = _Progress()

    def on_progress(done: int, total: int) -> None:
        progress.show(f"{done}/{total} documents")

    try:
        yield on_progress
    finally:
        progress.done()


def _format_command(
    fmt: str,
    help_text: str,
    extra: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
) -> click.Command:
    @click.argument("out", type=click.Path(path_type=Path))
    @_selection
    def command(
        out: Path,
        db: str,
        annotator: str,
        gold: bool,
        include_unfinished: bool,
        force: bool,
        **options: Any,
    ) -> None:
        from annotator.core.export import ExportError, export_format

        with project(db) as store, _progress() as on_progress:
            model = options.pop("model", None)
            if model:
                from annotator.formats.tokens import model_language

                try:
                    options["lang"] = model_language(model)
                except OSError as exc:
                    raise ExportError(f"cannot read the pipeline {model!r}: {exc}") from exc
            report = export_format(
                store,
                fmt,
                out,
                _curator(annotator, gold),
                include_unfinished=include_unfinished,
                force=force,
                on_progress=on_progress,
                **options,
            )
        _report(report)

    command.__doc__ = help_text
    if extra:
        command = extra(command)
    return export.command(fmt)(command)


def _tokens_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--model",
        help="Tokenise with a blank spaCy pipeline of this pipeline's language (read from "
        "its meta.json; default: English).",
    )(f)


_format_command(
    "jsonl",
    "Export Prodigy-compatible JSONL (text, tokens, spans with token_start/token_end, "
    'answer "accept"), one task per document; `prodigy db-in` reads it. The curator is '
    "_annotator_id and _session_id.",
    _tokens_option,
)
_format_command("prodigy", "The same as `export jsonl`: Prodigy's JSONL.", _tokens_option)
_format_command(
    "doccano",
    "Export doccano JSONL, one line per document, in doccano's own layouts.\n\n"
    'labels (default when no span has relations): {"text", "label": [[start, end, '
    'LABEL], ...], "meta"}. Upload it to a Sequence Labeling project as JSONL with '
    'Column Data "text" and Column Label "label".\n\n'
    'relations (default when some span has relations): {"text", "entities": [{id, '
    'start_offset, end_offset, label}], "relations": [{id, from_id, to_id, type}], '
    '"meta"}. Upload it to a Sequence Labeling project with "Use relation labeling" '
    'on, as "JSONL (Relation)".\n\nThe curator and document id are in meta.',
    lambda f: click.option(
        "--layout",
        type=click.Choice(["auto", "labels", "relations"]),
        default="auto",
        show_default=True,
        help="Which doccano layout (auto: relations when a span has relations).",
    )(f),
)
_format_command(
    "labelstudio",
    "Export a Label Studio JSON list of tasks, one annotation per task with `labels` and "
    "`relation` results (offsets in code points), for a project whose labeling config "
    'has <Labels name="label" toName="text"> over <Text name="text" value="$text">. '
    "The curator's name is in each task's meta.curator. Label Studio refuses the whole "
    "import when completed_by names anyone but one of its users, so it is left out (the "
    "importing user gets the annotations) unless --user-email is given.",
    lambda f: click.option(
        "--user-email",
        "email",
        metavar="EMAIL",
        help="Write completed_by as this Label Studio user's e-mail (the user must exist "
        "in Label Studio).",
    )(f),
)
_format_command(
    "brat",
    "Export brat standoff into the folder OUT: NNNNNN.txt + .ann per document (T, N for "
    "kb ids, R for relations; an empty .ann for a document without spans) and an "
    "annotation.conf listing the labels. The folder is written fresh and put in place "
    "at the end.",
)
_format_command(
    "conll",
    "Export CoNLL-2003 style IOB2 (token and tag per line, blank line between sentences, "
    "-DOCSTART- between documents). Figures are not written; overlapping entities lose "
    "the shorter one (listed on stderr).",
    _tokens_option,
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
    """The same as `annotator kb export OUT`: the knowledge base as JSON Lines (CSV when
    OUT ends in .csv)."""
    from annotator.core.kb.exporting import export_kb

    with project(db) as store:
        n = export_kb(store, out, force=force)
    click.echo(f"exported {n} entities to {out}")
