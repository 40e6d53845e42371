"""Compatibility with Optuna's old ``optuna.multi_objective`` entry point.

``hpint.multi_objective.create_study(["minimize", "minimize"])`` returns an ordinary
:class:`hpint.Study` with several directions; new code should call
``hpint.create_study(directions=[...])``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint._direction import StudyDirection
from hpint.storages._base import BaseStorage
from hpint.study._functions import create_study as _create_study
from hpint.study._study import Study

if TYPE_CHECKING:
    from hpint.samplers._base import BaseSampler

__all__ = ["create_study"]


def create_study(
    directions: Sequence[str | StudyDirection],
    study_name: str | None = None,
    storage: str | BaseStorage | None = None,
    sampler: BaseSampler | None = None,
    load_if_exists: bool = False,
) -> Study:
    """Create a multi-objective study (deprecated form; see the module docstring)."""
    warnings.warn(
        "hpint.multi_objective.create_study is deprecated; use hpint.create_study(directions=[...]).",
        FutureWarning,
        stacklevel=2,
    )
    return _create_study(
        directions=directions,
        study_name=study_name,
        storage=storage,
        sampler=sampler,
        load_if_exists=load_if_exists,
    )
