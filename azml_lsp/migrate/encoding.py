"""A script's text and its bytes: the encoding its ``# -*- coding: -*-`` line declares, read
and written back, so a Latin-1 Python 2 script stays one after its migration."""

from __future__ import annotations

import re
from pathlib import Path

_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def decode(data: bytes) -> str:
    """The encoding a ``# -*- coding: ... -*-`` line declares (as Python reads the source),
    else UTF-8, else Latin-1 (which decodes any bytes); every line end read as a newline, as
    ``Path.read_text`` does."""
    declared = _declared_encoding(data.splitlines()[:2])
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
    lines = [line.encode("utf-8", "replace") for line in text.splitlines()[:2]]
    encoding = _declared_encoding(lines) or "utf-8"
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        raise ValueError(
            f"{path}: the migrated text cannot be written in its declared encoding "
            f"{encoding!r} ({exc}): change the `# -*- coding: -*-` line to utf-8"
        ) from None


def _declared_encoding(first_lines: list[bytes]) -> str | None:
    """The encoding a PEP 263 coding line among a file's first two lines names, if any."""
    for line in first_lines:
        found = _CODING.match(line)
        if found:
            return found.group(1).decode("ascii")
        if line.strip() and not line.strip().startswith(b"#"):
            break
    return None
