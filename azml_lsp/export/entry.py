"""Entry point of an exported component: run the script through azml-lsp's runtime on Azure ML.

Copied next to the script as ``azml_entry.py``. Inputs arrive as ``uri_file`` paths or ``mltable``
folders; each output port goes to its own ``uri_folder``. A failed run prints the module's error
(0085 with the script's line) and exits non-zero, so the job fails with that message.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from azml_lsp.runtime import RunRequest, run
from azml_lsp.runtime.inputs.mltable_folder import MLTABLE_FILE, read_mltable_folder
from azml_lsp.runtime.outputs.layout import OUTPUT_NAMES

#: Output folder names of the component: the two table ports and the device folder.
OUTPUTS = tuple(OUTPUT_NAMES[key] for key in ("port1", "port2", "images"))


def dataset_file(path: str | None, scratch: Path, port: int) -> str | None:
    """A file the runtime reads: the ``uri_file`` itself, or an ``mltable`` folder as Parquet."""
    if path is None:
        return None
    source = Path(path)
    if not source.is_dir():
        return str(source)
    if (source / MLTABLE_FILE).is_file():
        frame = read_mltable_folder(source)
        target = scratch / f"dataset{port}.parquet"
        frame.to_parquet(target, index=False)
        return str(target)
    files = sorted(p for p in source.iterdir() if p.is_file())
    if len(files) != 1:
        raise SystemExit(
            f"dataset{port}: {source} is a folder; expected one data file or an MLTable"
        )
    return str(files[0])


def place_outputs(out_dir: Path, targets: dict[str, Path | None]) -> None:
    """Move each port's table into its output folder, and everything else into python_device."""
    device = targets.get(OUTPUT_NAMES["images"])
    for item in sorted(out_dir.iterdir()):
        if item.is_dir() and item.name == OUTPUT_NAMES["images"]:
            place_outputs(item, targets)
            continue
        destination = targets.get(item.stem) if item.is_file() else None
        destination = destination or device
        if destination is not None:
            destination.mkdir(parents=True, exist_ok=True)
            shutil.move(str(item), str(destination / item.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--script", required=True)
    parser.add_argument("--bundle")
    parser.add_argument("--dialect", default="designer")
    parser.add_argument("--format", default="parquet", choices=["csv", "parquet"])
    parser.add_argument("--timeout", type=float, default=None)
    parser.add_argument("--dataset1")
    parser.add_argument("--dataset2")
    for name in OUTPUTS:
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=Path)
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="azml-entry-") as tmp:
        scratch = Path(tmp)
        request = RunRequest(
            script=str(here / args.script),
            dataset1=dataset_file(args.dataset1, scratch, 1),
            dataset2=dataset_file(args.dataset2, scratch, 2),
            bundle=str(here / args.bundle) if args.bundle else None,
            dialect=args.dialect,
            out_dir=str(scratch / "out"),
            format=args.format,
            timeout_s=args.timeout,
            memory_mb=None,
            env="local",  # the job's environment is the cloud's: no twin to look for
        )
        result = run(request)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        out_dir = scratch / "out"
        if out_dir.is_dir():
            place_outputs(out_dir, {name: getattr(args, name) for name in OUTPUTS})
    if result.error is not None:
        print(result.error.message, file=sys.stderr)
        if result.error.detail:
            print(result.error.detail, file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
