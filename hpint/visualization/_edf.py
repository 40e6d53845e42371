"""Data of the empirical distribution function: the share of trials at or below each value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hpint.visualization._common import (
    Target,
    as_study_list,
    check_target,
    complete_trials,
    finite_values,
    target_or_value,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np

    from hpint.study import Study

TITLE = "Empirical Distribution Function Plot"


@dataclass
class EdfCurve:
    """One study's EDF as step-curve corners (hold each ``y`` until the next ``x``: "steps-post")."""

    study_name: str
    x: np.ndarray
    y: np.ndarray


def edf_info(study: Study | Sequence[Study], target: Target | None) -> list[EdfCurve]:
    """One curve per study with a complete trial, all over the same range: the values of all studies.

    Raises:
        ValueError: several objectives and no ``target``.
    """
    studies = as_study_list(study)
    for s in studies:
        check_target(s, target)
    samples = [finite_values(complete_trials(s), target_or_value(target))[1] for s in studies]
    if not any(len(v) for v in samples):
        warn_empty("plot_edf")
        return []
    lo = min(float(v.min()) for v in samples if len(v))
    hi = max(float(v.max()) for v in samples if len(v))
    return [EdfCurve(s.study_name, *edf_steps(v, lo, hi)) for s, v in zip(studies, samples) if len(v)]


def edf_steps(values: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Step-curve points (for ``drawstyle="steps-post"``) of the EDF of ``values`` over ``[lo, hi]``."""
    import numpy as np

    ordered = np.sort(values)
    xs = np.concatenate([[lo], ordered, [hi]])
    ys = np.concatenate([[0.0], np.arange(1, len(ordered) + 1) / len(ordered), [1.0]])
    return xs, ys
