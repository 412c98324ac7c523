"""The :class:`Figure` record that ``find_figures`` returns, and the kinds it can have."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS: tuple[str, ...] = ("money", "percent", "count", "measure", "multiplier", "rank", "duration")


@dataclass
class Figure:
    """One quantity in a text; ``start``/``end`` are code-point offsets, end-exclusive."""

    start: int
    end: int
    text: str
    kind: str
    value: float | None
    unit: str | None
    value_max: float | None = None
    approx: bool = False
    bound: str | None = None
    rate: str | None = None
    metric: str | None = None
    period: str | None = None
    # the period as an interval: {"start", "end", "kind", "label"} (see periods.py)
    period_norm: dict[str, str | None] | None = None
    change: str | None = None
    subjects: list[str] = field(default_factory=list)

    def to_attrs(self) -> dict[str, Any]:
        """Everything except the span, JSON-serialisable."""
        attrs = asdict(self)
        for key in ("start", "end", "text"):
            del attrs[key]
        return attrs
