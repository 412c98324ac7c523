"""Model → Compare models… (Ctrl+Shift+M): `annotator evaluate` of the model in use and
another one in a subprocess (progress and Stop in the status bar), then their per-label
precision, recall and F1 side by side in a window that does not take the keyboard from
the curation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.evaluate import SECTION_TITLES
from annotator.core.model import GOLD
from annotator.core.model_choice import ModelChoice, TrainingSource, default_base, find_choice
from annotator.core.training import BLANK
from annotator.gui.modal import exec_keeping_focus
from annotator.gui.model_control import ModelControl
from annotator.gui.model_tasks import EvaluateProcess
from annotator.gui.plain import plain_label
from annotator.gui.session import CurationSession
from annotator.gui.task_slot import TaskSlot

SECTION_TABS = {
    "entities": "Entities",
    "figures": "Figures: span and kind",
    "figure_values": "Figures: value and unit",
    "doc_ents": "doc.ents (what training learns)",
}
BETTER = QColor("#1B7F4C")
WORSE = QColor("#B42318")


def _pct(value: object) -> str:
    return f"{100 * value:.1f}" if isinstance(value, int | float) else "–"


def _who(curator: str) -> str:
    return "the gold" if curator == GOLD else curator


def default_other(choices: list[ModelChoice], in_use: str | None) -> str | None:
    """What the model in use is compared with: the base it was trained from, else the
    latest trained model, else the default pipeline."""
    current = find_choice(choices, in_use)
    runnable = [c for c in choices if c.runnable and c.name != in_use]
    if current is not None and current.record is not None and current.record.base != BLANK:
        base = current.record.base
        for c in runnable:
            if base in (c.name, c.load, c.package):
                return c.name
    trained = [c for c in runnable if c.trained]
    if trained:
        return trained[-1].name
    base_choice = default_base(runnable)
    return base_choice.name if base_choice else (runnable[0].name if runnable else None)


def _entity_f(model: dict[str, Any]) -> float | None:
    f = (((model.get("sections") or {}).get("entities") or {}).get("all") or {}).get("f")
    return float(f) if isinstance(f, int | float) else None


class CompareSetupDialog(QDialog):
    def __init__(
        self,
        choices: list[ModelChoice],
        in_use: str | None,
        sources: list[TrainingSource],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare models")
        self.setMinimumWidth(520)
        runnable = [c for c in choices if c.runnable]
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.first = QComboBox()
        self.second = QComboBox()
        for c in runnable:
            mark = "  (in use)" if c.name == in_use else ""
            self.first.addItem(c.label() + mark, c.load)
            self.second.addItem(c.label() + mark, c.load)
        first = next((c for c in runnable if c.name == in_use), None) or default_base(runnable)
        if first is not None:
            self.first.setCurrentIndex(runnable.index(first))
        other = default_other(choices, first.name if first else None)
        if (found := find_choice(runnable, other)) is not None:
            self.second.setCurrentIndex(runnable.index(found))
        form.addRow("&Model:", self.first)
        form.addRow("&With:", self.second)
        self.source = QComboBox()
        for s in sources:
            if s.done:
                self.source.addItem(s.label(), s.curator)
        form.addRow("&Against the documents of:", self.source)
        layout.addLayout(form)
        note = plain_label(
            QLabel(
                "Both models run over those documents in the background (nothing is stored). "
                "Documents either model was trained on are left out: they would flatter it."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Compare")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        ok = self.source.count() > 0 and len(runnable) > 1
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        if not self.source.count():
            note.setText("Nobody has marked a document done yet: there is nothing to score on.")
        self.first.setFocus()

    def models(self) -> list[str]:
        return list(dict.fromkeys([str(self.first.currentData()), str(self.second.currentData())]))

    def curator(self) -> str:
        return str(self.source.currentData())


class ComparisonDialog(QDialog):
    """The per-label scores of each model, a tab per section, the better F1 in green."""

    def __init__(self, result: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models compared")
        self.resize(820, 560)
        models = result.get("models") or []
        layout = QVBoxLayout(self)
        letters = [chr(ord("A") + i) for i in range(len(models))]
        legend = " · ".join(f"{k}: {m.get('model')}" for k, m in zip(letters, models, strict=True))
        n, left = result.get("documents", 0), result.get("left_out", 0)
        on = f"on {n} document{'s' if n != 1 else ''} marked done by {_who(result['curator'])}"
        if left:
            on += f" ({left} left out: a compared model was trained on them)"
        self.heading = plain_label(QLabel(f"{legend}\n{on}"))
        self.heading.setObjectName("dialogHeading")
        layout.addWidget(self.heading)
        self.tabs = QTabWidget()
        for section, title in SECTION_TABS.items():
            if any(section in (m.get("sections") or {}) for m in models):
                self.tabs.addTab(self._table(section, models, letters), title)
                self.tabs.setTabToolTip(self.tabs.count() - 1, SECTION_TITLES.get(section, ""))
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _table(
        self, section: str, models: list[dict[str, Any]], letters: list[str]
    ) -> QTableWidget:
        per_model = [(m.get("sections") or {}).get(section, {}) for m in models]
        labels = sorted(
            {label for s in per_model for label in s.get("labels", {})},
            key=lambda lb: (
                -max(s.get("labels", {}).get(lb, {}).get("gold", 0) for s in per_model),
                lb,
            ),
        )
        headers = ["Label", "Gold"]
        for k in letters:
            headers += [f"{k} found", f"{k} P", f"{k} R", f"{k} F1"]
        if len(models) == 2:
            headers.append("F1 B−A")
        table = QTableWidget(len(labels) + 1, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        bold = QFont()
        bold.setWeight(QFont.Weight.DemiBold)
        rows = [(lb, [s.get("labels", {}).get(lb, {}) for s in per_model]) for lb in labels]
        rows.append(("all", [s.get("all", {}) for s in per_model]))
        for r, (label, scores) in enumerate(rows):
            cells: list[str] = [label, str(max(s.get("gold", 0) for s in scores))]
            for s in scores:
                cells += [
                    str(s.get("pred", 0)),
                    _pct(s.get("p")),
                    _pct(s.get("r")),
                    _pct(s.get("f")),
                ]
            fs = [s.get("f") for s in scores]
            delta = None
            if len(scores) == 2 and all(isinstance(f, int | float) for f in fs):
                delta = fs[1] - fs[0]  # type: ignore[operator]
                cells.append(f"{100 * delta:+.1f}")
            elif len(scores) == 2:
                cells.append("–")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if label == "all":
                    item.setFont(bold)
                if c == len(cells) - 1 and delta is not None and abs(delta) >= 0.0005:
                    item.setForeground(BETTER if delta > 0 else WORSE)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table


class CompareControl(QObject):
    def __init__(
        self, db_path: Path, session: CurationSession, models: ModelControl, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.session = session
        self.models = models
        self.parent_widget = parent
        self.slot = TaskSlot("Stop comparing the models")
        self.slot.stopRequested.connect(self._stop)
        self.proc: EvaluateProcess | None = None
        self.shown: ComparisonDialog | None = None

    def widgets(self) -> list[QWidget]:
        return self.slot.widgets()

    def do_compare_models(self) -> None:
        from annotator.core.model_choice import training_sources

        if self.proc is not None and self.proc.running():
            self.session.message.emit("Models are being compared already", 5000)
            return
        dialog = CompareSetupDialog(
            self.models.choices(),
            self.models.name,
            training_sources(self.session.store, self.session.annotator),
            self.parent_widget,
        )
        if not exec_keeping_focus(dialog):
            return
        models, curator = dialog.models(), dialog.curator()
        proc = EvaluateProcess(self.db_path, models, curator, self)
        self.proc = proc
        self.slot.running(f"Comparing {' with '.join(models)} on {_who(curator)}'s documents…")
        proc.finished.connect(self._finished)
        proc.failed.connect(self._failed)
        proc.start()

    def _finished(self, result: dict[str, Any]) -> None:
        self.proc = None
        models = result.get("models") or []
        summary = " vs ".join(f"{m.get('model')} {_pct(_entity_f(m))}" for m in models)
        self.slot.offer(f"Entity F1: {summary}", "Show", lambda: self.show(result))
        self.show(result)

    def show(self, result: dict[str, Any]) -> None:
        """The results, without taking the keyboard from the curation."""
        if self.shown is not None:
            self.shown.close()
        self.shown = ComparisonDialog(result, self.parent_widget)
        self.shown.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.shown.show()

    def _failed(self, message: str) -> None:
        self.proc = None
        self.slot.offer(message)

    def _stop(self) -> None:
        if self.proc is not None:
            self.proc.cancel()

    def stop(self) -> None:
        self._stop()
        if self.proc is not None:
            self.proc.proc.waitForFinished(5000)
