"""The host side of a run in a cloud twin: start the twin's interpreter on the harness, exchange
the tables, and rebuild what the script returned (:mod:`azml_lsp.harness` runs on the other side)."""
