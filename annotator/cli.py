"""The `annotator` command line: thin commands over the core.

Each command turns library errors into one line naming the cause and exits non-zero.
Commands that live in other modules are loaded only when called, so `annotator --help`
stays fast (no spaCy, no Qt).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from annotator.core.model import STATUSES, default_annotator

DEFAULT_DB = "annotator.db"

# name -> "module:attribute" of commands defined elsewhere.
LAZY_COMMANDS: dict[str, str] = {
    "suggest": "annotator.commands.suggest:suggest",
    "figures": "annotator.commands.suggest:figures",
    "gui": "annotator.commands.gui:gui",
    "export": "annotator.commands.export:export",
    "kb": "annotator.commands.kb:kb",
    "facts": "annotator.commands.facts:facts",
    "accept": "annotator.commands.accept:accept",
    "merge": "annotator.commands.merge:merge",
    "agreement": "annotator.commands.agreement:agreement",
    "train": "annotator.commands.train:train",
    "models": "annotator.commands.train:models",
    "evaluate": "annotator.commands.evaluate:evaluate",
}

# Exit status when some records were rejected and the good ones kept.
EXIT_REJECTED = 3


class Text(click.types.StringParamType):
    """Free text from the command line (a name, a curator, a label). A byte that is not
    UTF-8 in an argument reaches Python as a surrogate escape ("\\udcff"), which the
    project, all UTF-8, cannot store: one error line instead of a traceback. Paths are
    click.Path and keep such bytes, as file names may."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        value = super().convert(value, param, ctx)
        bad = next((i for i, c in enumerate(value) if "\ud800" <= c <= "\udfff"), None)
        if bad is None:
            return value
        c = value[bad]
        byte = f"byte 0x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else "a surrogate"
        name = param.get_error_hint(ctx).strip("'") if param and ctx else "argument"
        raise click.ClickException(
            f"{name} {value!r} is not valid UTF-8 text ({byte} at position {bad}); "
            "check the terminal's encoding"
        )


TEXT = Text()


def _text_params(command: click.Command) -> click.Command:
    """Every plain-string parameter of `command` (and of its subcommands) as TEXT: the
    check is made once here, for every command, old and new."""
    for param in command.params:
        if type(param.type) is click.types.StringParamType:
            param.type = TEXT
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _text_params(sub)
    return command


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self._available()])

    def _available(self) -> list[str]:
        found = []
        for name, target in LAZY_COMMANDS.items():
            module = target.split(":")[0]
            if importlib.util.find_spec(module) is not None:
                found.append(name)
        return found

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name in self._available():
            module, attr = LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attr)
            assert isinstance(command, click.Command)
            return _text_params(command)
        command = super().get_command(ctx, cmd_name)
        return None if command is None else _text_params(command)


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db",
        default=DEFAULT_DB,
        show_default=True,
        envvar="ANNOTATOR_DB",
        type=click.Path(dir_okay=False),
        help="The project file (env ANNOTATOR_DB).",
    )(f)


def annotator_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--annotator",
        default=default_annotator,
        show_default="the OS user",
        help="The curator whose statuses and annotations are meant.",
    )(f)


@contextlib.contextmanager
def project(db: str, *, create: bool = False, empty_kb: bool = False) -> Iterator[Any]:
    """Open a project; any AnnotatorError inside (a project that cannot be used, a file
    in the way, an unknown model) becomes a one-line CLI error. A project made here gets
    the starter knowledge base unless `empty_kb`."""
    from annotator.core.errors import AnnotatorError
    from annotator.core.store import Store

    try:
        store = Store(db, create=create)
    except AnnotatorError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        if store.created:
            from annotator.core.kb.starter import prepare_new_project

            prepare_new_project(store, empty_kb=empty_kb)
        yield store
    except AnnotatorError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annotator")
def main() -> None:
    """Curate news articles into gold-standard NLP training data.

    Import articles, let a spaCy pipeline suggest entities and figures, review them
    in the curation window, and export the result for `spacy train`.
    """


ANNOTATION_FORMATS = ("prodigy", "doccano", "labelstudio", "brat", "conll", "spacy")


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option(
    "--text-column", default="text", show_default=True, help="The CSV column with the text."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "articles", *ANNOTATION_FORMATS]),
    default="auto",
    show_default=True,
    help="What the files are. auto: .ann (and folders holding them) are brat, .json is "
    "Label Studio, .conll/.iob/.iob2/.bio are CoNLL, .spacy is a DocBin, .jsonl is "
    "Prodigy or doccano when its first record has their annotations; anything else is "
    "articles.",
)
@click.option(
    "--annotator",
    default=None,
    help="File imported annotations under this curator (default: the curator the file "
    "names, else the OS user).",
)
@click.option(
    "--empty-kb",
    is_flag=True,
    help="A project made by this import starts with an empty knowledge base instead of "
    "the starter KB (countries, the seeds' people and organisations, metrics).",
)
def import_cmd(
    paths: tuple[str, ...],
    db: str,
    text_column: str,
    fmt: str,
    annotator: str | None,
    empty_kb: bool,
) -> None:
    """Import articles from .txt, .jsonl and .csv files or folders into the project, and
    annotations from Prodigy, doccano, Label Studio, brat, CoNLL and spaCy files.

    Changes: adds documents to the project (creating it if needed). Texts already in
    the project are skipped, so importing twice changes nothing. A new project gets the
    starter knowledge base (see --empty-kb). Annotations from other
    tools are added to the curator's annotations (origin "imported") of the document
    with the same text, in batches (an interrupted import keeps whole batches; run it
    again to finish), and those documents are marked done for that curator when all
    their spans landed (in progress otherwise). A file that does not look like the
    format asked for is refused. Rejected records are listed as FILE:LINE: reason; the
    good ones are kept. A span with white space at an edge is trimmed to its words (a
    notice FILE:LINE: ... trimmed, not a rejection). Exits 3 when anything was rejected.
    """
    import os

    from annotator.core.importer import LONG_TEXT, ImportReport, import_paths, split_by_format

    if not any(os.path.lexists(p) for p in paths):
        # nothing to read: say so before a project file is made for nothing
        raise click.ClickException(
            f"{', '.join(paths)}: no such file or folder; nothing imported"
            + ("" if os.path.exists(db) else " and no project created")
        )
    articles, annotated = split_by_format(paths, fmt)
    progress = _Progress()

    def on_progress(report: ImportReport) -> None:
        progress.show(f"{report.imported + report.duplicates} records read")

    rejected: list[Any] = []
    trimmed: list[Any] = []
    summaries: list[str] = []
    long_texts: list[tuple[str, int]] = []
    with project(db, create=True, empty_kb=empty_kb) as store:
        if articles:
            report = import_paths(store, articles, text_column=text_column, on_progress=on_progress)
            rejected += report.rejected
            summaries.append(report.summary())
            long_texts = report.long_texts
        if annotated:
            from annotator.core.interchange import (
                AnnotationImportReport,
                import_annotated,
                read_annotated,
            )

            a_report = AnnotationImportReport()

            def on_batch(r: AnnotationImportReport) -> None:
                records = r.documents_new + r.documents_matched
                progress.show(f"{path.name}: {records} records, {r.spans_added} spans added")

            for path, path_fmt in annotated:
                import_annotated(
                    store,
                    read_annotated(path, path_fmt),
                    annotator=annotator,
                    fallback=default_annotator(),
                    report=a_report,
                    on_progress=on_batch,
                )
            rejected += a_report.rejected
            trimmed = a_report.trimmed
            summaries.append(a_report.summary())
    progress.done()
    for rejection in rejected:
        click.echo(str(rejection), err=True)
    for notice in trimmed:
        click.echo(str(notice), err=True)
    for source, chars in long_texts:
        click.echo(
            f"{source}: {chars:,} characters, over spaCy's max_length of {LONG_TEXT:,}: "
            "suggest will parse it in pieces",
            err=True,
        )
    for summary in summaries:
        click.echo(summary)
    if rejected:
        sys.exit(EXIT_REJECTED)


@main.command("list")
@db_option
@annotator_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True
)
@click.option("--status", type=click.Choice(STATUSES), help="Only documents with this status.")
@click.option(
    "--search",
    metavar="WORDS",
    help='Only documents whose title or text has all these words ("a phrase", prefix*; '
    "other punctuation is text). Start with fts: for SQLite FTS5 syntax "
    "(fts: Astana OR Seoul).",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many documents.")
def list_cmd(
    db: str, annotator: str, fmt: str, status: str | None, search: str | None, limit: int | None
) -> None:
    """List the project's documents with the curator's status.

    Changes nothing.
    """
    with project(db) as store:
        try:
            rows = store.list_documents(annotator, status=status, search=search, limit=limit)
        except ValueError as exc:  # only fts: queries can be malformed
            raise click.ClickException(
                f"{exc} (fts: takes SQLite FTS5 syntax; without fts: the words are plain)"
            ) from exc
    if fmt == "jsonl":
        for r in rows:
            click.echo(
                json.dumps(
                    {
                        "id": r.id,
                        "source": r.source,
                        "title": r.title,
                        "date": r.date,
                        "status": r.status,
                        "open_suggestions": r.open_suggestions,
                    },
                    ensure_ascii=False,
                )
            )
        return
    width = shutil.get_terminal_size((120, 20)).columns
    click.echo(f"{'id':>6}  {'status':<11}  {'date':<10}  {'open':>4}  title")
    for r in rows:
        line = f"{r.id:>6}  {r.status:<11}  {r.date or '':<10}  {r.open_suggestions:>4}  {r.title}"
        click.echo(line if len(line) <= width else line[: width - 1] + "…")


@main.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def stats(db: str, fmt: str) -> None:
    """Show how far the project is: documents, suggested, and per curator annotated,
    in progress, done and skipped.

    Changes nothing.
    """
    from annotator.core.stats import project_stats

    with project(db) as store:
        data = project_stats(store)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    click.echo(f"documents    {data['documents']}")
    click.echo(f"suggested    {data['suggested']}  ({data['suggestions']} suggestions)")
    if not data["curators"]:
        click.echo("no curator has started yet")
        return
    click.echo(f"\n{'curator':<20} {'annotated':>9} {'in progress':>11} {'done':>6} {'skipped':>7}")
    for name, c in sorted(data["curators"].items()):
        counts = f"{c['annotated']:>9} {c['in_progress']:>11} {c['done']:>6} {c['skipped']:>7}"
        click.echo(f"{name:<20} {counts}")


class _Progress:
    """A one-line progress display on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()
        self.shown = False

    def show(self, text: str) -> None:
        if self.active:
            click.echo(f"\r{text}\x1b[K", err=True, nl=False)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("", err=True)
