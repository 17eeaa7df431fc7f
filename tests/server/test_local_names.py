"""A function's local names are found from the syntax tree, exactly as Python scopes them; what
it cannot settle is left to jedi (None)."""

from __future__ import annotations

import parso

from azml_lsp.server.local_names import local_occurrences

SOURCE = """\
frame = 0


def helper(frame):
    total = frame + 1

    def reads():
        return frame

    def rebinds():
        frame = 2
        return frame

    class Holder:
        frame = 3

        def method(self):
            return frame

    return total


def declares():
    global frame
    frame = 4


def comprehends(frame):
    return [frame for frame in range(3)]
"""


def _at(marker: str, occurrence: int = 0) -> tuple[int, int]:
    """(1-based line, column) of the ``occurrence``-th ``frame`` on the line holding ``marker``."""
    for number, line in enumerate(SOURCE.splitlines(), start=1):
        if marker in line:
            column = -1
            for _ in range(occurrence + 1):
                column = line.index("frame", column + 1)
            return number, column
    raise AssertionError(marker)


def _lines(names: list[parso.python.tree.Name] | None) -> list[int] | None:
    return None if names is None else sorted(n.start_pos[0] for n in names)


def test_a_parameter_covers_its_uses_closures_and_class_methods_but_not_rebindings() -> None:
    module = parso.parse(SOURCE)
    found = local_occurrences(module, *_at("def helper(frame)"))
    lines = SOURCE.splitlines()
    # the nested reader and the method read helper's parameter (a class body is no scope for them)
    expected = [
        lines.index(text) + 1
        for text in (
            "def helper(frame):",
            "    total = frame + 1",
            "        return frame",
            "            return frame",
        )
    ]
    assert _lines(found) == expected


def test_a_rebinding_in_a_nested_function_is_its_own_name() -> None:
    module = parso.parse(SOURCE)
    found = local_occurrences(module, *_at("        frame = 2"))
    line = _at("        frame = 2")[0]
    assert _lines(found) == [line, line + 1]


def test_module_class_global_and_comprehension_names_are_left_to_jedi() -> None:
    module = parso.parse(SOURCE)
    assert local_occurrences(module, *_at("frame = 0")) is None
    assert local_occurrences(module, *_at("        frame = 3")) is None
    assert local_occurrences(module, *_at("    frame = 4")) is None
    assert local_occurrences(module, *_at("def comprehends(frame)")) is None
    assert local_occurrences(module, 1, 6) is None  # not a name
