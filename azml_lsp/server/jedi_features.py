"""IntelliSense through jedi on the contract-aware virtual copy of a script.

Every function takes a :class:`ScriptView` (one snapshot of a document) and returns lsprotocol
types in the editor's positions. They are blocking: the server runs them off its event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import jedi
from jedi.api.classes import BaseName, Completion, Name, Signature
from jedi.api.environment import Environment
from lsprotocol import types
from parso.python import tree
from parso.tree import NodeOrLeaf

from azml_lsp.contract import Dialect, port_of_parameter
from azml_lsp.server.frame_sites import ScriptText
from azml_lsp.server.jedi_source import (
    PANDAS_ALIAS,
    VirtualSource,
    virtual_source,
)
from azml_lsp.server.local_names import local_occurrences
from azml_lsp.server.member_cache import MemberSource
from azml_lsp.server.positions import PositionMapper, split_lines
from azml_lsp.server.target_members import pandas_name_range

_ENVIRONMENT = jedi.InterpreterEnvironment()
"""By default jedi inspects compiled modules in this process: no helper process, no pipes."""
_KINDS: dict[str, types.CompletionItemKind] = {
    "module": types.CompletionItemKind.Module,
    "class": types.CompletionItemKind.Class,
    "instance": types.CompletionItemKind.Variable,
    "function": types.CompletionItemKind.Function,
    "param": types.CompletionItemKind.Variable,
    "path": types.CompletionItemKind.File,
    "keyword": types.CompletionItemKind.Keyword,
    "property": types.CompletionItemKind.Property,
    "statement": types.CompletionItemKind.Variable,
}
_SYMBOLS: dict[str, types.SymbolKind] = {
    "module": types.SymbolKind.Module,
    "class": types.SymbolKind.Class,
    "function": types.SymbolKind.Function,
    "instance": types.SymbolKind.Variable,
    "statement": types.SymbolKind.Variable,
    "param": types.SymbolKind.Variable,
    "property": types.SymbolKind.Property,
}


@dataclass(frozen=True)
class ScriptView:
    """One snapshot of a script, ready for jedi."""

    source: str
    path: str | None
    project: jedi.Project
    dialect: Dialect
    encoding: str = types.PositionEncodingKind.Utf16
    environment: Environment | None = None
    """The interpreter whose packages jedi sees; None: the one running the server."""
    folders: tuple[str, ...] = ()
    """Where the script's helper modules are (its bundle's folder, its own folder)."""
    members: MemberSource | None = None
    """The environment whose pandas members are served from the cache; None: ask jedi."""
    target: str | None = None
    """The API surface the members are checked against (None: they are the target's own)."""

    @property
    def text(self) -> ScriptText:
        """The script as the member sites read it."""
        return ScriptText(self.source, self.folders)

    @cached_property
    def virtual(self) -> VirtualSource:
        return virtual_source(self.source)

    @cached_property
    def mapper(self) -> PositionMapper:
        return PositionMapper.of(self.source, self.encoding)

    @cached_property
    def script(self) -> jedi.Script:
        return jedi.Script(
            self.virtual.text,
            path=self.path,
            project=self.project,
            environment=self.environment or _ENVIRONMENT,
        )

    def jedi_position(self, position: types.Position) -> tuple[int, int]:
        """The (1-based line, column) in the virtual copy of an editor position."""
        line, column = self.mapper.to_code_points(position)
        return self.virtual.to_virtual(line + 1, column)

    def in_script(self, name: BaseName) -> bool:
        return name.module_path is None or (
            self.path is not None and str(name.module_path) == str(self.path)
        )

    def range_of(self, name: BaseName) -> types.Range | None:
        """The editor range of a name's identifier, None where jedi has no position."""
        if name.line is None or name.column is None:
            return None
        if self.in_script(name):
            real = self.virtual.to_real(name.line, name.column)
            if real is None:
                return None
            line, column = real
            start = self.mapper.to_position(line - 1, column)
            end = self.mapper.to_position(line - 1, column + len(name.name))
            return types.Range(start, end)
        return _file_range(Path(str(name.module_path)), name.line, name.column, len(name.name))

    def location_of(self, name: BaseName, uri: str) -> types.Location | None:
        found = self.range_of(name)
        if found is None:
            return None
        if self.in_script(name):
            return types.Location(uri, found)
        return types.Location(Path(str(name.module_path)).as_uri(), found)


def _file_range(path: Path, line: int, column: int, length: int) -> types.Range:
    try:
        mapper = PositionMapper(split_lines(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return types.Range(
            types.Position(line - 1, column), types.Position(line - 1, column + length)
        )
    start = mapper.to_position(line - 1, column)
    return types.Range(start, mapper.to_position(line - 1, column + length))


def _visible(name: BaseName) -> bool:
    return name.name != PANDAS_ALIAS


def completions(view: ScriptView, position: types.Position) -> list[Completion]:
    """jedi's completions at a position, the virtual copy's private names left out."""
    line, column = view.jedi_position(position)
    return [c for c in view.script.complete(line, column) if _visible(c)]


def completion_item(completion: Completion, index: int, data: object) -> types.CompletionItem:
    """A cheap completion item: no signatures or docs (those come in resolve)."""
    return plain_item(completion.name, completion.type, index, data)


def plain_item(name: str, kind: str, index: int, data: object) -> types.CompletionItem:
    return types.CompletionItem(
        label=name,
        kind=_KINDS.get(kind, types.CompletionItemKind.Text),
        sort_text=f"{index:05d}",
        filter_text=name,
        insert_text=name,
        data=data,
    )


def resolve_item(item: types.CompletionItem, completion: Completion) -> types.CompletionItem:
    """Fill in the detail (signature) and documentation of a completion item."""
    signatures = completion.get_signatures()
    item.detail = signatures[0].to_string() if signatures else completion.description
    doc = completion.docstring(raw=True) or ""
    if doc:
        item.documentation = types.MarkupContent(types.MarkupKind.Markdown, code_block(doc, "text"))
    return item


def code_block(text: str, language: str = "python") -> str:
    return f"```{language}\n{text}\n```"


def hover(view: ScriptView, position: types.Position) -> types.Hover | None:
    """Type and docs of the name under the cursor; for a frame parameter, the port feeding it."""
    line, column = view.jedi_position(position)
    port = _port_hover(view, line, column)
    names = view.script.help(line, column)
    names = [n for n in names if _visible(n)]
    if not names and port is None:
        return None
    parts = []
    if port is not None:
        parts.append(port)
    elif names:
        name, signatures = _callable_first(names)
        header = signatures[0].to_string() if signatures else f"{name.type} {name.name}"
        parts.append(code_block(header))
        if (span := _pandas_range(name)) is not None:
            parts.append(span)
        doc = name.docstring(raw=True)
        if doc:
            parts.append(doc)
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(parts)))


def _pandas_range(name: Name) -> str | None:
    """The pandas versions that have a top-level pandas name (``pd.read_csv``)."""
    if not (name.module_name or "").startswith("pandas"):
        return None
    parent = name.parent()
    return pandas_name_range(name.name) if parent is not None and parent.type == "module" else None


def _callable_first(names: list[Name]) -> tuple[Name, list[Signature]]:
    """The first name that has a signature, with it (a name assigned twice, like pandas 0.25's
    ``read_csv``, gives one name per assignment in no fixed order); else the first name."""
    for name in names:
        signatures = name.get_signatures()
        if signatures:
            return name, signatures
    return names[0], []


def _port_hover(view: ScriptView, line: int, column: int) -> str | None:
    entry = view.virtual.entry
    if entry is None:
        return None
    for name in view.script.goto(line, column):
        if name.type != "param" or not view.in_script(name) or name.line is None:
            continue
        real = view.virtual.to_real(name.line, name.column or 0)
        parameter = entry.parameter_at(*real) if real else None
        if parameter is not None:
            header = code_block(f"(parameter) {parameter.name}: pandas.DataFrame")
            port = port_of_parameter(view.dialect, parameter.index)
            return f"{header}\n\nFed by {port} ({view.dialect.value} dialect)."
    return None


def signature_help(view: ScriptView, position: types.Position) -> types.SignatureHelp | None:
    line, column = view.jedi_position(position)
    signatures = view.script.get_signatures(line, column)
    if not signatures:
        return None
    infos = [_signature_information(s) for s in signatures]
    active = signatures[0].index
    return types.SignatureHelp(infos, active_signature=0, active_parameter=active)


def _signature_information(signature: Signature) -> types.SignatureInformation:
    label = signature.to_string()
    parameters = [types.ParameterInformation(label=p.to_string()) for p in signature.params]
    doc = signature.docstring(raw=True)
    documentation = types.MarkupContent(types.MarkupKind.PlainText, doc) if doc else None
    return types.SignatureInformation(label, documentation, parameters, signature.index)


def definition(view: ScriptView, position: types.Position, uri: str) -> list[types.Location]:
    line, column = view.jedi_position(position)
    names = view.script.goto(line, column, follow_imports=True, follow_builtin_imports=True)
    return _locations(view, names, uri)


def references(
    view: ScriptView, position: types.Position, uri: str, include_declaration: bool
) -> list[types.Location]:
    local = _local_names(view, position)
    if local is not None:
        kept = [n for n in local if include_declaration or not n.is_definition()]
        return [types.Location(uri, _leaf_range(view, n.start_pos, n.end_pos)) for n in kept]
    line, column = view.jedi_position(position)
    names = view.script.get_references(line, column, include_builtins=False)
    return _locations(view, [n for n in names if include_declaration or not n.is_definition()], uri)


def _local_names(view: ScriptView, position: types.Position) -> list[tree.Name] | None:
    """The occurrences of a function's local name under the cursor, from the syntax tree."""
    module = view.virtual.module
    if module is None:
        return None
    line, column = view.mapper.to_code_points(position)
    return local_occurrences(module, line + 1, column)


def _locations(view: ScriptView, names: list[Name], uri: str) -> list[types.Location]:
    found = (view.location_of(n, uri) for n in names if _visible(n))
    return [loc for loc in found if loc is not None]


def highlights(view: ScriptView, position: types.Position) -> list[types.DocumentHighlight]:
    local = _local_names(view, position)
    if local is not None:
        write, read = types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read
        return [
            types.DocumentHighlight(
                _leaf_range(view, n.start_pos, n.end_pos), write if n.is_definition() else read
            )
            for n in local
        ]
    line, column = view.jedi_position(position)
    result = []
    for name in view.script.get_references(line, column, scope="file"):
        found = view.range_of(name) if _visible(name) else None
        if found is not None:
            kind = (
                types.DocumentHighlightKind.Write
                if name.is_definition()
                else types.DocumentHighlightKind.Read
            )
            result.append(types.DocumentHighlight(found, kind))
    return result


def symbols(view: ScriptView) -> list[types.DocumentSymbol]:
    """The script's definitions, nested by class and function.

    Read from the syntax tree alone (no inference), so a long script lists in milliseconds.
    """
    module = view.virtual.module
    return _scope_symbols(view, module) if module is not None else []


_WALK_INTO = {"suite", "simple_stmt", "if_stmt", "while_stmt", "try_stmt", "decorated",
              "async_stmt", "async_funcdef", "for_stmt", "with_stmt"}  # fmt: skip
_BINDING = {"expr_stmt", "for_stmt", "with_stmt", "import_name", "import_from"}


def _scope_symbols(view: ScriptView, scope: tree.BaseNode) -> list[types.DocumentSymbol]:
    result: list[types.DocumentSymbol] = []
    seen: set[str] = set()

    def add(name: tree.Name, kind: types.SymbolKind, node: NodeOrLeaf, detail: str,
            children: list[types.DocumentSymbol] | None = None) -> None:  # fmt: skip
        if name.value in seen or name.value == PANDAS_ALIAS:
            return
        seen.add(name.value)
        selection = _leaf_range(view, name.start_pos, name.end_pos)
        full = _leaf_range(view, node.start_pos, node.get_last_leaf().end_pos)
        result.append(
            types.DocumentSymbol(
                name.value, kind, full, selection, detail, children=children or None
            )
        )

    def walk(node: tree.BaseNode) -> None:
        for child in node.children:
            if child.type == "funcdef":
                params = [
                    types.DocumentSymbol(p.name.value, types.SymbolKind.Variable,
                                         _leaf_range(view, p.start_pos, p.end_pos),
                                         _leaf_range(view, p.name.start_pos, p.name.end_pos))
                    for p in child.get_params()
                ]  # fmt: skip
                signature = f"def {child.name.value}{child.children[2].get_code().strip()}"
                add(child.name, types.SymbolKind.Function, child, signature,
                    params + _scope_symbols(view, child))  # fmt: skip
            elif child.type == "classdef":
                add(child.name, types.SymbolKind.Class, child, f"class {child.name.value}",
                    _scope_symbols(view, child))  # fmt: skip
            elif child.type in _BINDING:
                for name in child.get_defined_names():
                    add(
                        name,
                        types.SymbolKind.Variable,
                        child,
                        child.get_code().strip().split("\n")[0],
                    )
                if child.type in _WALK_INTO:
                    walk(child)
            elif child.type in _WALK_INTO:
                walk(child)

    body = scope.children[-1] if scope.type in ("funcdef", "classdef") else scope
    if isinstance(body, tree.BaseNode):
        walk(body)
    return result


def _leaf_range(view: ScriptView, start: tuple[int, int], end: tuple[int, int]) -> types.Range:
    return types.Range(
        view.mapper.to_position(start[0] - 1, start[1]), view.mapper.to_position(end[0] - 1, end[1])
    )


def rename(
    view: ScriptView, position: types.Position, uri: str, new_name: str, writable: list[Path]
) -> types.WorkspaceEdit | None:
    """Rename a name in the script and in writable files (the workspace, folder bundles)."""
    if not new_name.isidentifier():
        raise ValueError(f"{new_name!r} is not a valid Python identifier")
    local = _local_names(view, position)
    if local is not None:
        edits = [types.TextEdit(_leaf_range(view, n.start_pos, n.end_pos), new_name) for n in local]
        return types.WorkspaceEdit(changes={uri: edits})
    line, column = view.jedi_position(position)
    changes: dict[str, list[types.TextEdit]] = {}
    for name in view.script.get_references(line, column, include_builtins=False):
        if not _visible(name):
            continue
        if not view.in_script(name) and not _is_under(Path(str(name.module_path)), writable):
            continue
        location = view.location_of(name, uri)
        if location is not None:
            changes.setdefault(location.uri, []).append(types.TextEdit(location.range, new_name))
    return types.WorkspaceEdit(changes=changes) if changes else None


def _is_under(path: Path, roots: list[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)
