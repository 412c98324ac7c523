"""`annotator gui`: the curation window."""

from __future__ import annotations

import sys

import click

from annotator.cli import annotator_option, db_option, project

# Exit status when the window cannot be shown on this machine (no display, Qt's system
# libraries missing).
EXIT_NO_DISPLAY = 2


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@annotator_option
@click.option(
    "--empty-kb",
    is_flag=True,
    help="A project made now starts with an empty knowledge base instead of the starter KB.",
)
def gui(paths: tuple[str, ...], db: str, annotator: str, empty_kb: bool) -> None:
    """Open the curation window on the project.

    PATHs (files or folders of .txt, .jsonl, .csv) are imported first, creating the
    project if needed (with the starter knowledge base unless --empty-kb); the model
    then suggests entities and figures for the new documents in the background.

    Changes: every accept, reject, correction, new span and status is written to the
    project as it happens, under the curator's name (--annotator); in review mode
    (Ctrl+R) adjudications are written to the gold (@gold), the reviewer's name (the
    same --annotator) in the events, curators' own work untouched. Window size, layout,
    text size and the last document are kept in the user's settings
    (env ANNOTATOR_SETTINGS_DIR moves them).

    Without a display, or without the system libraries Qt's X11 plugin needs, it says
    what is missing and what to do, changes nothing, and exits 2.
    """
    from pathlib import Path

    from annotator.core.display import display_problem, qt_import_problem

    # Qt aborts the process with messages of its own when it has no display or misses
    # system libraries: check first, and say in one line what is missing and what to do.
    problem = display_problem()
    if problem is None:
        try:
            from annotator.gui.app import run
        except ImportError as exc:
            problem = qt_import_problem(exc)
    if problem is not None:
        click.echo(f"Error: {problem}", err=True)
        sys.exit(EXIT_NO_DISPLAY)
    if paths and not Path(db).exists():
        # made here, not by the window, so that it gets the starter knowledge base
        with project(db, create=True, empty_kb=empty_kb):
            pass
    sys.exit(run(db, annotator, paths))
