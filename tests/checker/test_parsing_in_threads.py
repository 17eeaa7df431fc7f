"""The checker parses in several threads at once (the server's checks run beside each other)."""

from __future__ import annotations

import threading

from azml_lsp.checker.parsing import parse_script

SOURCE = "\n".join(
    f"def f{i}(a, b=1):\n    x = [a + b for _ in range(3)]\n    return x\n" for i in range(800)
)


class _Finalized:
    """Garbage in reference cycles with a finalizer: collecting it runs Python code, which lets
    another thread run in the middle of a parse."""

    def __del__(self) -> None:
        pass


def _parse_repeatedly(failures: list[str]) -> None:
    for _ in range(6):
        junk = [_Finalized() for _ in range(1000)]  # the last round's becomes garbage
        for item in junk:
            item.cycle = item  # type: ignore[attr-defined]
        try:
            parsed = parse_script(SOURCE)
        except Exception as exc:
            failures.append(repr(exc))
            continue
        if parsed.tree is None or len(parsed.tree.body) != 800:
            failures.append(repr(parsed.failure))


def test_parses_in_four_threads_at_once_all_succeed() -> None:
    failures: list[str] = []
    threads = [threading.Thread(target=_parse_repeatedly, args=(failures,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
