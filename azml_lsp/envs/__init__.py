"""Cloud twins on this machine: a cloud runtime's Python and exact package pins, rebuilt locally.

:mod:`~azml_lsp.envs.specs` says which twins exist (built-in and declared in pyproject.toml),
:mod:`~azml_lsp.envs.store` where created twins live, :mod:`~azml_lsp.envs.interpreters` finds
a CPython of the right version, :mod:`~azml_lsp.envs.create` builds a twin and
:mod:`~azml_lsp.envs.probe` checks one from the inside.

Importing this package imports nothing else: ``azml run --env NAME`` reads the twin's record
through :mod:`~azml_lsp.envs.layout` before anything heavy is loaded.
"""
