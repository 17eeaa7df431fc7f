"""Print the members of pandas' and NumPy's main classes as JSON, read by introspection.

Runs in the interpreter whose packages are described (the server's own, or a cloud twin's, on
Python 2.7 to 3.13): ``python members.py [SITE]``, SITE being a twin's package folder. For each
class: every attribute name with its kind (``function``, ``property``, ``class``, ``module``,
``instance``), its signature where one is known and its docstring.
"""

from __future__ import absolute_import, division, print_function

import inspect
import json
import site
import sys
import types
import warnings

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Dict, List, Tuple  # noqa: F401


def _kind(value):
    # type: (Any) -> str
    if isinstance(value, property):
        return "property"
    if inspect.isclass(value):
        return "class"
    if isinstance(value, types.ModuleType):
        return "module"
    if callable(value):
        return "function"
    if type(value).__name__ in ("getset_descriptor", "member_descriptor", "CachedAccessor"):
        return "property"
    return "instance"


def _signature(name, value):
    # type: (str, Any) -> str
    try:
        if hasattr(inspect, "signature"):
            text = str(inspect.signature(value))
        else:
            spec = inspect.getargspec(value)  # type: ignore[attr-defined,unused-ignore]
            text = inspect.formatargspec(*spec)  # type: ignore[attr-defined,unused-ignore]
    except Exception:
        return ""
    if text.startswith("(self, "):
        text = "(" + text[len("(self, ") :]
    elif text == "(self)":
        text = "()"
    return name + text


def _doc(value):
    # type: (Any) -> Any
    try:
        doc = inspect.getdoc(value) or ""
    except Exception:
        return ""
    if isinstance(doc, bytes) and bytes is not str:
        return doc.decode("utf-8", "replace")
    return doc


def _members(cls):
    # type: (Any) -> List[List[str]]
    found = []
    for name in dir(cls):
        try:
            value = (
                inspect.getattr_static(cls, name) if hasattr(inspect, "getattr_static") else None
            )
            if value is None or isinstance(value, (staticmethod, classmethod)):
                value = getattr(cls, name)
        except Exception:
            continue
        kind = _kind(value)
        if kind == "function":
            target = getattr(cls, name, value)
            found.append([name, kind, _signature(name, target), _doc(target)])
        elif kind == "property":
            found.append([name, kind, "", _doc(value)])
        else:
            found.append([name, kind, "", ""])
    return found


def _classes():
    # type: () -> Tuple[Dict[str, Any], Dict[str, str]]
    import numpy
    import pandas

    frame = pandas.DataFrame({"a": [1], "b": ["x"]})
    dates = pandas.Series(pandas.to_datetime(["2020-01-01"]))
    classes = {
        "DataFrame": pandas.DataFrame,
        "Series": pandas.Series,
        "Index": pandas.Index,
        "DataFrameGroupBy": type(frame.groupby("a")),
        "SeriesGroupBy": type(frame.groupby("a")["b"]),
        "Rolling": type(frame["a"].rolling(1)),
        "StringMethods": type(frame["b"].str),
        "DatetimeProperties": type(dates.dt),
        "ndarray": numpy.ndarray,
    }
    versions = {"pandas": pandas.__version__, "numpy": numpy.__version__}
    return classes, versions


def main():
    # type: () -> None
    if len(sys.argv) > 1 and sys.argv[1]:
        site.addsitedir(sys.argv[1])
    warnings.simplefilter("ignore")
    classes, versions = _classes()
    out = {
        "python": "%d.%d.%d" % sys.version_info[:3],
        "versions": versions,
        "classes": dict((name, _members(cls)) for name, cls in classes.items()),
    }
    text = json.dumps(out)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    stream = getattr(sys.stdout, "buffer", sys.stdout)  # type: Any
    stream.write(data)
    stream.flush()


if __name__ == "__main__":
    main()
