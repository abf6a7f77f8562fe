"""The ABI table: complete, consistent, and the single source of the docs and the guest."""

from __future__ import annotations

from pathlib import Path

from harness.abi import (
    ASYMMETRIC_COMMON,
    COMMON,
    FUNCTION_IDS,
    FUNCTIONS,
    KX,
    Errno,
    KeyEncoding,
    Revision,
    decode_key_encoding,
    key_encoding_number,
)
from harness.abi_doc import render
from harness.guest_wat import guest_wat
from harness.runner import guest_module

ROOT = Path(__file__).resolve().parent.parent

# Core signatures as ../shared/ABI-NOTES.md section 1 lists them (parameter counts, i64 slots).
EXPECTED_ARITY = {
    "options_open": 2, "options_close": 1, "options_set": 5, "options_set_u64": 4,
    "options_set_guest_buffer": 5, "array_output_len": 2, "array_output_pull": 4,
    "secrets_manager_open": 2, "secrets_manager_close": 1, "secrets_manager_invalidate": 4,
    "keypair_generate": 5, "keypair_import": 7, "keypair_generate_managed": 6,
    "keypair_store_managed": 4, "keypair_replace_managed": 4, "keypair_id": 5,
    "keypair_from_id": 5, "keypair_from_pk_and_sk": 3, "keypair_export": 3,
    "keypair_publickey": 2, "keypair_secretkey": 2, "keypair_close": 1, "publickey_import": 7,
    "publickey_export": 3, "publickey_verify": 1, "publickey_from_secretkey": 2,
    "publickey_close": 1, "secretkey_import": 7, "secretkey_export": 3, "secretkey_close": 1,
    "kx_dh": 3, "kx_encapsulate": 3, "kx_decapsulate": 4,
}
I64_PARAMS = {"options_set_u64": [3], "secrets_manager_invalidate": [3], "keypair_from_id": [3]}


def test_every_function_with_its_core_signature() -> None:
    assert {name: fn.arity for name, fn in FUNCTIONS.items()} == EXPECTED_ARITY
    for name, fn in FUNCTIONS.items():
        i64 = [i for i, c in enumerate(fn.core_params) if c.value == "i64"]
        assert i64 == I64_PARAMS.get(name, []), name
    modules = [fn.module for fn in FUNCTIONS.values()]
    assert (modules.count(COMMON), modules.count(ASYMMETRIC_COMMON), modules.count(KX)) == (
        10, 20, 3)


def test_ids_are_dense_and_unique() -> None:
    assert sorted(FUNCTION_IDS.values()) == list(range(len(FUNCTIONS)))


def test_enumeration_values() -> None:
    assert [int(Errno.EXPIRED), int(Errno.INVALID_HANDLE), int(Errno.GUEST_ERROR)] == [30, 15, 1]
    assert key_encoding_number(KeyEncoding.COMPRESSED_SEC, Revision.JAN2022) == 4
    assert key_encoding_number(KeyEncoding.LOCAL, Revision.JAN2022) == 5
    assert key_encoding_number(KeyEncoding.LOCAL, Revision.WITX_0_9) == 4
    assert decode_key_encoding(5, Revision.WITX_0_9) is None
    for revision in Revision:
        numbers = [decode_key_encoding(v, revision) for v in range(8)]
        assert len({n for n in numbers if n is not None}) == len([n for n in numbers if n])


def test_guest_imports_exactly_the_table() -> None:
    imports = [(i.module, i.name) for i in guest_module().imports]
    assert imports == [(fn.module, fn.name) for fn in FUNCTIONS.values()]
    assert "run" in guest_wat()


def test_docs_are_generated_from_the_table() -> None:
    assert (ROOT / "docs" / "ABI.md").read_text() == render(), "run `make docs`"
