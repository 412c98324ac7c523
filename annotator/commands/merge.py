"""`annotator merge OTHER.db...`: bring other curators' project files into this one."""

from __future__ import annotations

import sys

import click

from annotator.cli import EXIT_REJECTED, _Progress, db_option, project
from annotator.core.model import default_annotator


@click.command("merge")
@click.argument("others", nargs=-1, required=True, type=click.Path(dir_okay=False))
@db_option
@click.option(
    "--rename",
    "renames",
    multiple=True,
    metavar="OLD=NEW",
    help="Merge the other files' curator OLD as NEW (repeatable); use it when two people "
    "worked under one name.",
)
@click.option(
    "--dry-run", is_flag=True, help="Say what would be merged; change nothing in the project."
)
def merge(others: tuple[str, ...], db: str, renames: tuple[str, ...], dry_run: bool) -> None:
    """Merge other curators' project files (OTHER.db) into the project.

    Changes: adds the other files' new documents (matched by text), and each curator's
    annotations, statuses, rejections, links and events under their curator name; new
    knowledge-base entities (matched by key) and aliases. The other files are only read,
    never changed; they are refused when not annotator projects, from a newer annotator,
    or holding triggers, views or tables annotator did not make.

    Nothing anyone did is overwritten: work already merged is skipped (merging twice
    changes nothing), newer work of the same curator on a document replaces their
    older work, and a curator whose work here differs (two people under one name) is
    reported and not merged at all unless renamed with --rename OLD=NEW. The
    adjudicated gold (@gold) follows the same rules. A document is not marked done for a
    curator some of whose annotations on it were bad rows (left in progress). Exits 3
    when a curator was not merged or rows of a file could not be used (listed on stderr).
    """
    from annotator.core.merge import merge_projects, parse_renames

    progress = _Progress()
    with project(db, create=True) as store:
        try:
            reports = merge_projects(
                store,
                others,
                renames=parse_renames(renames),
                dry_run=dry_run,
                annotator=default_annotator(),
                on_progress=progress.show,
            )
        finally:
            progress.done()
    trouble = False
    for report in reports:
        for line in report.problems + report.clash_messages():
            click.echo(line, err=True)
            trouble = True
        click.echo(("would merge " if dry_run else "merged ") + report.summary())
    if trouble:
        sys.exit(EXIT_REJECTED)
