"""Any value ``azureml_main`` returns, described in a neutral form and rebuilt on the other side.

The twin describes what the script returned, without judging it: a tree of nodes whose tables
and arrays are written with :mod:`.exchange`. The host rebuilds an equivalent value with its own
pandas and applies the dialect's return rules to it, exactly as for a local run. Node types:
``None``, ``DataFrame``, ``Series``, ``ndarray``, ``tuple``, ``list``, ``dict``, ``scalar``
(a JSON cell, see :mod:`.exchange`) and ``numpy-scalar``.
"""

from __future__ import absolute_import, division, print_function

import os

from azml_lsp.harness.exchange import (
    NUMPY_KINDS,
    decode_name,
    decode_value,
    encode_name,
    encode_value,
    load_array,
    read_table,
    save_array,
    write_table,
)

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Dict, List  # noqa: F401


class _Folder(object):
    """Hands out the file and folder names of one described value."""

    def __init__(self, root):
        # type: (str) -> None
        self.root = root
        self.count = 0

    def next(self, prefix):
        # type: (str) -> str
        self.count += 1
        return "%s%d" % (prefix, self.count)


def describe(value, root):
    # type: (Any, str) -> Dict[str, Any]
    """The node for ``value``, its tables and arrays written under ``root``."""
    return _describe(value, _Folder(root))


def _describe(value, folder):
    # type: (Any, _Folder) -> Dict[str, Any]
    if value is None:
        return {"t": "None"}
    kind = type(value).__name__
    module = type(value).__module__ or ""
    if module.startswith("pandas") and kind == "DataFrame":
        return {"t": "DataFrame", "table": _table(value, folder)}
    if module.startswith("pandas") and kind == "Series":
        return {
            "t": "Series",
            "name": encode_name(value.name),
            "table": _table(value.to_frame(name=0), folder),
        }
    if module == "numpy" and kind == "ndarray":
        if value.dtype.kind in NUMPY_KINDS:
            return {"t": "ndarray", "file": save_array(value, folder.root, folder.next("a"))}
        items = [_describe(item, folder) for item in value.ravel().tolist()]
        return {"t": "ndarray", "shape": list(value.shape), "items": items}
    if isinstance(value, (tuple, list)):
        items = [_describe(item, folder) for item in value]
        return {"t": "tuple" if isinstance(value, tuple) else "list", "items": items}
    if isinstance(value, dict):
        pairs = [[_describe(k, folder), _describe(v, folder)] for k, v in value.items()]
        return {"t": "dict", "items": pairs}
    if module == "numpy" and hasattr(value, "dtype") and value.dtype.kind in NUMPY_KINDS:
        return {"t": "numpy-scalar", "file": save_array(value, folder.root, folder.next("a"))}
    return {"t": "scalar", "v": encode_value(value)}


def _table(frame, folder):
    # type: (Any, _Folder) -> str
    name = folder.next("t")
    write_table(frame, os.path.join(folder.root, name))
    return name


def rebuild(node, root):
    # type: (Dict[str, Any], str) -> Any
    """The value described by ``node`` (tables and arrays read from ``root``)."""
    kind = node["t"]
    if kind == "None":
        return None
    if kind == "DataFrame":
        return read_table(os.path.join(root, node["table"]))
    if kind == "Series":
        series = read_table(os.path.join(root, node["table"])).iloc[:, 0]
        series.name = decode_name(node["name"])
        return series
    if kind == "ndarray":
        return _array(node, root)
    if kind in ("tuple", "list"):
        items = [rebuild(item, root) for item in node["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return dict((_key(rebuild(k, root)), rebuild(v, root)) for k, v in node["items"])
    if kind == "numpy-scalar":
        return load_array(root, node["file"])[()]
    return decode_value(node["v"])


def _array(node, root):
    # type: (Dict[str, Any], str) -> Any
    import numpy as np

    if "file" in node:
        return load_array(root, node["file"])
    items = [rebuild(item, root) for item in node["items"]]  # type: List[Any]
    array = np.empty(len(items), dtype=object)
    for position, item in enumerate(items):
        array[position] = item
    return array.reshape(node["shape"])


def _key(key):
    # type: (Any) -> Any
    """A dict key rebuilt from a node: lists (from tuples in JSON) become hashable again."""
    return tuple(key) if isinstance(key, list) else key
