"""The ``azml`` command line. Subcommands live in their own modules and load only when used."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from azml_lsp import __version__

#: subcommand name -> "module:attribute" of its click command.
SUBCOMMANDS: dict[str, str] = {
    "run": "azml_lsp.cli.run:run",
    "debug": "azml_lsp.cli.debug:debug",
    "check": "azml_lsp.cli.check:check",
    "rule": "azml_lsp.cli.check:rule",
    "lsp": "azml_lsp.cli.lsp:lsp",
    "serve": "azml_lsp.cli.serve:serve",
    "bundle": "azml_lsp.cli.bundle:bundle",
    "export": "azml_lsp.cli.export:export",
    "env": "azml_lsp.cli.env:env",
    "compare": "azml_lsp.cli.compare:compare",
    "migrate": "azml_lsp.cli.migrate:migrate",
}

SHORT_HELP: dict[str, str] = {
    "run": "Run a script like the cloud module does.",
    "debug": "Run a script under the debugger (debugpy).",
    "check": "Check scripts against the module's contract.",
    "rule": "Explain a checker rule.",
    "lsp": "Start the language server.",
    "serve": "Serve a script as a web service.",
    "bundle": "Build a reproducible Script Bundle zip.",
    "export": "Write an Azure ML component or pipeline job for a script.",
    "env": "Create, list, check and remove cloud twins.",
    "compare": "Run a script in two environments and compare its outputs.",
    "migrate": "Rewrite a script for a newer runtime; --verify runs both and compares.",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n, target in SUBCOMMANDS.items() if _available(target))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None or not _available(target):
            return None
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(n, SHORT_HELP.get(n, "")) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(target: str) -> bool:
    return importlib.util.find_spec(target.split(":")[0]) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="azml")
def cli() -> None:
    """Write, check, run and debug Azure ML "Execute Python Script" scripts locally."""


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``azml`` console script."""
    return cli.main(args=argv, prog_name="azml")


def lsp_main() -> Any:
    """Entry point of the ``azml-lsp`` console script: the language server over stdio."""
    return cli.main(args=["lsp"], prog_name="azml-lsp")
