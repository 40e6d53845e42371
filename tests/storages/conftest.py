"""Collection rules for the storage tests."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the combinations that test nothing: the bare RDBStorage variant of the conformance suite runs on
    SQLite only (it runs the same SQL as the cached variant; once is enough), so its in-memory, PostgreSQL
    and MySQL combinations are deselected rather than reported as skipped."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("storage") == "bare" and params.get("storage_url") != "sqlite":
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
