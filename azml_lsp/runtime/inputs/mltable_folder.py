"""Read an ``mltable`` input folder: the files its ``MLTable`` file lists, in the format it names.

Covers local paths (``file``, ``folder``, ``pattern``) read by ``read_delimited``,
``read_parquet`` or ``read_json_lines``, which is what a job's mounted data asset holds. Anything
else (cloud URIs, other transformations) goes to the ``mltable`` package when it is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MLTABLE_FILE = "MLTable"
READERS = ("read_delimited", "read_parquet", "read_json_lines")


class NeedsMltablePackage(Exception):
    """The MLTable file uses something only the ``mltable`` package reads."""


def read_mltable_folder(folder: Path) -> pd.DataFrame:
    """The table an ``mltable`` folder describes."""
    try:
        return _read_locally(folder)
    except NeedsMltablePackage as why:
        try:
            import mltable
        except ImportError:
            raise SystemExit(
                f"{folder / MLTABLE_FILE}: {why}; install the mltable package to read it"
            ) from None
        frame: pd.DataFrame = mltable.load(str(folder)).to_pandas_dataframe()
        return frame


def _read_locally(folder: Path) -> pd.DataFrame:
    import pandas as pd
    import yaml

    spec = yaml.safe_load((folder / MLTABLE_FILE).read_text(encoding="utf-8")) or {}
    files = [f for entry in spec.get("paths") or [] for f in _files(folder, entry)]
    if not files:
        raise NeedsMltablePackage("it lists no local files")
    reader, options = _reader(spec.get("transformations") or [])
    frames = [_read(path, reader, options) for path in files]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _files(folder: Path, entry: dict[str, str]) -> list[Path]:
    (kind, value), *_ = entry.items()
    if "://" in str(value):
        raise NeedsMltablePackage(f"{kind} {value} is not a local path")
    if kind == "file":
        return [folder / value]
    if kind == "folder":
        return sorted(p for p in (folder / value).rglob("*") if p.is_file())
    if kind == "pattern":
        return sorted(p for p in folder.glob(value) if p.is_file())
    raise NeedsMltablePackage(f"unknown path kind {kind!r}")


def _reader(transformations: list[Any]) -> tuple[str, dict[str, Any]]:
    for step in transformations:
        name, options = (step, {}) if isinstance(step, str) else next(iter(step.items()))
        if name in READERS:
            return name, options or {}
        raise NeedsMltablePackage(f"the transformation {name!r} is not read here")
    return "read_delimited", {}


def _read(path: Path, reader: str, options: dict[str, Any]) -> pd.DataFrame:
    import pandas as pd

    if reader == "read_parquet":
        return pd.read_parquet(path)
    if reader == "read_json_lines":
        return pd.read_json(path, lines=True, encoding=options.get("encoding", "utf8"))
    return pd.read_csv(
        path, sep=options.get("delimiter", ","), encoding=options.get("encoding", "utf8")
    )
