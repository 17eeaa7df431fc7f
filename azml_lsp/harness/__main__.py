"""Start the harness in a twin: ``python -s .../azml_lsp/harness/__main__.py SITE CONTROL_DIR``
(one run), ``... SITE --zygote FOLDER`` (a warm twin) or ``... SITE --template SPEC_FILE`` (a
served script's request template).

Started by path, so nothing of the host's environment is on ``sys.path``: the base
interpreter's own site-packages are dropped, the twin's ``SITE`` folder is added (its ``.pth``
files processed), this package is imported, and its folder leaves ``sys.path`` again before any
user code runs.
"""

from __future__ import absolute_import, division, print_function

import os
import site
import sys

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import List  # noqa: F401


#: ``SITE --zygote FOLDER`` starts a warm twin (:mod:`azml_lsp.harness.zygote`) instead of one run.
ZYGOTE_FLAG = "--zygote"
#: ``SITE --template SPEC_FILE`` starts a request template (:mod:`azml_lsp.harness.template`).
TEMPLATE_FLAG = "--template"


def isolate(twin_site):
    # type: (str) -> None
    """Keep the standard library, drop every installed-packages folder, add the twin's."""
    sys.path[:] = [
        p for p in sys.path if os.path.basename(p) not in ("site-packages", "dist-packages")
    ]
    site.addsitedir(twin_site)


def main(argv):
    # type: (List[str]) -> int
    twin_site, control = argv[0], argv[1]
    source_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    isolate(twin_site)
    sys.path[0] = source_root  # in place of the harness folder Python put first
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # no Python 2 bytecode beside this package's sources
    from azml_lsp.harness import run

    if control == ZYGOTE_FLAG:
        from azml_lsp.harness import zygote
    if control == TEMPLATE_FLAG:
        from azml_lsp.harness import template
    sys.dont_write_bytecode = writes_bytecode  # the twin's packages cache theirs
    sys.path.remove(source_root)
    if control == ZYGOTE_FLAG:
        return zygote.serve(argv[2])
    if control == TEMPLATE_FLAG:
        return template.serve(argv[2])
    return run.main(control)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
