"""pandas APIs that scripts written for the cloud's pandas use and that later pandas removed.

Versions are the pandas release that removed each API (pandas release notes, "Removal of prior
version deprecations"). The cloud's pandas per dialect is ``PROFILES[dialect].pandas_version``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemovedApi:
    """One removed pandas name and what to use instead."""

    name: str
    removed_in: str
    replacement: str
    shared_name: bool = False
    """True when builtins share the method name (``list.sort``, ``list.append``): report it
    only where the receiver is known to be a DataFrame or Series."""


#: Methods and attributes of DataFrame / Series, by attribute name.
REMOVED_METHODS: dict[str, RemovedApi] = {
    api.name: api
    for api in (
        RemovedApi("sort", "0.20", "`.sort_values(...)` or `.sort_index()`", shared_name=True),
        RemovedApi("sortlevel", "0.20", "`.sort_index(level=...)`"),
        RemovedApi("ix", "1.0", "`.loc[...]` (labels) or `.iloc[...]` (positions)"),
        RemovedApi("as_matrix", "1.0", "`.to_numpy()`"),
        RemovedApi("get_value", "1.0", "`.at[row, column]`"),
        RemovedApi("set_value", "1.0", "`.at[row, column] = value`"),
        RemovedApi("get_values", "1.0", "`.to_numpy()`"),
        RemovedApi("reindex_axis", "1.0", "`.reindex(..., axis=...)`"),
        RemovedApi("convert_objects", "1.0", "`.infer_objects()` or `pd.to_numeric(...)`"),
        RemovedApi("from_csv", "1.0", "`pd.read_csv(...)`"),
        RemovedApi("to_panel", "0.25", "a MultiIndex DataFrame"),
        RemovedApi("get_dtype_counts", "1.0", "`.dtypes.value_counts()`"),
        RemovedApi("ftypes", "1.0", "`.dtypes`"),
        RemovedApi("clip_lower", "1.0", "`.clip(lower=...)`"),
        RemovedApi("clip_upper", "1.0", "`.clip(upper=...)`"),
        RemovedApi("is_copy", "1.0", "nothing: remove it"),
        RemovedApi("append", "2.0", "`pd.concat([df, other])`", shared_name=True),
        RemovedApi("iteritems", "2.0", "`.items()`", shared_name=True),
        RemovedApi("lookup", "2.0", "`.melt(...)` and `.loc`, or `.to_numpy()[rows, cols]`"),
        RemovedApi("mad", "2.0", "`(df - df.mean()).abs().mean()`"),
        RemovedApi("applymap", "3.0", "`.map(...)`"),
        RemovedApi("swapaxes", "3.0", "`.transpose()`"),
        RemovedApi("pad", "3.0", "`.ffill()`"),
        RemovedApi("backfill", "3.0", "`.bfill()`"),
        RemovedApi("bool", "3.0", "`.item()`", shared_name=True),
    )
}

#: Top-level ``pandas.<name>`` functions, classes and modules.
REMOVED_FUNCTIONS: dict[str, RemovedApi] = {
    api.name: api
    for api in (
        *(
            RemovedApi(f"rolling_{op}", "0.23", f"`.rolling(window).{op}()`")
            for op in (
                "mean",
                "sum",
                "std",
                "var",
                "median",
                "min",
                "max",
                "count",
                "apply",
                "corr",
                "cov",
                "skew",
                "kurt",
                "quantile",
            )
        ),
        *(
            RemovedApi(f"expanding_{op}", "0.23", f"`.expanding().{op}()`")
            for op in ("mean", "sum", "std", "var", "median", "min", "max", "count", "apply")
        ),
        RemovedApi("rolling_window", "0.23", "`.rolling(window, win_type=...)`"),
        RemovedApi("ewma", "0.23", "`.ewm(...).mean()`"),
        RemovedApi("ewmstd", "0.23", "`.ewm(...).std()`"),
        RemovedApi("ewmvar", "0.23", "`.ewm(...).var()`"),
        RemovedApi("ols", "0.20", "statsmodels (`statsmodels.api.OLS`)"),
        RemovedApi("Panel", "0.25", "a MultiIndex DataFrame"),
        RemovedApi("TimeGrouper", "1.0", "`pd.Grouper(freq=...)`"),
        RemovedApi("scatter_matrix", "1.0", "`pd.plotting.scatter_matrix`"),
        RemovedApi("datetools", "1.0", "`pd.tseries.offsets`"),
        RemovedApi("SparseDataFrame", "1.0", "a DataFrame of `pd.SparseDtype` columns"),
        RemovedApi("SparseSeries", "1.0", "a Series of `pd.SparseDtype`"),
        RemovedApi("read_msgpack", "1.0", "`pd.read_parquet` or `pd.read_pickle`"),
        RemovedApi("tools", "1.0", "`pd.merge`, `pd.plotting` and the other public names"),
        RemovedApi("np", "2.0", "`import numpy as np`"),
        RemovedApi("datetime", "2.0", "`import datetime`"),
        RemovedApi("Int64Index", "2.0", "`pd.Index(values, dtype='int64')`"),
        RemovedApi("UInt64Index", "2.0", "`pd.Index(values, dtype='uint64')`"),
        RemovedApi("Float64Index", "2.0", "`pd.Index(values, dtype='float64')`"),
        RemovedApi("value_counts", "3.0", "`pd.Series(values).value_counts()`"),
    )
}

#: ``(module, name)`` imports that moved: ``from pandas.io.json import json_normalize``.
REMOVED_IMPORTS: dict[tuple[str, str], RemovedApi] = {
    ("pandas.io.json", "json_normalize"): RemovedApi(
        "pandas.io.json.json_normalize", "2.0", "`pd.json_normalize`"
    ),
    ("pandas.tools.plotting", "scatter_matrix"): RemovedApi(
        "pandas.tools.plotting.scatter_matrix", "1.0", "`pd.plotting.scatter_matrix`"
    ),
}

#: ``(function or method name, keyword)`` arguments that were removed.
REMOVED_ARGUMENTS: dict[tuple[str, str], RemovedApi] = {
    (function, keyword): RemovedApi(f"{function}({keyword}=...)", version, replacement)
    for function, keyword, version, replacement in (
        ("read_csv", "error_bad_lines", "2.0", "`on_bad_lines='error'` or `'skip'`"),
        ("read_csv", "warn_bad_lines", "2.0", "`on_bad_lines='warn'`"),
        ("read_csv", "squeeze", "2.0", "`.squeeze('columns')` on the result"),
        ("read_csv", "date_parser", "3.0", "`date_format=...`"),
        ("read_csv", "infer_datetime_format", "3.0", "nothing: it is now the default"),
        ("read_table", "error_bad_lines", "2.0", "`on_bad_lines='error'` or `'skip'`"),
        ("read_table", "squeeze", "2.0", "`.squeeze('columns')` on the result"),
        ("to_csv", "line_terminator", "2.0", "`lineterminator=...`"),
        ("fillna", "method", "3.0", "`.ffill()` or `.bfill()`"),
    )
}

POSITIONAL_AXIS_REMOVED_IN = "2.0"
"""``df.drop(labels, 1)``: the axis became keyword-only."""


def version_tuple(version: str) -> tuple[int, ...]:
    """``"1.1.5"`` -> ``(1, 1, 5)``; trailing non-digit parts are ignored."""
    parts: list[int] = []
    for piece in version.split("."):
        digits = "".join(c for c in piece if c.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


#: What to use instead of a pandas name the cloud's older pandas lacks, by ``(class, name)``
#: (class ``pandas`` for ``pd.<name>``); the versions come from the API surfaces.
ADDED_REPLACEMENTS: dict[tuple[str, str], str] = {
    ("DataFrame", "map"): "`.applymap(...)`",
    ("Series", "case_when"): "`np.select(conditions, choices)` or chained `.mask(...)`",
    ("DataFrame", "to_numpy"): "`.values`",
    ("Series", "to_numpy"): "`.values`",
    ("Index", "to_numpy"): "`.values`",
    ("DataFrame", "explode"): "`.apply(pd.Series).stack()`",
    ("DataFrame", "convert_dtypes"): "`.astype(...)`",
    ("DataFrame", "infer_objects"): "`pd.to_numeric(...)` per column",
    ("DataFrame", "ffill"): "`.fillna(method='ffill')`",
    ("DataFrame", "bfill"): "`.fillna(method='bfill')`",
    ("pandas", "json_normalize"): "`from pandas.io.json import json_normalize`",
    ("pandas", "NA"): "`np.nan`",
}

#: Safe fixes of ``ADDED_REPLACEMENTS``: ``(class, name)`` -> the older method called with the
#: same single positional argument (``df.map(f)`` -> ``df.applymap(f)``), or, for a call without
#: arguments, the older attribute (``df.to_numpy()`` -> ``df.values``).
ADDED_RENAMES: dict[tuple[str, str], str] = {("DataFrame", "map"): "applymap"}
ADDED_ATTRIBUTES: dict[tuple[str, str], str] = {("DataFrame", "to_numpy"): "values"}

#: scikit-learn modules that were folded into others.
SKLEARN_MOVED_MODULES: dict[str, str] = {
    "sklearn.cross_validation": "sklearn.model_selection",
    "sklearn.grid_search": "sklearn.model_selection",
    "sklearn.learning_curve": "sklearn.model_selection",
    "sklearn.model_selection": "sklearn.cross_validation (and sklearn.grid_search)",
    "sklearn.impute": "sklearn.preprocessing.Imputer",
    "sklearn.compose": "pandas steps before the pipeline",
    "sklearn.lda": "sklearn.discriminant_analysis",
    "sklearn.qda": "sklearn.discriminant_analysis",
}
