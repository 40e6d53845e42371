"""The artifact-store protocol: three methods any backend provides."""

from __future__ import annotations

from typing import BinaryIO, Protocol


class ArtifactStore(Protocol):
    """Where artifact bodies live; their metadata lives in the study's storage.

    A store is any object with these three methods (no base class needed), so a user can pass their own.
    A missing id must raise :class:`hpint.artifacts.exceptions.ArtifactNotFound`.
    """

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """A readable binary stream of the artifact's content; the caller closes it."""
        ...

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store everything readable from ``content_body`` under ``artifact_id``, replacing any old one."""
        ...

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact."""
        ...
