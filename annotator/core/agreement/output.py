"""Agreement figures as JSON, CSV rows and a text table."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from annotator.core.agreement.compare import Agreement, Figures, Scope

CSV_COLUMNS = (
    "scope",
    "curators",
    "documents",
    "label",
    "spans",
    "exact_f1",
    "partial_f1",
    "kappa",
    "kappa_kind",
    "alpha",
    "tokens",
)


def _num(value: float) -> float | None:
    return None if math.isnan(value) else value


def _figures(f: Figures) -> dict[str, Any]:
    return {
        "spans": list(f.spans),
        "exact_f1": _num(f.exact_f1),
        "partial_f1": _num(f.partial_f1),
        "kappa": _num(f.kappa),
        "alpha": _num(f.alpha),
        "tokens": f.units,
    }


def _scope(s: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {
        "curators": list(s.raters),
        "documents": s.documents,
        "kappa": "cohen" if len(s.raters) == 2 else "fleiss",
        "f1": "pair" if len(s.raters) == 2 else "mean of the pairs",
        "overall": _figures(s.overall),
        "labels": {f.label: _figures(f) for f in s.labels},
    }
    if s.values is not None:
        v = s.values
        out["values"] = {
            "matched": v.matched,
            "value": _num(v.value),
            "unit": _num(v.unit),
            "both": _num(v.both),
        }
    if s.kb is not None:
        out["kb"] = {"matched": s.kb.matched, "same": _num(s.kb.same)}
    return out


def to_json(a: Agreement) -> dict[str, Any]:
    return {
        "layer": a.layer,
        "units": a.units,
        "curators": list(a.raters),
        "labels": list(a.labels),
        "pairs": [_scope(s) for s in a.pairs],
        "group": None if a.group is None else _scope(a.group),
        "whitespace_only_spans": a.whitespace_only,
    }


def csv_rows(a: Agreement) -> Iterator[list[Any]]:
    scopes = [("pair", s) for s in a.pairs] + ([("group", a.group)] if a.group else [])
    for kind, s in scopes:
        for f in (s.overall, *s.labels):
            yield [
                kind,
                "|".join(s.raters),
                s.documents,
                "" if f.label is None else f.label,
                "|".join(str(n) for n in f.spans),
                *("" if math.isnan(x) else f"{x:.6f}" for x in (f.exact_f1, f.partial_f1, f.kappa)),
                s.kappa_name,
                "" if math.isnan(f.alpha) else f"{f.alpha:.6f}",
                f.units,
            ]


def _cell(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"


def table(a: Agreement) -> Iterator[str]:
    units = (
        'every token (unlabelled ones count as "O")'
        if a.units == "all"
        else "tokens at least one curator put in a span"
    )
    yield f"layer {a.layer}; curators {', '.join(a.raters)}; token units: {units}"
    head = (
        f"{'label':<16} {'spans':>13} {'exact F1':>9} {'partial F1':>10} {'kappa':>7} "
        f"{'alpha':>7} {'tokens':>8}"
    )
    scopes = list(a.pairs) + ([a.group] if a.group else [])
    for s in scopes:
        name = " / ".join(s.raters)
        kind = "Cohen's kappa" if len(s.raters) == 2 else "Fleiss' kappa, F1 = mean of pairs"
        yield ""
        if s.documents == 0:
            yield f"{name}: no document finished by all of them"
            continue
        everyone = "both" if len(s.raters) == 2 else "all"
        docs = f"{s.documents} document{'' if s.documents == 1 else 's'}"
        yield f"{name}: {docs} finished by {everyone} ({kind})"
        yield head
        for f in (s.overall, *s.labels):
            label = "(all labels)" if f.label is None else f.label
            spans = " / ".join(str(n) for n in f.spans)
            yield (
                f"{label[:16]:<16} {spans:>13} {_cell(f.exact_f1):>9} {_cell(f.partial_f1):>10} "
                f"{_cell(f.kappa):>7} {_cell(f.alpha):>7} {f.units:>8}"
            )
        if s.values is not None:
            v = s.values
            yield (
                f"values: {v.matched} figures at the same offsets; same value {_cell(v.value)}, "
                f"same unit {_cell(v.unit)}, both {_cell(v.both)}"
            )
        if s.kb is not None and s.kb.matched:
            yield (
                f"knowledge base: {s.kb.matched} entities marked alike with an id; "
                f"same id {_cell(s.kb.same)}"
            )
    if a.whitespace_only:
        yield ""
        yield f"{a.whitespace_only} spans cover only white space and were left out"
