"""The two small dialogs of entity linking: a new entity made from a span (name and
type pre-filled, Enter saves), and the offer, after a link, to link the article's other
mentions of the same entity in one step (Enter links the ticked ones, Esc declines,
Space unticks one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.kb.entities import type_problem
from annotator.core.kb.linking import mention_name
from annotator.gui.modal import save_cancel
from annotator.gui.plain import plain_label, tooltip

ERROR_STYLE = "color:#B42318"
NOTE_STYLE = "color:#5B6675"


class NewEntityDialog(QDialog):
    """A new entity of the knowledge base from a span: name and type pre-filled and
    editable, aliases and a description optional; Enter saves."""

    def __init__(
        self,
        name: str,
        type_: str,
        types: Sequence[str],
        span_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New entity")
        self.setMinimumWidth(480)
        self.span_text = span_text
        layout = QVBoxLayout(self)
        head = plain_label(QLabel(f"A new entity of the knowledge base, linked to “{span_text}”"))
        head.setWordWrap(True)
        head.setStyleSheet("font-weight:600")
        layout.addWidget(head)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(name)
        self.type = QComboBox()
        self.type.setEditable(True)
        self.type.addItems(list(dict.fromkeys([*types, type_] if type_ else types)))
        self.type.setCurrentText(type_)
        self.aliases = QLineEdit()
        self.aliases.setPlaceholderText("other names, separated by commas")
        self.description = QLineEdit()
        self.description.setPlaceholderText("who or what it is, to tell it from others")
        form.addRow("&Name", self.name)
        form.addRow("&Type", self.type)
        form.addRow("&Aliases", self.aliases)
        form.addRow("&Description", self.description)
        layout.addLayout(form)
        self.note = plain_label(QLabel())
        self.note.setStyleSheet(NOTE_STYLE)
        self.note.setWordWrap(True)
        self.error = plain_label(QLabel())
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(save_cancel(self._accept, self.reject))
        self.name.textChanged.connect(self._update_note)
        self._update_note()
        self.name.setFocus()
        self.name.selectAll()

    def _update_note(self) -> None:
        span_name = mention_name(self.span_text)
        if span_name and span_name != self.name.text().strip():
            self.note.setText(f"“{span_name}” is kept as an alias, so later articles find it.")
        else:
            self.note.setText("Later articles that mention it arrive pre-linked.")

    def values(self) -> dict[str, Any]:
        """create_entity's keyword arguments."""
        return {
            "name": self.name.text().strip(),
            "type": self.type.currentText().strip(),
            "description": self.description.text().strip(),
            "aliases": [a.strip() for a in self.aliases.text().split(",") if a.strip()],
        }

    def problem(self) -> str | None:
        v = self.values()
        if not v["name"]:
            return "An entity needs a name."
        if not v["type"]:
            return "An entity needs a type (the label of the spans that name it)."
        return type_problem(v["type"])

    def _accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.accept()


@dataclass(frozen=True)
class MentionRow:
    text: str  # the mention
    context: str  # the words around it
    what: str  # "suggested PERSON", "your GPE span", "new span"
    start: int = 0
    end: int = 0


class OtherMentionsDialog(QDialog):
    """ "Link the 6 other mentions of Kazakhstan too?": every mention ticked; Space
    unticks the current one; Enter links the ticked ones, Esc none."""

    def __init__(
        self, entity_name: str, rows: Sequence[MentionRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Other mentions")
        self.setMinimumWidth(620)
        self.resize(760, min(520, 170 + 30 * len(rows)))
        n = len(rows)
        layout = QVBoxLayout(self)
        head = plain_label(
            QLabel(
                f"Link the {'other mention' if n == 1 else f'{n} other mentions'} of "
                f"{entity_name} in this article too?"
            )
        )
        head.setStyleSheet("font-weight:600; font-size:14px")
        head.setWordWrap(True)
        layout.addWidget(head)
        sub = plain_label(
            QLabel(
                "Every alias and demonym counts. Space unticks a mention; one undo takes "
                "them all back."
            )
        )
        sub.setStyleSheet(NOTE_STYLE)
        sub.setWordWrap(True)
        layout.addWidget(sub)
        self.rows = list(rows)
        self.list = QListWidget()
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for row in rows:
            it = QListWidgetItem(f"{row.text}   ·   {row.what}   ·   {row.context}")
            it.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            it.setCheckState(Qt.CheckState.Checked)
            it.setToolTip(
                tooltip(f"{row.text}\n{row.context}\n{row.what}, characters {row.start}–{row.end}")
            )
            it.setForeground(QColor("#1F2328"))
            self.list.addItem(it)
        if rows:
            self.list.setCurrentRow(0)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox()
        self.link_button = QPushButton()
        self.link_button.setDefault(True)
        self.link_button.setAutoDefault(True)
        no = QPushButton("No (Esc)")
        no.setAutoDefault(False)
        buttons.addButton(self.link_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(no, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.itemChanged.connect(lambda _it: self._update_button())
        self._update_button()
        self.list.setFocus()

    def ticked(self) -> list[int]:
        return [
            i
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _update_button(self) -> None:
        n, total = len(self.ticked()), self.list.count()
        what = "all" if n == total else f"{n} of {total}"
        self.link_button.setText(f"Link {what} (Enter)")
        self.link_button.setEnabled(n > 0)
