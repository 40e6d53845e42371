"""Upload a file as an artifact of a trial or study, and download one back."""

from __future__ import annotations

import mimetypes
import os
import uuid
from typing import TYPE_CHECKING

from hpint import logging as _logging
from hpint.artifacts._atomic import atomic_copy
from hpint.artifacts._meta import ArtifactMeta, ArtifactTarget, encode_meta, resolve_target
from hpint.artifacts._protocol import ArtifactStore

if TYPE_CHECKING:
    from hpint.storages._base import BaseStorage
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial
    from hpint.trial._trial import Trial

_logger = _logging.get_logger(__name__)


def upload_artifact(
    *,
    artifact_store: ArtifactStore,
    file_path: str,
    study_or_trial: Trial | FrozenTrial | Study,
    storage: BaseStorage | None = None,
    mimetype: str | None = None,
    encoding: str | None = None,
) -> str:
    """Store a file in ``artifact_store`` and record it on a trial or a study.

    The content goes to the artifact store under a new random id; the metadata (id, file name, MIME type,
    encoding) becomes a system attribute of the trial or study, so every process using the same storage
    can list it. The content is written first: if recording the metadata fails (e.g. the trial has
    already finished), the content is removed again and the error raised.

    Args:
        artifact_store: Where the content goes, e.g. a :class:`FileSystemArtifactStore`.
        file_path: The file to upload.
        study_or_trial: A live :class:`~hpint.trial.Trial` (inside the objective), a
            :class:`~hpint.trial.FrozenTrial` (then ``storage`` is required) or a :class:`~hpint.study.Study`.
        storage: The storage holding a ``FrozenTrial``; ignored otherwise.
        mimetype: The MIME type; guessed from the file name when None.
        encoding: The content encoding (e.g. ``gzip``); guessed from the file name when None.

    Returns:
        The new artifact's id.

    Raises:
        ValueError: ``study_or_trial`` is a ``FrozenTrial`` and ``storage`` is None.
        hpint.exceptions.UpdateFinishedTrialError: the trial has finished.
    """
    target = resolve_target(study_or_trial, storage)
    guessed_type, guessed_encoding = mimetypes.guess_type(file_path)
    meta = ArtifactMeta(
        artifact_id=str(uuid.uuid4()),
        filename=os.path.basename(file_path),
        mimetype=mimetype or guessed_type or "application/octet-stream",
        encoding=encoding or guessed_encoding,
    )
    with open(file_path, "rb") as body:
        artifact_store.write(meta.artifact_id, body)
    key, value = encode_meta(meta)
    try:
        _record(study_or_trial, target, key, value)
    except BaseException:
        _remove_quietly(artifact_store, meta.artifact_id)
        raise
    return meta.artifact_id


def download_artifact(*, artifact_store: ArtifactStore, file_path: str, artifact_id: str) -> None:
    """Save the artifact ``artifact_id`` to ``file_path``.

    The file appears complete or not at all (it is written next to ``file_path`` and then renamed).

    Raises:
        FileExistsError: ``file_path`` already exists (nothing is overwritten).
        hpint.artifacts.exceptions.ArtifactNotFound: the store has no such artifact.
    """
    if os.path.exists(file_path):
        raise FileExistsError(f"Not downloading artifact {artifact_id!r}: {file_path!r} already exists.")
    reader = artifact_store.open_reader(artifact_id)
    try:
        atomic_copy(reader, file_path)
    finally:
        reader.close()


def _record(study_or_trial: object, target: ArtifactTarget, key: str, value: str) -> None:
    from hpint.trial._trial import Trial

    if isinstance(study_or_trial, Trial):
        # Through the trial, so its own view of its system attributes includes the artifact.
        study_or_trial.set_system_attr(key, value)
    else:
        target.set_system_attr(key, value)


def _remove_quietly(artifact_store: ArtifactStore, artifact_id: str) -> None:
    try:
        artifact_store.remove(artifact_id)
    except Exception as error:  # noqa: BLE001 - the original error matters more than the clean-up
        _logger.warning(f"Could not remove orphaned artifact {artifact_id!r}: {error!r}")
