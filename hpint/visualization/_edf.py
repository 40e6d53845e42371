"""Empirical distribution function of the objective values: the share of trials at or below each value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpint.visualization._common import (
    Target,
    as_study_list,
    check_target,
    complete_trials,
    finite_values,
    new_axes,
    target_or_value,
    warn_empty,
)

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from hpint.study import Study


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot, per study, the fraction of complete trials whose value is at most ``x``, as a step curve.

    Each curve rises from 0 at the smallest value of all studies to 1 at the largest, so studies (or
    samplers) can be compared: the curve further towards the good side found good values more often.

    Args:
        study: a study, or a list of studies (one curve each, labelled by study name).
        target: a function of a trial giving the value to plot; required for several objectives.
        target_name: the x-axis label.

    Returns:
        The matplotlib Axes.
    """
    studies = as_study_list(study)
    for s in studies:
        check_target(s, target)
    ax = new_axes("Empirical Distribution Function")
    ax.set_xlabel(target_name)
    ax.set_ylabel("Cumulative Probability")
    samples = [finite_values(complete_trials(s), target_or_value(target))[1] for s in studies]
    if not any(len(v) for v in samples):
        warn_empty("plot_edf")
        return ax
    lo = min(float(v.min()) for v in samples if len(v))
    hi = max(float(v.max()) for v in samples if len(v))
    for s, values in zip(studies, samples):
        if len(values):
            xs, ys = edf_steps(values, lo, hi)
            ax.plot(xs, ys, drawstyle="steps-post", label=s.study_name)
    ax.set_ylim(0, 1.05)
    ax.legend()
    return ax


def edf_steps(values: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Step-curve points (for ``drawstyle="steps-post"``) of the EDF of ``values`` over ``[lo, hi]``."""
    import numpy as np

    ordered = np.sort(values)
    xs = np.concatenate([[lo], ordered, [hi]])
    ys = np.concatenate([[0.0], np.arange(1, len(ordered) + 1) / len(ordered), [1.0]])
    return xs, ys
