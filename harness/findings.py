"""Findings: what an oracle reports, with a stable one-line signature."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class Oracle(enum.Enum):
    DIFFERENTIAL = "differential"
    MODEL = "model"
    INVARIANTS = "invariants"
    CRASH = "crash"


@dataclass(frozen=True)
class Finding:
    oracle: Oracle
    call: int | None  # index of the call in the program, when one is to blame
    function: str | None
    backends: tuple[str, ...]  # the backends that showed it (the odd one out, if one)
    detail: str
    divergence: str | None = None  # the known divergence it is (harness.divergences)

    def signature(self) -> str:
        """One line: oracle, function, backends, what each side did."""
        where = f"{self.function}#{self.call}" if self.function is not None else "-"
        return f"{self.oracle.value}: {where} [{','.join(self.backends)}] {self.detail}"

    def to_json(self) -> dict[str, object]:
        return {
            "oracle": self.oracle.value,
            "call": self.call,
            "function": self.function,
            "backends": list(self.backends),
            "detail": self.detail,
            "signature": self.signature(),
            "divergence": self.divergence,
        }


class FindingError(RuntimeError):
    """Raised by a fuzz target so that libFuzzer saves the input."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.signature())
        self.finding = finding


def merged(findings: list[Finding]) -> list[Finding]:
    """One finding per problem, in order of first appearance: findings alike but for their
    backends become one naming them all.  A crash stays one per backend (each raised on its
    own)."""
    by_problem: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        key = (f.oracle, f.call, f.function, f.detail, f.divergence) + (
            f.backends if f.oracle is Oracle.CRASH else ())
        seen = by_problem.get(key)
        by_problem[key] = f if seen is None else replace(
            seen, backends=tuple(sorted({*seen.backends, *f.backends})))
    return list(by_problem.values())
