"""How far apart the label colours are, for everyone: the smallest colour difference
between two labels of a layer, with normal colour vision and simulated deuteranopia,
protanopia and tritanopia (Machado et al. 2009 at full severity, via colorspacious).

    python scripts/check_label_colours.py [--scheme resources/labels.json]

Differences are CAM02-UCS ΔE (about 1 is a just noticeable difference; under 10 two
swatches side by side start to look alike). Two sets are measured per layer: the
colours themselves (the swatches and label names in the span panel), and entity tints
as the article draws accepted spans (TINT["decided"] of the colour over white, with the
white page itself among them: a tint must stand out from it too). Prints one JSON
line with the minimum of each, and the closest pair. Needs the test extra
(`pip install -e '.[test]'`): colorspacious is used here and in the tests only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from annotator.gui.labels import TINT  # noqa: E402 - Qt-free: the scheme module only

VISIONS = ("normal", "deuteranomaly", "protanomaly", "tritanomaly")
ACCEPTED_TINT = TINT["decided"]  # an accepted entity's background in the article


def hex_rgb(color: str) -> tuple[float, float, float]:
    c = color.lstrip("#")
    return int(c[0:2], 16) / 255, int(c[2:4], 16) / 255, int(c[4:6], 16) / 255


def tint(rgb: tuple[float, float, float], alpha: float) -> tuple[float, float, float]:
    """The colour blended over white, as the article draws it (in sRGB values)."""
    return tuple(1 - (1 - v) * alpha for v in rgb)  # type: ignore[return-value]


def distances(colors: dict[str, tuple[float, float, float]]) -> dict[str, Any]:
    """Per vision: the smallest ΔE between two of `colors`, and which pair."""
    import numpy as np
    from colorspacious import cspace_convert, deltaE

    out: dict[str, Any] = {}
    names = list(colors)
    rgb = np.array([colors[n] for n in names])
    for vision in VISIONS:
        if vision == "normal":
            seen = rgb
        else:
            cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
            seen = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)
        ucs = cspace_convert(seen, "sRGB1", "CAM02-UCS")
        best = (float("inf"), "", "")
        for i, j in itertools.combinations(range(len(names)), 2):
            d = float(deltaE(ucs[i], ucs[j], input_space="CAM02-UCS"))
            if d < best[0]:
                best = (d, names[i], names[j])
        out[vision] = {"min_delta_e": round(best[0], 1), "closest": [best[1], best[2]]}
    return out


def check(scheme_path: Path) -> dict[str, Any]:
    scheme = json.loads(scheme_path.read_text(encoding="utf-8"))
    result: dict[str, Any] = {"scheme": str(scheme_path)}
    for layer in ("ents", "figures"):
        labels = {e["label"]: hex_rgb(e["color"]) for e in scheme.get(layer, [])}
        first_bank = {e["label"]: labels[e["label"]] for e in scheme.get(layer, [])
                      if str(e.get("key", "")) in "123456789" and e.get("key")}  # fmt: skip
        entry: dict[str, Any] = {
            "colours": distances(labels),
            "keys_1_to_9": distances(first_bank),
        }
        if layer == "ents":
            page = {"(page)": (1.0, 1.0, 1.0)}
            entry["tints"] = distances(
                {**{k: tint(v, ACCEPTED_TINT) for k, v in labels.items()}, **page}
            )
            entry["tints_keys_1_to_9"] = distances(
                {**{k: tint(v, ACCEPTED_TINT) for k, v in first_bank.items()}, **page}
            )
        result[layer] = entry
    return result


def minimum(result: dict[str, Any], layer: str, which: str) -> float:
    return min(v["min_delta_e"] for v in result[layer][which].values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheme", type=Path, default=ROOT / "resources" / "labels.json")
    args = parser.parse_args()
    try:
        result = check(args.scheme)
    except ImportError:
        sys.exit("check_label_colours: needs colorspacious: pip install -e '.[test]'")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
