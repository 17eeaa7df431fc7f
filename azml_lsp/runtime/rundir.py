"""The folders of one run: a private temp root the parent creates and always removes (and the
next run removes it when the parent was killed first).

::

    azml-run-XXXX/
        control/   request.json, captured stdout.txt / stderr.txt, stack.txt (on timeout)
        work/      the module's working directory: the script copy and "Script Bundle/"
        import/    the process working directory while the script is imported
        mpl/       MPLCONFIGDIR, so matplotlib never writes to the user's home
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from azml_lsp.runtime.model import RunRequest
from azml_lsp.runtime.outputs.layout import images_dir, table_path
from azml_lsp.runtime.tempdirs import OwnedTempDir

if TYPE_CHECKING:
    from azml_lsp.bundles import ExtractedBundle

PREFIX = "azml-run-"


@dataclass(frozen=True)
class RunDir:
    """Paths of one run, derived from its root."""

    root: Path
    out_dir: Path | None = None
    owner: OwnedTempDir | None = field(default=None, compare=False, repr=False)

    @classmethod
    def create(cls, request: RunRequest) -> RunDir:
        owner = OwnedTempDir(PREFIX)
        out_dir = Path(request.out_dir) if request.out_dir else None
        rundir = cls(root=owner.path, out_dir=out_dir, owner=owner)
        for folder in (rundir.control, rundir.work, rundir.process_cwd, rundir.mpl_config):
            folder.mkdir()
        rundir.request_file.write_text(json.dumps(request.to_json()))
        return rundir

    @classmethod
    def open(cls, control: Path) -> tuple[RunDir, RunRequest]:
        """The run folder a parent prepared, and its request (in the child)."""
        request = RunRequest.from_json(json.loads((control / "request.json").read_text()))
        out_dir = Path(request.out_dir) if request.out_dir else None
        return cls(root=control.parent, out_dir=out_dir), request

    @property
    def control(self) -> Path:
        return self.root / "control"

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def process_cwd(self) -> Path:
        return self.root / "import"

    @property
    def mpl_config(self) -> Path:
        return self.root / "mpl"

    @property
    def request_file(self) -> Path:
        return self.control / "request.json"

    @property
    def stdout_file(self) -> Path:
        return self.control / "stdout.txt"

    @property
    def stderr_file(self) -> Path:
        return self.control / "stderr.txt"

    @property
    def stack_file(self) -> Path:
        return self.control / "stack.txt"

    @property
    def images_dir(self) -> Path:
        assert self.out_dir is not None
        return images_dir(self.out_dir)

    def search_path(self, bundle: ExtractedBundle | None) -> list[str]:
        """The folders a run appends to ``sys.path``, in order: the working directory, then the
        Script Bundle (appended, so installed modules of the same name win, S9)."""
        return [str(self.work)] + ([str(bundle.root)] if bundle is not None else [])

    def output_path(self, port: int, fmt: str) -> Path:
        assert self.out_dir is not None
        return table_path(self.out_dir, port, fmt)

    def release(self, keep: bool = False) -> None:
        """Remove the run's folders (in the parent), or with ``keep`` leave them for the user."""
        if self.owner is not None:
            self.owner.release(keep=keep)
