"""The agreement report in the window (View → Agreement report, Ctrl+Shift+R).

The figures and charts are those of `annotator agreement --report`: computed by
`core.agreement` and drawn by `core.agreement.report.chart_pngs` (matplotlib, the
`report` extra) in a thread-pool worker with its own project connection, while the
status bar shows the work with a Cancel button. The dialog is modeless, so the window
stays usable beside it: a chart of agreement per label, the token label confusion matrix
of a pair of curators the reviewer picks, and every figure in a table. Without matplotlib
the table is shown with how to install the extra.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import Agreement, Scope, agreement
from annotator.core.agreement.corpus import default_curators
from annotator.core.agreement.report import ReportError, chart_pngs
from annotator.core.errors import AnnotatorError
from annotator.core.model import GOLD
from annotator.core.store import Store
from annotator.gui.curator_marks import pair_data, pair_of
from annotator.gui.modal import show_keeping_focus
from annotator.gui.plain import plain_label

LAYERS = (("Entities", "ents"), ("Figures", "figures"))
TABLE_COLUMNS = ("Curators", "Docs", "Label", "Spans", "Exact F1", "Partial F1", "Kappa", "Alpha",
                 "Tokens")  # fmt: skip


@dataclass(frozen=True)
class Request:
    curators: tuple[str, ...] | None  # None: every curator with a finished document
    layer: str
    pair: tuple[str, str] | None  # the confusion matrix's; None: most shared documents


@dataclass(frozen=True)
class Result:
    agreement: Agreement
    charts: list[bytes]  # per label, then the pair's confusion matrix (when there is one)
    pair: Scope | None
    charts_problem: str  # why there are no charts ("" when there are)


class AgreementSignals(QObject):
    finished = Signal(object, object)  # Result, Request
    failed = Signal(object, object)  # exception, Request


class AgreementTask(QRunnable):
    def __init__(self, db_path: Path, request: Request) -> None:
        super().__init__()
        self.db_path = db_path
        self.request = request
        self.signals = AgreementSignals()
        self.cancelled = threading.Event()

    def run(self) -> None:
        r = self.request
        try:
            with Store(self.db_path, create=False) as store:
                a = agreement(store, r.curators, layer=r.layer)
            try:
                charts, scope = chart_pngs(a, r.pair)
                problem = ""
            except ReportError as exc:
                charts, scope, problem = [], None, str(exc)
        except Exception as exc:
            if not self.cancelled.is_set():
                self.signals.failed.emit(exc, r)
            return
        if not self.cancelled.is_set():
            self.signals.finished.emit(Result(a, charts, scope, problem), r)

    def start(self) -> None:
        self.setAutoDelete(False)
        QThreadPool.globalInstance().start(self)


class FittedImage(QScrollArea):
    """A chart: shrunk to the width available, never enlarged; scrolls when tall."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.label.setWordWrap(True)
        self.setWidget(self.label)
        self.setStyleSheet("QScrollArea { background: #FFFFFF; border: none; }")
        self.pixmap: QPixmap | None = None

    def set_png(self, png: bytes | None, text: str = "") -> None:
        self.pixmap = None
        if png:
            pix = QPixmap()
            if pix.loadFromData(png, "PNG"):
                self.pixmap = pix
        if self.pixmap is None:
            self.label.setPixmap(QPixmap())
            self.label.setText(text)
        else:
            self._fit()

    def _fit(self) -> None:
        if self.pixmap is None:
            return
        width = max(200, self.viewport().width() - 8)
        pix = self.pixmap
        if pix.width() > width:
            pix = pix.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(pix)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


def _num(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"


class AgreementDialog(QDialog):
    """What the report shows; `requested` asks the controller to compute."""

    requested = Signal(object)  # Request

    def __init__(self, curators: list[str], has_gold: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement report")
        self.resize(980, 760)
        self.curators = curators
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.layer = QComboBox()
        for text, value in LAYERS:
            self.layer.addItem(text, value)
        self.pair = QComboBox()
        self.with_gold = QCheckBox("Compare with the gold too")
        self.with_gold.setToolTip("Add the adjudicated gold (@gold) as one more curator")
        self.with_gold.setEnabled(has_gold)
        controls.addWidget(plain_label(QLabel("Layer")))
        controls.addWidget(self.layer)
        controls.addSpacing(12)
        controls.addWidget(plain_label(QLabel("Confusion matrix of")))
        controls.addWidget(self.pair, 1)
        controls.addSpacing(12)
        controls.addWidget(self.with_gold)
        layout.addLayout(controls)
        self.summary = plain_label(QLabel("Computing…"))
        self.summary.setWordWrap(True)
        self.summary.setObjectName("hint")
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.per_label = FittedImage()
        self.confusion = FittedImage()
        self.table = QTableWidget(0, len(TABLE_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(TABLE_COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tabs.addTab(self.per_label, "Agreement per label")
        self.tabs.addTab(self.confusion, "Label confusion")
        self.tabs.addTab(self.table, "All figures")
        layout.addWidget(self.tabs, 1)
        note = QLabel(
            "Exact F1: same start, end and label. Partial F1: same label, sharing a character. "
            "Kappa (Cohen's for a pair, Fleiss' for three or more) and Krippendorff's alpha "
            "(nominal) count every token; an unlabelled token is “O”. The same report as a "
            "file: annotator agreement --report OUT.html"
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_pairs()
        self.layer.currentIndexChanged.connect(self._changed)
        self.pair.currentIndexChanged.connect(self._changed)
        self.with_gold.toggled.connect(self._on_gold)

    def sizeHint(self) -> QSize:
        return QSize(980, 760)

    def _raters(self) -> list[str]:
        return [*self.curators, GOLD] if self.with_gold.isChecked() else list(self.curators)

    def _fill_pairs(self) -> None:
        current = self.pair.currentData()
        raters = self._raters()
        self.pair.blockSignals(True)
        self.pair.clear()
        self.pair.addItem("the pair with the most shared documents", None)
        for i, a in enumerate(raters):
            for b in raters[i + 1 :]:
                self.pair.addItem(f"{a} and {b}", pair_data(a, b))
        found = self.pair.findData(current) if current is not None else 0
        self.pair.setCurrentIndex(max(0, found))
        self.pair.blockSignals(False)

    def _on_gold(self) -> None:
        self._fill_pairs()
        self._changed()

    def request(self) -> Request:
        return Request(
            tuple(self._raters()) if self.with_gold.isChecked() else None,
            str(self.layer.currentData()),
            pair_of(self.pair.currentData()),
        )

    def _changed(self) -> None:
        self.requested.emit(self.request())

    # -- showing -------------------------------------------------------------------------

    def computing(self) -> None:
        self.summary.setText("Computing agreement in the background…")

    def show_failure(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, AnnotatorError | ValueError) else repr(exc)
        self.summary.setText(f"No agreement figures: {text}")
        self.per_label.set_png(None, "")
        self.confusion.set_png(None, "")
        self.table.setRowCount(0)

    def show_result(self, result: Result) -> None:
        a = result.agreement
        scopes = [s for s in (*a.pairs, *([a.group] if a.group else [])) if s.documents]
        docs = max((s.documents for s in scopes), default=0)
        self.summary.setText(
            f"{len(a.raters)} curators ({', '.join(a.raters)}) on {a.layer}; "
            f"up to {docs} document{'s' if docs != 1 else ''} finished by a pair"
            + (f"; {a.whitespace_only} spans of white space left out" if a.whitespace_only else "")
        )
        missing = result.charts_problem
        if missing:
            missing = f"{missing}\n\nThe figures are in the table (All figures)."
            self.tabs.setCurrentWidget(self.table)
        self.per_label.set_png(result.charts[0] if result.charts else None, missing)
        if len(result.charts) > 1:
            self.confusion.set_png(result.charts[1])
        else:
            self.confusion.set_png(None, missing or "No pair of curators shares a document.")
        if result.pair is not None:
            self.tabs.setTabText(1, f"Label confusion: {' / '.join(result.pair.raters)}")
        self._fill_table(scopes)

    def _fill_table(self, scopes: list[Scope]) -> None:
        rows = [(s, f) for s in scopes for f in (s.overall, *s.labels)]
        self.table.setRowCount(len(rows))
        for i, (s, f) in enumerate(rows):
            values = (
                " / ".join(s.raters),
                str(s.documents),
                "(all labels)" if f.label is None else f.label,
                " / ".join(map(str, f.spans)),
                _num(f.exact_f1),
                _num(f.partial_f1),
                _num(f.kappa),
                _num(f.alpha),
                str(f.units),
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)  # a table item shows text, never markup
                if col >= 4 or col in (1,):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(i, col, item)


class AgreementReport(QObject):
    """Opens the report and computes it off the GUI thread; its progress and Cancel
    button sit in the status bar."""

    message = Signal(str, int)

    def __init__(self, db_path: Path, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.store = store
        self.parent_widget = parent
        self.dialog: AgreementDialog | None = None
        self._task: AgreementTask | None = None
        self.task_label = QLabel("Computing agreement…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop computing the agreement report")
        self.cancel_button.clicked.connect(self.cancel)
        self._show_busy(False)

    def widgets(self) -> list[QWidget]:
        return [self.task_label, self.progress, self.cancel_button]

    def _show_busy(self, busy: bool) -> None:
        for w in self.widgets():
            w.setVisible(busy)

    def do_agreement_report(self) -> None:
        if self.dialog is None:
            curators = default_curators(self.store)
            has_gold = bool(self.store.doc_ids_with_status(GOLD, "done"))
            self.dialog = AgreementDialog(curators, has_gold, self.parent_widget)
            self.dialog.requested.connect(self.compute)
            self.dialog.finished.connect(lambda _r: self.cancel())
            show_keeping_focus(self.dialog)
        elif not self.dialog.isVisible():
            show_keeping_focus(self.dialog)
        else:
            self.dialog.raise_()
            self.dialog.activateWindow()
        self.compute(self.dialog.request())

    def compute(self, request: Request) -> None:
        self.cancel(quiet=True)
        task = AgreementTask(self.db_path, request)
        self._task = task
        task.signals.finished.connect(self._finished)
        task.signals.failed.connect(self._failed)
        if self.dialog is not None:
            self.dialog.computing()
        self._show_busy(True)
        task.start()

    def running(self) -> bool:
        return self._task is not None

    def cancel(self, *, quiet: bool = False) -> None:
        if self._task is None:
            return
        self._task.cancelled.set()
        self._task = None
        self._show_busy(False)
        if not quiet:
            self.message.emit("Agreement report cancelled", 4000)
            if self.dialog is not None and self.dialog.isVisible():
                self.dialog.summary.setText("Cancelled: change a choice above to compute again")

    def _finished(self, result: Result, request: Request) -> None:
        if self._task is None or request != self._task.request:
            return
        self._task = None
        self._show_busy(False)
        if self.dialog is not None:
            self.dialog.show_result(result)
        self.message.emit("Agreement report ready", 3000)

    def _failed(self, exc: BaseException, request: Request) -> None:
        if self._task is None or request != self._task.request:
            return
        self._task = None
        self._show_busy(False)
        if self.dialog is not None:
            self.dialog.show_failure(exc)
