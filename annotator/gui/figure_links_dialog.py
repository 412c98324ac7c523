"""The figure-links editor (Ctrl+L on a figure): what the figure measures (a METRIC of
the knowledge base, completed as you type, or a new one), its period (the phrase,
read again against the article's date as you type, with the interval it stands for)
and its subjects (the article's linked entities, ticked with Space). Everything is
pre-filled from the suggestions; Enter saves what is shown (unchanged: the pre-fill),
Ctrl+Shift+L takes the suggested links as they are, Esc cancels. The dialog only says
what was chosen (`values()` / `take_suggested`): the controller writes it, one undo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.curation import format_figure
from annotator.core.kb.candidates import Candidate
from annotator.core.kb.describe import period_text
from annotator.core.kb.figure_links import (
    FigureLinks,
    figure_links,
    metric_choices,
    sentence_of,
    subject_choices,
)
from annotator.core.kb.normal import normal
from annotator.gui.actions import spec
from annotator.gui.link_popup import key_name
from annotator.gui.modal import save_cancel
from annotator.gui.plain import plain_label, tooltip

if TYPE_CHECKING:
    from annotator.core.curation import DocState, SpanItem
    from annotator.core.model import Entity
    from annotator.core.store import Store

NOTE = "color:#5B6675"
GOOD = "color:#1B5E3B"
NEW = "color:#7A4A00"
BAD = "color:#B42318"
CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1


def _snippet(text: str, start: int, end: int, room: int = 220) -> str:
    s, e = sentence_of(text, start, end)
    sentence = " ".join(text[s:e].split())
    if len(sentence) <= room:
        return sentence
    at = max(0, sentence.find(text[start:end]))
    lo = max(0, min(at - room // 3, len(sentence) - room))
    return ("…" if lo else "") + sentence[lo : lo + room] + "…"


class FigureLinksDialog(QDialog):
    def __init__(
        self, store: Store, state: DocState, item: SpanItem, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Figure links")
        self.setMinimumWidth(660)
        self.store, self.state, self.item = store, state, item
        self.links: FigureLinks = figure_links(store, state, item)
        self.take_suggested = False
        self.metric_key: str | None = self.links.metric.key if self.links.metric else None
        self.new_metric: str | None = None
        self.period: dict[str, Any] | None = self.links.period
        self.period_problem = ""
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        amount = format_figure(item.attrs)
        head = plain_label(QLabel(f"{item.text}" + (f"   =  {amount}" if amount else "")))
        head.setStyleSheet("font-weight:600; font-size:15px")
        sentence = plain_label(QLabel(_snippet(state.text, item.start, item.end)))
        sentence.setWordWrap(True)
        sentence.setStyleSheet(NOTE)
        layout.addWidget(head)
        layout.addWidget(sentence)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        # metric
        self.metric_field = QLineEdit(self.links.metric.name if self.links.metric else "")
        self.metric_field.setPlaceholderText(
            "what it measures: type to find a metric, or name a new one"
        )
        self.choices = QListWidget()
        self.choices.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.choices.setMaximumHeight(118)
        self.choices.hide()
        self.choices.itemClicked.connect(self._pick)
        self.metric_info = plain_label(QLabel())
        self.metric_info.setWordWrap(True)
        metric_box = QVBoxLayout()
        metric_box.setSpacing(3)
        for w in (self.metric_field, self.choices, self.metric_info):
            metric_box.addWidget(w)
        form.addRow(_buddy("&Metric", self.metric_field), metric_box)
        # period
        self.period_field = QLineEdit(self._period_phrase())
        self.period_field.setPlaceholderText(
            "a period phrase: 2022, the first 5 months of 2023, last year, as of May 31"
        )
        self.period_info = plain_label(QLabel())
        self.period_info.setWordWrap(True)
        period_box = QVBoxLayout()
        period_box.setSpacing(3)
        period_box.addWidget(self.period_field)
        period_box.addWidget(self.period_info)
        form.addRow(_buddy("&Period", self.period_field), period_box)
        # subjects
        self.subjects = QListWidget()
        chosen = [e.key for e in self.links.subjects]
        entities: list[Entity] = [*self.links.subjects]
        entities += [e for e in subject_choices(store, state) if e.key not in chosen]
        for e in entities:
            it = QListWidgetItem(f"{e.name}   ·   {e.type or 'no type'}")
            it.setData(CHOICE_ROLE, e.key)
            it.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            it.setCheckState(Qt.CheckState.Checked if e.key in chosen else Qt.CheckState.Unchecked)
            it.setToolTip(tooltip(f"{e.name} ({e.key})\n{e.description}".strip()))
            it.setForeground(QColor("#1F2328"))
            self.subjects.addItem(it)
        if entities:
            self.subjects.setCurrentRow(0)
        self.subjects.setMinimumHeight(150)
        self.subjects.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.subjects.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        subjects_note = plain_label(
            QLabel(
                "The article's linked entities, most mentioned first. Space ticks or unticks."
                if entities
                else "No entity of this article is linked yet: link them first (Ctrl+L)."
            )
        )
        subjects_note.setStyleSheet(NOTE)
        subjects_note.setWordWrap(True)
        subjects_box = QVBoxLayout()
        subjects_box.setSpacing(3)
        subjects_box.addWidget(self.subjects)
        subjects_box.addWidget(subjects_note)
        form.addRow(_buddy("&Subjects", self.subjects), subjects_box)
        layout.addLayout(form)

        suggested = [r for r, src in self.links.source.items() if src == "suggested"]
        notes = "; ".join(self.links.notes)
        self.source_note = plain_label(
            QLabel(
                f"Pre-filled from the suggestions ({', '.join(suggested)})"
                + (f": {notes}" if notes else "")
                if suggested
                else "Set by you."
            )
        )
        self.source_note.setStyleSheet(NOTE)
        self.source_note.setWordWrap(True)
        layout.addWidget(self.source_note)
        self.error = plain_label(QLabel())
        self.error.setStyleSheet(BAD)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        hint = plain_label(
            QLabel(
                f"Enter saves  ·  {key_name('accept_links')} takes the suggested links as "
                "they are  ·  Tab next field  ·  Esc cancel"
            )
        )
        hint.setStyleSheet(NOTE)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(save_cancel(self._save, self.reject))
        for key in spec("accept_links").keys:
            QShortcut(QKeySequence(key), self).activated.connect(self._take_suggested)

        self.metric_field.textEdited.connect(self._metric_typed)
        self.metric_field.installEventFilter(self)
        self.period_field.textEdited.connect(self._period_typed)
        self._show_metric()
        self._show_period()
        self.setTabOrder(self.metric_field, self.period_field)
        self.setTabOrder(self.period_field, self.subjects)
        self.metric_field.setFocus()
        self.metric_field.selectAll()

    # -- metric ---------------------------------------------------------------------------

    def _metric_typed(self, text: str) -> None:
        found = metric_choices(self.store, text, limit=6) if text.strip() else []
        self.choices.clear()
        for c in found:
            it = QListWidgetItem(f"{c.name}   ·   {c.why}")
            it.setData(CHOICE_ROLE, c)
            it.setToolTip(tooltip(f"{c.name} ({c.key})\n{c.description}".strip()))
            self.choices.addItem(it)
        self.choices.setVisible(bool(found))
        if found:
            self.choices.setCurrentRow(0)
        exact = next((c for c in found if _same(c, text)), None)
        self.new_metric = None
        if exact is not None:
            self.metric_key = exact.key
        elif text.strip():
            self.metric_key = None
            self.new_metric = text.strip()
        else:
            self.metric_key = None
        self._show_metric()

    def _pick(self, it: QListWidgetItem | None = None) -> None:
        it = it or self.choices.currentItem()
        c = it.data(CHOICE_ROLE) if it is not None else None
        if isinstance(c, Candidate):
            self.metric_field.setText(c.name)
            self.metric_key, self.new_metric = c.key, None
        self.choices.hide()
        self._show_metric()

    def _show_metric(self) -> None:
        if self.new_metric:
            self.metric_info.setStyleSheet(NEW)
            self.metric_info.setText(
                f"A new metric “{self.new_metric}” is made when you save (↓ and Enter pick "
                "one of the list instead)"
                if self.choices.isVisible()
                else f"A new metric “{self.new_metric}” is made when you save"
            )
        elif self.metric_key:
            self.metric_info.setStyleSheet(GOOD)
            self.metric_info.setText(f"→ {self.metric_field.text()}   ({self.metric_key})")
        else:
            self.metric_info.setStyleSheet(NOTE)
            self.metric_info.setText("no metric")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if (
            obj is self.metric_field
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and self.choices.isVisible()
        ):
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                row = self.choices.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.choices.setCurrentRow(max(0, min(self.choices.count() - 1, row)))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._pick()
                return True
            if key == Qt.Key.Key_Escape:
                self.choices.hide()
                self._show_metric()
                return True
        return super().eventFilter(obj, event)

    # -- period ---------------------------------------------------------------------------

    def _period_phrase(self) -> str:
        phrase = self.item.attrs.get("period")
        if self.links.source.get("period") == "suggested" and isinstance(phrase, str):
            return phrase.strip()
        return str((self.period or {}).get("label") or "")

    def _period_typed(self, text: str) -> None:
        from annotator.core.figures.periods import normalise_period

        self.period_problem = ""
        if not text.strip():
            self.period = None
        else:
            found = normalise_period(text, self.state.document.date)
            if found is None:
                self.period = None
                self.period_problem = f"“{text.strip()}” does not read as a period" + (
                    ""
                    if self.state.document.date
                    else " (the article has no date for relative ones)"
                )
            else:
                self.period = found.to_dict()
        self._show_period()

    def _show_period(self) -> None:
        if self.period_problem:
            self.period_info.setStyleSheet(BAD)
            self.period_info.setText(self.period_problem)
            return
        self.period_info.setStyleSheet(GOOD if self.period else NOTE)
        date = self.state.document.date
        read = f"   (read against the article's date, {date})" if date else ""
        self.period_info.setText(
            f"= {period_text(self.period)}{read}" if self.period else "no period"
        )

    # -- result ---------------------------------------------------------------------------

    def subject_keys(self) -> list[str]:
        return [
            str(self.subjects.item(i).data(CHOICE_ROLE))
            for i in range(self.subjects.count())
            if self.subjects.item(i).checkState() == Qt.CheckState.Checked
        ]

    def values(self) -> dict[str, Any]:
        """figure_links.set_links's keyword arguments."""
        return {
            "metric": None if self.new_metric else self.metric_key,
            "new_metric": self.new_metric,
            "period": self.period,
            "subjects": self.subject_keys(),
        }

    def unchanged(self) -> bool:
        """True when the form shows what it was opened with."""
        before = {
            "metric": self.links.metric.key if self.links.metric else None,
            "new_metric": None,
            "period": self.links.period,
            "subjects": [e.key for e in self.links.subjects],
        }
        return self.values() == before

    def _save(self) -> None:
        if self.period_problem:
            self.error.setText(f"Not saved: {self.period_problem}. Fix it or clear the period.")
            self.period_field.setFocus()
            return
        self.accept()

    def _take_suggested(self) -> None:
        self.take_suggested = True
        self.accept()


def _buddy(text: str, field: QWidget) -> QLabel:
    """A form label whose Alt+letter goes to `field` (a row that holds a layout has
    none of its own)."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _same(c: Candidate, text: str) -> bool:
    """The typed text names this metric: its name, or one of its aliases exactly."""
    typed = normal(text)
    return bool(typed) and (normal(c.name) == typed or normal(c.alias) == typed)
