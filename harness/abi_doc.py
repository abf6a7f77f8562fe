"""``docs/ABI.md``, rendered from the ABI table (``kxfuzz abi > docs/ABI.md``)."""

from __future__ import annotations

from harness.abi import (
    FUNCTION_IDS,
    FUNCTIONS,
    MODULES,
    AlgorithmType,
    Errno,
    KeyEncoding,
    KeypairEncoding,
    Revision,
    key_encoding_number,
    keypair_encoding_number,
)


def _enum_rows() -> list[str]:
    rows = ["| enum | member | value |", "|---|---|---|"]
    rows += [f"| crypto_errno | {e.name.lower()} | {e.value} |" for e in Errno]
    rows += [f"| algorithm_type | {t.name.lower()} | {t.value} |" for t in AlgorithmType]
    rows += [
        f"| keypair_encoding | {k.value} | {keypair_encoding_number(k)} |" for k in KeypairEncoding
    ]
    for enc in KeyEncoding:
        values = []
        for rev in Revision:
            try:
                values.append(f"{key_encoding_number(enc, rev)} ({rev.value})")
            except KeyError:
                values.append(f"absent ({rev.value})")
        rows.append(f"| publickey/secretkey_encoding | {enc.value} | {', '.join(values)} |")
    return rows


def render() -> str:
    lines = [
        "# The ABI kxfuzz serves",
        "",
        "Generated from `harness/abi.py` by `kxfuzz abi`; do not edit by hand.",
        "Every function returns an `i32` `crypto_errno`; each result is written through a",
        "trailing `i32` out-pointer, only on success. `id` is the function's number in the",
        "program-running guest.",
        "",
    ]
    for module in MODULES:
        lines += [f"## `{module}`", "", "| id | function | parameters | core signature | results |",
                  "|---|---|---|---|---|"]
        for fn in FUNCTIONS.values():
            if fn.module != module:
                continue
            params = ", ".join(f"{p.name}: {p.witx}" for p in fn.params) or "-"
            core = "(" + ", ".join(c.value for c in fn.core_params) + ") -> i32"
            results = ", ".join(f"{r.name}: {r.type.value[0]}" for r in fn.results) or "-"
            lines.append(
                f"| {FUNCTION_IDS[fn.name]} | `{fn.name}` | {params} | `{core}` | {results} |"
            )
        lines.append("")
    lines += ["## Enumerations", "", *_enum_rows(), ""]
    return "\n".join(lines)
