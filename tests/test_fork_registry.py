"""ForkRegistry: hooks run for the registered objects still alive, before the fork and in the child."""

from __future__ import annotations

import gc
import os

import pytest

from hpint._fork import ForkRegistry

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


class _Thing:
    def __init__(self, name: str) -> None:
        self.name, self.events = name, []


def test_hooks_run_for_live_objects_only() -> None:
    registry: ForkRegistry[_Thing] = ForkRegistry(
        before=lambda t: t.events.append(("before", os.getpid())),
        after_in_child=lambda t: t.events.append(("child", os.getpid())),
    )
    kept, dropped = _Thing("kept"), _Thing("dropped")
    registry.add(kept)
    registry.add(dropped)
    del dropped
    gc.collect()
    assert len(registry) == 1  # held weakly: a collected object is forgotten
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child reports what its copy of ``kept`` saw, then leaves without cleanup
        try:
            os.write(write, repr(kept.events).encode())
        finally:
            os._exit(0)
    os.close(write)
    seen_by_child = os.read(read, 4096).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert kept.events == [("before", parent)]  # the child's hook ran in the child only
    assert seen_by_child == repr([("before", parent), ("child", pid)])


def test_an_empty_registry_registers_no_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(os, "register_at_fork", lambda **hooks: calls.append(hooks))
    ForkRegistry()
    ForkRegistry(after_in_child=lambda obj: None)
    assert [sorted(c) for c in calls] == [["after_in_child"]]
