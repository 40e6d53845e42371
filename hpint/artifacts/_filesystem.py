"""An artifact store on a local or shared file system: one file per artifact in one directory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from hpint.artifacts._atomic import atomic_copy
from hpint.artifacts.exceptions import ArtifactNotFound


class FileSystemArtifactStore:
    """Keep each artifact as the file ``base_path/<artifact_id>``.

    Writes are atomic (temporary file in ``base_path``, then rename), so a worker that dies while saving a
    checkpoint never leaves a truncated artifact, and a reader that opened the old version keeps reading
    it. Artifact ids must be plain file names: ids with a path separator, ``.``/``..`` or a NUL byte are
    rejected with ``ValueError``, so no id reaches outside ``base_path``. ``base_path`` is created on the
    first write.

    Args:
        base_path: The directory that holds the artifacts (may be on a file system shared by workers).

    Example:
        .. code-block:: python

            store = hpint.artifacts.FileSystemArtifactStore("./artifacts")

            def objective(trial):
                ...
                hpint.artifacts.upload_artifact(
                    artifact_store=store, file_path="model.pt", study_or_trial=trial
                )
                return loss
    """

    def __init__(self, base_path: str | Path) -> None:
        self._base_path = Path(base_path)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Open the artifact for reading; raises :class:`ArtifactNotFound` when it does not exist."""
        path = self._path(artifact_id)
        try:
            return open(path, "rb")
        except FileNotFoundError:
            raise ArtifactNotFound(f"No artifact {artifact_id!r} in {self._base_path}.") from None

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store ``content_body`` as the artifact, atomically replacing any previous content."""
        path = self._path(artifact_id)
        os.makedirs(self._base_path, exist_ok=True)
        atomic_copy(content_body, str(path))

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact; raises :class:`ArtifactNotFound` when it does not exist."""
        path = self._path(artifact_id)
        try:
            os.remove(path)
        except FileNotFoundError:
            raise ArtifactNotFound(f"No artifact {artifact_id!r} in {self._base_path}.") from None

    def _path(self, artifact_id: str) -> Path:
        check_artifact_id(artifact_id)
        return self._base_path / artifact_id

    def __repr__(self) -> str:
        return f"FileSystemArtifactStore(base_path={str(self._base_path)!r})"


def check_artifact_id(artifact_id: str) -> None:
    """Refuse ids that are not one plain file name, so none can name a file outside the store."""
    if not isinstance(artifact_id, str):
        raise TypeError(f"An artifact id is a str, not {type(artifact_id).__name__}.")
    separators = {"/", "\\", "\0", os.sep} | ({os.altsep} if os.altsep else set())
    if artifact_id in ("", ".", "..") or any(sep in artifact_id for sep in separators):
        raise ValueError(
            f"Invalid artifact id {artifact_id!r}: it must be a plain file name "
            "(not empty, not '.' or '..', without '/', '\\' or NUL)."
        )
