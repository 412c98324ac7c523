"""`annotator facts`: figures with what they measure, between whom and when, grouped;
conflicts and series."""

from __future__ import annotations

import csv
import json
import math
import shutil
import sys
from typing import TYPE_CHECKING, Any

import click

from annotator.cli import _Progress, db_option, project

if TYPE_CHECKING:
    from annotator.core.kb.facts import Fact, Group, Series

COLUMNS = (
    "doc_id",
    "source",
    "date",
    "start",
    "end",
    "text",
    "kind",
    "value",
    "value_max",
    "unit",
    "rate",
    "approx",
    "bound",
    "low",
    "high",
    "metric",
    "metric_key",
    "subjects",
    "subject_keys",
    "period",
    "period_start",
    "period_end",
    "period_kind",
    "group",
    "conflict",
    "series",
    "sentence",
)


def record(f: Fact, series: str | None = None) -> dict[str, Any]:
    low, high = f.interval or (None, None)
    period = f.period or {}
    return {
        "doc_id": f.doc_id,
        "source": f.source,
        "date": f.date,
        "start": f.start,
        "end": f.end,
        "text": f.text,
        "kind": f.kind,
        "value": f.value,
        "value_max": f.attrs.get("value_max"),
        "unit": f.unit,
        "rate": f.attrs.get("rate"),
        "approx": bool(f.attrs.get("approx")),
        "bound": f.attrs.get("bound"),
        "low": None if low is None or math.isinf(low) else low,
        "high": None if high is None or math.isinf(high) else high,
        "metric": f.metric.name if f.metric else None,
        "metric_key": f.metric.key if f.metric else None,
        "subjects": [e.name for e in f.subjects],
        "subject_keys": [e.key for e in f.subjects],
        "period": period.get("label"),
        "period_start": period.get("start"),
        "period_end": period.get("end"),
        "period_kind": period.get("kind"),
        "group": f.group,
        "conflict": f.conflict,
        "series": series,
        "sentence": f.sentence,
    }


@click.command()
@db_option
@click.option("--conflicts", is_flag=True, help="Only groups whose values disagree.")
@click.option("--series", "series_", is_flag=True, help="Only series: one metric over periods.")
@click.option(
    "--source",
    default="suggested",
    show_default=True,
    metavar="WHO",
    help="suggested (the models' figures), gold (adjudicated), or a curator's name.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "jsonl"]),
    default="table",
    show_default=True,
)
def facts(db: str, conflicts: bool, series_: bool, source: str, fmt: str) -> None:
    """Figures as facts: each with its metric, subjects, period, value and unit, the
    sentence and the article, grouped by metric + subjects + period.

    A conflict is a group whose values differ by more than their stated precision
    ("$6.1 billion" is 6.05-6.15 bn; "6,100 million dollars" equals it); values in
    another currency are not compared. A series is one metric and subjects over
    successive periods. csv and jsonl give one record per figure with its group,
    conflict flag and series.

    Changes nothing.
    """
    from annotator.core.kb.facts import collect_facts, find_series, group_facts

    progress = _Progress()
    with project(db) as store:
        found = collect_facts(
            store, source, on_progress=lambda n, total: progress.show(f"{n}/{total} documents")
        )
    progress.done()
    if not found:
        who = {"suggested": "the suggestions", "gold": "the gold"}.get(source, f"curator {source}")
        click.echo(f"no figures in {who}", err=True)
        return
    groups = group_facts(found)
    series = find_series(found) if series_ else []
    series_of: dict[int, str] = {}
    for n, s in enumerate(series, 1):
        for _, members in s.steps:
            for f in members:
                series_of[id(f)] = f"s{n}"
    shown = found
    if conflicts or series_:
        keep = {id(f) for g in groups if g.conflicts for f in g.facts} if conflicts else set()
        keep |= set(series_of) if series_ else set()
        shown = [f for f in found if id(f) in keep]
    if fmt == "jsonl":
        for f in shown:
            rec = record(f, series_of.get(id(f)))
            rec["notes"] = list(f.links.notes)
            click.echo(json.dumps(rec, ensure_ascii=False))
        return
    if fmt == "csv":
        from annotator.formats.csvsafe import safe_row

        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(COLUMNS)
        for f in shown:
            rec = record(f, series_of.get(id(f)))
            w.writerow(safe_row([_cell(rec[c]) for c in COLUMNS]))
        return
    _table(found, groups, series, conflicts, series_)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _amount(f: Fact) -> str:
    from annotator.core.kb.facts import fact_amount

    return fact_amount(f)


def _snippet(f: Fact, room: int) -> str:
    """The sentence, cut to `room` characters around the figure."""
    text = f.sentence
    if len(text) <= room:
        return text
    at = max(0, text.find(f.text))
    start = max(0, min(at - room // 3, len(text) - room + 1))
    cut = text[start : start + room - 2]
    return ("…" if start else "") + cut + "…"


def _line(f: Fact, width: int, indent: str = "    ") -> str:
    head = f"{indent}{_amount(f):<18} doc {f.doc_id} {f.source}:{f.start}  "
    room = max(30, width - len(head) - 2)
    return f"{head}“{_snippet(f, room)}”"


def _table(
    found: list[Fact], groups: list[Group], series: list[Series], conflicts: bool, series_: bool
) -> None:
    width = shutil.get_terminal_size((120, 20)).columns
    if conflicts:
        bad = [g for g in groups if g.conflicts]
        for g in bad:
            click.echo(f"CONFLICT  {g.title}")
            for f in g.facts:
                click.echo(_line(f, width))
            for f, why in g.not_compared:
                click.echo(f"    not compared: {f.text} ({why})")
        click.echo(
            f"{len(bad)} conflict{'s' if len(bad) != 1 else ''} in {len(groups)} groups "
            f"of {len(found)} figures"
        )
    if series_:
        from annotator.core.kb.facts import series_steps

        for s in series:
            click.echo(f"SERIES    {s.title}: {series_steps(s)}")
        click.echo(f"{len(series)} series")
    if conflicts or series_:
        return
    for g in groups:
        mark = "CONFLICT  " if g.conflicts else ""
        click.echo(f"{mark}{g.title}")
        for f in g.facts:
            click.echo(_line(f, width))
    rest = [f for f in found if f.group is None]
    if rest:
        click.echo("not grouped (no metric, period or subjects):")
        for f in rest:
            what = ", ".join(
                x
                for x in (
                    f.metric.name if f.metric else "",
                    ", ".join(e.name for e in f.subjects),
                    (f.period or {}).get("label") or "",
                )
                if x
            )
            click.echo(_line(f, width) + (f"  [{what}]" if what else ""))
