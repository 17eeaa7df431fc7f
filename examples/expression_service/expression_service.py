# azml: dialect=classic dataset1=expressions.csv
"""A web service that evaluates Python expressions (Studio classic documentation scenario).

WARNING: this script runs ``eval`` on its input. Whoever can send it a table can run any Python
code on the machine that serves it: read files, reach the network, start processes. It is a
demonstration of the module's web-service round trip, NOT something to deploy: never expose it to
untrusted callers. Limiting the names ``eval`` sees is not a sandbox.

Input: a table with a text column ``expression``. Output: one row per expression with its value
(``repr``), the value's type, and the error when the expression raised.
"""

import math

import pandas as pd

COLUMN = "expression"


def evaluate(expression: str) -> "tuple[str | None, str | None, str | None]":
    """``(repr(value), type name, None)`` for a working expression, else ``(None, None, error)``."""
    try:
        value = eval(expression, {"math": math})
    except Exception as exc:
        return None, None, "{}: {}".format(type(exc).__name__, exc)
    return repr(value), type(value).__name__, None


def azureml_main(
    dataframe1: "pd.DataFrame | None" = None, dataframe2: "pd.DataFrame | None" = None
) -> "tuple[pd.DataFrame]":
    """Evaluate each expression of Dataset1's ``expression`` column."""
    if dataframe1 is None or COLUMN not in dataframe1.columns:
        raise ValueError("connect a table with a text column 'expression' to Dataset1")
    expressions = [str(e) for e in dataframe1[COLUMN]]
    rows = [(expression, *evaluate(expression)) for expression in expressions]
    return (pd.DataFrame(rows, columns=[COLUMN, "value", "type", "error"]),)
