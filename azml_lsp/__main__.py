"""``python -m azml_lsp`` runs the ``azml`` command line."""

from azml_lsp.entry import main

if __name__ == "__main__":
    main()
