"""`annotator kb ...`: the project's knowledge base."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import click

from annotator.cli import EXIT_REJECTED, _Progress, db_option, project
from annotator.core.model import default_annotator


@click.group()
def kb() -> None:
    """The knowledge base: canonical entities (name, type, description, external ids,
    aliases) that entity spans link to, and the metrics figures measure.

    A new project starts with the starter KB (every ISO 3166 country, the seed articles'
    people, organisations and places, and metrics); `annotator import --empty-kb` starts
    one without it.
    """


@kb.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "wikidata"]),
    help="jsonl (what `kb export` writes), csv, or wikidata (JSON dump lines, also .gz "
    "or .bz2) [default: from the file name: .csv is csv, .json wikidata, else jsonl].",
)
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="wikidata: the language of labels, aliases and descriptions kept.",
)
@click.option(
    "--type",
    "type_",
    default="",
    help="wikidata: the entity type to give every entity (e.g. PERSON) [default: none].",
)
def import_cmd(file: Path, db: str, fmt: str | None, language: str, type_: str) -> None:
    """Merge the entities of FILE into the knowledge base.

    Changes: adds new entities; an entity already there (same key or external id, or
    same name and type when the file gives neither) gains the file's aliases, demonyms
    and external ids, and keeps its name, type and description, so importing twice
    changes nothing. Bad rows, duplicate keys or external ids, and ids of another entity
    are listed as FILE:LINE: reason and left out; unknown columns are listed and ignored;
    the good rows are kept. Exits 3 when a row was rejected. Ctrl-C keeps the finished
    batches.
    """
    from annotator.core.kb.entities import type_problem
    from annotator.core.kb.importing import import_kb

    problem = type_problem(type_)
    if problem:
        raise click.BadParameter(problem, param_hint="--type")
    progress = _Progress()
    with project(db, create=True) as store:
        report = import_kb(
            store,
            file,
            fmt,
            language=language,
            type=type_,
            annotator=default_annotator(),
            on_problem=lambda r: (progress.show(""), click.echo(str(r), err=True)),
            on_progress=lambda r: progress.show(f"{r.read} entities read"),
        )
    progress.done()
    click.echo(report.summary())
    if report.rejected:
        sys.exit(EXIT_REJECTED)


@kb.command("list")
@db_option
@click.option("--search", "query", metavar="TEXT", help="Entities TEXT may name, best first.")
@click.option("--type", "type_", metavar="T", help="Only entities of type T.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True
)
def list_cmd(db: str, query: str | None, type_: str | None, limit: int | None, fmt: str) -> None:
    """List the knowledge base's entities (with --search: ranked, with the reasons).

    Changes nothing.
    """
    from annotator.core.kb.candidates import candidates
    from annotator.core.kb.entities import entities, entities_by_keys
    from annotator.core.kb.exporting import entity_record

    with project(db) as store:
        if query:
            types = [type_] if type_ else None
            found = candidates(store, query, limit=limit or 10, types=types)
            if not types:  # metrics are found too when asked for by name
                found += candidates(store, query, limit=limit or 10, types=["METRIC"])
                found = sorted(found, key=lambda c: -c.score)[: limit or 10]
            full = entities_by_keys(store, [c.key for c in found])
            rows = [(full[c.key], c.why, c.score) for c in found]
        else:
            rows = []
            for e in entities(store, type=type_):
                rows.append((e, "", None))
                if limit and len(rows) >= limit:
                    break
    if fmt == "jsonl":
        for e, why, score in rows:
            record = entity_record(e)
            if score is not None:
                record.update(score=score, why=why)
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    width = shutil.get_terminal_size((120, 20)).columns
    for e, why, score in rows:
        line = f"{e.key:<28} {e.type or '-':<8} {e.name}"
        if score is not None:
            line = f"{score:4.2f} {line}  [{why}]"
        else:
            others = [a for a in e.aliases if a != e.name] + list(e.demonyms)
            if others:
                line += f"  ({', '.join(others)})"
        click.echo(line if len(line) <= width else line[: width - 1] + "…")
    if not rows:
        click.echo("no entities" + (f" for {query!r}" if query else ""), err=True)


@kb.command("add")
@click.argument("name")
@db_option
@click.option(
    "--type", "type_", required=True, help="The entity type (PERSON, ORG, GPE, METRIC...)."
)
@click.option("--alias", "aliases", multiple=True, help="Another name (repeatable).")
@click.option("--demonym", "demonyms", multiple=True, help="An adjective of a place (repeatable).")
@click.option("--description", default="", help="A short description.")
@click.option(
    "--id",
    "ids",
    multiple=True,
    metavar="SCHEME:ID",
    help="An external id, e.g. wikidata:Q42 (repeatable); the first gives the key.",
)
@click.option("--key", help="The stable key [default: from --id, else a new local:... key].")
def add_cmd(
    name: str,
    db: str,
    type_: str,
    aliases: tuple[str, ...],
    demonyms: tuple[str, ...],
    description: str,
    ids: tuple[str, ...],
    key: str | None,
) -> None:
    """Add one entity to the knowledge base and print its key.

    Changes: adds the entity with its aliases. Refused when NAME is empty, the type is
    not a valid label, an id is not SCHEME:ID, or the key or an external id is already
    in the knowledge base.
    """
    from annotator.core.kb import KBError
    from annotator.core.kb.entities import (
        add_entity,
        entity_by_external_id,
        entity_by_key,
        entity_key,
        parse_external_id,
        type_problem,
    )

    if not name.strip() or name != name.strip():
        raise click.BadParameter("the name must not be empty or start or end with a space")
    problem = type_problem(type_) if type_ else "the type must not be empty"
    if problem:
        raise click.BadParameter(problem, param_hint="--type")
    external: dict[str, str] = {}
    try:
        for text in ids:
            scheme, value = parse_external_id(text)
            if scheme in external:
                raise KBError(f"two {scheme} ids given ({external[scheme]} and {value})")
            external[scheme] = value
    except KBError as exc:
        raise click.BadParameter(str(exc), param_hint="--id") from exc
    with project(db, create=True) as store:
        for scheme, value in external.items():
            other = entity_by_external_id(store, scheme, value)
            if other is not None:
                raise click.ClickException(
                    f"{scheme}:{value} is already the id of {other.key} ({other.name!r})"
                )
        key = key or entity_key(external)
        if key and entity_by_key(store, key) is not None:
            raise click.ClickException(f"key {key} is already in the knowledge base")
        e = add_entity(
            store,
            name,
            type_,
            description=description,
            external_ids=external,
            aliases=aliases,
            demonyms=demonyms,
            annotator=default_annotator(),
            key=key,
        )
    click.echo(f"added {e.key} {e.name!r} ({e.type})")


@kb.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    help="[default: csv when OUT ends in .csv, else jsonl]",
)
@click.option("--type", "type_", metavar="T", help="Only entities of type T.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def export_cmd(out: Path, db: str, fmt: str | None, type_: str | None, force: bool) -> None:
    """Write the knowledge base to OUT in the shape `kb import` reads back.

    Changes nothing in the project; OUT is written whole or not at all.
    """
    from annotator.core.kb.exporting import export_kb

    with project(db) as store:
        n = export_kb(store, out, fmt=fmt, force=force, type=type_)
    click.echo(f"exported {n} entities to {out}")


@kb.command("starter")
@db_option
def starter_cmd(db: str) -> None:
    """Load the starter knowledge base (ISO 3166 countries, the seeds' people,
    organisations and places, metrics) into the project.

    Changes: adds the starter entities the project lacks; entities already there gain
    the starter's aliases. New projects get it when they are made.
    """
    from annotator.core.kb.starter import load_starter

    with project(db) as store:
        report = load_starter(store, annotator=default_annotator())
    click.echo(report.summary())


@kb.command("suggest")
@db_option
def suggest_cmd(db: str) -> None:
    """Suggest the mentions of known aliases in every document, pre-linked (the
    suggestion source `kb`), e.g. after the knowledge base grew. `annotator suggest`
    does it too for the documents it suggests.

    Changes: replaces the `kb` source's suggestions; the model's suggestions and the
    curators' annotations are not touched.
    """
    from annotator.core.kb.prelink import prelink_documents

    progress = _Progress()
    with project(db) as store:
        report = prelink_documents(
            store, on_progress=lambda r: progress.show(f"{r.documents} documents")
        )
    progress.done()
    click.echo(report.summary())


@kb.command("candidates")
@click.argument("text")
@db_option
@click.option("--label", help="The span's label (type fit), e.g. PERSON.")
@click.option("--doc", "doc_id", type=int, help="The article the mention is in.")
@click.option("--annotator", default=default_annotator, show_default="the OS user")
@click.option("--metric", is_flag=True, help="Rank metrics (what figures measure) instead.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
def candidates_cmd(
    text: str,
    db: str,
    label: str | None,
    doc_id: int | None,
    annotator: str,
    metric: bool,
    limit: int,
) -> None:
    """Show the entities TEXT may refer to, ranked, with why each ranks where it does.

    Changes nothing.
    """
    from annotator.core.kb.candidates import METRIC, candidates

    with project(db) as store:
        found = candidates(
            store,
            text,
            label,
            doc_id=doc_id,
            annotator=annotator,
            limit=limit,
            types=[METRIC] if metric else None,
        )
    for c in found:
        click.echo(f"{c.score:4.2f}  {c.key:<28} {c.type or '-':<7} {c.name}  [{c.why}]")
    if not found:
        click.echo(f"no candidates for {text!r}", err=True)
