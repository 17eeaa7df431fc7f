"""Find where a text input file goes wrong, once a fast reader has failed on it.

These scans are plain Python and run only on the error path: they give the line (1-based,
physical, as an editor counts) and the column for messages.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, NamedTuple

from azml_lsp.runtime.inputs import UTF8_HINT, InputError

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


OPENERS: dict[str, Callable[..., Any]] = {"gzip": gzip.open, "bz2": bz2.open}


@contextmanager
def open_binary(path: str, compression: str | None) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed."""
    opener: Callable[..., IO[bytes]] = OPENERS.get(compression or "", open)
    with opener(path, "rb") as handle:
        yield handle


def sniff_encoding(path: str, compression: str | None) -> str:
    """``utf-16`` / ``utf-32`` when the file starts with their BOM, else ``utf-8``."""
    with open_binary(path, compression) as handle:
        head = handle.read(4)
    for bom, name in BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def first_nul_line(path: str, compression: str | None, head: int = 64 * 1024) -> int | None:
    """The line of the first NUL byte near the start (text files have none; UTF-16 without a
    BOM and binary files do), or None."""
    with open_binary(path, compression) as handle:
        data = handle.read(head)
    at = data.find(b"\0")
    return None if at < 0 else data.count(b"\n", 0, at) + 1


def refuse_nul_bytes(path: str, compression: str | None) -> None:
    """A text file without a BOM that holds NUL bytes is UTF-16 without its BOM, or binary."""
    line = first_nul_line(path, compression)
    if line is not None:
        raise InputError(
            path,
            "the file holds NUL bytes: it is not UTF-8 text (UTF-16 without a byte-order mark, "
            "or not a text file at all)",
            UTF8_HINT,
            line=line,
        )


@contextmanager
def open_text(path: str, compression: str | None, encoding: str) -> Iterator[IO[str]]:
    """The file as text (a UTF-8 BOM dropped), undecodable bytes replaced, newlines kept."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    with open_binary(path, compression) as raw:
        text = io.TextIOWrapper(raw, encoding=codec, errors="replace", newline="")
        yield text


def comma_or_semicolon(path: str, compression: str | None, encoding: str) -> str:
    """``;`` when the header row has semicolons and no comma (Excel's CSV in many locales)."""
    with open_text(path, compression, encoding) as text:
        header = text.readline()
    return ";" if ";" in header and "," not in header else ","


class BadByte(NamedTuple):
    line: int
    byte: int
    """The first byte that is not UTF-8."""
    field: int | None
    """0-based index of the field that holds it, for delimited files."""


def first_invalid_utf8(
    path: str, compression: str | None, delimiter: str | None = None
) -> BadByte | None:
    """The first line holding bytes that are not UTF-8, or None when the file is UTF-8."""
    with open_binary(path, compression) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = raw[exc.start]
                return BadByte(number, byte, _field_of(raw, exc.start, delimiter))
    return None


def _field_of(raw: bytes, offset: int, delimiter: str | None) -> int | None:
    if delimiter is None:
        return None
    text = raw.decode("utf-8", errors="surrogateescape")
    marker = raw[:offset].decode("utf-8", errors="surrogateescape")
    for index, value in enumerate(next(csv.reader([text], delimiter=delimiter), [])):
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            return index
    return marker.count(delimiter)


class BadRecord(NamedTuple):
    line: int
    fields: int
    expected: int


def header_names(path: str, compression: str | None, encoding: str, delimiter: str) -> list[str]:
    """The names in the first row of a delimited file."""
    with open_text(path, compression, encoding) as text:
        return next(csv.reader(text, delimiter=delimiter), [])


def first_bad_record(
    path: str, compression: str | None, encoding: str, delimiter: str
) -> BadRecord | None:
    """The first row whose field count differs from the header's (blank lines skipped)."""
    with open_text(path, compression, encoding) as text:
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        expected: int | None = None
        start = 1
        try:
            for row in reader:
                if row and expected is None:
                    expected = len(row)
                elif row and len(row) != expected:
                    assert expected is not None
                    return BadRecord(start, len(row), expected)
                start = reader.line_num + 1
        except csv.Error:
            return BadRecord(start, -1, expected or 0)
    return None


class BadJson(NamedTuple):
    line: int
    message: str


def first_bad_json_line(path: str, compression: str | None, encoding: str) -> BadJson | None:
    """The first non-blank line of a JSON-lines file that is not one JSON object."""
    with open_text(path, compression, encoding) as text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                return BadJson(number, f"{exc.msg} (character {exc.pos + 1})")
            if not isinstance(value, dict):
                return BadJson(number, f"a JSON {type(value).__name__}, not an object")
    return None
