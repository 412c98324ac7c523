"""Training from the window (Model → Train a model…): the dialog, then `annotator train
--progress json` in a subprocess, followed in the status bar (a line per evaluation,
a progress bar, Stop); at the end the new model is listed in the Model menu and offered
("Switch to it"). The window stays usable throughout: the curator goes on curating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.model import GOLD
from annotator.core.model_choice import base_options, training_sources
from annotator.core.training import DEFAULT_MAX_STEPS
from annotator.gui.modal import exec_keeping_focus, open_keeping_focus
from annotator.gui.model_control import ModelControl
from annotator.gui.model_dialogs import TrainDialog
from annotator.gui.model_tasks import TrainProcess, TrainRequest
from annotator.gui.plain import plain_box
from annotator.gui.session import CurationSession
from annotator.gui.task_slot import TaskSlot

# How long closing the window waits for a stopped run to save and record its model.
CLOSE_WAIT_MS = 120_000


def _pct(value: object) -> str:
    return f"{100 * value:.1f}" if isinstance(value, int | float) else "–"


class TrainingControl(QObject):
    def __init__(
        self,
        db_path: Path,
        session: CurationSession,
        models: ModelControl,
        settings: QSettings,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.session = session
        self.models = models
        self.settings = settings
        self.parent_widget = parent
        self.slot = TaskSlot("Stop training at the next step; the best model so far is kept")
        self.slot.stopRequested.connect(self.do_stop_training)
        self.proc: TrainProcess | None = None
        self._run: dict[str, Any] = {}

    def widgets(self) -> list[QWidget]:
        return self.slot.widgets()

    def running(self) -> bool:
        return self.proc is not None and self.proc.running()

    def _say(self, text: str, ms: int = 8000) -> None:
        self.session.message.emit(text, ms)

    # -- starting ------------------------------------------------------------------------

    def do_train_model(self) -> None:
        if self.running():
            self._say("A model is training already (Ctrl+Shift+T stops it)")
            return
        s = self.settings
        dialog = TrainDialog(
            training_sources(self.session.store, self.session.annotator),
            base_options(self.session.store),
            base=str(s.value("training/base", "")) or None,
            max_steps=int(s.value("training/max_steps", DEFAULT_MAX_STEPS)),
            dev_percent=int(s.value("training/dev_percent", 20)),
            parent=self.parent_widget,
        )
        if exec_keeping_focus(dialog):
            request = dialog.request()
            s.setValue("training/base", request.base)
            s.setValue("training/max_steps", request.max_steps)
            s.setValue("training/dev_percent", round(request.dev_fraction * 100))
            s.sync()
            self.start(request)

    def start(self, request: TrainRequest) -> None:
        proc = TrainProcess(self.db_path, request, self)
        self.proc = proc
        self._run = {"max_steps": request.max_steps, "best": None, "step": 0}
        who = "the gold" if request.curator == GOLD else f"{request.curator}'s documents"
        self.slot.running(f"Training on {who}: starting…")
        proc.event.connect(self._event)
        proc.finished.connect(self._finished)
        proc.failed.connect(self._failed)
        proc.start()

    # -- following -----------------------------------------------------------------------

    def _event(self, event: dict[str, Any]) -> None:
        run = self._run
        kind = event.get("event")
        if kind == "start":
            run.update(name=event.get("name"), max_steps=event.get("max_steps", 0))
            self.slot.update(
                f"Training {run['name']}: exporting {event.get('train_docs', 0)} + "
                f"{event.get('dev_docs', 0)} documents…"
            )
        elif kind == "exported":
            self.slot.update(f"Training {run.get('name')}: loading the base model…")
        elif kind == "training":
            self.slot.update(
                f"Training {run.get('name')}: step 0 of {run['max_steps']:,}",
                0,
                max(int(run["max_steps"]), 1),
            )
        elif kind == "evaluation":
            f = event.get("ents_f")
            if isinstance(f, int | float) and (run["best"] is None or f >= run["best"]):
                run["best"] = f
            run["step"] = int(event.get("step", 0))
            rate = event.get("steps_per_s")
            speed = f" · {rate:.1f} steps/s" if isinstance(rate, int | float) and rate else ""
            self.slot.update(
                f"Training {run.get('name')}: step {run['step']:,} of {run['max_steps']:,} · "
                f"dev F1 {_pct(f)} (best {_pct(run['best'])}){speed}",
                run["step"],
            )
        elif kind == "stopping":
            self.slot.stopping(
                f"Stopping {run.get('name') or 'training'} at the next step; keeping the best "
                "model so far…"
            )

    def _finished(self, done: dict[str, Any]) -> None:
        self.proc = None
        name = done.get("name")
        if not done.get("recorded") or not name:
            self.slot.offer("Training stopped before the first evaluation; nothing recorded")
            return
        scores = done.get("scores") or {}
        how = (
            f"stopped at step {done.get('steps', 0):,}, the best kept"
            if done.get("interrupted")
            else f"{done.get('steps', 0):,} steps in {done.get('seconds', 0):.0f} s"
        )
        text = f"{name} trained: dev F1 {_pct(scores.get('ents_f'))} ({how})"
        self.models.model_added(str(name))
        details = (
            f"dev F1 {_pct(scores.get('ents_f'))} · P {_pct(scores.get('ents_p'))} · "
            f"R {_pct(scores.get('ents_r'))}\n{done.get('path')}\n\n"
            f"Switch to it: its suggestions for the documents not yet done (Ctrl+M also "
            "offers it first)"
        )
        self.slot.offer(text, "Switch to it", lambda: self.models.switch(str(name)), details)
        self._say(f"{text}. It is in the Model menu; Ctrl+M to switch", 15000)

    def _failed(self, message: str) -> None:
        self.proc = None
        if message == TrainProcess.cancelled_text:  # stopped before anything was kept
            self.slot.offer(message)
            return
        self.slot.clear()
        box = plain_box(
            QMessageBox(
                QMessageBox.Icon.Warning,
                "Training failed",
                message,
                QMessageBox.StandardButton.Ok,
                self.parent_widget,
            )
        )
        open_keeping_focus(box)

    # -- stopping ------------------------------------------------------------------------

    def do_stop_training(self) -> None:
        if not self.running():
            self._say("No model is training", 4000)
            return
        assert self.proc is not None
        self.proc.cancel()
        self.slot.stopping(
            f"Stopping {self._run.get('name') or 'training'}: keeping the best model so far…"
        )

    def may_close(self) -> bool:
        """Closing the window stops a run (it keeps and records the best model so far);
        ask first, since it may have run for a long time."""
        if not self.running():
            return True
        run = self._run
        box = plain_box(
            QMessageBox(
                QMessageBox.Icon.Question,
                "A model is training",
                f"{run.get('name') or 'A model'} is training (step {run.get('step', 0):,} of "
                f"{run.get('max_steps', 0):,}). Stop it and close? The best model so far is "
                "kept and recorded.",
                QMessageBox.StandardButton.NoButton,
                self.parent_widget,
            )
        )
        stop = box.addButton("Stop training and close", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stop)
        exec_keeping_focus(box)
        return box.clickedButton() is stop

    def stop_on_close(self) -> None:
        """Stop a run cleanly and wait for it to record its model: a killed `annotator
        train` would leave its training subprocess behind."""
        if self.proc is not None and self.proc.running():
            self.proc.cancel()
            self.proc.proc.waitForFinished(CLOSE_WAIT_MS)
