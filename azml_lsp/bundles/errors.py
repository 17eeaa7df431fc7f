"""The one error every bundle operation raises."""

from __future__ import annotations

from pathlib import Path

from azml_lsp.contract.errors import ERROR_0102_MESSAGE, ErrorCode


class BundleError(Exception):
    """A Script Bundle that cannot be read, extracted or built.

    ``code`` is the module's error code when the cloud has one (102: not a zip), else None;
    ``path`` the bundle or folder; ``member`` the entry name concerned, when there is one;
    ``message`` says what is wrong and what to do.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path,
        member: str | None = None,
        code: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path)
        self.member = member
        self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: {self.member!r}" if self.member is not None else self.path
        prefix = f"error {self.code:04d}: " if self.code is not None else ""
        return f"{prefix}{where}: {self.message}"

    @classmethod
    def bad_zip(cls, path: str | Path, detail: str, member: str | None = None) -> BundleError:
        """Error 0102: the file, or one entry's data, is not a readable zip."""
        return cls(
            f"{ERROR_0102_MESSAGE} ({detail}) Give a valid .zip file or a folder; "
            "`azml bundle DIR -o bundle.zip` builds one.",
            path=path,
            member=member,
            code=int(ErrorCode.BAD_ZIP),
        )
