"""`kb export` (and `export kb`, the same code): the knowledge base as JSON Lines or CSV,
in the shapes `kb import` reads back (see `readers`). Streamed, written atomically."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.kb.entities import entities
from annotator.core.kb.readers import join_list
from annotator.formats.csvsafe import safe_row

if TYPE_CHECKING:
    from annotator.core.model import Entity
    from annotator.core.store import Store

EXPORT_FORMATS = ("jsonl", "csv")
CSV_COLUMNS = ("key", "name", "type", "description", "aliases", "demonyms", "external_ids")


def format_for(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def entity_record(e: Entity) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": e.id,
        "key": e.key,
        "name": e.name,
        "type": e.type,
        "description": e.description,
        "external_ids": e.external_ids,
        "aliases": list(e.aliases),
    }
    if e.demonyms:
        record["demonyms"] = list(e.demonyms)
    return record


def export_kb(
    store: Store,
    out: Path,
    *,
    fmt: str | None = None,
    force: bool = False,
    type: str | None = None,
) -> int:
    """Write every entity (of `type`) to `out`; returns how many."""
    from annotator.core.export import check_writable, write_atomically

    fmt = format_for(out, fmt)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    check_writable([out], force)
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with tmp.open("w", encoding="utf-8", newline="") as f:
            if fmt == "jsonl":
                for e in entities(store, type=type):
                    f.write(json.dumps(entity_record(e), ensure_ascii=False) + "\n")
                    count += 1
                return
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            for e in entities(store, type=type):
                ids = [f"{s}:{v}" for s, v in sorted(e.external_ids.items())]
                w.writerow(
                    safe_row(
                        [
                            e.key,
                            e.name,
                            e.type,
                            e.description,
                            join_list(e.aliases),
                            join_list(e.demonyms),
                            join_list(ids),
                        ]
                    )
                )
                count += 1

    write_atomically(out, write)
    return count
