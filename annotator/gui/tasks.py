"""Long work off the GUI thread: importing files in a thread-pool worker with its own
project connection, and suggesting in a subprocess (spaCy holds the GIL for long
stretches, so it never runs in the window's process)."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


class CommandProcess(QObject):
    """`annotator ARGS` in a subprocess whose stdout is JSON lines (`--progress json`):
    each event goes to `on_event`; the last `done` event is what `finished` carries.
    `cancel` sends SIGTERM, which every annotator command turns into a clean stop."""

    event = Signal(dict)  # every JSON event, as it comes
    finished = Signal(dict)  # the "done" event
    failed = Signal(str)

    doing = "Running"  # for the messages: "Suggesting failed: ..."
    cancelled_text = "Cancelled."
    # A command that keeps its work when stopped (train) reports a cancelled run as
    # finished, its done event saying `interrupted`.
    done_when_cancelled = False

    def __init__(self, args: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.proc = QProcess(self)
        self.proc.setProgram(sys.executable)
        self.proc.setArguments(["-m", "annotator", *args])
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
            self.proc.terminate()  # SIGTERM: the command keeps what it finished

    def running(self) -> bool:
        return self.proc.state() != QProcess.ProcessState.NotRunning

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def on_event(self, event: dict[str, Any]) -> None:
        """One JSON event from the command (the done event included)."""

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
            if event.get("event") == "done":
                self._done = event
            self.on_event(event)
            self.event.emit(event)

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read()
        if self._reported:
            return
        self._reported = True
        normal = status == QProcess.ExitStatus.NormalExit
        if self._cancelled and not (self.done_when_cancelled and self._done is not None):
            self.failed.emit(self.cancelled_text)
        elif normal and (code == 0 or (self._cancelled and self._done is not None)):
            self.finished.emit(self._done or {})
        else:
            self.failed.emit(f"{self.doing} failed: {self.error_line(code)}")

    def error_line(self, code: int) -> str:
        """The command's one-line error (`Error: ...`), else its last line on stderr."""
        err = bytes(self.proc.readAllStandardError().data()).decode("utf-8", "replace")
        lines = [ln.strip() for ln in err.strip().splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("Error: ")]
        if errors:
            return errors[-1].removeprefix("Error: ")
        return lines[-1] if lines else f"exit status {code}"

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not self._reported:
            self._reported = True
            self.failed.emit(f"{self.doing} could not start: {self.proc.errorString()}")


class SuggestProcess(CommandProcess):
    """`annotator suggest --only-new --progress json` in a subprocess: with the model in
    use (`model`: what `--model` takes; None the default), over the documents `not_done_for`
    has not finished when given (after switching models), else over all."""

    progress = Signal(int, int, float)  # done, total, eta seconds (-1 when unknown)

    doing = "Suggesting"
    cancelled_text = "Suggesting cancelled; the documents finished so far are kept."

    def __init__(
        self,
        db_path: Path,
        parent: QObject | None = None,
        *,
        model: str | None = None,
        not_done_for: str | None = None,
    ) -> None:
        args = ["suggest", "--db", str(db_path), "--only-new", "--progress", "json"]
        if model is not None:
            args += ["--model", model]
        if not_done_for is not None:
            args += ["--not-done-for", not_done_for]
        super().__init__(args, parent)
        self.db_path = db_path

    def on_event(self, event: dict[str, Any]) -> None:
        if event.get("event") == "progress":
            eta = event.get("eta_s")
            self.progress.emit(
                int(event.get("done", 0)),
                int(event.get("total", 0)),
                float(eta) if isinstance(eta, int | float) else -1.0,
            )


def summary(report: ImportReport) -> str:
    return report.summary()
