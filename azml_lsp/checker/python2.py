"""Python 2 statements that Python 3's parser rejects: find them, and rewrite them for parsing.

Supported: ``print`` and ``exec`` statements, backticks, ``<>``, ``except X, e:``,
``raise E, value``, long literals (``10L``), old octal literals (``0777``) and ``ur''`` strings.
Each rewrite keeps every character's position (same length), so the tree parsed from the rewritten
text points into the original. Other Python 2 syntax (tuple parameters, mixed tabs and spaces)
stays a syntax error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from azml_lsp.checker.lexer import Kind, Token, tokens

_OLD_OCTAL = re.compile(r"^0+[0-7]*[1-7][0-7]*$")
_STATEMENT_ENDS = {";", ":"}


@dataclass(frozen=True)
class Python2Construct:
    """One Python 2 construct at ``[start, end)`` offsets, with a Python 3 replacement if any."""

    kind: str
    start: int
    end: int
    replacement: str | None
    rewrites: tuple[tuple[int, str], ...]
    """Same-length replacements ``(offset, text)`` that make the text parse under Python 3."""


def find_python2(source: str) -> list[Python2Construct]:
    """Every supported Python 2 construct in ``source``, in order."""
    toks = [t for t in tokens(source) if t.kind is not Kind.COMMENT]
    found: list[Python2Construct] = []
    backtick: Token | None = None
    for index, token in enumerate(toks):
        if token.kind is Kind.OP:
            if token.text == "<>":
                found.append(
                    Python2Construct("<>", token.start, token.end, "!=", ((token.start, "!="),))
                )
            elif token.text == "`":
                if backtick is None:
                    backtick = token
                else:
                    found.append(_backticks(source, backtick, token))
                    backtick = None
        elif token.kind is Kind.NUMBER:
            found.extend(_number(token))
        elif token.kind is Kind.STRING and token.text[:2].lower() == "ur":
            found.append(
                Python2Construct("ur-string", token.start, token.end, None, ((token.start, " "),))
            )
        elif token.kind is Kind.NAME and _statement_start(toks, index):
            found.extend(_statement(source, toks, index))
    return found


def rewrite(source: str, constructs: Sequence[Python2Construct]) -> str:
    """``source`` with every construct's same-length rewrite applied."""
    chars = list(source)
    for construct in constructs:
        for offset, text in construct.rewrites:
            chars[offset : offset + len(text)] = text
    return "".join(chars)


def _statement_start(toks: Sequence[Token], index: int) -> bool:
    if index == 0:
        return True
    before = toks[index - 1]
    return before.kind is Kind.NEWLINE or (before.depth == 0 and before.text in _STATEMENT_ENDS)


def _statement(source: str, toks: Sequence[Token], index: int) -> Iterator[Python2Construct]:
    keyword = toks[index]
    end = _statement_end(toks, index)
    rest = toks[index + 1 : end]
    if keyword.text in ("print", "exec"):
        if _is_statement_form(rest):
            yield _print_or_exec(source, keyword, rest)
    elif keyword.text in ("except", "raise"):
        commas = [t for t in rest if t.text == "," and t.depth == keyword.depth]
        if keyword.text == "except":
            colon = next((i for i, t in enumerate(rest) if t.text == ":" and t.depth == 0), None)
            commas = [t for t in rest[:colon] if t.text == "," and t.depth == 0]
        if commas:
            yield _comma_form(source, keyword, rest, commas)


def _statement_end(toks: Sequence[Token], index: int) -> int:
    for j in range(index + 1, len(toks)):
        token = toks[j]
        if token.kind is Kind.NEWLINE or (token.depth == 0 and token.text == ";"):
            return j
    return len(toks)


def _is_statement_form(rest: Sequence[Token]) -> bool:
    if not rest:
        return True
    first = rest[0]
    if first.text in ("=", ".", ",", ")", "]", "}", ":") or first.text.endswith("="):
        return first.text in ("==",)
    if first.text == "(":
        closing = next((i for i, t in enumerate(rest) if t.text == ")" and t.depth == 1), None)
        return closing is not None and closing != len(rest) - 1
    return True


def _print_or_exec(source: str, keyword: Token, rest: Sequence[Token]) -> Python2Construct:
    end = rest[-1].end if rest else keyword.end
    body = source[keyword.end : end].strip()
    rewrites: tuple[tuple[int, str], ...] = ()
    gap = source[keyword.end : keyword.end + 1]
    if rest and gap in (" ", "\t") and not body.startswith(">>"):
        rewrites = ((keyword.end, ","),)
    if keyword.text == "exec":
        return Python2Construct("exec", keyword.start, end, _exec_call(source, rest), rewrites)
    return Python2Construct("print", keyword.start, end, _print_call(source, rest), rewrites)


def _split_top(source: str, rest: Sequence[Token], separator: str) -> list[str]:
    """The source text of ``rest`` split at top-level ``separator`` tokens."""
    if not rest:
        return []
    depth = rest[0].depth
    parts: list[str] = []
    start = rest[0].start
    for token in rest:
        if token.text == separator and token.depth == depth:
            parts.append(source[start : token.start].strip())
            start = token.end
    parts.append(source[start : rest[-1].end].strip())
    return parts


def _print_call(source: str, rest: Sequence[Token]) -> str:
    parts = _split_top(source, rest, ",")
    extra: list[str] = []
    if parts and parts[0].startswith(">>"):
        extra.append(f"file={parts.pop(0)[2:].strip()}")
    if parts and parts[-1] == "":
        parts.pop()
        extra.insert(0, 'end=" "')
    return f"print({', '.join(parts + extra)})"


def _exec_call(source: str, rest: Sequence[Token]) -> str:
    depth = rest[0].depth if rest else 0
    split = next((i for i, t in enumerate(rest) if t.text == "in" and t.depth == depth), None)
    if split is None:
        return f"exec({source[rest[0].start : rest[-1].end].strip()})" if rest else "exec()"
    code = source[rest[0].start : rest[split].start].strip()
    namespaces = _split_top(source, rest[split + 1 :], ",")
    return f"exec({', '.join([code, *namespaces])})"


def _comma_form(
    source: str, keyword: Token, rest: Sequence[Token], commas: Sequence[Token]
) -> Python2Construct:
    rewrites = tuple((c.start, "|") for c in commas)
    if keyword.text == "except":
        colon = next((t for t in rest if t.text == ":" and t.depth == 0), None)
        end = colon.start if colon is not None else rest[-1].end  # no colon: a broken line
        kind_text = source[rest[0].start : commas[0].start].strip()
        name = source[commas[0].end : end].strip()
        return Python2Construct(
            "except-comma", keyword.start, end, f"except {kind_text} as {name}", rewrites
        )
    parts = _split_top(source, rest, ",")
    replacement = f"raise {parts[0]}({parts[1]})" if len(parts) == 2 else None
    return Python2Construct("raise-comma", keyword.start, rest[-1].end, replacement, rewrites)


def _backticks(source: str, opening: Token, closing: Token) -> Python2Construct:
    inner = source[opening.end : closing.start]
    return Python2Construct(
        "backticks",
        opening.start,
        closing.end,
        f"repr({inner})",
        ((opening.start, "("), (closing.start, ")")),
    )


def _number(token: Token) -> Iterator[Python2Construct]:
    text = token.text
    lower = text.lower()
    is_long = lower.endswith("l") and (lower[:-1].isdigit() or lower.startswith("0x"))
    digits = text[:-1] if is_long else text
    rewrites = [(token.end - 1, " ")] if is_long else []
    if _OLD_OCTAL.match(digits):
        zeros = len(digits) - len(digits.lstrip("0"))
        rewrites.append((token.start, " " * zeros))
        yield Python2Construct(
            "octal", token.start, token.end, "0o" + digits.lstrip("0"), tuple(rewrites)
        )
    elif is_long:
        yield Python2Construct("long", token.start, token.end, digits, tuple(rewrites))
