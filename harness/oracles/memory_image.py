"""Guest memory as the oracles reconstruct it: the starting image, then each call's writes."""

from __future__ import annotations

from harness import layout
from harness.runner import Write

SIZE = layout.DATA_SIZE


def apply(image: bytearray, writes: tuple[Write, ...]) -> None:
    for address, data in writes:
        image[address : address + len(data)] = data
