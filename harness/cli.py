"""``kxfuzz``: the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import wasmtime

from harness.abi import Revision
from harness.abi_doc import render
from harness.entropy import Entropy, SeededEntropy, SystemEntropy
from harness.guest_module import GuestError, GuestInstance, load_module
from impls import BACKEND_NAMES, load_backend

EXIT_ERROR = 1
EXIT_FINDING = 70  # EX_SOFTWARE: an exception escaped the host or a backend


def _seed(text: str) -> Entropy:
    if text == "system":
        return SystemEntropy()
    try:
        return SeededEntropy(bytes.fromhex(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither hex nor 'system'") from None


def _parser() -> argparse.ArgumentParser:
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

    commands.add_parser("abi", help="print the ABI table as Markdown (docs/ABI.md)")
    return parser


def _run_guest(args: argparse.Namespace) -> int:
    module = load_module(args.guest)
    instance = GuestInstance(module, load_backend(args.backend),
                             revision=Revision(args.revision), entropy=args.seed)
    try:
        export, *arguments = args.invoke
        results = instance.invoke(export, arguments)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    for value in results:
        print(value)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "run-guest":
            return _run_guest(args)
        print(render(), end="")
        return 0
    except GuestError as error:
        print(f"kxfuzz: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:
        # Not the user's mistake: the host or a backend raised. Show everything.
        print("kxfuzz: internal error (a finding: an exception escaped the host or a backend)",
              file=sys.stderr)
        import traceback

        traceback.print_exc()
        return EXIT_FINDING


if __name__ == "__main__":
    sys.exit(main())
