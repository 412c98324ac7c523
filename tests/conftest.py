"""Shared fixtures. GUI tests need no display: Qt renders offscreen."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ROOT / "seeds"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:  # noqa: F821
    from annotator.core.store import Store

    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def seeded_store(store: Store) -> Store:  # noqa: F821
    from annotator.core.importer import import_paths

    import_paths(store, [SEEDS])
    return store


@pytest.fixture
def v1_project(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    shutil.copy(DATA / "project_v1.db", path)
    return path
