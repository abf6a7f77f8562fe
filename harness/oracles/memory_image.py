"""Guest memory as the oracles reconstruct it: the starting image, then each call's writes."""

from __future__ import annotations

from harness import layout
from harness.runner import Write

SIZE = layout.DATA_SIZE


def apply(image: bytearray, writes: tuple[Write, ...]) -> None:
    for address, data in writes:
        image[address : address + len(data)] = data


def applied(image: bytes | bytearray, writes: tuple[Write, ...]) -> bytes | bytearray:
    """``image`` with ``writes`` applied: the same object when there are none (an image is
    copied on its first write only, so runs that write nothing copy nothing)."""
    if not writes:
        return image
    mutable = image if isinstance(image, bytearray) else bytearray(image)
    apply(mutable, writes)
    return mutable
