"""Known divergences: real, understood disagreements between libraries.

Each entry matches narrowly (oracle, function, backends and a detail pattern) and says why.
A matching finding is still reported, marked known, but does not fail a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.findings import Finding, Oracle


@dataclass(frozen=True)
class Divergence:
    name: str
    oracle: Oracle
    function: str
    backends: tuple[str, ...]
    detail: str  # a regular expression the finding's detail must match
    reason: str

    def matches(self, finding: Finding) -> bool:
        return (
            finding.oracle is self.oracle
            and finding.function == self.function
            and finding.backends == self.backends
            and re.search(self.detail, finding.detail) is not None
        )


KNOWN_DIVERGENCES: tuple[Divergence, ...] = ()


def known(finding: Finding) -> Divergence | None:
    return next((d for d in KNOWN_DIVERGENCES if d.matches(finding)), None)
