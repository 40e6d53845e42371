"""Objects that must act when this process forks: each registry holds them weakly and runs its hooks.

Several parts of hpint keep something a forked child must not use as is: database connections (the
child drops its inherited ones), locks another thread may hold at the fork (the child makes new ones),
a trial's "pruned elsewhere" marker under Lightning's ``ddp_fork``. Each keeps a :class:`ForkRegistry`;
objects register when created and are forgotten when collected, so a fork costs nothing for them after.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ForkRegistry(Generic[T]):
    """Run ``before(obj)`` in the parent before each fork and ``after_in_child(obj)`` in the child after
    it, for every registered object still alive (in no particular order)."""

    def __init__(
        self,
        *,
        before: Callable[[T], None] | None = None,
        after_in_child: Callable[[T], None] | None = None,
    ) -> None:
        self._live: weakref.WeakSet[T] = weakref.WeakSet()  # type: ignore[type-var]
        hooks: dict[str, Callable[[], None]] = {}
        if before is not None:
            hooks["before"] = lambda: self._each(before)
        if after_in_child is not None:
            hooks["after_in_child"] = lambda: self._each(after_in_child)
        if hasattr(os, "register_at_fork") and hooks:  # not on Windows, which does not fork
            os.register_at_fork(**hooks)

    def add(self, obj: T) -> None:
        self._live.add(obj)

    def __len__(self) -> int:
        return len(self._live)

    def _each(self, hook: Callable[[T], None]) -> None:
        for obj in list(self._live):
            hook(obj)
