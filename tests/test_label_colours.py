"""The shipped label colours stay apart for curators with colour-vision deficiencies
(simulated with colorspacious; scripts/check_label_colours.py prints the figures)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("colorspacious")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from check_label_colours import check, minimum  # noqa: E402


@pytest.fixture(scope="module")
def result() -> dict:
    return check(ROOT / "resources" / "labels.json")


def test_label_colours_are_apart_for_every_colour_vision(result: dict) -> None:
    # CAM02-UCS ΔE, the smallest over normal vision, deuteranopia, protanopia and
    # tritanopia; the scheme before issue 13 had 2.3, 0.2 and 3.5 here.
    assert minimum(result, "ents", "keys_1_to_9") >= 10
    assert minimum(result, "ents", "colours") >= 7
    assert minimum(result, "figures", "colours") >= 15


def test_entity_tints_stand_apart_from_each_other_and_the_page(result: dict) -> None:
    # as the article draws accepted spans; before issue 13: 1.0 and 0.4 (same tint)
    assert minimum(result, "ents", "tints_keys_1_to_9") >= 3.5
    assert minimum(result, "ents", "tints") >= 3.0
