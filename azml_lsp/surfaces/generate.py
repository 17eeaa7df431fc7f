"""Regenerate the shipped API surfaces with one command:
``python -m azml_lsp.surfaces.generate --create [NAME ...]``.

Runs ``azml_lsp/harness/surface.py`` in each created built-in twin and in this interpreter (the
``latest`` surface), and writes ``data/NAME.json.gz`` with the twin's sources and the versions
introspected. With ``--create``, each twin is first created or brought up to its pins (as
``azml env create NAME`` does: the cloud's Python and pinned packages); without it, twins that
are not created are skipped with a notice and their shipped surfaces stay as they are.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azml_lsp.contract.twins import BUILTIN_TWINS, cloud_version
from azml_lsp.envs.errors import EnvError
from azml_lsp.surfaces import DATA, FORMAT, LATEST

SCRIPT = Path(__file__).resolve().parent.parent / "harness" / "surface.py"
HOST_ONLY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")


class GenerateError(RuntimeError):
    """A surface could not be read: names the interpreter and what it printed."""


def introspect(python: str, site: str | None) -> dict[str, Any]:
    """Run the harness's introspection in ``python`` (with twin folder ``site``, or as it is)."""
    env = {k: v for k, v in os.environ.items() if k not in HOST_ONLY}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "surface.json"
        command = [python, "-s", str(SCRIPT), site or "-", str(out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not out.is_file():
            raise GenerateError(
                f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stderr[-2000:]}"
            )
        data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def compact(raw: dict[str, Any]) -> dict[str, Any]:
    """Members as ``{name: parameters or None}``; the ``versionadded`` notes gathered apart."""
    added = {cls: info["added"] for cls, info in raw["classes"].items() if info.get("added")}
    return {
        "python": raw["python"],
        "packages": raw["packages"],
        "modules": {name: info["members"] for name, info in raw["modules"].items()},
        "classes": {name: info["members"] for name, info in raw["classes"].items()},
        "added": added,
        "stdlib": raw["stdlib"],
    }


def twin_surface(name: str, create: bool = False) -> dict[str, Any] | None:
    """The surface of twin ``name`` (created first, or brought up to its pins, when ``create``),
    or None when it is not created. Raises EnvError when it cannot be created."""
    from azml_lsp.envs.store import installed

    spec = BUILTIN_TWINS[name]
    if create:
        from azml_lsp.envs.create import create as create_twin

        create_twin(name, say=lambda line: print(line, file=sys.stderr))
    twin = installed(name)
    if twin is None:
        return None
    data = compact(introspect(twin.python, twin.site))
    cloud = {
        pin: version
        for pin in data["packages"]
        if (version := cloud_version(spec, pin)) and version != data["packages"][pin]
    }
    return {
        "name": name,
        "title": spec.title,
        "cloud_python": spec.cloud_python,
        "cloud_packages": cloud,
        "sources": [*spec.sources, *spec.deviations],
        **data,
    }


def latest_surface() -> dict[str, Any]:
    """The surface of this interpreter and its packages."""
    data = compact(introspect(sys.executable, None))
    return {
        "name": LATEST,
        "title": "the packages of the environment that generated the surfaces",
        "sources": ["introspected from the installed packages"],
        **data,
    }


def write(surface: dict[str, Any], folder: Path = DATA) -> Path:
    """Write ``folder/NAME.json.gz`` (stable bytes: no timestamp in the gzip header)."""
    surface = {"format": FORMAT, "generated": datetime.now(UTC).date().isoformat(), **surface}
    text = json.dumps(surface, sort_keys=True, separators=(",", ":"))
    path = folder / f"{surface['name']}.json.gz"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
        stream.write(text.encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m azml_lsp.surfaces.generate")
    parser.add_argument("names", nargs="*", help=f"twins and/or {LATEST} (default: all)")
    parser.add_argument(
        "--out", type=Path, default=DATA, help="folder to write (default: %(default)s)"
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help="create each twin (or bring it up to its pins) first, as `azml env create` does",
    )
    args = parser.parse_args(argv)
    chosen = args.names or [*BUILTIN_TWINS, LATEST]
    for name in chosen:
        if name != LATEST and name not in BUILTIN_TWINS:
            parser.error(
                f"unknown surface {name!r}: choose from {', '.join([*BUILTIN_TWINS, LATEST])}"
            )
    failed = 0
    for name in chosen:
        try:
            surface = latest_surface() if name == LATEST else twin_surface(name, args.create)
        except EnvError as exc:
            print(f"{name}: cannot create the twin: {exc}", file=sys.stderr)
            failed += 1
            continue
        if surface is None:
            print(f"{name}: not created, skipped (azml env create {name})", file=sys.stderr)
            continue
        path = write(surface, args.out)
        versions = ", ".join(f"{k} {v}" for k, v in sorted(surface["packages"].items()))
        print(
            f"{name}: Python {surface['python']}, {versions} -> {path} ({path.stat().st_size} bytes)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
