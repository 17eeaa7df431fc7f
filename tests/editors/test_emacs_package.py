"""azml.el byte-compiles without a warning against Debian's eglot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.editors.harness import EDITORS_DIR, require_program, sandbox_env

ELPA = Path("/usr/share/emacs/site-lisp/elpa")


def test_azml_el_byte_compiles_cleanly(tmp_path: Path) -> None:
    emacs = require_program("emacs")
    source = tmp_path / "azml.el"
    shutil.copy2(EDITORS_DIR / "emacs" / "azml.el", source)
    load_path = [arg for d in sorted(ELPA.glob("*")) for arg in ("-L", str(d))]
    strict = ["--eval", "(setq byte-compile-error-on-warn t)"]
    done = subprocess.run(
        [emacs, "--batch", "-Q", *load_path, *strict, "-f", "batch-byte-compile", str(source)],
        env=sandbox_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert source.with_suffix(".elc").exists()
