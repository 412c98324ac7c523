"""The model loop's slow work, each an annotator command in a subprocess (spaCy never
runs in the window's process): training (`annotator train --progress json`) and
comparing models (`annotator evaluate --format json`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from annotator.core.model import GOLD
from annotator.gui.tasks import CommandProcess


@dataclass(frozen=True)
class TrainRequest:
    """What the train dialog asks for: `annotator train`'s options."""

    curator: str  # a curator, or GOLD
    base: str
    max_steps: int
    dev_fraction: float

    def args(self, db_path: Path) -> list[str]:
        who = ["--gold"] if self.curator == GOLD else ["--annotator", self.curator]
        return [
            "train",
            "--db",
            str(db_path),
            *who,
            "--base",
            self.base,
            "--max-steps",
            str(self.max_steps),
            "--dev-fraction",
            f"{self.dev_fraction:g}",
            "--progress",
            "json",
        ]


class TrainProcess(CommandProcess):
    """`annotator train --progress json`: its events (start, exported, training,
    evaluation, stopping, finished) come through `event`; the done event through
    `finished`, also after Cancel (SIGTERM keeps and records the best pipeline so far;
    the done event says `interrupted`)."""

    doing = "Training"
    cancelled_text = "Training stopped before the first evaluation; nothing was recorded."
    done_when_cancelled = True

    def __init__(self, db_path: Path, request: TrainRequest, parent: QObject | None = None):
        super().__init__(request.args(db_path), parent)
        self.request = request


class EvaluateProcess(CommandProcess):
    """`annotator evaluate --model A --model B --format json`: `finished` carries the
    whole result (curator, documents, models with their per-label scores)."""

    doing = "Comparing the models"
    cancelled_text = "Comparing the models cancelled."

    def __init__(
        self, db_path: Path, models: list[str], curator: str, parent: QObject | None = None
    ) -> None:
        who = ["--gold"] if curator == GOLD else ["--annotator", curator]
        model_args = [a for m in models for a in ("--model", m)]
        super().__init__(
            ["evaluate", "--db", str(db_path), *model_args, *who, "--format", "json"], parent
        )
        self.models = models

    def on_event(self, event: dict[str, Any]) -> None:
        if "models" in event:  # the one line `--format json` prints
            self._done = event
