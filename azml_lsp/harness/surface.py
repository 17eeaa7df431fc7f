"""Describe the public API of this interpreter's packages and standard library, as JSON.

Started by path by the surface generator: ``python -s .../harness/surface.py SITE OUT`` (``SITE``
is a twin's package folder, or ``-`` for the interpreter as it is). It imports pandas, numpy and
scikit-learn when they are installed, reads the members of their modules and of the classes
scripts use (found through instances, so the classes' module paths do not matter), each
callable's parameters where they can be read, the ``.. versionadded::`` notes of pandas'
docstrings, and the names of the standard library; it writes one JSON object to ``OUT``.
Runs unchanged on Python 2.7 to 3.13 with the standard library only.
"""

from __future__ import absolute_import, division, print_function

import inspect
import io
import json
import os
import pkgutil
import re
import sys
import warnings

MYPY = False
if MYPY:  # Python 2.7 has no typing module: the names exist for the type checker only
    from typing import Any, Dict, List, Optional  # noqa: F401

DEFAULT_LENGTH = 40
"""Longer default values are cut: they are shown, never compared."""
STDLIB_MODULES = (
    "builtins", "string", "os", "os.path", "sys", "itertools", "collections", "functools",
    "io", "pickle", "math", "time", "datetime", "re", "json", "types", "urllib", "operator",
    "random", "csv", "subprocess", "tempfile", "shutil", "inspect", "codecs",
)  # fmt: skip
"""Modules whose members are listed (every standard module's name is)."""
BUILTIN_TYPES = ("dict", "str", "bytes", "list", "set", "int", "float", "object")
_ADDED = re.compile(r"\.\.\s+versionadded::\s*([0-9][0-9.]*)")
_PARAMETER = re.compile(r"^(\w+)\s*:", re.M)
_PY2 = sys.version_info[0] == 2


def public(names):
    # type: (List[str]) -> List[str]
    return sorted(n for n in names if not n.startswith("_"))


def short(value):
    # type: (Any) -> str
    try:
        text = repr(value)
    except Exception:
        text = "..."
    text = re.sub(r" at 0x[0-9a-f]+", "", text)
    return text if len(text) <= DEFAULT_LENGTH else text[: DEFAULT_LENGTH - 3] + "..."


def parameters(func):
    # type: (Any) -> Optional[List[str]]
    """``["self", "by", "axis=0", "*args", "*", "key=None", "**kwargs"]``, or None."""
    if _PY2:
        return _parameters_py2(func)
    try:
        signature = inspect.signature(func)
    except Exception:
        return None
    out = []  # type: List[str]
    kind = inspect.Parameter
    starred = False
    for param in signature.parameters.values():
        if param.kind == kind.VAR_POSITIONAL:
            out.append("*" + param.name)
            starred = True
            continue
        if param.kind == kind.VAR_KEYWORD:
            out.append("**" + param.name)
            continue
        if param.kind == kind.KEYWORD_ONLY and not starred:
            out.append("*")
            starred = True
        text = param.name
        if param.default is not param.empty:
            text += "=" + short(param.default)
        out.append(text)
        if param.kind == kind.POSITIONAL_ONLY:
            following = list(signature.parameters.values())
            index = following.index(param)
            if index + 1 == len(following) or following[index + 1].kind != kind.POSITIONAL_ONLY:
                out.append("/")
    return out


def _parameters_py2(func):
    # type: (Any) -> Optional[List[str]]
    target = getattr(func, "__func__", func)
    constructor = inspect.isclass(target)
    if constructor:
        target = getattr(target, "__init__", None)
        target = getattr(target, "__func__", target)
    try:
        spec = inspect.getargspec(target)  # type: ignore[attr-defined]
    except Exception:
        return None
    defaults = list(spec.defaults or ())
    first_default = len(spec.args) - len(defaults)
    out = []
    for index, name in enumerate(spec.args):
        if constructor and index == 0:
            continue  # self: Python 3's signature of a class leaves it out too
        if not isinstance(name, str):  # a tuple parameter
            return None
        if index >= first_default:
            out.append(name + "=" + short(defaults[index - first_default]))
        else:
            out.append(name)
    if spec.varargs:
        out.append("*" + spec.varargs)
    if spec.keywords:
        out.append("**" + spec.keywords)
    return out


def added_notes(doc):
    # type: (Optional[str]) -> Dict[str, str]
    """From a numpydoc docstring: ``{"": "2.1.0"}`` for the object, ``{"key": "1.1.0"}`` per
    parameter, where a ``.. versionadded::`` note says so."""
    if not doc:
        return {}
    notes = {}  # type: Dict[str, str]
    head = doc.split("Parameters\n", 1)[0]
    match = _ADDED.search(head)
    if match:
        notes[""] = match.group(1).rstrip(".")
    if "Parameters\n" in doc:
        section = re.split(
            r"\n\s*(Returns|See Also|Raises|Examples|Notes)\n", doc.split("Parameters\n", 1)[1]
        )[0]
        starts = [(m.start(), m.group(1)) for m in re.finditer(r"^\s{0,8}(\w+)\s*:", section, re.M)]
        for index, (start, name) in enumerate(starts):
            end = starts[index + 1][0] if index + 1 < len(starts) else len(section)
            found = _ADDED.search(section[start:end])
            if found:
                notes[name] = found.group(1).rstrip(".")
    return notes


def describe_class(cls, with_notes):
    # type: (Any, bool) -> Dict[str, Any]
    members = {}  # type: Dict[str, Any]
    added = {}  # type: Dict[str, Any]
    for name in public(dir(cls)):
        try:
            value = getattr(cls, name)
        except Exception:
            members[name] = None
            continue
        members[name] = parameters(value) if callable(value) else None
        if with_notes:
            notes = added_notes(getattr(value, "__doc__", None))
            if notes:
                added[name] = notes
    out = {"members": members}  # type: Dict[str, Any]
    if added:
        out["added"] = added
    return out


def describe_module(module, with_signatures, callables=False):
    # type: (Any, bool, bool) -> Dict[str, Any]
    """Members with the parameters of their functions (of every callable, classes' constructors
    included, when ``callables``: numpy's dispatchers, scikit-learn's estimators)."""
    names = public(dir(module))
    if not with_signatures:
        return {"members": dict((n, None) for n in names)}
    members = {}  # type: Dict[str, Any]
    for name in names:
        value = getattr(module, name, None)
        readable = callable(value) if callables else inspect.isfunction(value)
        members[name] = parameters(value) if readable else None
    return {"members": members}


def pandas_classes(pd):
    # type: (Any) -> Dict[str, Any]
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-02"]))
    return {
        "DataFrame": pd.DataFrame,
        "Series": pd.Series,
        "Index": pd.Index,
        "DataFrameGroupBy": type(frame.groupby("a")),
        "SeriesGroupBy": type(frame.groupby("a")["b"]),
        "Rolling": type(frame.rolling(2)),
        "str": type(frame["b"].str),
        "dt": type(dates.dt),
    }


def optional(name):
    # type: (str) -> Any
    """The module ``name``, or None when it is not installed."""
    try:
        return __import__(name)
    except ImportError:
        return None


def packages(out):
    # type: (Dict[str, Any]) -> None
    versions = out["packages"]
    pd = optional("pandas")
    if pd is not None:
        versions["pandas"] = pd.__version__
        out["modules"]["pandas"] = describe_module(pd, True)
        for name, cls in sorted(pandas_classes(pd).items()):
            out["classes"]["pandas." + name] = describe_class(cls, True)
    np = optional("numpy")
    if np is not None:
        versions["numpy"] = np.__version__
        out["modules"]["numpy"] = describe_module(np, True, callables=True)
        out["classes"]["numpy.ndarray"] = describe_class(np.ndarray, False)
    sklearn = optional("sklearn")
    if sklearn is not None:
        versions["scikit-learn"] = sklearn.__version__
        out["modules"]["sklearn"] = describe_module(sklearn, False)
        for _, name, _ in pkgutil.iter_modules(sklearn.__path__):
            if name.startswith("_") or name in ("setup", "tests"):
                continue
            try:
                module = __import__("sklearn." + name, fromlist=["_"])
            except Exception:
                continue
            out["modules"]["sklearn." + name] = describe_module(module, True, callables=True)


def stdlib(out):
    # type: (Dict[str, Any]) -> None
    folder = os.path.dirname(os.__file__)
    places = [folder, os.path.join(folder, "lib-dynload")]
    names = set(sys.builtin_module_names)
    for _, name, _ in pkgutil.iter_modules(places):
        names.add(name)
    out["stdlib"] = sorted(n for n in names if not n.startswith("_") and n != "this")
    builtins_name = "__builtin__" if _PY2 else "builtins"
    for name in STDLIB_MODULES:
        try:
            module = __import__(builtins_name if name == "builtins" else name, fromlist=["_"])
        except ImportError:
            continue
        out["modules"][name] = describe_module(module, False)
    module = __import__(builtins_name)
    for name in BUILTIN_TYPES:
        cls = getattr(module, name, None)
        if cls is not None:
            out["classes"]["builtins." + name] = {
                "members": dict((n, None) for n in public(dir(cls)))
            }


def describe():
    # type: () -> Dict[str, Any]
    out = {
        "python": "%d.%d.%d" % tuple(sys.version_info[:3]),
        "packages": {},
        "modules": {},
        "classes": {},
    }  # type: Dict[str, Any]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        packages(out)
        stdlib(out)
    return out


def main(argv):
    # type: (List[str]) -> int
    twin_site, target = argv[0], argv[1]
    sys.dont_write_bytecode = True
    if twin_site != "-":
        sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        from azml_lsp.harness.__main__ import isolate

        isolate(twin_site)
        sys.path.pop(0)
    text = json.dumps(describe(), sort_keys=True)
    with io.open(target, "w", encoding="utf-8") as stream:
        stream.write(text if not _PY2 else text.decode("utf-8"))  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
