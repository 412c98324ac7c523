"""The agreement report as a file: agreement per label as a bar chart and the token label
confusion matrix of a pair, as a PNG, or as an HTML page with the images embedded and
the figures in tables. Charts are drawn with matplotlib (an optional extra:
`pip install 'annotator[report]'`); every label and curator name in the HTML is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.agreement.compare import Agreement, Scope
from annotator.core.errors import AnnotatorError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FORMATS = (".html", ".htm", ".png")
_METRICS = (
    ("exact_f1", "exact F1"),
    ("partial_f1", "partial F1"),
    ("kappa", "kappa"),
    ("alpha", "alpha"),
)


class ReportError(AnnotatorError):
    pass


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only, never a window
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ReportError(
            "the agreement report needs matplotlib: pip install 'annotator[report]'"
        ) from exc
    return Figure


def pick_pair(a: Agreement, names: tuple[str, str] | None = None) -> Scope | None:
    """The pair whose confusion matrix is drawn: the one named, else the pair with the
    most documents finished by both."""
    if names is not None:
        for s in a.pairs:
            if set(s.raters) == set(names):
                return s
        raise ReportError(f"no pair {names[0]} / {names[1]} among {', '.join(a.raters)}")
    shared = [s for s in a.pairs if s.documents]
    return max(shared, key=lambda s: s.documents) if shared else None


def _scopes(a: Agreement) -> list[Scope]:
    scopes = [s for s in a.pairs if s.documents]
    if a.group is not None and a.group.documents:
        scopes.insert(0, a.group)
    return scopes


def _per_label_chart(a: Agreement, figure_cls: Any) -> Figure:
    scopes = _scopes(a)
    labels = list(a.labels) or ["(none)"]
    rows = max(1, len(scopes))
    fig = figure_cls(figsize=(max(6.0, 0.9 * len(labels) + 3), 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, 1, squeeze=False)[:, 0]
    width = 0.8 / len(_METRICS)
    for ax, scope in zip(axes, scopes or [None], strict=False):
        if scope is None:
            ax.set_axis_off()
            ax.text(0.5, 0.5, "no documents finished by two curators", ha="center")
            continue
        by_label = {f.label: f for f in scope.labels}
        for i, (attr, name) in enumerate(_METRICS):
            values = [
                getattr(by_label[lab], attr) if lab in by_label else math.nan for lab in labels
            ]
            xs = [x + (i - 1.5) * width for x in range(len(labels))]
            ax.bar(xs, [0 if math.isnan(v) else v for v in values], width, label=name)
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
        ax.set_ylim(min(0.0, _lowest(scope)) - 0.05, 1.05)
        ax.axhline(0, color="black", linewidth=0.6)
        kind = "Cohen's kappa" if len(scope.raters) == 2 else "Fleiss' kappa; F1 mean of pairs"
        ax.set_title(
            f"{' / '.join(scope.raters)}: {scope.documents} documents ({kind})", fontsize=9
        )
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return fig


def _lowest(scope: Scope) -> float:
    values = [getattr(f, attr) for f in scope.labels for attr, _ in _METRICS]
    finite = [v for v in values if not math.isnan(v)]
    return min(finite, default=0.0)


def _confusion_chart(scope: Scope, figure_cls: Any) -> Figure:
    import numpy as np

    m = np.asarray(scope.confusion)
    used = [i for i in range(len(m)) if m[i].sum() or m[:, i].sum()]
    m = m[np.ix_(used, used)]
    names = [scope.categories[i] for i in used]
    size = max(4.0, 0.6 * len(names) + 2.5)
    fig = figure_cls(figsize=(size + 1, size), layout="constrained")
    ax = fig.subplots()
    shown = np.log10(m + 1)  # "O"/"O" dwarfs every other cell
    image = ax.imshow(shown, cmap="Blues")
    for i in range(len(names)):
        for j in range(len(names)):
            ax.text(
                j,
                i,
                str(int(m[i, j])),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if shown[i, j] > shown.max() * 0.6 else "black",
            )
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel(f"{scope.raters[1]}'s label")
    ax.set_ylabel(f"{scope.raters[0]}'s label")
    ax.set_title(
        f"token labels of {scope.raters[0]} and {scope.raters[1]}, {scope.documents} documents "
        "(colour: log scale)",
        fontsize=9,
    )
    fig.colorbar(image, ax=ax, label="log10(count + 1)")
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def chart_pngs(
    a: Agreement, pair: tuple[str, str] | None = None
) -> tuple[list[bytes], Scope | None]:
    """The report's charts as PNG images: agreement per label, then (when a pair shares
    documents) the pair's confusion matrix; and that pair. The window shows these."""
    figure_cls = _pyplot()
    scope = pick_pair(a, pair)
    charts = [_per_label_chart(a, figure_cls)]
    if scope is not None:
        charts.append(_confusion_chart(scope, figure_cls))
    return [_png(c) for c in charts], scope


def render(a: Agreement, out: Path, pair: tuple[str, str] | None = None) -> bytes:
    """The report's bytes for `out`'s suffix (.html/.htm or .png)."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f"{out}: the report is written as .html or .png")
    images, scope = chart_pngs(a, pair)
    if suffix == ".png":
        return _stack_png(images, _pyplot())
    return _html(a, images, scope).encode("utf-8")


def _stack_png(pngs: list[bytes], figure_cls: Any) -> bytes:
    """Several charts in one PNG, one under the other."""
    import matplotlib.image as mpimg

    images = [mpimg.imread(io.BytesIO(png), format="png") for png in pngs]
    height = sum(i.shape[0] for i in images) / 110
    width = max(i.shape[1] for i in images) / 110
    fig = figure_cls(figsize=(width, height))
    top = 1.0
    for image in images:
        h = image.shape[0] / 110 / height
        w = image.shape[1] / 110 / width
        ax = fig.add_axes((0, top - h, w, h))
        ax.imshow(image)
        ax.set_axis_off()
        top -= h
    return _png(fig)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"


def _html(a: Agreement, images: list[bytes], pair: Scope | None) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Agreement: {_e(', '.join(a.raters))}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}</style></head><body>",
        f"<h1>Agreement on {_e(a.layer)}</h1>",
        f"<p>Curators: {_e(', '.join(a.raters))}. Token units: {_units(a)}.</p>",
    ]
    for s in _scopes(a):
        kind = "Cohen's kappa" if len(s.raters) == 2 else "Fleiss' kappa; F1 is the mean of pairs"
        parts.append(f"<h2>{_e(' / '.join(s.raters))}: {s.documents} documents ({kind})</h2>")
        parts.append(
            "<table><tr><th>label</th><th>spans</th><th>exact F1</th><th>partial F1</th>"
            "<th>kappa</th><th>alpha</th><th>tokens</th></tr>"
        )
        for f in (s.overall, *s.labels):
            parts.append(
                f"<tr><td>{_e('(all labels)' if f.label is None else f.label)}</td>"
                f"<td>{_e(' / '.join(map(str, f.spans)))}</td><td>{_num(f.exact_f1)}</td>"
                f"<td>{_num(f.partial_f1)}</td><td>{_num(f.kappa)}</td><td>{_num(f.alpha)}</td>"
                f"<td>{f.units}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Agreement per label</h2>")
    parts.append(_img(images[0], "agreement per label"))
    if pair is not None and len(images) > 1:
        parts.append(f"<h2>Token label confusion: {_e(' / '.join(pair.raters))}</h2>")
        parts.append(_img(images[1], "label confusion matrix"))
    parts.append("</body></html>")
    return "\n".join(parts)


def _units(a: Agreement) -> str:
    if a.units == "all":
        return "every token (unlabelled tokens count as “O”)"
    return "tokens at least one curator put in a span"


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f"<p><img alt='{_e(alt)}' src='data:image/png;base64,{data}'></p>"


def write_report(
    a: Agreement, out: Path, *, pair: tuple[str, str] | None = None, force: bool = False
) -> None:
    """Write the report to `out` (.html or .png), atomically."""
    from annotator.core.export import check_writable, write_atomically

    check_writable([out], force)
    data = render(a, out, pair)
    write_atomically(out, lambda tmp: tmp.write_bytes(data))
