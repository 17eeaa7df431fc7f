# azml: dialect=classic dataset1=measurements.csv
"""A scatter-matrix plot saved as PNG (Studio classic).

Classic does not capture plots by itself: switch matplotlib to the ``Agg`` backend, draw, and save
a PNG in the working directory; the module shows every PNG it finds there on the Python Device
port.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

try:
    from pandas.plotting import scatter_matrix
except ImportError:  # pandas before 0.20, as in the classic runtimes
    from pandas.tools.plotting import scatter_matrix  # type: ignore[no-redef]

IMAGE = "scatter_matrix.png"


def azureml_main(
    dataframe1: "pd.DataFrame | None" = None, dataframe2: "pd.DataFrame | None" = None
) -> "tuple[pd.DataFrame]":
    """Plot every pair of numeric columns of Dataset1; return Dataset1 unchanged."""
    if dataframe1 is None:
        raise ValueError("connect a table with numeric columns to Dataset1")
    numeric = dataframe1.select_dtypes(include=[np.number])  # "number" needs pandas 0.20
    axes = scatter_matrix(numeric, figsize=(8, 8), diagonal="hist", alpha=0.6)
    figure = axes[0, 0].get_figure()
    figure.suptitle("Scatter matrix of {} rows".format(len(numeric)))
    figure.savefig(IMAGE)
    plt.close(figure)
    return (dataframe1,)
