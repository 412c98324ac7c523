"""Slow work off the GUI thread: importing files and suggesting new documents, with their
progress, cancel button and the reload when they finish."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QProgressBar, QToolButton, QWidget

from annotator.gui.doc_list_pane import DocumentListPane
from annotator.gui.errors import show_error
from annotator.gui.modal import keeping_focus, open_keeping_focus
from annotator.gui.plain import plain_box
from annotator.gui.session import CurationSession
from annotator.gui.tasks import ImportTask, SuggestProcess


class BackgroundTasks(QObject):
    """Starts, follows and cancels an import or a suggestion run; its progress, label
    and Cancel button sit in the status bar."""

    # A suggestion run ended (finished, cancelled or failed): the model loop refreshes.
    suggestEnded = Signal()

    def __init__(
        self,
        db_path: Path,
        session: CurationSession,
        doc_list: DocumentListPane,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.session = session
        self.doc_list = doc_list
        self.parent_widget = parent  # of the dialogs
        self._import: ImportTask | None = None
        self._suggest: SuggestProcess | None = None
        # What suggests: the model in use, as `suggest --model` takes it (None: default).
        self.model: str | None = None
        self.task_label = QLabel()
        self.task_label.hide()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the import or the suggesting; finished work is kept")
        self.cancel_button.clicked.connect(self.cancel_task)
        self.cancel_button.hide()

    def widgets(self) -> list[QWidget]:
        return [self.task_label, self.progress, self.cancel_button]

    def _say(self, text: str, ms: int) -> None:
        self.session.message.emit(text, ms)

    def _task_started(self, text: str, maximum: int = 0) -> None:
        self.task_label.setText(text)
        self.task_label.show()
        self.progress.setRange(0, maximum)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()

    def _task_ended(self, message: str) -> None:
        self.task_label.hide()
        self.progress.hide()
        self.cancel_button.hide()
        self._say(message, 10000)

    def busy(self) -> bool:
        return self._import is not None or (self._suggest is not None and self._suggest.running())

    def do_import_files(self) -> None:
        with keeping_focus():
            files, _ = QFileDialog.getOpenFileNames(
                self.parent_widget,
                "Import articles",
                "",
                "Articles (*.txt *.jsonl *.csv);;All files (*)",
            )
        if files:
            self.start_import(files)

    def start_import(self, paths: Sequence[str], *, then_suggest: bool = True) -> None:
        if self.busy():
            self._say("Wait for the running import or suggestion", 5000)
            return
        task = ImportTask(self.db_path, [str(p) for p in paths])
        self._import = task
        self._task_started("Importing…")
        task.signals.progress.connect(
            lambda n: self.task_label.setText(f"Importing… {n:,} records")
        )

        def finished(report: Any) -> None:
            self._import = None
            self._task_ended(f"Import: {report.summary()}")
            self.doc_list.reload()
            if self.session.state is None and self.doc_list.model.rowCount():
                self.session.open(self.doc_list.model.doc_id(0) or 0)
            if report.rejected:
                shown = "\n".join(str(r) for r in report.rejected[:20])
                more = len(report.rejected) - 20
                box = plain_box(
                    QMessageBox(
                        QMessageBox.Icon.Warning,
                        "Some records were not imported",
                        f"{report.summary()}.\n\n{shown}"
                        + (f"\n… and {more} more" if more > 0 else ""),
                        QMessageBox.StandardButton.Ok,
                        self.parent_widget,
                    )
                )
                open_keeping_focus(box)
            if then_suggest and report.new_ids:
                self.start_suggest()

        def failed(exc: Any) -> None:
            self._import = None
            self._task_ended("Import failed")
            show_error(self.parent_widget, exc, "Importing")

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        task.start()

    def do_suggest_new(self) -> None:
        self.start_suggest()

    def start_suggest(self, *, not_done_for: str | None = None) -> bool:
        """Suggest the documents the model in use has not run over (all of them, or those
        `not_done_for` has not finished: after switching models). False when busy."""
        if self.busy():
            self._say("Wait for the running import or suggestion", 5000)
            return False
        proc = SuggestProcess(self.db_path, self, model=self.model, not_done_for=not_done_for)
        self._suggest = proc
        verb = "Re-suggesting" if not_done_for else "Suggesting"
        if self.model:
            verb += f" with {self.model}"
        self._task_started(f"{verb}…")

        def progress(done: int, total: int, eta: float) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            left = f", about {int(eta)} s left" if eta >= 0 else ""
            self.task_label.setText(f"{verb}: {done:,} of {total:,}{left}")
            if done and done % 50 == 0:
                self._reload_after_suggest()

        def finished(event: dict[str, Any]) -> None:
            self._task_ended(
                f"{event.get('model') or 'The model'} suggested {event.get('suggestions', 0)} "
                f"spans in {event.get('documents', 0)} documents"
            )
            self._reload_after_suggest()

        def failed(message: str) -> None:
            self._task_ended(message)
            self._reload_after_suggest()

        proc.progress.connect(progress)
        proc.finished.connect(finished)
        proc.failed.connect(failed)
        proc.finished.connect(self.suggestEnded)
        proc.failed.connect(self.suggestEnded)
        proc.start()
        return True

    def _reload_after_suggest(self) -> None:
        self.doc_list.reload()
        state = self.session.state
        if state is not None and not any(it.is_suggestion for it in state.items):
            # The open document may just have been suggested: read its suggestions
            # again (refresh() reuses the ones it has).
            self.session.reload()

    def cancel_task(self) -> None:
        if self._import is not None:
            self._import.cancel()
        if self._suggest is not None:
            self._suggest.cancel()

    def stop_tasks(self) -> None:
        """Cancel what runs and give a running import a moment to stop (on close)."""
        self.cancel_task()
        if self._import is not None:
            QThreadPool.globalInstance().waitForDone(5000)
