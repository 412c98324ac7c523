"""`annotator accept`: a model's suggestions accepted for a curator, without the window."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from annotator.cli import _Progress, db_option, project
from annotator.core.model import LAYERS, STATUSES

if TYPE_CHECKING:
    from annotator.core.bulk_accept import AcceptReport

# The longest --doc range: more ids than any project holds, fewer than fill the memory.
MAX_RANGE = 10_000_000


def _doc_ids(values: tuple[str, ...]) -> list[int] | None:
    """`--doc 3 --doc 10-20 --doc 5,7` as ids; None when none was given."""
    if not values:
        return None
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            first, dash, last = part.strip().partition("-")
            try:
                lo = int(first)
                hi = int(last) if dash else lo
            except ValueError:
                raise click.BadParameter(
                    f"{part.strip()!r} is not a document id or a range like 10-20",
                    param_hint="--doc",
                ) from None
            if lo > hi:
                raise click.BadParameter(
                    f"range {part.strip()!r} runs backwards", param_hint="--doc"
                )
            if hi - lo >= MAX_RANGE:
                raise click.BadParameter(
                    f"range {part.strip()!r} is longer than {MAX_RANGE:,} documents",
                    param_hint="--doc",
                )
            ids.extend(range(lo, hi + 1))
    return ids


@click.command()
@db_option
@click.option(
    "--annotator",
    required=True,
    help="The curator the accepted suggestions are filed under (e.g. silver, or your name).",
)
@click.option(
    "--model",
    metavar="NAME",
    help="Whose suggestions, by the name suggest stores (e.g. en_core_web_sm) "
    "[default: the only model that has suggested in the project].",
)
@click.option(
    "--label", "labels", multiple=True, metavar="LABEL", help="Only this label (repeat for more)."
)
@click.option(
    "--layer",
    "layers",
    type=click.Choice(LAYERS),
    multiple=True,
    help="Only entities or only figures.",
)
@click.option(
    "--doc",
    "docs",
    multiple=True,
    metavar="IDS",
    help="Only these documents: an id, a range 10-20, or a list 3,7 (repeat for more).",
)
@click.option(
    "--status",
    "statuses",
    type=click.Choice(STATUSES),
    multiple=True,
    help="Only documents with this status for the curator (repeat for more) "
    "[default: open and in_progress].",
)
@click.option(
    "--search",
    metavar="WORDS",
    help="Only documents whose title or text has these words (as `list --search`).",
)
@click.option(
    "--mark",
    type=click.Choice(["done", "in_progress"]),
    default="done",
    show_default=True,
    help="The status the documents get.",
)
@click.option("--dry-run", is_flag=True, help="Count what would change; change nothing.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def accept(
    db: str,
    annotator: str,
    model: str | None,
    labels: tuple[str, ...],
    layers: tuple[str, ...],
    docs: tuple[str, ...],
    statuses: tuple[str, ...],
    search: str | None,
    mark: str,
    dry_run: bool,
    fmt: str,
) -> None:
    """Accept a model's suggestions for a curator and mark the documents done, as the
    window's "Accept all" and "Mark done" would: silver data and scripted pipelines
    without a display (`annotator export ... --annotator NAME` then exports them).

    Changes: adds the curator's annotations (origin "accepted") for every undecided
    suggestion of the model in the selected documents, and sets those documents' status
    (--mark; marking in progress never takes back a finished document); every change is
    in the events log, written one transaction per 500 documents. Suggestions the
    curator rejected, spans the curator already has, and documents done or skipped are
    left alone (unless --status names them), so running it again changes nothing.
    """
    from annotator.core.bulk_accept import Selection, accept_suggestions

    selection = Selection(
        doc_ids=_doc_ids(docs),
        statuses=statuses or ("open", "in_progress"),
        search=search,
        labels=labels or None,
        layers=layers or None,
    )
    progress = _Progress()
    with project(db) as store:
        report = accept_suggestions(
            store,
            annotator,
            model=model,
            selection=selection,
            mark=mark,
            dry_run=dry_run,
            on_progress=lambda r: progress.show(
                f"accepting: {r.documents:,}/{r.total:,} documents"
            ),
        )
    progress.done()
    if fmt == "json":
        fields = ("model", "annotator", "mark", "dry_run", "documents", "accepted", "by_layer")
        more = ("already", "rejected", "invalid", "overlapping", "marked", "unsuggested")
        click.echo(json.dumps({k: getattr(report, k) for k in (*fields, *more)}))
    else:
        click.echo(_summary(report))
    if report.unsuggested:
        click.echo(
            f"{report.unsuggested} selected documents have no suggestions from {report.model} "
            "yet and were left alone: run `annotator suggest --only-new` first",
            err=True,
        )


def _summary(r: AcceptReport) -> str:
    if not r.documents:
        return (
            f"{r.model} for {r.annotator}: no selected document to accept suggestions in "
            "(by default only open and in-progress ones: --status names others); "
            "nothing changed"
        )
    verb = "would accept" if r.dry_run else "accepted"
    status = r.mark.replace("_", " ")
    text = (
        f"{r.model} for {r.annotator}: {verb} {r.accepted:,} suggestions "
        f"({r.by_layer.get('ents', 0):,} entities, {r.by_layer.get('figures', 0):,} figures) "
        f"in {r.documents:,} documents; {'would mark' if r.dry_run else 'marked'} "
        f"{r.marked:,} {status}"
    )
    left = [
        f"{n:,} {what}"
        for n, what in (
            (r.rejected, "rejected"),
            (r.already, "already there"),
            (r.invalid, "not fitting the text"),
            (r.overlapping, "over words another entity has"),
        )
        if n
    ]
    if left:
        text += f"; left alone: {', '.join(left)}"
    return text + (" (dry run: nothing changed)" if r.dry_run else "")
