"""Collection rules and shared fixtures for the storage tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def sql_url(storage_url: str | None) -> str:
    """``storage_url`` for tests of SQL storages only (the in-memory combination is skipped)."""
    if storage_url is None:
        pytest.skip("a SQL storage only")
    return storage_url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the combinations that test nothing: the bare RDBStorage variant of the conformance suite runs on
    SQLite only (it runs the same SQL as the cached variant; once is enough), so its in-memory, PostgreSQL
    and MySQL combinations are deselected rather than reported as skipped. The journal variants ignore the
    database URL: they keep the in-memory combination only. The gRPC proxy runs in front of in-memory
    storage and SQLite (what it serves is any storage; the servers' SQL is checked by the other variants)."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        variant, url = params.get("storage"), params.get("storage_url")
        if (
            (variant == "bare" and url != "sqlite")
            or (variant == "proxy" and url not in ("inmemory", "sqlite"))
            or (isinstance(variant, str) and variant.startswith("journal") and url != "inmemory")
        ):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
