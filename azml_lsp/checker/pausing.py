"""Points where long background inference can step aside for work a user waits for.

The checker's inference and jedi's loading of library parse trees call :func:`pause_point`
between units of work. By default it does nothing; the language server installs a hook that
sleeps (letting other threads have the interpreter) while a user's request is being answered.
"""

from __future__ import annotations

from collections.abc import Callable

_hook: Callable[[], None] | None = None


def set_pause_hook(hook: Callable[[], None] | None) -> None:
    """Install ``hook`` (None: no pauses) for every later :func:`pause_point` of the process."""
    global _hook
    _hook = hook


def pause_point() -> None:
    """Let the installed hook pause the calling thread, if one is installed."""
    hook = _hook
    if hook is not None:
        hook()
