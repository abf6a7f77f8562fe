"""``kxfuzz``: the command line."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

import wasmtime

from harness.abi import Revision
from harness.abi_doc import render
from harness.entropy import Entropy, SeededEntropy, SystemEntropy
from harness.guest_module import GuestError, GuestInstance, load_module
from impls import BACKEND_NAMES, load_backend

EXIT_ERROR = 1
EXIT_FINDING = 3  # replay: the input still shows a finding
EXIT_INTERNAL = 70  # EX_SOFTWARE: an exception escaped the host or a backend


class UserError(Exception):
    """A mistake in what the user asked: one line on stderr, exit status 1."""


def _seed(text: str) -> Entropy:
    if text == "system":
        return SystemEntropy()
    try:
        return SeededEntropy(bytes.fromhex(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither hex nor 'system'") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def _read_input(path: Path) -> bytes:
    from harness.targets import ForeignInput, decode

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory, not an input file") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        decode(data)
    except ForeignInput as exc:
        raise UserError(f"{path}: {exc}") from None
    return data


def _writable(path: Path) -> Path:
    """``path``, once it is sure a file can be written there (checked before long work, so
    the work is not lost to a bad path)."""
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{path.parent}: cannot create: {exc.strerror}") from None
    try:  # a real file, not os.access: that says yes to root wherever writing fails anyway
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-"):
            pass
    except OSError as exc:
        raise UserError(f"{path.parent}: cannot write there: {exc.strerror}") from None
    return path


def _parser() -> argparse.ArgumentParser:
    from harness.targets import TARGETS

    targets = [t.name for t in TARGETS]
    parser = argparse.ArgumentParser(
        prog="kxfuzz",
        description="Fuzzing and differential testing of the WASI-crypto key-exchange interface.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run-guest", help="run an export of a guest module against one backend",
        description="Instantiate a module importing the WASI-crypto modules (and WASI preview1),"
        " call one export with integer arguments and print its results.",
    )
    run.add_argument("guest", type=Path, metavar="GUEST.wasm", help="module, binary or WAT")
    run.add_argument("--backend", choices=BACKEND_NAMES, required=True)
    run.add_argument("--invoke", required=True, nargs="+", metavar=("EXPORT", "ARG"),
                     help="the export to call and its arguments (decimal or 0x hex)")
    run.add_argument("--revision", choices=[r.value for r in Revision],
                     default=Revision.JAN2022.value, help="numbering of key encodings")
    run.add_argument("--seed", type=_seed, default=SeededEntropy(),
                     help="entropy seed in hex (default: empty seed, reproducible), or 'system'")

    fuzz = commands.add_parser("fuzz", help="fuzz targets under libFuzzer and summarise",
                               description="Run fuzz targets one after the other; exit 1 if"
                               " anything was found. Arguments after -- go to libFuzzer, which"
                               " runs in .kxfuzz/ (relative paths start there).",
                               usage="kxfuzz fuzz [-h] [--target T] [--seconds S] [--jobs J]"
                               " [-- LIBFUZZER_FLAG ...]")
    fuzz.add_argument("--target", action="append", choices=targets,
                      help="a target (repeatable; default: all)")
    fuzz.add_argument("--seconds", type=_positive, default=60, help="budget per target")
    fuzz.add_argument("--jobs", type=_positive, default=1, help="parallel libFuzzer jobs")

    merge = commands.add_parser("merge", help="minimise a target's corpus (libFuzzer -merge=1)")
    merge.add_argument("--target", action="append", choices=targets)

    replay = commands.add_parser("replay", help="decode a saved input and show every trace")
    replay.add_argument("file", type=Path)
    replay.add_argument("--json", action="store_true", help="machine-readable output")

    minimize = commands.add_parser("minimize", help="shrink a saved input keeping its finding")
    minimize.add_argument("file", type=Path)

    promote = commands.add_parser(
        "promote", help="add a saved input to corpus/regressions/",
        description="Add an input to corpus/regressions/, which make test replays and make fuzz"
        " starts from: once its bug is fixed (an input that still shows a finding would fail"
        " make test and, with one job, stop make fuzz as it loads its corpus).")
    promote.add_argument("file", type=Path)
    promote.add_argument("--force", action="store_true",
                         help="add it even though it still shows a finding")

    selftest = commands.add_parser(
        "selftest", help="plant known bugs and measure how fast fuzzing finds each",
        description="For each planted bug, fuzz every target that must find it from the"
        " committed seeds; exit 1 if one goes unfound or is found by another oracle.")
    selftest.add_argument("--plant", action="append", metavar="NAME",
                          help="a plant (repeatable; default: all; --list names them)")
    selftest.add_argument("--trials", type=_positive, default=3,
                          help="trials per plant and target, each with its own -seed")
    selftest.add_argument("--seconds", type=_positive, default=120,
                          help="budget per trial (libFuzzer -max_total_time)")
    selftest.add_argument("--runs", type=_positive, help="and at most this many inputs (-runs)")
    selftest.add_argument("--quick", action="store_true", help="only each plant's first target")
    selftest.add_argument("--from-scratch", action="store_true",
                          help="start from an empty corpus, not the committed one")
    selftest.add_argument("--json", type=Path, metavar="PATH",
                          help="where to write the results (default: .kxfuzz/selftest.json)")
    selftest.add_argument("--list", action="store_true", help="list the plants and exit")

    commands.add_parser("backends", help="print the capability table: algorithms per backend")
    commands.add_parser("abi", help="print the ABI table as Markdown (docs/ABI.md)")
    return parser


def _run_guest(args: argparse.Namespace) -> int:
    module = load_module(args.guest)
    instance = GuestInstance(module, load_backend(args.backend),
                             revision=Revision(args.revision), entropy=args.seed)
    export, *arguments = args.invoke
    try:
        results = instance.invoke(export, arguments)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    for value in results:
        print(value)
    return 0


def _replay(args: argparse.Namespace) -> int:
    from harness.report import as_json, as_text, replay

    report = replay(_read_input(args.file))  # one run: the report and the exit status
    print(as_json(report) if args.json else as_text(report, str(args.file)), end="")
    return EXIT_FINDING if report.findings else 0


def _minimize(args: argparse.Namespace) -> int:
    from harness.corpus import write_atomically
    from harness.minimize import minimize

    data = _read_input(args.file)
    target = args.file.with_name(args.file.name + ".min")
    n = 1
    while target.exists():  # never overwrite an earlier result
        target = args.file.with_name(f"{args.file.name}.min.{n}")
        n += 1
    _writable(target)

    def shrunk(runs: int, size: int) -> None:  # libFuzzer's minimizers report each step too
        print(f"kxfuzz: minimize: {size} bytes after {runs} runs", file=sys.stderr, flush=True)

    print(f"kxfuzz: minimize: {args.file}: {len(data)} bytes; shrinking while it shows the"
          " same finding", file=sys.stderr, flush=True)
    try:
        smaller = minimize(data, progress=shrunk)
    except ValueError as exc:
        raise UserError(f"{args.file}: {exc}") from None
    write_atomically(target, smaller)
    print(f"{target}: {len(smaller)} bytes (from {len(data)})")
    return 0


def _promote(args: argparse.Namespace) -> int:
    from harness.corpus import REGRESSIONS, add
    from harness.fuzzing import run_input

    data = _read_input(args.file)
    outcome = run_input(data)
    if outcome is not None and outcome.findings and not args.force:
        raise UserError(f"{args.file}: still shows a finding ({outcome.findings[0].signature()});"
                        " fix it first, or add it as a failing test with --force")
    path, new = add(REGRESSIONS, data)
    print(f"{path}: {'added' if new else 'already there'}")
    return 0


def _fuzz(args: argparse.Namespace) -> int:
    from harness import campaign

    return campaign.run(args.target or campaign.all_targets(), args.seconds, args.jobs,
                        args.libfuzzer)


def _merge(args: argparse.Namespace) -> int:
    from harness import campaign, merge

    failed = False
    for target in args.target or campaign.all_targets():
        merged = merge.merge(target)
        print(merged.message)
        failed |= not merged.ok
    return EXIT_ERROR if failed else 0


def _selftest(args: argparse.Namespace) -> int:
    from harness.campaign import WORK
    from harness.selftest import runner
    from harness.selftest.plants import PLANTS

    if args.list:
        for plant in PLANTS.values():
            print(f"{plant.name}  [{plant.layer.value}; {plant.oracle.value};"
                  f" {', '.join(plant.targets)}]\n    {plant.description}")
        return 0
    unknown = [name for name in args.plant or [] if name not in PLANTS]
    if unknown:
        raise UserError(f"unknown plant {unknown[0]!r} (known: {', '.join(PLANTS)})")
    return runner.run(args.plant or [], trials=args.trials, seconds=args.seconds, runs=args.runs,
                      quick=args.quick, from_scratch=args.from_scratch,
                      report=_writable(args.json or WORK / "selftest.json"))


def _backends(args: argparse.Namespace) -> int:
    from impls import load_all
    from impls.base import Backend

    backends = load_all()
    mechanisms = {alg.name: alg.mechanism.value for b in backends for alg in b.algorithms.values()}
    def cell(backend: Backend, name: str) -> str:
        alg = backend.find(name)
        return "-" if alg is None else "yes" if alg.derandomized_encapsulation else "yes*"

    rows = [["algorithm", "mechanism", *(b.name for b in backends)]]
    for name, mechanism in sorted(mechanisms.items()):
        rows.append([name, mechanism, *(cell(b, name) for b in backends)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print("\n* encapsulates only with its own randomness: runs encapsulate to its keys with a "
          "derandomized backend\n  and it decapsulates (harness/encapsulation.py)\n")
    for backend in backends:
        print(f"{backend.name}: {backend.library}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only `fuzz` passes arguments on, and only those after `--`: a stray word before it is
    # a mistake (argparse reports it), not a corpus directory for libFuzzer.
    passed_on: list[str] = []
    if argv[:1] == ["fuzz"] and "--" in argv:
        split = argv.index("--")
        argv, passed_on = argv[:split], argv[split + 1 :]
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        hint = " (libFuzzer's flags go after --)" if args.command == "fuzz" else ""
        parser.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    args.libfuzzer = passed_on
    handlers = {"run-guest": _run_guest, "replay": _replay, "minimize": _minimize,
                "promote": _promote, "fuzz": _fuzz, "merge": _merge, "backends": _backends,
                "selftest": _selftest}
    try:
        if args.command in handlers:
            status = handlers[args.command](args)
        else:
            print(render(), end="")
            status = 0
        sys.stdout.flush()  # here, so that a closed pipe is seen below
        return status
    except (GuestError, UserError) as error:
        print(f"kxfuzz: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`kxfuzz ... | head`): stop quietly, and keep Python from
        # failing again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except OSError as error:
        # A file or directory the command reads or writes (a read-only place, a full disk).
        # What escapes the host or a backend never arrives here as itself: in a run it is a
        # finding of the crash oracle, in run-guest it comes wrapped (HostRaised).
        where = f"{error.filename}: " if error.filename else ""
        print(f"kxfuzz: error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kxfuzz: interrupted", file=sys.stderr)
        return 130
    except Exception:
        # Not the user's mistake: the host or a backend raised. Show everything.
        print("kxfuzz: internal error (a finding: an exception escaped the host or a backend)",
              file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
