"""parso keeps the parse tree of every file jedi read, by path, for at least ten minutes; a closed
document's tree is dropped at once, so opening many (or large) documents does not hold memory."""

from __future__ import annotations

from pathlib import Path

_ATTEMPTS = 5


def forget_parsed(path: str) -> None:
    """Drop the parse trees of ``path`` from parso's cache.

    jedi threads may use the cache meanwhile: each grammar's table is replaced by a copy without
    the path (never changed in place under a reader); a copy that raced a writer is retried."""
    import parso.cache

    target = Path(path)
    for grammar in list(parso.cache.parser_cache):
        for _ in range(_ATTEMPTS):
            trees = parso.cache.parser_cache.get(grammar, {})
            if target not in trees:
                break
            try:
                kept = {key: tree for key, tree in trees.items() if key != target}
            except RuntimeError:  # a jedi thread added a tree while this copied: again
                continue
            parso.cache.parser_cache[grammar] = kept
            break
