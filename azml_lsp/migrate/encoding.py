"""A script's text and its bytes: the encoding its ``# -*- coding: -*-`` line declares, read
and written back, so a Latin-1 Python 2 script stays one after its migration."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path


def decode(data: bytes) -> str:
    """The encoding a ``# -*- coding: ... -*-`` line declares (as Python reads the source),
    else UTF-8, else Latin-1 (which decodes any bytes); every line end read as a newline, as
    ``Path.read_text`` does."""
    declared = _declared_encoding(data)
    for encoding in (declared or "utf-8", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    return text.replace("\r\n", "\n").replace("\r", "\n")


def encode(text: str, path: Path) -> bytes:
    """``text`` in the encoding its coding line declares (UTF-8 without one), so the written
    file reads back as the same text; raises ValueError naming ``path`` when it cannot."""
    head = "\n".join(text.splitlines()[:2]).encode("utf-8", "replace")
    encoding = _declared_encoding(head) or "utf-8"
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        raise ValueError(
            f"{path}: the migrated text cannot be written in its declared encoding "
            f"{encoding!r} ({exc}): change the `# -*- coding: -*-` line to utf-8"
        ) from None


def _declared_encoding(data: bytes) -> str | None:
    """The encoding a PEP 263 coding line (or a UTF-8 BOM) declares, as Python reads it; the
    name written on the line when Python does not know it; None when nothing is declared."""
    try:
        encoding, lines = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown encoding: its name, for the caller to report
        return str(exc).rsplit(" ", 1)[-1].strip("'\"") or None
    return encoding if any(b"coding" in line for line in lines) or encoding != "utf-8" else None
