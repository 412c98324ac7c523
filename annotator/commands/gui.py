"""`annotator gui`: the curation window."""

from __future__ import annotations

import sys

import click

from annotator.cli import annotator_option, db_option


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@annotator_option
def gui(paths: tuple[str, ...], db: str, annotator: str) -> None:
    """Open the curation window on the project.

    PATHs (files or folders of .txt, .jsonl, .csv) are imported first, creating the
    project if needed; the model then suggests entities and figures for the new documents
    in the background.

    Changes: every accept, reject, correction, new span and status is written to the
    project as it happens, under the curator's name (--annotator). Window size, layout,
    text size and the last document are kept in the user's settings
    (env ANNOTATOR_SETTINGS_DIR moves them).
    """
    from annotator.gui.app import run

    sys.exit(run(db, annotator, paths))
