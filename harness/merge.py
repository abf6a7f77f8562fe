"""``make corpus-merge``: minimise a target's corpus and replace it atomically.

The seeds of ``harness/seeds.py`` are always kept: each shows one behaviour on purpose (some
plants of ``make selftest`` are found only through one), which coverage alone does not see.
libFuzzer's ``-merge=1`` keeps every input of its first directory and adds, from the others,
only those that reach new coverage; so the seeds go first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from harness.campaign import WORK
from harness.corpus import CORPUS, ROOT, add
from harness.seeds import seed_inputs


class Merged(NamedTuple):
    ok: bool
    message: str


def merge(target: str) -> Merged:
    """Merge the committed corpus and the working corpus into a minimal committed corpus that
    keeps every seed."""
    current = CORPUS / target
    retired = CORPUS / f".{target}.old"
    if not current.exists() and retired.is_dir():
        os.rename(retired, current)  # an earlier merge stopped between its two renames
    work = WORK / "corpus" / target
    work.mkdir(parents=True, exist_ok=True)
    staging = CORPUS / f".{target}.merging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    seeds = seed_inputs(target)
    for data in seeds:
        add(staging, data)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    log = WORK / "logs" / f"{target}.merge.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.run(
            [str(ROOT / "fuzz_targets" / f"{target}.py"), "-merge=1", str(staging),
             *([str(current)] if current.is_dir() else []), str(work)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=WORK, check=False)
    before = sum(1 for _ in current.iterdir()) if current.is_dir() else 0
    after = sum(1 for _ in staging.iterdir())
    if process.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        return Merged(False, f"{target}: merge failed (see {log}); corpus left as it was")
    shutil.rmtree(retired, ignore_errors=True)
    if current.exists():
        os.rename(current, retired)  # each rename is atomic; the old corpus survives a crash
    os.rename(staging, current)
    shutil.rmtree(retired, ignore_errors=True)
    return Merged(True, f"{target}: {before} committed + {sum(1 for _ in work.iterdir())} new"
                        f" -> {after} files ({len(set(seeds))} seeds kept)")
