"""How the module loads the script (CONTRACT.md section 1, "Loading")."""

from __future__ import annotations

from azml_lsp.contract.dialects import Dialect

WORKDIR_SWITCHES_AROUND_CALL: dict[Dialect, bool] = {
    Dialect.DESIGNER: True,
    Dialect.CLASSIC: False,
}
"""designer (code S13): module-level code runs in the process working directory, and the working
directory switches to the temp dir holding ``Script Bundle/`` only around the ``azureml_main``
call. classic: the working directory holds ``Script Bundle`` from the start (S1)."""
