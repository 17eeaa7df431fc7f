"""Completion, resolve, hover and signature help on pandas members, from the member cache.

Each function takes a :class:`ScriptView` and answers None when the cursor is not on a member
of a known class (or the environment cannot be described): the caller then asks jedi.
"""

from __future__ import annotations

from lsprotocol import types

from azml_lsp.checker.frame_flow import PandasClass
from azml_lsp.server import frame_sites, target_members
from azml_lsp.server.jedi_features import ScriptView, code_block, plain_item
from azml_lsp.server.member_cache import Member, MemberCache, MemberSource

DATA_PREFIX = "member:"
"""Completion data of a cached member: this prefix, the environment's key, class and name."""


def completion(
    cache: MemberCache, view: ScriptView, position: types.Position
) -> list[types.CompletionItem] | None:
    """The members of the class before the cursor's ``.`` that the typed prefix keeps."""
    if view.members is None:
        return None
    line, column = view.mapper.to_code_points(position)
    site = frame_sites.completion_site(view.text, line, column)
    if site is None:
        return None
    members = cache.members(view.members, site.cls)
    if members is None:
        return None
    wanted = site.name.lower()
    items = _items(view.members.key, site.cls, members)
    if view.target is not None:
        items = target_members.marked(view.members.key, view.target, site.cls, items, DATA_PREFIX)
    return [item for item in items if item.label.lower().startswith(wanted)]


_all_items: dict[tuple[str, PandasClass], list[types.CompletionItem]] = {}


def _items(key: str, cls: PandasClass, members: list[Member]) -> list[types.CompletionItem]:
    """The completion items of every member of a class, built once per environment (the
    typed prefix only filters them; their sort order stays that of the whole list)."""
    found = _all_items.get((key, cls))
    if found is None:
        data = f"{DATA_PREFIX}{key}:{cls.value}:"
        found = [plain_item(m.name, m.type, i, data + m.name) for i, m in enumerate(members)]
        _all_items[(key, cls)] = found
    return found


def resolve(
    cache: MemberCache, sources: dict[str, MemberSource], item: types.CompletionItem
) -> types.CompletionItem | None:
    """Fill in a cached member's signature and docs; None when ``item`` is not one."""
    data = str(item.data) if item.data is not None else ""
    if not data.startswith(DATA_PREFIX):
        return None
    key, cls, name = data.removeprefix(DATA_PREFIX).split(":", 2)
    if key.startswith(target_members.TARGET_KEY):
        target = key.removeprefix(target_members.TARGET_KEY)
        member = target_members.target_member(target, PandasClass(cls), name)
    else:
        source = sources.get(key)
        member = cache.member(source, PandasClass(cls), name) if source is not None else None
    if member is None:
        return item
    lacking = item.label_details.description if item.label_details else None
    item.detail = member.signature or f"{member.type} {name}"
    if lacking and lacking.startswith("not in"):
        item.detail = f"{lacking}: {item.detail}"
    if member.doc:
        item.documentation = types.MarkupContent(
            types.MarkupKind.Markdown, code_block(member.doc, "text")
        )
    return item


def is_member_data(item: types.CompletionItem) -> bool:
    return str(item.data or "").startswith(DATA_PREFIX)


def hover(cache: MemberCache, view: ScriptView, position: types.Position) -> types.Hover | None:
    """The signature and docs of the member under the cursor."""
    member = _member_at(cache, view, position, frame_sites.hover_site)
    if member is None:
        return None
    cls, found = member
    header = code_block(found.signature or f"{found.type} {found.name}")
    where = f"(pandas {cls.value}: {target_members.version_range(cls, found.name)})"
    if view.target is not None and not target_members.target_member(view.target, cls, found.name):
        where += f"\n\n**{target_members.note(view.target)}**, the script's target"
    parts = [f"{header}\n\n{where}", *([found.doc] if found.doc else [])]
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(parts)))


def signature_help(
    cache: MemberCache, view: ScriptView, position: types.Position
) -> types.SignatureHelp | None:
    """The signature of the member being called at the cursor."""
    if view.members is None:
        return None
    line, column = view.mapper.to_code_points(position)
    site = frame_sites.call_site(view.text, line, column)
    if site is None:
        return None
    found = _member(cache, view, site)
    if found is None or not found.signature:
        return None
    parameters = [types.ParameterInformation(label=p) for p in split_parameters(found.signature)]
    active = min(site.active_parameter, max(len(parameters) - 1, 0))
    documentation = (
        types.MarkupContent(types.MarkupKind.PlainText, found.doc) if found.doc else None
    )
    information = types.SignatureInformation(found.signature, documentation, parameters, active)
    return types.SignatureHelp([information], active_signature=0, active_parameter=active)


def _member_at(
    cache: MemberCache,
    view: ScriptView,
    position: types.Position,
    locate: frame_sites.Locator,
) -> tuple[PandasClass, Member] | None:
    if view.members is None:
        return None
    line, column = view.mapper.to_code_points(position)
    site = locate(view.text, line, column)
    if site is None:
        return None
    found = _member(cache, view, site)
    return (site.cls, found) if found is not None else None


def _member(cache: MemberCache, view: ScriptView, site: frame_sites.MemberSite) -> Member | None:
    """The member from the environment, else (when the target has it) from the target."""
    assert view.members is not None
    found = cache.member(view.members, site.cls, site.name)
    if found is None and view.target is not None:
        found = target_members.target_member(view.target, site.cls, site.name)
    return found


def split_parameters(signature: str) -> list[str]:
    """The parameters of ``name(a, b=(1, 2), *, c) -> T``: ``["a", "b=(1, 2)", "*", "c"]``."""
    start = signature.find("(")
    if start < 0:
        return []
    depth, current, found, quote = 0, "", [], ""
    for char in signature[start + 1 :]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                break
            depth -= 1
        if char == "," and depth == 0 and not quote:
            found.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        found.append(current.strip())
    return found
