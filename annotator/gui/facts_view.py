"""The facts view: every figure of the project as a fact (metric, subjects, period,
value, unit, sentence, article), grouped by metric + subjects + period; a group whose
values disagree beyond their precision is a conflict, marked with ⚠ and the word, and
"Conflicts only" shows those alone. Series (one metric and subjects over periods) are
listed beside. The source is the suggestions, the gold or one curator's work.

The pane only shows a `FactsResult`; the controller (facts_controller.py) computes it
off the GUI thread and opens the article at a fact when a row is activated (Enter or a
double-click)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.curation import format_figure
from annotator.core.kb.describe import period_text
from annotator.core.kb.facts import fact_amount, series_steps
from annotator.core.model import GOLD
from annotator.gui.plain import plain_label, tooltip

if TYPE_CHECKING:
    from annotator.core.kb.facts import Fact, Group
    from annotator.gui.facts_task import FactsResult

COLUMNS = ("Metric", "Subjects", "Period", "Value", "Unit", "Sentence", "Article")
VALUE = COLUMNS.index("Value")
FACT_ROLE = Qt.ItemDataRole.UserRole + 1
CONFLICT_BG = QColor("#FDECEA")
CONFLICT_FG = QColor("#9F1C12")
GROUP_FG = QColor("#1F2328")
NOTE_FG = QColor("#5B6675")
SOURCES = (("suggested", "Suggestions"), ("gold", "Gold (adjudicated)"))


def _subjects(f: Fact) -> str:
    return ", ".join(e.name for e in f.subjects)


class FactsPane(QWidget):
    factActivated = Signal(object)  # Fact
    sourceChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="factsPane")
        self.result: FactsResult | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        bar.setSpacing(10)
        self.source = QComboBox()
        self.source.setMinimumWidth(170)
        self.source_label = QLabel("&Source")
        self.source_label.setBuddy(self.source)
        self.conflicts_only = QCheckBox("&Conflicts only")
        self.summary = plain_label(QLabel(objectName="hint"))
        self.busy = plain_label(QLabel(objectName="hint"))
        for w in (self.source_label, self.source, self.conflicts_only):
            bar.addWidget(w)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.busy)
        layout.addLayout(bar)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        widths = (120, 160, 110, 84, 60, 0, 170)
        for col, width in enumerate(widths):
            if width:
                header.resizeSection(col, width)
        header.setSectionResizeMode(COLUMNS.index("Sentence"), QHeaderView.ResizeMode.Stretch)
        self.series = QTreeWidget()
        self.series.setColumnCount(2)
        self.series.setHeaderLabels(["Series", "Over time"])
        self.series.header().resizeSection(0, 190)
        self.series.setUniformRowHeights(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.series)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1100, 300])
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        self.tree.itemActivated.connect(self.activate)
        self.series.itemActivated.connect(self.activate)
        self.conflicts_only.toggled.connect(lambda _on: self.show_result(self.result))
        self.source.currentIndexChanged.connect(
            lambda _i: self.sourceChanged.emit(self.current_source())
        )

    # -- sources ------------------------------------------------------------------------

    def set_sources(self, curators: list[str], current: str) -> None:
        """Suggestions, gold and the curators, keeping `current` chosen."""
        self.source.blockSignals(True)
        self.source.clear()
        for value, text in SOURCES:
            self.source.addItem(text, value)
        for name in curators:
            if name != GOLD:
                self.source.addItem(f"Curator: {name}", name)
        found = self.source.findData(current)
        self.source.setCurrentIndex(max(0, found))
        self.source.blockSignals(False)

    def current_source(self) -> str:
        return str(self.source.currentData() or "suggested")

    # -- showing ------------------------------------------------------------------------

    def set_busy(self, text: str) -> None:
        self.busy.setText(text)

    def show_result(self, result: FactsResult | None) -> None:
        self.result = result
        chosen = self.current_fact()
        self.tree.clear()
        self.series.clear()
        if result is None:
            self.summary.setText("")
            return
        only = self.conflicts_only.isChecked()
        groups = sorted(result.groups, key=lambda g: (not g.conflicts, g.title))
        n_conflicts = sum(1 for g in groups if g.conflicts)
        for g in groups:
            if only and not g.conflicts:
                continue
            self.tree.addTopLevelItem(self._group_item(g))
        rest = [f for f in result.facts if f.group is None]
        if rest and not only:
            top = QTreeWidgetItem(
                [f"Not grouped: no metric, subjects or period ({len(rest)} figures)"]
            )
            top.setForeground(0, QBrush(NOTE_FG))
            top.setFirstColumnSpanned(True)
            for f in rest:
                top.addChild(self._fact_item(f, ""))
            self.tree.addTopLevelItem(top)
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            top.setFirstColumnSpanned(True)
            top.setExpanded(only or bool(top.data(0, FACT_ROLE + 1)) or i < 12)
        for s in result.series:
            top = QTreeWidgetItem([s.title, series_steps(s)])
            top.setToolTip(1, tooltip(series_steps(s)))
            for period, members in s.steps:
                for f in members:
                    child = QTreeWidgetItem(
                        [str(period.get("label") or ""), f"{fact_amount(f)}  ·  {self._doc(f)}"]
                    )
                    child.setData(0, FACT_ROLE, f)
                    child.setToolTip(1, tooltip(f.sentence))
                    top.addChild(child)
            self.series.addTopLevelItem(top)
            top.setExpanded(True)
        who = self.source.currentText()
        self.summary.setText(
            f"{len(result.facts)} figures from {who.lower()}, {len(result.groups)} groups, "
            f"{n_conflicts} conflict{'s' if n_conflicts != 1 else ''}, "
            f"{len(result.series)} series"
        )
        if chosen is not None:
            self.select_fact(chosen.doc_id, chosen.start, chosen.end)
        elif self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _doc(self, f: Fact) -> str:
        titles = self.result.titles if self.result is not None else {}
        return titles.get(f.doc_id) or f.source or f"document {f.doc_id}"

    def _group_item(self, g: Group) -> QTreeWidgetItem:
        n = len(g.facts)
        mark = "⚠ CONFLICT   " if g.conflicts else ""
        top = QTreeWidgetItem([f"{mark}{g.title}   ({n} figure{'s' if n != 1 else ''})"])
        top.setData(0, FACT_ROLE + 1, bool(g.conflicts))
        font = QFont()
        font.setBold(True)
        top.setFont(0, font)
        top.setForeground(0, QBrush(CONFLICT_FG if g.conflicts else GROUP_FG))
        if g.conflicts:
            for col in range(len(COLUMNS)):
                top.setBackground(col, QBrush(CONFLICT_BG))
            pairs = "\n".join(f"{fact_amount(a)} ≠ {fact_amount(b)}" for a, b in g.conflicts)
            top.setToolTip(0, tooltip(f"The values differ beyond their precision:\n{pairs}"))
        not_compared = dict((id(f), why) for f, why in g.not_compared)
        for f in g.facts:
            top.addChild(self._fact_item(f, not_compared.get(id(f), "")))
        return top

    def _fact_item(self, f: Fact, not_compared: str) -> QTreeWidgetItem:
        value = format_figure({**f.attrs, "unit": None}) or f.text
        sentence = f.sentence
        if f.conflict:
            value = f"⚠ {value}"
        elif not_compared:
            sentence = f"[not compared: {not_compared}]  {sentence}"
        row = QTreeWidgetItem(
            [
                f.metric.name if f.metric else "—",
                _subjects(f) or "—",
                str((f.period or {}).get("label") or "—"),
                value,
                f.unit or "",
                sentence,
                self._doc(f),
            ]
        )
        row.setData(0, FACT_ROLE, f)
        tip = (
            f"{f.text}  =  {fact_amount(f)}\n"
            f"metric: {f.metric.name if f.metric else '—'}\n"
            f"subjects: {_subjects(f) or '—'}\n"
            f"period: {period_text(f.period) or '—'}\n"
            f"{self._doc(f)}, characters {f.start}–{f.end}"
        )
        if not_compared:
            tip += f"\nnot compared: {not_compared}"
        if f.links.notes:
            tip += "\n" + "; ".join(f.links.notes)
        tip += f"\n\n{f.sentence}\n\nEnter or double-click opens the article at it"
        for col in range(len(COLUMNS)):
            row.setToolTip(col, tooltip(tip))
        if f.conflict:
            row.setForeground(VALUE, QBrush(CONFLICT_FG))
            font = QFont()
            font.setBold(True)
            row.setFont(VALUE, font)
        return row

    # -- choosing ------------------------------------------------------------------------

    def current_fact(self) -> Fact | None:
        it = self.tree.currentItem()
        return it.data(0, FACT_ROLE) if it is not None else None  # type: ignore[no-any-return]

    def select_fact(self, doc_id: int, start: int, end: int) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                child = top.child(j)
                f = child.data(0, FACT_ROLE)
                if f is not None and (f.doc_id, f.start, f.end) == (doc_id, start, end):
                    self.tree.setCurrentItem(child)
                    return True
        return False

    def activate(self, it: QTreeWidgetItem, _column: int = 0) -> None:
        f = it.data(0, FACT_ROLE)
        if f is not None:
            self.factActivated.emit(f)
        else:
            it.setExpanded(not it.isExpanded())
