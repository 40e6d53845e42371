"""Which trials and parameters an importance is computed on, and their encoding as a numeric matrix.

The encoding is the space the trees split and fANOVA integrates over: log-scaled parameters in log
space, so that a decade of learning rate weighs the same everywhere; discrete parameters widened by half
a step on each side, so that every allowed value owns an equal share of the range; categorical
parameters as choice indices, split on subsets by the trees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hpint.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from hpint.trial._frozen import FrozenTrial
from hpint.trial._state import TrialState

if TYPE_CHECKING:
    import numpy as np

    from hpint.study._study import Study


@dataclass(frozen=True)
class EncodedTrials:
    """Trials as rows of ``x`` (one column per parameter), their targets ``y`` and the space's bounds."""

    params: list[str]
    x: np.ndarray
    y: np.ndarray
    bounds: np.ndarray
    n_categories: np.ndarray


def target_function(study: Study, target: Callable[[FrozenTrial], float] | None) -> Callable[..., float]:
    """``target``, or the objective value; a multi-objective study has no default target."""
    if target is not None:
        return target
    if len(study.directions) > 1:
        raise ValueError(
            "This study has several objectives, so it has no single value to explain: pass `target`, "
            "e.g. `target=lambda t: t.values[0]` for the first objective."
        )
    return lambda trial: trial.value


def select(
    study: Study, params: Sequence[str] | None
) -> tuple[list[FrozenTrial], dict[str, BaseDistribution]]:
    """The COMPLETE trials to use and the parameters to rank, with their distributions.

    Without ``params``: every parameter that all COMPLETE trials share with one same distribution.
    With ``params``: the COMPLETE trials that have all of them (so conditional parameters can be asked
    for), which must give each one a single distribution.
    """
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if params is None:
        return trials, _intersection(trials)
    params = list(params)
    if not params:
        return trials, {}
    existing = sorted({name for trial in trials for name in trial.params})
    unknown = [name for name in params if name not in existing]
    if unknown:
        raise ValueError(
            f"No completed trial has the parameter(s) {unknown}. "
            f"Parameters of the completed trials: {existing}."
        )
    trials = [t for t in trials if all(name in t.params for name in params)]
    if not trials:
        raise ValueError(f"No completed trial has all of the parameters {params} together.")
    space = _intersection(trials)
    changed = [name for name in params if name not in space]
    if changed:
        raise ValueError(f"The parameter(s) {changed} changed distribution between completed trials.")
    return trials, {name: space[name] for name in params}


def _intersection(trials: list[FrozenTrial]) -> dict[str, BaseDistribution]:
    space: dict[str, BaseDistribution] | None = None
    for trial in trials:
        if space is None:
            space = dict(trial.distributions)
        else:
            space = {k: v for k, v in space.items() if trial.distributions.get(k) == v}
    return dict(sorted((space or {}).items()))


def encode(
    trials: list[FrozenTrial], space: dict[str, BaseDistribution], target: Callable[[FrozenTrial], float]
) -> EncodedTrials:
    """Encode ``trials`` over ``space``; trials whose target is not finite (inf, nan) are left out."""
    import numpy as np

    values = [float(target(t)) for t in trials]
    kept = [t for t, v in zip(trials, values) if math.isfinite(v)]
    names = list(space)
    x = np.array([[_encode_value(space[n], t.params[n]) for n in names] for t in kept], dtype=float)
    return EncodedTrials(
        params=names,
        x=x.reshape(len(kept), len(names)),
        y=np.array([v for v in values if math.isfinite(v)], dtype=float),
        bounds=np.array([_bounds(space[n]) for n in names], dtype=float).reshape(len(names), 2),
        n_categories=np.array([_n_categories(space[n]) for n in names], dtype=np.int64),
    )


def _encode_value(distribution: BaseDistribution, value: Any) -> float:
    if isinstance(distribution, CategoricalDistribution):
        return distribution.to_internal_repr(value)
    return math.log(value) if distribution.log else float(value)


def _bounds(distribution: BaseDistribution) -> tuple[float, float]:
    """The encoded range; a discrete parameter's range reaches half a step past its extreme values."""
    if isinstance(distribution, CategoricalDistribution):
        return 0.0, float(len(distribution.choices))
    assert isinstance(distribution, (FloatDistribution, IntDistribution))
    half = 0.0 if distribution.step is None else distribution.step / 2
    if distribution.log:
        return math.log(distribution.low - half), math.log(distribution.high + half)
    return distribution.low - half, distribution.high + half


def _n_categories(distribution: BaseDistribution) -> int:
    return len(distribution.choices) if isinstance(distribution, CategoricalDistribution) else 0
