"""The table exchange format: how frames cross between the host and a twin with their dtypes.

One folder per table: ``table.json`` describes the columns, the column names and the index;
numeric, boolean, datetime and timedelta columns are ``.npy`` files (numpy's own format, read
by every numpy from 1.11 on); text and other object columns are JSON lists. Both sides use this
module: the host with its pandas, the twin with pandas 0.18 and newer, on Python 2.7 to 3.13.

Cell values in JSON: ``null``, booleans, integers, floats (``NaN`` and ``Infinity`` as Python's
json writes them) and text stand for themselves; anything else is an object with one ``$`` key
(``{"$": "bytes", "b64": ...}``, ``datetime``, ``date``, ``object``, ``table``). Under Python 2,
text that is ASCII arrives as ``str`` and other text as ``unicode``.
"""

from __future__ import absolute_import, division, print_function

import base64
import datetime
import json
import os
import sys
from collections import OrderedDict

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Callable, Dict, List, Optional  # noqa: F401

FORMAT = "azml-table"
VERSION = 1
SPEC_FILE = "table.json"

PY2 = sys.version_info[0] == 2
TEXT = type("")  # str on Python 3
UNICODE = type(b"".decode("ascii"))  # unicode on Python 2 (no u"" literal: formatters drop it)
NUMPY_KINDS = "biufcmM"
"""numpy dtype kinds stored as ``.npy``: bool, integers, floats, complex, timedelta, datetime."""


def write_table(frame, folder):
    # type: (Any, str) -> None
    """Write ``frame`` into the new folder ``folder``."""
    os.mkdir(folder)
    columns = [
        _write_series(frame.iloc[:, position], folder, "c%d" % position)
        for position in range(frame.shape[1])
    ]
    spec = OrderedDict(
        [
            ("format", FORMAT),
            ("version", VERSION),
            ("rows", int(frame.shape[0])),
            ("columns", columns),
            ("names", [encode_name(name) for name in frame.columns]),
            ("multi", frame.columns.nlevels > 1),
            ("index", _write_index(frame.index, folder)),
        ]
    )
    dump_json(spec, os.path.join(folder, SPEC_FILE))


def read_table(folder):
    # type: (str) -> Any
    """The frame stored in ``folder`` by :func:`write_table`."""
    import pandas as pd

    spec = load_json(os.path.join(folder, SPEC_FILE))
    if spec.get("format") != FORMAT or spec.get("version") != VERSION:
        raise ValueError("%s: not an azml table of version %d" % (folder, VERSION))
    rows = spec["rows"]
    columns = [_read_series(column, folder) for column in spec["columns"]]
    index = _read_index(spec["index"], folder, rows)
    if not columns:
        return pd.DataFrame(index=index)
    frame = pd.concat(columns, axis=1, ignore_index=True)
    names = [decode_name(name) for name in spec["names"]]
    if spec.get("multi"):
        frame.columns = pd.MultiIndex.from_tuples([tuple(name) for name in names])
    else:
        frame.columns = pd.Index(names, dtype=object)
    frame.index = index
    return frame


# ---------------------------------------------------------------- columns


def _write_series(series, folder, stem):
    # type: (Any, str, str) -> Dict[str, Any]
    import numpy as np

    dtype = series.dtype
    if getattr(dtype, "tz", None) is not None:
        utc = series.dt.tz_convert("UTC").dt.tz_localize(None)
        return {
            "kind": "datetimetz",
            "file": save_array(utc.values, folder, stem),
            "tz": str(dtype.tz),
        }
    if isinstance(dtype, np.dtype) and dtype.kind in NUMPY_KINDS:
        return {"kind": "array", "file": save_array(series.values, folder, stem)}
    if str(dtype) == "category":
        codes = np.asarray(series.cat.codes.values)
        return {
            "kind": "category",
            "file": save_array(codes, folder, stem),
            "categories": [encode_value(v) for v in series.cat.categories],
            "ordered": bool(series.cat.ordered),
        }
    out = {"kind": "values", "values": [encode_value(v) for v in series.tolist()]}
    if not (isinstance(dtype, np.dtype) and dtype.kind == "O"):
        out["dtype"] = str(dtype)
    return out


def _read_series(column, folder):
    # type: (Dict[str, Any], str) -> Any
    import pandas as pd

    kind = column["kind"]
    if kind == "array":
        return pd.Series(load_array(folder, column["file"]))
    if kind == "datetimetz":
        utc = pd.Series(load_array(folder, column["file"])).dt.tz_localize("UTC")
        return utc.dt.tz_convert(column["tz"])
    if kind == "category":
        categories = [decode_value(v) for v in column["categories"]]
        codes = load_array(folder, column["file"])
        categorical = pd.Categorical.from_codes(codes, pd.Index(categories), column["ordered"])
        return pd.Series(categorical)
    values = [decode_value(v) for v in column["values"]]
    dtype = column.get("dtype")
    if dtype is not None:
        try:
            return pd.Series(values, dtype=dtype)
        except (TypeError, ValueError, ImportError):
            pass  # a dtype this pandas lacks: the values still arrive, as objects
    return pd.Series(values, dtype=object)


def _write_index(index, folder):
    # type: (Any, str) -> Dict[str, Any]
    import pandas as pd

    if isinstance(index, pd.RangeIndex):
        return {
            "kind": "range",
            "start": int(_range_part(index, "start")),
            "stop": int(_range_part(index, "stop")),
            "step": int(_range_part(index, "step")),
            "name": encode_name(index.name),
        }
    levels = [
        _write_series(pd.Series(index.get_level_values(level)), folder, "i%d" % level)
        for level in range(index.nlevels)
    ]
    return {"kind": "levels", "levels": levels, "names": [encode_name(n) for n in index.names]}


def _range_part(index, part):
    # type: (Any, str) -> int
    """``RangeIndex.start`` and friends (``_start`` before pandas 0.25)."""
    value = getattr(index, part, None)
    return int(value if value is not None else getattr(index, "_" + part))


def _read_index(spec, folder, rows):
    # type: (Dict[str, Any], str, int) -> Any
    import pandas as pd

    if spec["kind"] == "range":
        return pd.RangeIndex(
            spec["start"], spec["stop"], spec["step"], name=decode_name(spec["name"])
        )
    levels = [_read_series(level, folder) for level in spec["levels"]]
    names = [decode_name(name) for name in spec["names"]]
    if len(levels) == 1:
        return pd.Index(levels[0].values, name=names[0])
    return pd.MultiIndex.from_arrays([level.values for level in levels], names=names)


# ---------------------------------------------------------------- arrays and files


def save_array(array, folder, stem):
    # type: (Any, str, str) -> str
    """Save a numeric array as ``<stem>.npy`` in ``folder``; returns the file name."""
    import numpy as np

    name = stem + ".npy"
    with open(os.path.join(folder, name), "wb") as stream:
        np.save(stream, np.ascontiguousarray(array), allow_pickle=False)
    return name


def load_array(folder, name):
    # type: (str, str) -> Any
    import numpy as np

    return np.load(os.path.join(folder, name), allow_pickle=False)


def dump_json(data, path):
    # type: (Any, str) -> None
    """Write ``data`` as ASCII JSON (NaN and Infinity as Python's json writes them)."""
    text = json.dumps(data, allow_nan=True)
    with open(path, "wb") as stream:
        stream.write(text.encode("ascii"))


def load_json(path):
    # type: (str) -> Any
    with open(path, "rb") as stream:
        return json.loads(stream.read().decode("utf-8"))


# ---------------------------------------------------------------- cells and names


def encode_name(name):
    # type: (Any) -> Any
    """A column or index name: tuples (MultiIndex) as lists, other non-JSON names as text."""
    if isinstance(name, tuple):
        return [encode_name(part) for part in name]
    if name is None or isinstance(name, (bool, int, float)):
        return name
    return encode_value(name) if isinstance(name, (bytes, UNICODE)) else text_of(name)


def decode_name(name):
    # type: (Any) -> Any
    if isinstance(name, list):
        return tuple(decode_name(part) for part in name)
    return decode_value(name)


def encode_value(value):
    # type: (Any) -> Any
    """One cell as JSON (see the module's docstring)."""
    if value is None or isinstance(value, (bool, float)):
        return value
    if isinstance(value, int) or type(value).__name__ == "long":
        return int(value)
    if isinstance(value, UNICODE):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8") if PY2 else _tagged("bytes", value)
        except UnicodeDecodeError:
            return _tagged("bytes", value)
    return _encode_other(value)


def _tagged(tag, data):
    # type: (str, bytes) -> Dict[str, Any]
    return {"$": tag, "b64": base64.b64encode(data).decode("ascii")}


def _encode_other(value):
    # type: (Any) -> Any
    module = type(value).__module__ or ""
    if module.startswith("numpy") and hasattr(value, "item"):
        if type(value).__name__.startswith("datetime64"):
            return _encode_other(_timestamp(value))
        return encode_value(value.item())
    if module.startswith("pandas") and type(value).__name__ in ("NaTType", "NAType"):
        return None
    if module.startswith("pandas") and type(value).__name__ in ("DataFrame", "Series"):
        return {"$": "table", "type": type(value).__name__}
    if isinstance(value, datetime.datetime):
        return {"$": "datetime", "iso": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$": "date", "iso": value.isoformat()}
    kind = type(value)
    return {
        "$": "object",
        "type": "%s.%s" % (kind.__module__, kind.__name__),
        "text": text_of(value),
    }


def _timestamp(value):
    # type: (Any) -> Any
    import pandas as pd

    return pd.Timestamp(value)


def text_of(value):
    # type: (Any) -> Any
    """``str(value)`` as text on both Pythons, never raising."""
    try:
        if PY2 and not isinstance(value, UNICODE):
            return bytes(value).decode("utf-8", "replace")
        return UNICODE(value)
    except Exception:  # a broken __str__ of a user object
        return UNICODE(repr(value))


#: Rebuilds a ``{"$": "object"}`` cell; the host installs one that keeps the type's name.
OBJECT_FACTORY = [lambda cell: cell["text"]]  # type: List[Callable[[Dict[str, Any]], Any]]


def decode_value(value):
    # type: (Any) -> Any
    """The Python value of one JSON cell."""
    if isinstance(value, UNICODE):
        return native_text(value)
    if not isinstance(value, dict):
        return value
    tag = value.get("$")
    if tag == "bytes":
        return base64.b64decode(value["b64"])
    if tag in ("datetime", "date"):
        return _parse_time(value["iso"], tag)
    if tag == "table":
        import pandas as pd

        return pd.DataFrame() if value["type"] == "DataFrame" else pd.Series([], dtype=object)
    return OBJECT_FACTORY[0](value)


def _parse_time(iso, tag):
    # type: (str, str) -> Any
    import pandas as pd

    stamp = pd.Timestamp(iso)
    return stamp.date() if tag == "date" else stamp


def native_text(text):
    # type: (Any) -> Any
    """Text as this Python's scripts expect it: on Python 2, ``str`` when it is ASCII."""
    if PY2 and isinstance(text, UNICODE):
        try:
            return text.encode("ascii")
        except UnicodeEncodeError:
            return text
    return text


def optional_table(folder):
    # type: (Optional[str]) -> Any
    """The frame in ``folder``, or None for an unconnected port."""
    return None if folder is None else read_table(folder)
