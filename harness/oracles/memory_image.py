"""Guest memory as the oracles reconstruct it: the program's data, then each call's writes."""

from __future__ import annotations

from harness import layout
from harness.program import Program
from harness.runner import Write

SIZE = layout.DATA_PAGES * layout.PAGE


def initial_image(program: Program) -> bytearray:
    image = bytearray(SIZE)
    for segment in program.segments:
        image[segment.address : segment.address + len(segment.data)] = segment.data
    return image


def apply(image: bytearray, writes: tuple[Write, ...]) -> None:
    for address, data in writes:
        image[address : address + len(data)] = data
