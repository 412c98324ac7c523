"""Slow work off the GUI thread: importing files and suggesting new documents, with their
progress, cancel button and the reload when they finish."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QProgressBar, QToolButton

from annotator.gui.document_display import DocumentDisplayMixin
from annotator.gui.errors import show_error
from annotator.gui.tasks import ImportTask, SuggestProcess


class BackgroundTasksMixin(DocumentDisplayMixin):
    """MainWindow's part that starts, follows and cancels an import or a suggestion run."""

    db_path: Path
    task_label: QLabel
    progress: QProgressBar
    cancel_button: QToolButton
    _import: ImportTask | None
    _suggest: SuggestProcess | None

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
        self.statusBar().showMessage(message, 10000)

    def busy(self) -> bool:
        return self._import is not None or (self._suggest is not None and self._suggest.running())

    def do_import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", "", "Articles (*.txt *.jsonl *.csv);;All files (*)"
        )
        if files:
            self.start_import(files)

    def start_import(self, paths: Sequence[str], *, then_suggest: bool = True) -> None:
        if self.busy():
            self.statusBar().showMessage("Wait for the running import or suggestion", 5000)
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
            self.doc_model.reload()
            if self.state is None and self.doc_model.rowCount():
                self.open_document(self.doc_model.doc_id(0) or 0)
            else:
                self._update_status()
            if report.rejected:
                shown = "\n".join(str(r) for r in report.rejected[:20])
                more = len(report.rejected) - 20
                box = QMessageBox(
                    QMessageBox.Icon.Warning,
                    "Some records were not imported",
                    f"{report.summary()}.\n\n{shown}"
                    + (f"\n… and {more} more" if more > 0 else ""),
                    QMessageBox.StandardButton.Ok,
                    self,
                )
                box.open()
            if then_suggest and report.new_ids:
                self.start_suggest()

        def failed(exc: Any) -> None:
            self._import = None
            self._task_ended("Import failed")
            show_error(self, exc, "Importing")

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        task.start()

    def do_suggest_new(self) -> None:
        self.start_suggest()

    def start_suggest(self) -> None:
        if self.busy():
            self.statusBar().showMessage("Wait for the running import or suggestion", 5000)
            return
        proc = SuggestProcess(self.db_path, self)
        self._suggest = proc
        self._task_started("Suggesting…")

        def progress(done: int, total: int, eta: float) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
            left = f", about {int(eta)} s left" if eta >= 0 else ""
            self.task_label.setText(f"Suggesting {done:,} of {total:,}{left}")
            if done and done % 50 == 0:
                self._reload_after_suggest()

        def finished(event: dict[str, Any]) -> None:
            self._task_ended(
                f"Suggested {event.get('suggestions', 0)} spans in "
                f"{event.get('documents', 0)} documents"
            )
            self._reload_after_suggest()

        def failed(message: str) -> None:
            self._task_ended(message)
            self._reload_after_suggest()

        proc.progress.connect(progress)
        proc.finished.connect(finished)
        proc.failed.connect(failed)
        proc.start()

    def _reload_after_suggest(self) -> None:
        self.doc_model.reload()
        if self.state is not None:
            self._select_doc_row(self.state.document.id)
            if not any(it.is_suggestion for it in self.state.items):
                # The open document may just have been suggested: read its suggestions
                # again (refresh() reuses the ones it has).
                self.open_document(self.state.document.id, self.current)
        self._update_status()

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
