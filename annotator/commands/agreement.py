"""`annotator agreement`: how far curators' finished work agrees."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from annotator.cli import db_option, project


def _names(value: str | None) -> list[str] | None:
    if not value:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    return names or None


@click.command("agreement")
@db_option
@click.option(
    "--annotators",
    metavar="A,B,...",
    help="The curators to compare (default: every curator with a finished document, "
    "the gold aside; name @gold to compare with it).",
)
@click.option("--layer", type=click.Choice(["ents", "figures"]), default="ents", show_default=True)
@click.option("--labels", metavar="L1,L2,...", help="Only these labels (others are ignored).")
@click.option(
    "--tokens",
    "units",
    type=click.Choice(["all", "labelled"]),
    default="all",
    show_default=True,
    help='Token units of kappa and alpha: every token (unlabelled ones are category "O"), '
    "or only tokens at least one of the curators put in a span.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report: OUT.html (tables and charts embedded) or OUT.png (charts): "
    "agreement per label, and the token label confusion matrix of a pair. Needs matplotlib "
    "(pip install 'annotator[report]').",
)
@click.option(
    "--pair",
    metavar="A,B",
    help="The pair whose confusion matrix the report draws (default: the pair with the "
    "most shared documents).",
)
@click.option("--force", is_flag=True, help="Overwrite the report file if it exists.")
def agreement(
    db: str,
    annotators: str | None,
    layer: str,
    labels: str | None,
    units: str,
    fmt: str,
    report: Path | None,
    pair: str | None,
    force: bool,
) -> None:
    """Inter-annotator agreement of curators' finished work, per label and overall.

    Changes nothing in the project (--report writes one file).

    Each pair is compared over the documents both marked done (how many is shown); a
    group of three or more over the documents all marked done. Figures:

    \b
    - exact F1: spans equal in start, end and label (white space at the
      edges trimmed; each span matched once): 2·matches / (spans of A + spans of B);
    - partial F1: a span is matched when the other curator has a span of the
      same label sharing a character; harmonic mean of the shares of A's and
      of B's spans matched (symmetric, independent of span order, never half);
    - kappa: token-level Cohen's kappa for a pair, Fleiss' kappa for a group;
    - alpha: Krippendorff's alpha, nominal, tokens as units, for pairs and
      for the group (a true multi-rater figure).

    Tokens are the tool's tokens (words, numbers, punctuation). A token takes a span's
    label when the span covers any of its characters; a token with several labels from
    one curator has their combination; an unlabelled token is "O" and counts as agreement
    when both leave it (see --tokens). Per label, each token is a yes/no decision. For a
    group, F1 is the mean over its pairs. The unitized alpha is not offered: no reference
    implementation exists to check it against; token alpha with "O" tokens is its
    token-level counterpart. --layer figures adds the share of figures marked at the same
    offsets with the same value and unit; for entities, the share of entities marked
    alike with the same knowledge-base id.
    """
    from annotator.core.agreement import agreement as compute_agreement
    from annotator.core.agreement.output import CSV_COLUMNS, csv_rows, table, to_json
    from annotator.formats.csvsafe import safe_row

    pair_names = _names(pair)
    if pair_names is not None and len(pair_names) != 2:
        raise click.ClickException(f"--pair {pair!r}: name two curators, A,B")
    with project(db) as store:
        result = compute_agreement(
            store, _names(annotators), layer=layer, labels=_names(labels), units=units
        )
        if report is not None:
            from annotator.core.agreement.report import write_report

            write_report(
                result,
                report,
                pair=None if pair_names is None else (pair_names[0], pair_names[1]),
                force=force,
            )
    if fmt == "json":
        click.echo(json.dumps(to_json(result), ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in csv_rows(result):
            writer.writerow(safe_row(row))
    else:
        for line in table(result):
            click.echo(line)
    if report is not None:
        click.echo(f"report written to {report}", err=True)
