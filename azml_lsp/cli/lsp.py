"""``azml lsp``: start the language server (stdio by default)."""

from __future__ import annotations

import logging

import click


@click.command()
@click.option("--tcp", is_flag=True, help="Listen on a TCP socket instead of stdio.")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on with --tcp."
)
@click.option(
    "--port",
    default=2087,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port with --tcp.",
)
@click.option(
    "--log-file", type=click.Path(dir_okay=False), help="Write the server's log to this file."
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def lsp(tcp: bool, host: str, port: int, log_file: str | None, verbose: bool) -> None:
    """Start the azml language server: IntelliSense, diagnostics, quick fixes, Run and Debug.

    Editors start it over stdio (the `azml-lsp` command does the same); --tcp serves one
    editor connection at a time on HOST:PORT.
    """
    level = logging.DEBUG if verbose else logging.INFO
    if log_file:
        logging.basicConfig(filename=log_file, level=level)
    else:
        logging.basicConfig(level=logging.WARNING if not verbose else level)
    from azml_lsp.server.app import quit_process, server

    try:
        if tcp:
            server.start_tcp(host, port)
        else:
            server.start_io()
    finally:
        server.close()
    quit_process(0)
