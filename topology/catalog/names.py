"""Matching Chinese names despite PDF artefacts: stray spaces, bracket width, “一件事” labels."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
_WIDTH = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"})
_LABEL = re.compile(r"[“\"「]?一件事[”\"」]?$")


def normalise_name(name: str) -> str:
    """A lookup key for a Chinese name: no whitespace, half-width brackets, no “一件事” suffix."""
    key = _SPACE.sub("", name).translate(_WIDTH)
    return _LABEL.sub("", key) if key != "一件事" else key
