# azml: dialect=classic dataset1=names.csv bundle=Hello.zip
"""Hello world with a Script Bundle (Studio classic).

``Hello.zip`` holds ``Hello.py``; the module extracts it into ``Script Bundle`` and puts that
folder on ``sys.path``, so ``import Hello`` finds it.
"""

import Hello
import pandas as pd


def azureml_main(
    dataframe1: "pd.DataFrame | None" = None, dataframe2: "pd.DataFrame | None" = None
) -> "tuple[pd.DataFrame]":
    """Greet every name in Dataset1 and return the table with a ``greeting`` column."""
    if dataframe1 is None:
        raise ValueError("connect a table with a 'name' column to Dataset1")
    for name in dataframe1["name"]:
        Hello.print_hello(name)
    dataframe1["greeting"] = [Hello.greeting(name) for name in dataframe1["name"]]
    return (dataframe1,)
