"""AZ7xx: what ``azml migrate`` rewrites or lists when a script moves to a newer runtime.

These rules have no check of their own: ``azml migrate`` reports them (applied rewrites and the
places it cannot decide), and ``azml rule AZ7xx`` explains them. Rewrites of constructs the
checker already reports carry that rule's code (AZ202, AZ204, AZ302, AZ303, AZ401, AZ406).
"""

from __future__ import annotations

from collections.abc import Callable

from azml_lsp.checker.context import Context
from azml_lsp.checker.model import Severity
from azml_lsp.checker.registry import Rule, register

INTEGER_DIVISION = register(Rule(
    "AZ701", "python2-integer-division", Severity.WARNING,
    "Reported by `azml migrate` for Python 2 source: `/` between two integers floors in "
    "Python 2 and gives a float in Python 3. Where both operands are provably integers (int "
    "literals, `len()`, `int()`, names bound only to such values) the migration writes `//`; "
    "every other `/` is listed with its line. `from __future__ import division` turns it off.",
    "`total / 3` gives 8 in the classic Python 2.7 runtime and 8.0 (or 8.33) in Python 3: a "
    "column changes its values and its type without any error.",
    "def azureml_main(dataframe1=None):\n    n = len(dataframe1)\n    half = n / 2\n"
    "    return dataframe1,",
    "Write `//` where the operands are integers and floor division was meant, keep `/` where "
    "a float is wanted; `azml migrate --verify` shows whether the outputs still match.",
))  # fmt: skip
PYTHON2_MODULE = register(Rule(
    "AZ702", "python2-module", Severity.WARNING,
    "Reported by `azml migrate`: Python 2 standard modules renamed in Python 3 (`urllib2` → "
    "`urllib.request`, `urlparse` → `urllib.parse`, `cPickle` → `pickle`, `StringIO` and "
    "`cStringIO` → `io`, `ConfigParser` → `configparser`, `Queue` → `queue`, `httplib` → "
    "`http.client`). The import and the module's uses (`urllib2.urlopen`) are rewritten.",
    "Python 3 has no module of the old name: the script fails to import.",
    "import urllib2\n\ndef azureml_main(dataframe1=None):\n"
    "    page = urllib2.urlopen('http://example.com').read()\n    return dataframe1,",
    "Import the Python 3 module (`import urllib.request`, `urllib.request.urlopen(...)`).",
))  # fmt: skip
RESULT_INDEX = register(Rule(
    "AZ703", "classic-dropped-result-index", Severity.WARNING,
    "Reported by `azml migrate` from classic to the designer: the returned frame's index. "
    "Classic dropped it; the designer writes a non-default index (after sorting, filtering, "
    "`groupby`, `set_index` ...) as leading columns. Where the returned frame's index is "
    "provably changed the migration adds `.reset_index(drop=True)`; where it cannot tell, the "
    "return is listed.",
    "The migrated script's result gains an `index` column (or the group keys) that classic "
    "never wrote, and downstream modules see a different table.",
    "def azureml_main(dataframe1=None):\n"
    "    out = dataframe1.sort_values('score')\n    return out,",
    "Return `out.reset_index(drop=True)` to keep classic's output, or keep the index on "
    "purpose.",
))  # fmt: skip
DIALECT_HEADER = register(Rule(
    "AZ704", "dialect-header", Severity.INFO,
    "Reported by `azml migrate`: the `# azml:` header's `dialect=`, `env=` and "
    "`target-python=` are set to the migration's target (a header line is added when there is "
    "none), so `azml run` and `azml check` use the new runtime.",
    "A migrated script that still says `dialect=classic` keeps running and being checked "
    "under the old contract.",
    "# azml: dialect=classic env=classic-py27\ndef azureml_main(dataframe1=None):\n"
    "    return dataframe1,",
    "Set `# azml: dialect=designer env=designer` (the migration does it).",
))  # fmt: skip
PORT_MAPPING = register(Rule(
    "AZ705", "classic-port-mapping", Severity.WARNING,
    "Reported by `azml migrate` from classic to the designer when only Dataset2 is connected "
    "(its declared or given inputs): classic passed only connected frames, positionally, so "
    "the first parameter received Dataset2's frame; the designer passes frames by port, so "
    "the first parameter receives `None` and Dataset2 arrives as the second.",
    "The migrated script reads `None` where it read a table: an AttributeError, or a silently "
    "different result.",
    "# azml: dialect=classic dataset2=data.csv\ndef azureml_main(frame1):\n"
    "    return frame1,",
    "Connect the input to Dataset1, or take two parameters "
    "(`def azureml_main(dataframe1=None, dataframe2=None)`) and use the second. Never rewritten "
    "automatically.",
))  # fmt: skip

CHECKS: list[tuple[tuple[str, ...], Callable[[Context], None], bool]] = []
