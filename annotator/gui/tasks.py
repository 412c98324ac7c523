"""Long work off the GUI thread: importing files in a thread-pool worker with its own
project connection, and suggesting in a subprocess (spaCy holds the GIL for long
stretches, so it never runs in the window's process)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QRunnable, QThreadPool, Signal

from annotator.core.importer import ImportReport, import_paths
from annotator.core.store import Store


class ImportSignals(QObject):
    progress = Signal(int)  # records read so far
    finished = Signal(object)  # ImportReport
    failed = Signal(object)  # exception


class ImportTask(QRunnable):
    def __init__(self, db_path: Path, paths: Sequence[str]) -> None:
        super().__init__()
        self.db_path = db_path
        self.paths = list(paths)
        self.signals = ImportSignals()
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            with Store(self.db_path) as store:
                report = import_paths(
                    store,
                    self.paths,
                    on_progress=lambda r: self.signals.progress.emit(r.imported + r.duplicates),
                    should_stop=self._stop.is_set,
                )
        except Exception as exc:
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(report)

    def start(self) -> None:
        self.setAutoDelete(False)
        QThreadPool.globalInstance().start(self)


class SuggestProcess(QObject):
    """`annotator suggest --only-new --progress json` in a subprocess."""

    progress = Signal(int, int, float)  # done, total, eta seconds (-1 when unknown)
    finished = Signal(dict)  # the "done" event
    failed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.proc = QProcess(self)
        self.proc.setProgram(sys.executable)
        self.proc.setArguments(
            ["-m", "annotator", "suggest", "--db", str(db_path), "--only-new", "--progress", "json"]
        )
        self.proc.readyReadStandardOutput.connect(self._read)
        self.proc.finished.connect(self._finished)
        self.proc.errorOccurred.connect(self._error)
        self._buffer = b""
        self._done: dict[str, object] | None = None
        self._cancelled = False
        self._reported = False

    def start(self) -> None:
        self.proc.start()

    def cancel(self) -> None:
        self._cancelled = True
        if self.proc.state() != QProcess.ProcessState.NotRunning:
            self.proc.terminate()  # SIGTERM: the command keeps the batches it finished

    def running(self) -> bool:
        return self.proc.state() != QProcess.ProcessState.NotRunning

    def _read(self) -> None:
        self._buffer += bytes(self.proc.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(event, dict):
                continue
            if event.get("event") == "progress":
                eta = event.get("eta_s")
                self.progress.emit(
                    int(event.get("done", 0)),
                    int(event.get("total", 0)),
                    float(eta) if isinstance(eta, int | float) else -1.0,
                )
            elif event.get("event") == "done":
                self._done = event

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read()
        if self._reported:
            return
        self._reported = True
        if self._cancelled:
            self.failed.emit("Suggesting cancelled; the documents finished so far are kept.")
        elif code == 0 and status == QProcess.ExitStatus.NormalExit:
            self.finished.emit(self._done or {})
        else:
            err = bytes(self.proc.readAllStandardError().data()).decode("utf-8", "replace")
            lines = [ln for ln in err.strip().splitlines() if ln.strip()]
            self.failed.emit(f"Suggesting failed: {lines[-1] if lines else f'exit status {code}'}")

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not self._reported:
            self._reported = True
            self.failed.emit(f"Suggesting could not start: {self.proc.errorString()}")


def summary(report: ImportReport) -> str:
    return report.summary()
