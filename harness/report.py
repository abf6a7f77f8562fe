"""Replay reports: an input's program, every backend's trace side by side, and the verdict."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from harness.abi import Errno
from harness.divergences import BY_NAME
from harness.execute import Outcome
from harness.findings import Oracle
from harness.fuzzing import run_input
from harness.program import Arg, OutRef
from harness.runner import CallResult
from harness.targets import decode


def _arg(arg: Arg) -> str:
    return f"out({arg.call}.{arg.index})" if isinstance(arg, OutRef) else f"{arg:#x}"


def _errno(code: int) -> str:
    return Errno(code).name.lower() if code in Errno._value2member_map_ else str(code)


@dataclass
class BackendCall:
    errno: str
    outs: list[int | None]
    written: str  # hex of every byte the call wrote

    @classmethod
    def of(cls, result: CallResult) -> BackendCall:
        return cls(_errno(result.errno), list(result.outs),
                   b"".join(d for _, d in result.writes).hex())

    def cell(self) -> str:
        if self.errno != "success":
            return self.errno
        outs = ",".join("-" if o is None else f"{o:#x}" for o in self.outs)
        data = self.written[: len(self.written) - 8 * len(self.outs)]
        return " ".join(x for x in ("success", outs, f"[{data[:32]}]" if data else "") if x)


@dataclass
class ReplayedCall:
    index: int
    function: str
    args: list[str]
    backends: dict[str, BackendCall] = field(default_factory=dict)


@dataclass
class Replay:
    target: str
    algorithm: str | None  # a focused target's one algorithm
    ops: list[str]
    calls: list[ReplayedCall]
    backends: list[str]
    findings: list[dict[str, object]]
    known_divergences: list[dict[str, object]]


def replay(data: bytes) -> Replay:
    decoded = decode(data)
    outcome = run_input(data)
    calls = []
    for index, call in enumerate(decoded.program.calls):
        replayed = ReplayedCall(index, call.function, [_arg(a) for a in call.args])
        if outcome is not None:
            replayed.backends = {name: BackendCall.of(t.results[index])
                                 for name, t in outcome.traces.items()}
            for name, before in outcome.crashed.items():  # what it did until it raised
                replayed.backends[name] = BackendCall.of(before.results[index]) if (
                    index < len(before.results)) else BackendCall(
                    _raised(outcome, name) if index == len(before.results) else "not run",
                    [], "")
        calls.append(replayed)
    findings = [] if outcome is None else outcome.findings
    divergences = []
    for finding in [] if outcome is None else outcome.known:
        divergence = BY_NAME[str(finding.divergence)]
        divergences.append(dict(finding.to_json(), reason=divergence.reason))
    algorithm = None if decoded.algorithm is None else decoded.algorithm.decode()
    return Replay(decoded.target.name, algorithm, [op.read() for op in decoded.ops], calls,
                  [] if outcome is None else sorted(outcome.traces) + sorted(outcome.crashed),
                  [f.to_json() for f in findings], divergences)


def _raised(outcome: Outcome, backend: str) -> str:
    """The exception ``backend`` raised, as its crash finding names it."""
    crash = next(f for f in [*outcome.findings, *outcome.known]
                 if f.oracle is Oracle.CRASH and backend in f.backends)
    return "raised " + crash.detail.split(":")[0]


def render_text(data: bytes, name: str = "input") -> str:
    return as_text(replay(data), name)


def as_json(report: Replay) -> str:
    return json.dumps(asdict(report), indent=2)


def as_text(report: Replay, name: str = "input") -> str:
    about = f" on {report.algorithm}" if report.algorithm else ""
    lines = [f"{name}: target {report.target}{about}, {len(report.ops)} operation(s)"]
    lines += [f"  op {i}: {op}" for i, op in enumerate(report.ops)]
    if not report.calls:
        lines.append("no calls: nothing to run for this target")
    else:
        rows = [["#", "call", *report.backends]] + [
            [str(call.index), f"{call.function}({', '.join(call.args)})",
             *(call.backends[b].cell() for b in report.backends)] for call in report.calls]
        widths = [min(max(len(r[i]) for r in rows), 70) for i in range(len(rows[0]))]
        lines += ["  ".join(c[:70].ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                  for row in rows]
    if report.findings:
        lines += ["", "FINDINGS:"] + [f"  {f['signature']}" for f in report.findings]
    else:
        lines += ["", "no finding: every oracle is satisfied"]
    lines += [f"  known divergence {d['divergence']}: {d['signature']} ({d['reason']})"
              for d in report.known_divergences]
    return "\n".join(lines) + "\n"
