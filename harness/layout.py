"""Memory layout shared by the program-running guest and the program encoder.

The guest has two memories.  ``memory`` (exported under the WASI name) is the only one the host
sees: a program's data bytes live there and every wild pointer lands there.  ``program`` holds
the call records and the results, out of the host's reach, so no call can corrupt the program
that is running.
"""

from __future__ import annotations

from harness.abi import MAX_ARITY, MAX_RESULTS

PAGE = 65536
DATA_PAGES = 1  # the host-visible memory: 64 KiB, fixed (no growth)
DATA_SIZE = DATA_PAGES * PAGE

TAG_IMMEDIATE = 0  # slot value is the argument
TAG_REFERENCE = 1  # slot value is a program-memory address holding an earlier out-value

SLOT_SIZE = 16  # tag u32, pad u32, value i64
CALL_HEADER = 8  # function id u32, pad u32
CALL_SIZE = CALL_HEADER + MAX_ARITY * SLOT_SIZE
RESULT_HEADER = 8  # errno i32, mask of readable out-values i32
RESULT_SIZE = RESULT_HEADER + MAX_RESULTS * 8

MAX_CALLS = 2048
CALLS_BASE = 0
RESULTS_BASE = CALLS_BASE + MAX_CALLS * CALL_SIZE
PROGRAM_PAGES = -(-(RESULTS_BASE + MAX_CALLS * RESULT_SIZE) // PAGE)


def result_address(call: int) -> int:
    return RESULTS_BASE + call * RESULT_SIZE


def out_value_address(call: int, index: int) -> int:
    return result_address(call) + RESULT_HEADER + 8 * index
