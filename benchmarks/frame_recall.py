"""Recall of frame inference on legacy-style scripts: of the receivers annotated in
``tests/fixtures/legacy_frames`` (``# expect[FORM]: RECEIVER=CLASS``), how many the checker
gives the expected class.

Run ``python benchmarks/frame_recall.py [--per-form]``. It prints, side by side: the value kinds
the checker had before the frame flow (its syntax kinds, then jedi), the frame flow alone (syntax,
no jedi), and the checker as it runs (frame flow, then jedi), overall and for the forms
inference is meant to cover (every form but ``beyond``).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from azml_lsp.checker import CheckConfig
from azml_lsp.checker.context import Context
from azml_lsp.checker.parsing import parse_script
from azml_lsp.checker.receivers import _KIND_CLASSES, receiver_class, scope_of

DATA = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "legacy_frames"
BUNDLE = DATA / "bundle"
BEYOND = "beyond"
_EXPECT = re.compile(r"#\s*expect\[([\w-]+)\]:\s*(.+)$")
_CLASSES = {
    "DataFrame": "pandas.DataFrame",
    "Series": "pandas.Series",
    "DataFrameGroupBy": "pandas.DataFrameGroupBy",
    "StringMethods": "pandas.str",
}


@dataclass(frozen=True)
class Expected:
    """One annotated receiver: file, line, its source text, form and expected class."""

    path: Path
    line: int
    receiver: str
    form: str
    cls: str


def expectations(folder: Path = DATA) -> list[Expected]:
    """Every ``# expect[FORM]: RECEIVER=CLASS`` of the scripts in ``folder``."""
    out: list[Expected] = []
    for path in sorted(folder.glob("*.py")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(text)
            if match is None:
                continue
            for pair in match.group(2).split(";"):
                receiver, _, cls = pair.strip().rpartition("=")
                out.append(Expected(path, number, receiver.strip(), match.group(1), _CLASSES[cls]))
    return out


Method = Callable[[Context, ast.expr], "str | None"]


def _before(ctx: Context, node: ast.expr) -> str | None:
    """The checker's value kinds before the frame flow: its syntax kinds, then jedi."""
    return _KIND_CLASSES.get(ctx.inference.kind(node, scope_of(ctx, node), jedi=True))


METHODS: dict[str, tuple[Method, bool]] = {
    "before (kinds, then jedi)": (_before, True),
    "frame flow alone": (receiver_class, False),
    "checker (frame flow, then jedi)": (receiver_class, True),
}


def inferred(expected: Expected, method: Method, use_jedi: bool) -> str | None:
    """What ``method`` says the annotated receiver holds (None: not known)."""
    source = expected.path.read_text(encoding="utf-8")
    config = CheckConfig(bundle=str(BUNDLE), use_jedi=use_jedi)
    ctx = Context(source, str(expected.path), config, parse_script(source).tree)
    for attribute in ctx.nodes(ast.Attribute):
        if attribute.lineno == expected.line and ctx.segment(attribute.value) == expected.receiver:
            return method(ctx, attribute.value)
    raise ValueError(f"{expected.path.name}:{expected.line}: no `{expected.receiver}.` there")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-form", action="store_true", help="a line per form")
    args = parser.parse_args(argv)
    cases = expectations()
    covered = [c for c in cases if c.form != BEYOND]
    files = len({c.path for c in cases})
    print(f"{len(cases)} receivers in {files} scripts ({len(covered)} of the covered forms)")
    print(f"{'method':<34} {'covered forms':>14} {'all':>10} {'time':>9}")
    for label, (method, use_jedi) in METHODS.items():
        start = time.perf_counter()
        hits = [inferred(c, method, use_jedi) == c.cls for c in cases]
        seconds = time.perf_counter() - start
        good = sum(h for h, c in zip(hits, cases, strict=True) if c.form != BEYOND)
        print(
            f"{label:<34} {good:>5}/{len(covered)} {good / len(covered):>6.0%} "
            f"{sum(hits):>3}/{len(cases)} {seconds:>8.2f}s"
        )
        if args.per_form:
            for case, hit in zip(cases, hits, strict=True):
                if not hit:
                    print(f"    missed {case.form}: {case.path.name}:{case.line} {case.receiver}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
