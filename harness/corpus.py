"""Corpus files: content-named, written atomically, never overwritten."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from harness.ops import ALGORITHM_NAMES, END, KEY_POOL

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REGRESSIONS = CORPUS / "regressions"


def committed_inputs(directory: Path = CORPUS) -> list[Path]:
    """Every input file under ``directory``, in order: not the dictionaries, the generator or
    notes, nor anything under a dot-name (a merge's staging copy, a temporary file)."""
    return sorted(
        p for p in directory.rglob("*")
        if p.is_file() and p.suffix not in (".dict", ".py", ".md")
        and not any(part.startswith(".") for part in p.relative_to(directory).parts))


def content_name(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()  # libFuzzer's naming, so duplicates coincide


# What libFuzzer names an input it saves (its kind, then its content name): not a replay
# report beside one, nor a copy minimised (FILE.min) in the same directory.
SAVED_FINDING = re.compile(r"(?:crash|timeout|oom|leak|slow-unit)-[0-9a-f]{40}")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, flushed to disk, and a rename: a
    reader sees the old file or the whole new one, even after a crash.  An error names
    ``path``, not the temporary file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f".tmp-{secrets.token_hex(8)}"
        # O_EXCL: a new file of our own; mode 0o666 under the umask, as open() would make it
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def add(directory: Path, data: bytes) -> tuple[Path, bool]:
    """Store ``data`` under its content name; (path, whether it was new)."""
    path = directory / content_name(data)
    if path.exists():
        return path, False
    write_atomically(path, data)
    return path, True


def _escape(token: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else f"\\x{b:02X}"
                   for b in token)


# Pieces of the documents keys are encoded in: PEM armour, DER headers and the OIDs of the
# algorithms (X25519, X448, id-ecPublicKey, P-256, P-384), SEC-1 point prefixes.
_ENCODING_TOKENS = (
    b"-----BEGIN PUBLIC KEY-----\n", b"-----END PUBLIC KEY-----\n",
    b"-----BEGIN PRIVATE KEY-----\n", b"-----END PRIVATE KEY-----\n",
    b"\x06\x03\x2b\x65\x6e", b"\x06\x03\x2b\x65\x6f",
    b"\x06\x07\x2a\x86\x48\xce\x3d\x02\x01", b"\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07",
    b"\x06\x05\x2b\x81\x04\x00\x22", b"\x30\x82", b"\x02\x01\x00", b"\x04", b"\x02", b"\x03",
)


def dictionary(magic: int) -> str:
    """A libFuzzer dictionary: the target's magic, names, pool keys and boundary values."""
    tokens = [bytes([magic])] + [n for n in ALGORITHM_NAMES if n]
    tokens += list(KEY_POOL) + list(_ENCODING_TOKENS)
    tokens += [v.to_bytes(4, "little") for v in (END, END - 4, 0xFFFFFFFF, 0x7FFFFFFF)]
    return "".join(f'kw{i}="{_escape(t)}"\n' for i, t in enumerate(tokens))
