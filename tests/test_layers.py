"""The Qt-free layers (core, formats) must import and work with PySide6 and spaCy
blocked: they run on machines without a display and start fast."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import annotator.core
import annotator.formats

BLOCK = """
import importlib, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'shiboken6', 'spacy'}:
            raise ImportError(f'{name} is blocked in this test')
sys.meta_path.insert(0, Block())
for name in sys.argv[1:]:
    importlib.import_module(name)
print('ok')
"""


def _modules(package: object) -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")  # type: ignore[attr-defined]
    ]


def test_core_and_formats_import_without_qt_or_spacy() -> None:
    modules = _modules(annotator.core) + _modules(annotator.formats) + ["annotator.cli"]
    assert "annotator.core.store" in modules
    result = subprocess.run(
        [sys.executable, "-c", BLOCK, *modules], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _qt_imports(source: str) -> list[str]:
    """The Qt modules a Python source imports: import statements, and import_module or
    __import__ calls with a literal name. (Naming PySide6 otherwise is fine: the display
    check finds Qt's plugin folder with importlib.util.find_spec, importing nothing.)"""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in ("PySide6", "shiboken6")]
    return found


def test_no_pyside_import_statement_outside_gui() -> None:
    from pathlib import Path

    assert _qt_imports("import PySide6") == ["PySide6"]
    assert _qt_imports("def f():\n    from PySide6.QtCore import Qt") == ["PySide6.QtCore"]
    assert _qt_imports("importlib.import_module('PySide6.QtGui')") == ["PySide6.QtGui"]
    assert _qt_imports("importlib.util.find_spec('PySide6')  # PySide6") == []
    root = Path(annotator.core.__file__).parent.parent
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "gui" not in p.relative_to(root).parts and _qt_imports(p.read_text("utf-8"))
    ]
    assert offenders == []


def test_cli_start_does_not_import_heavy_libraries() -> None:
    """`annotator list` and `--help` start fast: no spaCy, Qt, NumPy or sqlite-utils."""
    code = (
        "import sys, annotator.cli, annotator.core.store, annotator.core.importer\n"
        "heavy = {'spacy', 'PySide6', 'numpy', 'sqlite_utils'} & set(sys.modules)\n"
        "print(sorted(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
