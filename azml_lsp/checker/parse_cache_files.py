"""Make parso's on-disk parse cache safe to share between processes.

jedi keeps the parse trees of library modules (pandas, scikit-learn, ...) as pickles in its cache
folder, and parso writes each pickle in place. A second process (the language server beside
``azml check``, or two checks) that reads a pickle while it is being written gets a truncated
file, the inference fails, and a diagnostic or a go-to-definition silently goes missing; two
processes that make the cache folder at once fail the same way. Here each pickle is written to
a private file and renamed into place, an unreadable pickle is a cache miss, and a folder made
meanwhile by another process is used. Loading a pickle is also a :func:`pause_point`: background
inference steps aside there for a user's request.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable
from typing import Any

from azml_lsp.checker.pausing import pause_point

_installed = False


def share_parse_cache_safely() -> None:
    """Replace parso's pickle writer and reader (once per process)."""
    global _installed
    if _installed:
        return
    import parso.cache

    parso.cache._get_cache_directory_path = _race_free_folder(parso.cache._get_cache_directory_path)
    parso.cache._save_to_file_system = _atomic_writer(parso.cache._get_hashed_path)
    parso.cache._load_from_file_system = _tolerant_reader(parso.cache._load_from_file_system)
    _installed = True


def _race_free_folder(folder: Callable[..., Any]) -> Callable[..., Any]:
    def made(cache_path: Any = None) -> Any:
        try:
            return folder(cache_path=cache_path)
        except FileExistsError:  # another process made it between the check and the mkdir
            return folder(cache_path=cache_path)

    return made


def _atomic_writer(hashed_path: Callable[..., str]) -> Callable[..., None]:
    def save(hashed_grammar: str, path: Any, item: Any, cache_path: Any = None) -> None:
        target = hashed_path(hashed_grammar, path, cache_path=cache_path)
        fd, staging = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as stream:
                pickle.dump(item, stream, pickle.HIGHEST_PROTOCOL)
            os.replace(staging, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(staging)
            raise

    return save


def _tolerant_reader(load: Callable[..., Any]) -> Callable[..., Any]:
    def read(*args: Any, **kwargs: Any) -> Any:
        pause_point()
        try:
            return load(*args, **kwargs)
        except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError):
            return None  # a damaged pickle: parse the module again

    return read
