"""Artifact metadata: what it is, where it is kept (system attributes), and how to list it."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging

if TYPE_CHECKING:
    from hpint.storages._base import BaseStorage
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial
    from hpint.trial._trial import Trial

_logger = _logging.get_logger(__name__)

#: System attribute key prefix; the value is the metadata as a JSON object in a string. This is the
#: layout Optuna uses, so a database written by either library lists the same artifacts in the other.
ATTR_PREFIX = "artifacts:"


@dataclasses.dataclass
class ArtifactMeta:
    """What is known about one uploaded artifact; pass ``artifact_id`` to ``download_artifact``.

    Attributes:
        artifact_id: The artifact's id in its artifact store.
        filename: The base name of the uploaded file.
        mimetype: Its MIME type (given, or guessed from the file name; ``application/octet-stream`` if
            neither).
        encoding: Its content encoding, e.g. ``gzip`` for ``*.gz`` (given, or guessed), or None.
    """

    artifact_id: str
    filename: str
    mimetype: str
    encoding: str | None


class ArtifactTarget:
    """The trial or study an artifact is attached to, resolved to a storage and an id."""

    def __init__(self, storage: BaseStorage, trial_id: int | None, study_id: int | None) -> None:
        self.storage = storage
        self.trial_id = trial_id
        self.study_id = study_id

    def system_attrs(self) -> dict[str, Any]:
        if self.trial_id is not None:
            return self.storage.get_trial_system_attrs(self.trial_id)
        assert self.study_id is not None
        return self.storage.get_study_system_attrs(self.study_id)

    def set_system_attr(self, key: str, value: Any) -> None:
        if self.trial_id is not None:
            self.storage.set_trial_system_attr(self.trial_id, key, value)
        else:
            assert self.study_id is not None
            self.storage.set_study_system_attr(self.study_id, key, value)


def resolve_target(
    study_or_trial: Trial | FrozenTrial | Study, storage: BaseStorage | str | None
) -> ArtifactTarget:
    """Find the storage and id behind a live trial, a stored trial record or a study.

    A ``FrozenTrial`` is only a record, with no link to where it is stored, so ``storage`` must name it.
    """
    from hpint.study._study import Study
    from hpint.trial._frozen import FrozenTrial
    from hpint.trial._trial import Trial

    if isinstance(study_or_trial, Trial):
        return ArtifactTarget(study_or_trial.storage, study_or_trial._trial_id, None)
    if isinstance(study_or_trial, Study):
        return ArtifactTarget(study_or_trial._storage, None, study_or_trial._study_id)
    if isinstance(study_or_trial, FrozenTrial):
        if storage is None:
            raise ValueError(
                "A FrozenTrial does not know where it is stored: pass the study's storage as "
                "`storage=` (e.g. `storage=study._storage` or the storage object the study was created with)."
            )
        from hpint.storages import get_storage

        return ArtifactTarget(get_storage(storage), study_or_trial._trial_id, None)
    raise TypeError(
        "study_or_trial must be a Trial, a FrozenTrial or a Study, not "
        f"{type(study_or_trial).__name__} (a FixedTrial has no storage to attach artifacts to)."
    )


def get_all_artifact_meta(
    study_or_trial: Trial | FrozenTrial | Study, *, storage: BaseStorage | str | None = None
) -> list[ArtifactMeta]:
    """List the artifacts uploaded to a trial or to a study, read from the storage.

    Because the metadata is in the storage, this sees uploads made by other processes too.

    Args:
        study_or_trial: A live :class:`~hpint.trial.Trial`, a :class:`~hpint.trial.FrozenTrial` (e.g.
            ``study.best_trial``) or a :class:`~hpint.study.Study`.
        storage: The storage holding the trial; required for a ``FrozenTrial`` only.

    Returns:
        One :class:`ArtifactMeta` per artifact, in the order the storage returns them.

    Raises:
        ValueError: ``study_or_trial`` is a ``FrozenTrial`` and ``storage`` is None.
    """
    target = resolve_target(study_or_trial, storage)
    metas = []
    for key, value in target.system_attrs().items():
        if key.startswith(ATTR_PREFIX):
            meta = _parse(key, value)
            if meta is not None:
                metas.append(meta)
    return metas


def encode_meta(meta: ArtifactMeta) -> tuple[str, str]:
    """The system attribute (key, value) that records ``meta``."""
    return ATTR_PREFIX + meta.artifact_id, json.dumps(dataclasses.asdict(meta))


def _parse(key: str, value: Any) -> ArtifactMeta | None:
    try:
        fields = json.loads(value) if isinstance(value, str) else value
        return ArtifactMeta(
            artifact_id=str(fields["artifact_id"]),
            filename=str(fields["filename"]),
            mimetype=str(fields["mimetype"]),
            encoding=fields.get("encoding"),
        )
    except (TypeError, ValueError, KeyError, AttributeError):
        _logger.warning(f"Ignoring system attribute {key!r}: not artifact metadata ({value!r}).")
        return None
