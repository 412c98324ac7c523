"""The label scheme: each label's layer, colour, number key and description.

The default ships in `resources/labels.json`. A project overrides it with
`PROJECT.labels.json` beside the project file (for `news.db`: `news.labels.json`): labels
listed there replace the default's of the same layer and name, new ones are added.
Labels found in the data but in no scheme get a stable colour of their own.

A label the store would refuse (`model.label_problem`: a tab, line break or control
character, white space at an edge) is left out of the scheme and named in
`LabelScheme.problems` with the file and entry, so the window never offers it; the
other labels of the file are used.

Every label has a key: 1-9 is the first bank, Alt+1 to Alt+9 the second. A label the
scheme gives no key gets the first free one, in the scheme's order; past eighteen labels
in a layer the label picker (L, then type the label's first letters) reaches the rest.
"""

from __future__ import annotations

import colorsys
import hashlib
import importlib.resources
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from annotator.core.model import label_problem

DEFAULT_PATH = Path(str(importlib.resources.files("annotator.resources") / "labels.json"))
LAYER_NAMES = {"ents": "Entities", "figures": "Figures"}
# How strongly the article tints an entity's words with its label's colour (blended over
# white). scripts/check_label_colours.py measures the accepted tints under colour-vision
# deficiencies, so it reads them from here.
TINT = {"suggested": 0.12, "decided": 0.32, "rejected": 0.06, "current": 0.45}
BANK_1 = tuple("123456789")
BANK_2 = tuple(f"Alt+{n}" for n in BANK_1)
LABEL_KEYS = BANK_1 + BANK_2


def normal_key(key: str) -> str:
    """A label key as the scheme compares it: "alt+1" and "ALT + 1" are "Alt+1"."""
    parts = [p.strip() for p in key.split("+")]
    if len(parts) == 2 and parts[0].lower() == "alt" and parts[1]:
        return f"Alt+{parts[1]}"
    return key.strip()


@dataclass(frozen=True)
class LabelDef:
    layer: str
    label: str
    color: str
    key: str = ""
    description: str = ""


class LabelSchemeError(ValueError):
    pass


def _fallback_color(label: str) -> str:
    h = int(hashlib.blake2b(label.encode(), digest_size=2).hexdigest(), 16) / 0xFFFF
    r, g, b = colorsys.hls_to_rgb(h, 0.42, 0.55)
    return f"#{int(r * 255):02X}{int(g * 255):02X}{int(b * 255):02X}"


def _read(path: Path, problems: list[str]) -> dict[str, list[LabelDef]]:
    """The file's labels by layer; each entry the store would refuse is left out and
    named in `problems`."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LabelSchemeError(f"{path}: cannot read the label scheme: {exc}") from exc
    out: dict[str, list[LabelDef]] = {}
    for layer in ("ents", "figures"):
        entries: list[Any] = data.get(layer, []) if isinstance(data, dict) else []
        defs = []
        for n, e in enumerate(entries, 1):
            if not isinstance(e, dict) or not e.get("label"):
                raise LabelSchemeError(f"{path}: {layer} entry {n} needs a 'label'")
            problem = label_problem(str(e["label"]))
            if problem:
                problems.append(f"{path}: {layer} entry {n}: {problem}; left out")
                continue
            defs.append(
                LabelDef(
                    layer,
                    str(e["label"]),
                    str(e.get("color") or _fallback_color(str(e["label"]))),
                    normal_key(str(e.get("key") or "")),
                    str(e.get("description") or ""),
                )
            )
        out[layer] = defs
    return out


class LabelScheme:
    def __init__(
        self,
        layers: dict[str, list[LabelDef]],
        source: str = "",
        first: dict[str, set[str]] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        """`first`: per layer, the labels whose keys win over others' (the project's);
        `problems`: the entries of the files left out, one line each."""
        self.layers = {
            layer: _with_keys(list(layers.get(layer, [])), (first or {}).get(layer, set()))
            for layer in ("ents", "figures")
        }
        self.source = source
        self.problems = list(problems or [])

    @classmethod
    def load(cls, project: str | Path | None = None) -> LabelScheme:
        """The shipped scheme, with the project's override merged in when there is one."""
        problems: list[str] = []
        layers = (
            _read(DEFAULT_PATH, problems) if DEFAULT_PATH.exists() else {"ents": [], "figures": []}
        )
        source = str(DEFAULT_PATH)
        override = override_path(project) if project else None
        first: dict[str, set[str]] = {}
        if override is not None and override.exists():
            extra = _read(override, problems)
            for layer, defs in extra.items():
                by_label = {d.label: d for d in layers.get(layer, [])}
                for d in defs:
                    by_label[d.label] = d
                layers[layer] = list(by_label.values())
                first[layer] = {d.label for d in defs if d.key}
            source = str(override)
        return cls(layers, source, first, problems)

    def get(self, layer: str, label: str) -> LabelDef:
        for d in self.layers.get(layer, []):
            if d.label == label:
                return d
        return LabelDef(layer, label, _fallback_color(label))

    def color(self, layer: str, label: str) -> str:
        return self.get(layer, label).color

    def by_key(self, layer: str, key: str) -> LabelDef | None:
        for d in self.layers.get(layer, []):
            if d.key == key:
                return d
        return None

    def labels(self, layer: str) -> list[LabelDef]:
        return list(self.layers.get(layer, []))


def _with_keys(defs: list[LabelDef], first: set[str]) -> list[LabelDef]:
    """`defs` with a key for each label that has none (or one another label took
    first, or one that is no label key): the free keys of the two banks, in order.
    The labels in `first` (a project's own) keep their keys over the others."""
    taken: set[str] = set()
    keep: set[str] = set()
    for d in sorted(defs, key=lambda d: d.label not in first):
        if d.key in LABEL_KEYS and d.key not in taken:
            taken.add(d.key)
            keep.add(d.label)
    out = [d if d.label in keep else replace(d, key="") for d in defs]
    free = iter(k for k in LABEL_KEYS if k not in taken)
    return [d if d.key else replace(d, key=next(free, "")) for d in out]


def override_path(project: str | Path) -> Path:
    p = Path(project)
    return p.with_name(p.stem + ".labels.json")
