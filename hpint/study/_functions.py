"""Module-level study functions: create, load, delete, copy and list studies in a storage."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hpint import logging as _logging
from hpint._direction import StudyDirection, parse_direction
from hpint.exceptions import DuplicatedStudyError
from hpint.storages._base import BaseStorage
from hpint.study._study import Study
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    from hpint.pruners._base import BasePruner
    from hpint.samplers._base import BaseSampler

_logger = _logging.get_logger("hpint.study")


def _directions(direction: Any, directions: Sequence[Any] | None) -> list[StudyDirection]:
    if direction is not None and directions is not None:
        raise ValueError("Specify only one of `direction` and `directions`.")
    if directions is None:
        return [parse_direction(direction or "minimize")]
    if isinstance(directions, (str, StudyDirection)) or not isinstance(directions, Sequence):
        raise ValueError(f"`directions` must be a list such as ['minimize', 'maximize'], not {directions!r}.")
    if len(directions) == 0:
        raise ValueError("`directions` must name at least one direction.")
    return [parse_direction(d, "directions") for d in directions]


def create_study(
    *,
    storage: str | BaseStorage | None = None,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
    study_name: str | None = None,
    direction: str | StudyDirection | None = None,
    load_if_exists: bool = False,
    directions: Sequence[str | StudyDirection] | None = None,
) -> Study:
    """Create a study (in memory by default, or in ``storage``, e.g. ``"sqlite:///study.db"``).

    Args:
        storage: a storage object or a database URL; None keeps the study in this process's memory.
        sampler: how parameters are chosen (default: the package default sampler).
        pruner: when trials stop early (default: :class:`~hpint.pruners.MedianPruner`).
        study_name: a name to find the study again; generated if None.
        direction: "minimize" (default) or "maximize".
        load_if_exists: resume the stored study of that name instead of raising.
        directions: one direction per objective, for multi-objective studies.

    Raises:
        DuplicatedStudyError: the name is taken and ``load_if_exists`` is False.
        ValueError: a bad direction, or ``load_if_exists`` found a study with other directions.
    """
    from hpint.storages import get_storage

    study_directions = _directions(direction, directions)
    storage_obj = get_storage(storage)
    try:
        study_id = storage_obj.create_new_study(study_directions, study_name)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        assert study_name is not None
        stored = storage_obj.get_study_directions(storage_obj.get_study_id_from_name(study_name))
        if stored != study_directions:
            raise ValueError(
                f"Study {study_name!r} exists with directions {[d.name.lower() for d in stored]}, "
                f"not {[d.name.lower() for d in study_directions]}."
            ) from None
        _logger.info(f"Using an existing study with name '{study_name}' instead of creating a new one.")
        return Study(study_name, storage_obj, sampler, pruner)
    name = storage_obj.get_study_name_from_id(study_id)
    kind = type(storage_obj).__name__
    where = {"InMemoryStorage": "in memory", "JournalStorage": "in Journal"}.get(kind, "in RDB")
    _logger.info(f"A new study created {where} with name: {name}")
    return Study(name, storage_obj, sampler, pruner)


def load_study(
    *,
    study_name: str | None,
    storage: str | BaseStorage,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
) -> Study:
    """Load a stored study by name (None: the storage's only study).

    Raises:
        StudyNotFoundError: no study has that name (a ``KeyError``).
        ValueError: ``study_name`` is None and the storage has zero or several studies.
    """
    from hpint.storages import get_storage

    storage_obj = get_storage(storage)
    if study_name is None:
        names = [s.study_name for s in storage_obj.get_all_studies()]
        if len(names) != 1:
            raise ValueError(
                f"`study_name` is required: the storage holds {len(names)} studies ({names[:10]})."
            )
        study_name = names[0]
    return Study(study_name, storage_obj, sampler, pruner)


def delete_study(*, study_name: str, storage: str | BaseStorage) -> None:
    """Delete a stored study and its trials. Raises ``StudyNotFoundError`` if there is none."""
    from hpint.storages import get_storage

    storage_obj = get_storage(storage)
    storage_obj.delete_study(storage_obj.get_study_id_from_name(study_name))


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | BaseStorage,
    to_storage: str | BaseStorage,
    to_study_name: str | None = None,
) -> None:
    """Copy a study with its attributes and finished trials to another storage (or name).

    RUNNING and WAITING trials are not copied. Raises ``DuplicatedStudyError`` if the target name exists.
    """
    source = load_study(study_name=from_study_name, storage=from_storage)
    target = create_study(
        study_name=to_study_name or from_study_name,
        storage=to_storage,
        directions=source.directions,
    )
    for key, value in source.system_attrs.items():
        target.set_system_attr(key, value)
    for key, value in source.user_attrs.items():
        target.set_user_attr(key, value)
    finished = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
    target.add_trials(source.get_trials(deepcopy=False, states=finished))


@dataclasses.dataclass
class StudySummary:
    """A study's headline facts, as listed by :func:`get_all_study_summaries`."""

    study_name: str
    directions: list[StudyDirection]
    best_trial: FrozenTrial | None
    user_attrs: dict[str, Any]
    system_attrs: dict[str, Any]
    n_trials: int
    datetime_start: datetime.datetime | None
    study_id: int

    @property
    def direction(self) -> StudyDirection:
        if len(self.directions) > 1:
            raise RuntimeError("This study has several objectives; use `directions`.")
        return self.directions[0]


def get_all_study_summaries(
    storage: str | BaseStorage, include_best_trial: bool = True
) -> list[StudySummary]:
    """One :class:`StudySummary` per study in the storage."""
    from hpint.storages import get_storage

    storage_obj = get_storage(storage)
    summaries = []
    for frozen in storage_obj.get_all_studies():
        trials = storage_obj.get_all_trials(frozen.study_id, deepcopy=False)
        best = None
        if include_best_trial and len(frozen.directions) == 1:
            try:
                best = storage_obj.get_best_trial(frozen.study_id)
            except ValueError:
                best = None
        starts = [t.datetime_start for t in trials if t.datetime_start is not None]
        summaries.append(
            StudySummary(
                study_name=frozen.study_name,
                directions=frozen.directions,
                best_trial=best,
                user_attrs=frozen.user_attrs,
                system_attrs=frozen.system_attrs,
                n_trials=len(trials),
                datetime_start=min(starts) if starts else None,
                study_id=frozen.study_id,
            )
        )
    return summaries


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """The names of all studies in the storage."""
    from hpint.storages import get_storage

    return [s.study_name for s in get_storage(storage).get_all_studies()]
