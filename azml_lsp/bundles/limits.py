"""Bounds that keep a hostile bundle from filling the disk or the inode table."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 20_000
DEFAULT_MAX_RATIO = 200.0
DEFAULT_MAX_NAME_LENGTH = 1024
DEFAULT_RATIO_MIN_BYTES = 1024 * 1024
MAX_SEGMENT_BYTES = 255
"""Longest file or folder name (UTF-8 bytes) common filesystems accept."""


@dataclass(frozen=True)
class BundleLimits:
    """What a bundle may expand to.

    ``max_ratio`` bounds uncompressed/compressed size per entry and for the whole zip; it applies
    once the uncompressed size passes ``ratio_min_bytes``, since small, repetitive files (blank
    lines, zeros) compress far better than any real code and are harmless.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    """Total uncompressed size of all files."""
    max_entries: int = DEFAULT_MAX_ENTRIES
    """Files and folders."""
    max_ratio: float = DEFAULT_MAX_RATIO
    max_name_length: int = DEFAULT_MAX_NAME_LENGTH
    """Characters in one entry's relative path."""
    ratio_min_bytes: int = DEFAULT_RATIO_MIN_BYTES
