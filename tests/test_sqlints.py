"""Integers read from SQLite as group_concat strings."""

from __future__ import annotations

import sqlite3

import numpy as np

from annotator.core.sqlints import doc_ranges, ints


def test_doc_ranges_cover_the_ids_in_order() -> None:
    assert doc_ranges([], 2) == []
    assert doc_ranges([3], 2) == [(3, 3)]
    assert doc_ranges([1, 2, 5, 9, 10], 2) == [(1, 2), (5, 9), (10, 10)]


def test_ints_parse_what_sqlite_joins() -> None:
    conn = sqlite3.connect(":memory:")
    values = [0, 1, 2**40 + 7, (2**30 << 32) | 123, -5]
    conn.execute("CREATE TABLE t (v INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
    ((joined,),) = conn.execute("SELECT group_concat(v) FROM t").fetchall()
    assert ints(joined).tolist() == values and ints(joined).dtype == np.int64
    ((none,),) = conn.execute("SELECT group_concat(v) FROM t WHERE v < -10").fetchall()
    assert none is None and len(ints(none)) == 0 and len(ints("")) == 0
