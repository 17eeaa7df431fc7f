"""What a check leaves behind."""

from __future__ import annotations

import gc

from azml_lsp.checker import CheckConfig, check_source


def test_a_check_leaves_no_cyclic_garbage() -> None:
    """The checker frees its syntax tree when it returns, not at the next full collection."""
    source = "".join(
        f"def step_{i}(frame):\n    frame = frame.copy()\n    return frame[frame['a'] > {i}]\n\n"
        for i in range(200)
    )
    check_source(source, config=CheckConfig(use_jedi=False))
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        check_source(source, config=CheckConfig(use_jedi=False))
        gc.collect()
        left = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == 0
