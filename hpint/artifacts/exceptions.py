"""Errors raised by artifact stores."""

from __future__ import annotations

from hpint.exceptions import HpintError

__all__ = ["ArtifactNotFound"]


class ArtifactNotFound(HpintError):
    """The artifact store holds no artifact with the requested id.

    Every store raises this (not ``FileNotFoundError`` or a cloud SDK's error), so code that handles a
    missing artifact works with any backend; :class:`~hpint.artifacts.Backoff` does not retry it.
    """
