"""What `annotator stats` prints: documents, suggestions, and per curator how many
documents they annotated, have in progress, done and skipped."""

from __future__ import annotations

from typing import Any

from annotator.core.model import GOLD
from annotator.core.store import Store


def project_stats(store: Store) -> dict[str, Any]:
    c = store.conn
    per: dict[str, dict[str, int]] = {}
    for name, annotated in c.execute(
        "SELECT annotator, count(DISTINCT doc_id) FROM annotations GROUP BY annotator"
    ):
        per.setdefault(name, {"annotated": 0, "done": 0, "in_progress": 0, "skipped": 0})
        per[name]["annotated"] = annotated
    for name, status, n in c.execute(
        "SELECT annotator, status, count(*) FROM status GROUP BY annotator, status"
    ):
        per.setdefault(name, {"annotated": 0, "done": 0, "in_progress": 0, "skipped": 0})
        if status != "open":
            per[name][status] = n
    return {
        "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
        "suggested": c.execute("SELECT count(DISTINCT doc_id) FROM suggestions").fetchone()[0],
        "suggestions": c.execute("SELECT count(*) FROM suggestions").fetchone()[0],
        "annotations": c.execute(
            "SELECT count(*) FROM annotations WHERE annotator != ?", (GOLD,)
        ).fetchone()[0],
        "curators": per,
    }
