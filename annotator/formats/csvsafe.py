"""CSV that spreadsheets open as data, never as formulas.

A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets (CSV injection). Such cells get a leading
apostrophe, as OWASP advises; numbers stay numbers, so a negative value ("-5.2", as a
number or as its text) is not touched.
Every CSV the tool writes goes through `safe_row` or `safe_record`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def safe_record(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in record.items()}
