"""The model loop's dialogs: choosing the model in use (Ctrl+M) and starting a training
run (Ctrl+T). Both are driven by the keyboard: arrows, type-ahead, Enter, Esc."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.export import split_ids
from annotator.core.model import GOLD
from annotator.core.model_choice import ModelChoice, TrainingSource
from annotator.core.training import DEFAULT_MAX_STEPS, MIN_DOCUMENTS, SPLIT_SEED
from annotator.gui.model_tasks import TrainRequest
from annotator.gui.plain import plain_label, tooltip

PICKER_COLUMNS = ("Model", "Kind", "Dev F1", "Trained on", "Created")


def _kind(c: ModelChoice) -> str:
    if c.record is not None:
        return "trained here"
    return "installed" if c.package else "suggestions only"


class ModelPickerDialog(QDialog):
    """Every model to choose from with what sets it apart; Enter switches to the
    highlighted one."""

    def __init__(
        self,
        choices: Sequence[ModelChoice],
        in_use: str | None,
        highlight: str | None,
        to_suggest: Callable[[str], int],
        curator: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Switch model")
        self.setMinimumWidth(760)
        self.choices = list(choices)
        self.in_use = in_use
        self.to_suggest = to_suggest
        self.curator = curator
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        head = plain_label(QLabel(f"Model in use: {in_use or 'none yet'}"))
        head.setObjectName("dialogHeading")
        layout.addWidget(head)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(PICKER_COLUMNS)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        bold = QFont()
        bold.setWeight(QFont.Weight.DemiBold)
        current = None
        for c in self.choices:
            r = c.record
            f = c.dev_f
            kind = _kind(c) + ("  ·  in use" if c.name == in_use else "")
            item = QTreeWidgetItem(
                [
                    c.name,
                    kind,
                    "" if f is None else f"{100 * f:.1f}",
                    "" if r is None else f"{len(r.train_docs)} docs of {_who(r.curator)}",
                    "" if r is None else r.created[:16].replace("T", " "),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, c.name)
            item.setToolTip(0, tooltip(c.details()))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c.name == in_use:
                for col in range(len(PICKER_COLUMNS)):
                    item.setFont(col, bold)
            self.tree.addTopLevelItem(item)
            if c.name == (highlight or in_use):
                current = item
        for col in range(len(PICKER_COLUMNS)):
            self.tree.resizeColumnToContents(col)
        self.tree.setColumnWidth(0, max(self.tree.columnWidth(0) + 16, 220))
        self.tree.setMinimumHeight(min(80 + 26 * len(self.choices), 320))
        layout.addWidget(self.tree, 1)
        self.details = plain_label(QLabel())
        self.details.setWordWrap(True)
        self.details.setObjectName("hint")
        self.details.setMinimumHeight(110)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.switch_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.switch_button.setText("Switch")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.tree.currentItemChanged.connect(self._show_details)
        self.tree.itemActivated.connect(lambda *_: self.accept())
        self.tree.setCurrentItem(current or self.tree.topLevelItem(0))
        self.tree.setFocus()

    def selected(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, Qt.ItemDataRole.UserRole))

    def _show_details(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        name = self.selected()
        choice = next((c for c in self.choices if c.name == name), None)
        if item is None or choice is None:
            self.details.setText("")
            return
        if not choice.runnable:
            what = (
                "Shows the suggestions it made; it is neither installed nor trained here, "
                "so it cannot suggest any more documents."
            )
        else:
            n = self.to_suggest(choice.name)
            again = "Choosing it again" if choice.name == self.in_use else "Switching to it"
            what = (
                f"{again} suggests the {n} document{'s' if n != 1 else ''} "
                f"{self.curator} has not marked done or skipped that it has not seen yet, "
                "in the background; statuses stay as they are."
                if n
                else f"It has already suggested every document {self.curator} has not "
                "finished: switching shows its suggestions at once."
            )
        self.details.setText(f"{choice.details()}\n\n{what}")
        self.switch_button.setText("Suggest again" if choice.name == self.in_use else "Switch")


def _who(curator: str) -> str:
    return "the gold" if curator == GOLD else curator


class TrainDialog(QDialog):
    """Whose finished documents to learn from, the base model, how long, how much to
    hold out; says what the run will use, or why it cannot run."""

    def __init__(
        self,
        sources: Sequence[TrainingSource],
        bases: Sequence[tuple[str, str]],
        *,
        base: str | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        dev_percent: int = 20,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train a model")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = plain_label(
            QLabel(
                "Fine-tunes a pipeline's entity recogniser on finished documents. It runs in "
                "the background (a line per evaluation in the status bar; Stop keeps the best "
                "model so far) and is recorded in the project, ready to switch to."
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("hint")
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.source = QComboBox()
        for s in sources:
            self.source.addItem(s.label(), s.curator)
        self.sources = {s.curator: s for s in sources}
        # the window's curator when they have enough, else whoever has the most
        best = max(range(len(sources)), key=lambda i: (sources[i].done, -i), default=0)
        enough = bool(sources) and sources[0].done >= MIN_DOCUMENTS
        self.source.setCurrentIndex(0 if enough else best)
        self.source.setToolTip("Whose documents marked done the model learns from")
        form.addRow("&Learn from:", self.source)
        self.base = QComboBox()
        for value, text in bases:
            self.base.addItem(text, value)
        if base is not None and (i := self.base.findData(base)) >= 0:
            self.base.setCurrentIndex(i)
        self.base.setToolTip(
            "The pipeline whose entity recogniser is fine-tuned (its other parts stay as "
            "they are); blank trains a new one from scratch"
        )
        form.addRow("&Base model:", self.base)
        self.steps = QSpinBox()
        self.steps.setRange(1, 1_000_000)
        self.steps.setSingleStep(100)
        self.steps.setGroupSeparatorShown(True)
        self.steps.setValue(max_steps)
        self.steps.setToolTip("Stops earlier once five evaluations in a row bring no gain")
        form.addRow("&Max steps:", self.steps)
        self.dev = QSpinBox()
        self.dev.setRange(5, 50)
        self.dev.setSingleStep(5)
        self.dev.setSuffix(" %")
        self.dev.setValue(dev_percent)
        self.dev.setToolTip("Documents held out to score the model on, never trained on")
        form.addRow("&Held out to score:", self.dev)
        layout.addLayout(form)
        self.summary = plain_label(QLabel())
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(44)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.train_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.train_button.setText("Train")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.source.currentIndexChanged.connect(self._update)
        self.dev.valueChanged.connect(self._update)
        self._update()
        self.source.setFocus()

    def curator(self) -> str:
        return str(self.source.currentData())

    def request(self) -> TrainRequest:
        return TrainRequest(
            curator=self.curator(),
            base=str(self.base.currentData()),
            max_steps=self.steps.value(),
            dev_fraction=self.dev.value() / 100,
        )

    def can_train(self) -> bool:
        return self.sources[self.curator()].done >= MIN_DOCUMENTS

    def _update(self) -> None:
        source = self.sources[self.curator()]
        who = _who(source.curator)
        n = source.done
        if n < MIN_DOCUMENTS:
            self.summary.setStyleSheet("color: #B42318;")
            self.summary.setText(
                f"{'The gold has' if source.curator == GOLD else who + ' has'} {n} "
                f"document{'s' if n != 1 else ''} marked done; training needs at least "
                f"{MIN_DOCUMENTS} (most to learn from, at least one held out to score on). "
                "Mark more documents done, or learn from another curator's."
            )
        else:
            train, dev = split_ids(range(n), self.dev.value() / 100, SPLIT_SEED)
            self.summary.setStyleSheet("color: #3A4350;")
            self.summary.setText(
                f"{n} documents done by {who}: {len(train)} to learn from, {len(dev)} held "
                "out to score on. The run's folder goes beside the project "
                "(PROJECT.models/)."
            )
        self.train_button.setEnabled(self.can_train())

    def accept(self) -> None:
        if self.can_train():
            super().accept()
