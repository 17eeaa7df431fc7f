"""Frame members checked against the deployment target's API surface.

When completions come from this machine's pandas but the script runs elsewhere (a designer or
classic target, a twin not created here), each member is looked up in the target's surface
(:mod:`azml_lsp.surfaces`): a member the target lacks is tagged deprecated with a note naming
the target's pandas, and a member the target has but this pandas lacks (``append``, ``ix``) is
still offered, with the target's signature. Lists are built once per environment, target and
class.
"""

from __future__ import annotations

import logging
from functools import cache

from lsprotocol import types

from azml_lsp import surfaces
from azml_lsp.checker.frame_flow import PandasClass
from azml_lsp.contract import Dialect
from azml_lsp.server.member_cache import Member, MemberSource

logger = logging.getLogger(__name__)
TARGET_KEY = "@"
"""The key prefix in completion data of a member read from a surface (not from an environment)."""
_SURFACE_CLASSES = {
    PandasClass.STRING_METHODS: "pandas.str",
    PandasClass.DATETIME_PROPERTIES: "pandas.dt",
    PandasClass.NDARRAY: "numpy.ndarray",
}


def surface_class(cls: PandasClass) -> str:
    return _SURFACE_CLASSES.get(cls, f"pandas.{cls.value}")


def target_of(
    source: MemberSource | None, env: str | None, dialect: Dialect, python: str | None
) -> str | None:
    """The surface of the cloud the script is written for (its dialect's, or its twin's) that
    completions from this machine's packages are checked against; None when they come from
    a twin (they are the target's own)."""
    if source is None or source.name != "local":
        return None
    try:
        return surfaces.target_name(dialect, python, env)
    except KeyError:
        return None


def note(target: str) -> str:
    """``not in pandas 0.25.3 (designer)``."""
    return f"not in {surfaces.load(target).label}"


_marked: dict[tuple[str, str, PandasClass], list[types.CompletionItem]] = {}


def marked(
    key: str, target: str, cls: PandasClass, items: list[types.CompletionItem], prefix: str
) -> list[types.CompletionItem]:
    """``items`` (the members of environment ``key``, in order) checked against ``target``: the
    ones it lacks tagged deprecated, then the public ones only it has, their data after ``prefix``
    (built once)."""
    found = _marked.get((key, target, cls))
    if found is None:
        found = _marked[(key, target, cls)] = _mark(target, cls, items, prefix)
    return found


def _mark(
    target: str, cls: PandasClass, items: list[types.CompletionItem], prefix: str
) -> list[types.CompletionItem]:
    offered = surfaces.members(target, surface_class(cls))
    if not offered:
        return list(items)
    lacking = note(target)
    found: list[types.CompletionItem] = []
    for item in items:
        if item.label in offered or item.label.startswith("_"):
            found.append(item)
            continue
        found.append(
            types.CompletionItem(
                label=item.label,
                kind=item.kind,
                tags=[types.CompletionItemTag.Deprecated],
                detail=lacking,
                label_details=types.CompletionItemLabelDetails(description=lacking),
                sort_text=f"~{item.sort_text}",
                filter_text=item.filter_text,
                insert_text=item.insert_text,
                data=item.data,
            )
        )
    here = {item.label for item in items}
    extra = sorted(n for n in offered if n not in here and not n.startswith("_"))
    data = f"{prefix}{TARGET_KEY}{target}:{cls.value}:"
    label = surfaces.load(target).label
    for index, name in enumerate(extra):
        kind = types.CompletionItemKind.Property
        if offered[name] is not None:
            kind = types.CompletionItemKind.Function
        found.append(
            types.CompletionItem(
                label=name,
                kind=kind,
                label_details=types.CompletionItemLabelDetails(description=f"in {label}"),
                sort_text=f"{len(items) + index:05d}",
                filter_text=name,
                insert_text=name,
                data=data + name,
            )
        )
    return found


def target_member(target: str, cls: PandasClass, name: str) -> Member | None:
    """A member as the target's surface describes it; None when the target lacks it."""
    offered = surfaces.members(target, surface_class(cls))
    if name not in offered:
        return None
    parameters = offered[name]
    if parameters is None:
        return Member(name, "property", "", f"In {surfaces.load(target).label}.")
    shown = [p for p in parameters if p != "self"]
    signature = f"{name}({', '.join(shown)})"
    return Member(name, "function", signature, f"In {surfaces.load(target).label}.")


@cache
def version_range(cls: PandasClass, name: str) -> str:
    """The pandas versions that have ``cls.name`` and which shipped surfaces' pandas have it:
    ``in pandas 0.18.0 to 1.1.5; gone by 3.1.1: in pandas 0.18.0 (classic-py27), ...; not in
    pandas 3.1.1 (latest)``."""
    owner = surface_class(cls)
    span = surfaces.lifetime("classes", owner, name).describe()
    has: list[str] = []
    lacks: list[str] = []
    for surface in map(surfaces.load, surfaces.names()):
        members = surface.classes.get(owner)
        if members is None:
            continue
        (has if name in members else lacks).append(surface.label)
    text = f"in {', '.join(has)}" if has else "in none of the shipped API surfaces"
    return f"{span}: {text}" + (f"; not in {', '.join(lacks)}" if lacks else "")


@cache
def pandas_name_range(name: str) -> str | None:
    """``(pandas: in pandas 0.18.0 to 3.1.1)`` for a public top-level pandas name (``pd.name``),
    None for other names."""
    if not any(name in surfaces.load(n).modules.get("pandas", {}) for n in surfaces.names()):
        return None
    return f"(pandas: {surfaces.lifetime('modules', 'pandas', name).describe()})"
